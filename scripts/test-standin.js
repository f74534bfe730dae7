#!/usr/bin/env node
'use strict';
/**
 * npm run test:standin — runs every TensorRT suite for real, without TensorRT, through trt-node's TensorRT stand-in
 * (test/tensorrt-standin: libnvinfer, libnvonnxparser and libnvinfer_plugin with TensorRT's ABI, built from the
 * official headers, computing with onnxruntime). For each TensorRT header set it builds the stand-in and an addon
 * linked against it, then runs the TensorRT suites under several stand-in seeds with TRT_NODE_REQUIRE_TENSORRT=1
 * (a suite that cannot run fails instead of skipping). By default the CUDA runtime is the stand-in's host-memory one
 * and everything native is built with AddressSanitizer and UndefinedBehaviorSanitizer; any sanitizer report fails
 * the run. Kept out of `npm test`: CI cannot fetch the headers.
 *
 *   --headers <a,b>    TensorRT include folders, or versions found as .trt-headers/<v>/include (default: all of
 *                      TENSORRT_INCLUDE_DIR, ':'-separated, else every .trt-headers/<v>/include)
 *   --cuda host|real   host: the stand-in's CUDA runtime (no GPU needed); real: CUDA's, on a GPU (default host)
 *   --no-sanitize      plain builds (the default for --cuda real)
 *   --seeds 1,2        TRT_STANDIN_SEED values, one suite run each (default 1,2)
 *   --build-dir <dir>  where builds and logs go (default build/standin)
 *   --build-only       build, do not test;   --tests-only   test the builds already in --build-dir
 *   --files <a,b>      test files (default: the TensorRT suites below)
 * Needs: ONNXRUNTIME_INCLUDE_DIR (or .ort-headers/onnxruntime_c_api.h), CUDA's headers, cmake, a C++17 compiler.
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawnSync } = require('node:child_process');

const root = path.resolve(__dirname, '..');

const TENSORRT_SUITES = [
  'test/native/engine-gpu.test.ts',
  'test/native/tensorrt-defects.test.ts',
  'test/native/standin.test.ts',
  'test/native/standin-cli.test.ts',
  'test/native/standin-runtime.test.ts',
  'test/native/standin-strict.test.ts',
  'test/native/tensorrt-strict.test.ts',
  'test/native/standin-defects.test.ts',
  'test/native/standin-first-review.test.ts',
  'test/native/engine-cli.test.ts',
  'test/native/engine-defects.test.ts',
  'test/native/doctor.test.ts',
  'test/native/addon.test.ts',
  'test/native/plugins.test.ts',
  'test/crosscheck/tensorrt.test.ts',
  'test/crosscheck/standin-numerics.test.ts',
  'test/bench/bench.test.ts',
  'test/native/triton.test.ts',
  'test/native/engine-cache.test.ts',
  'test/native/throughput.test.ts',
  'test/crosscheck/layers-tensorrt.test.ts',
];

function parseArgs(argv) {
  const args = { cuda: 'host', sanitize: null, seeds: ['1', '2'], buildDir: path.join(root, 'build', 'standin'), files: TENSORRT_SUITES };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const next = () => {
      if (i + 1 >= argv.length) fail(`${a} needs a value`);
      return argv[++i];
    };
    if (a === '--headers') args.headers = next().split(',').filter(Boolean);
    else if (a === '--cuda') args.cuda = next();
    else if (a === '--no-sanitize') args.sanitize = false;
    else if (a === '--sanitize') args.sanitize = true;
    else if (a === '--seeds') args.seeds = next().split(',').filter(Boolean);
    else if (a === '--build-dir') args.buildDir = path.resolve(next());
    else if (a === '--build-only') args.buildOnly = true;
    else if (a === '--tests-only') args.testsOnly = true;
    else if (a === '--files') args.files = next().split(',').filter(Boolean);
    else fail(`unknown argument ${a} (see the comment at the top of scripts/test-standin.js)`);
  }
  if (!['host', 'real'].includes(args.cuda)) fail('--cuda must be host or real');
  if (args.sanitize === null) args.sanitize = args.cuda === 'host';
  return args;
}

function fail(message) {
  process.stderr.write(`test:standin: ${message}\n`);
  process.exit(1);
}

function has(dir, file) {
  return fs.existsSync(path.join(dir, file));
}

function tensorrtHeaderSets(wanted) {
  const store = path.join(root, '.trt-headers');
  const fromEnv = (process.env.TENSORRT_INCLUDE_DIR || '').split(path.delimiter).filter(Boolean);
  let dirs;
  if (wanted) dirs = wanted.map((w) => (fs.existsSync(w) ? path.resolve(w) : path.join(store, w, 'include')));
  else if (fromEnv.length) dirs = fromEnv.map((d) => path.resolve(d));
  else dirs = fs.existsSync(store) ? fs.readdirSync(store).sort().map((v) => path.join(store, v, 'include')) : [];
  return dirs.filter((d) => ['NvInfer.h', 'NvInferImpl.h', 'NvOnnxParser.h', 'NvInferPlugin.h', 'NvInferVersion.h'].every((h) => has(d, h)));
}

function headerVersion(dir) {
  const text = fs.readFileSync(path.join(dir, 'NvInferVersion.h'), 'utf8');
  const get = (what) => (new RegExp(`define TRT_${what}_ENTERPRISE +(\\d+)`).exec(text) || [])[1];
  return `${get('MAJOR')}.${get('MINOR')}`;
}

function cudaRoot() {
  const candidates = [process.env.CUDAToolkit_ROOT, process.env.CUDA_HOME, process.env.CUDA_PATH, '/usr/local/cuda'];
  if (fs.existsSync('/usr/local')) {
    candidates.push(...fs.readdirSync('/usr/local').filter((d) => /^cuda-\d/.test(d)).sort().reverse().map((d) => path.join('/usr/local', d)));
  }
  return candidates.filter(Boolean).find((r) => has(path.join(r, 'include'), 'cuda_runtime_api.h'));
}

function libasan() {
  const r = spawnSync(process.env.CXX || 'g++', ['-print-file-name=libasan.so'], { encoding: 'utf8' });
  const file = (r.stdout || '').trim();
  return file && path.isAbsolute(file) && fs.existsSync(file) ? fs.realpathSync(file) : null;
}

/** Everything missing, each with where to get it; empty when the stand-in can be built and run. */
function missing(args, headerSets) {
  const problems = [];
  if (!args.testsOnly) {
    if (headerSets.length === 0) {
      problems.push(
        'TensorRT headers: set TENSORRT_INCLUDE_DIR (folders with NvInfer.h, NvInferImpl.h, NvOnnxParser.h, NvInferPlugin.h; ' +
          "':'-separated), or extract NVIDIA/TensorRT's include/ at tags v10.16 and v11.1 into .trt-headers/<version>/include " +
          '(git archive v10.16 include | tar -x -C .trt-headers/10.16; git-ignored)',
      );
    }
    const ortInclude = process.env.ONNXRUNTIME_INCLUDE_DIR || path.join(root, '.ort-headers');
    if (!has(ortInclude, 'onnxruntime_c_api.h')) {
      problems.push(
        `onnxruntime's C header: no onnxruntime_c_api.h in ${ortInclude}. Set ONNXRUNTIME_INCLUDE_DIR, or put ` +
          "microsoft/onnxruntime's include/onnxruntime/core/session/onnxruntime_c_api.h (API version ≤ the bundled " +
          "library's) into .ort-headers/ (git-ignored)",
      );
    }
    if (!cudaRoot()) problems.push("CUDA's headers (cuda_runtime_api.h): set CUDAToolkit_ROOT to a CUDA toolkit");
    if (spawnSync('cmake', ['--version']).status !== 0) problems.push('cmake (3.18 or newer) on PATH');
  }
  if (!fs.existsSync(ortLibrary())) problems.push(`onnxruntime's library ${ortLibrary()} (npm install installs onnxruntime-node)`);
  if (args.sanitize && !libasan()) problems.push("AddressSanitizer's runtime (g++ -print-file-name=libasan.so finds none); or pass --no-sanitize");
  return problems;
}

function ortLibrary() {
  return path.join(root, 'node_modules', 'onnxruntime-node', 'bin', 'napi-v6', 'linux', os.arch() === 'arm64' ? 'arm64' : 'x64', 'libonnxruntime.so.1');
}

function run(command, argv, options = {}) {
  const shown = `${command} ${argv.join(' ')}`;
  process.stdout.write(`\n$ ${shown}\n`);
  const r = spawnSync(command, argv, { stdio: options.capture ? ['ignore', 'pipe', 'pipe'] : 'inherit', cwd: root, env: options.env || process.env, encoding: 'utf8' });
  if (options.capture && r.status !== 0) process.stdout.write(`${r.stdout}\n${r.stderr}\n`);
  if (r.status !== 0 && !options.allowFailure) fail(`failed (exit ${r.status}${r.signal ? `, ${r.signal}` : ''}): ${shown}`);
  return r;
}

function label(version, args) {
  return `${version}-${args.cuda}${args.sanitize ? '-asan' : ''}`;
}

function build(include, args) {
  const dir = path.join(args.buildDir, label(headerVersion(include), args));
  const standin = path.join(dir, 'standin');
  const cuda = cudaRoot();
  run('cmake', [
    '-S', path.join(root, 'test', 'tensorrt-standin'), '-B', standin,
    `-DTENSORRT_INCLUDE_DIR=${include}`,
    `-DONNXRUNTIME_INCLUDE_DIR=${process.env.ONNXRUNTIME_INCLUDE_DIR || path.join(root, '.ort-headers')}`,
    `-DONNXRUNTIME_LIBRARY=${ortLibrary()}`,
    `-DCUDAToolkit_ROOT=${cuda}`,
    `-DSTANDIN_CUDA=${args.cuda}`,
    `-DSTANDIN_SANITIZE=${args.sanitize ? 'ON' : 'OFF'}`,
  ], { capture: true });
  run('cmake', ['--build', standin, '-j', String(Math.max(2, os.cpus().length))], { capture: true });
  // configure, then build: `compile` configures only a new build folder, so a setting changed since (a new -D below)
  // would not reach an existing one.
  const cmakeJs = [
    path.join(root, 'node_modules', 'cmake-js', 'bin', 'cmake-js'), 'configure', '--out', path.join(dir, 'addon'),
    `--CDTENSORRT_INCLUDE_DIR=${include}`, `--CDTENSORRT_LIB_DIR=${path.join(standin, 'lib')}`,
    `--CDCUDAToolkit_ROOT=${cuda}`,
    `--CDTRT_NODE_SANITIZE=${args.sanitize ? 'ON' : 'OFF'}`,
    '--CDTRT_NODE_FAULT_INJECTION=ON',
  ];
  if (args.cuda === 'host') cmakeJs.push(`--CDTRT_NODE_CUDART_LIBRARY=${path.join(standin, 'cuda', 'libtrt_standin_cudart.so')}`);
  run(process.execPath, cmakeJs, { capture: true });
  run(process.execPath, [cmakeJs[0], 'build', '--out', path.join(dir, 'addon')], { capture: true });
  return dir;
}

/** Tests of one build under one seed: the jest summary per file, sanitizer reports. */
function test(dir, seed, args) {
  const addonFile = path.join(dir, 'addon', 'Release', 'trt_node.node');
  if (!fs.existsSync(addonFile)) fail(`${addonFile} is missing: build first (without --tests-only)`);
  const logs = path.join(dir, `seed-${seed}`);
  fs.rmSync(logs, { recursive: true, force: true });
  fs.mkdirSync(logs, { recursive: true });
  const env = {
    ...process.env,
    TRT_NODE_ADDON: addonFile,
    TRT_NODE_REQUIRE_TENSORRT: '1',
    TRT_STANDIN_SEED: seed,
    TRT_STANDIN_CUDA_QUIET: '1',
  };
  if (args.cuda === 'real') {
    // The stand-in's libraries find onnxruntime here on the machine that built them; elsewhere through this path.
    env.LD_LIBRARY_PATH = [path.dirname(ortLibrary()), process.env.LD_LIBRARY_PATH].filter(Boolean).join(':');
  }
  if (args.sanitize) {
    env.LD_PRELOAD = libasan();
    // Node and V8 keep memory until exit on purpose: leak detection would report them, not trt-node.
    env.ASAN_OPTIONS = `detect_leaks=0:halt_on_error=1:abort_on_error=1:log_path=${path.join(logs, 'asan')}`;
    env.UBSAN_OPTIONS = `print_stacktrace=1:halt_on_error=1:log_path=${path.join(logs, 'ubsan')}`;
  }
  const json = path.join(logs, 'jest.json');
  const started = Date.now();
  const r = run(process.execPath, [path.join(root, 'node_modules', 'jest', 'bin', 'jest.js'), '--json', `--outputFile=${json}`, ...args.files], {
    env,
    allowFailure: true,
  });
  const reports = fs.readdirSync(logs).filter((f) => /^(asan|ubsan)\./.test(f));
  let files = [];
  if (fs.existsSync(json)) {
    const result = JSON.parse(fs.readFileSync(json, 'utf8'));
    files = result.testResults.map((t) => ({
      file: path.relative(root, t.name),
      passed: t.assertionResults.filter((a) => a.status === 'passed').length,
      failed: t.assertionResults.filter((a) => a.status === 'failed').length + (t.status === 'failed' && t.assertionResults.length === 0 ? 1 : 0),
      skipped: t.assertionResults.filter((a) => a.status === 'pending' || a.status === 'skipped' || a.status === 'todo').length,
    }));
  }
  return { seed, exit: r.status, seconds: Math.round((Date.now() - started) / 1000), files, reports: reports.map((f) => path.join(logs, f)) };
}

function main() {
  const args = parseArgs(process.argv.slice(2));
  const headerSets = tensorrtHeaderSets(args.headers);
  const problems = missing(args, headerSets);
  if (problems.length) fail(`cannot run, missing:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  const suffix = `-${args.cuda}${args.sanitize ? '-asan' : ''}`;
  const dirs = args.testsOnly
    ? fs
        .readdirSync(args.buildDir)
        .filter((d) => d.endsWith(suffix) && (!args.headers || args.headers.some((h) => d === `${h}${suffix}`)))
        .map((d) => path.join(args.buildDir, d))
    : headerSets.map((include) => build(include, args));
  if (dirs.length === 0) fail(`no builds in ${args.buildDir}`);
  if (args.buildOnly) return;
  const summary = [];
  for (const dir of dirs) for (const seed of args.seeds) summary.push({ build: path.basename(dir), ...test(dir, seed, args) });

  let ok = true;
  process.stdout.write('\n==== test:standin summary (results of the TensorRT STAND-IN, not of TensorRT) ====\n');
  for (const s of summary) {
    const totals = s.files.reduce((t, f) => ({ passed: t.passed + f.passed, failed: t.failed + f.failed, skipped: t.skipped + f.skipped }), { passed: 0, failed: 0, skipped: 0 });
    const good = s.exit === 0 && totals.failed === 0 && totals.skipped === 0 && s.reports.length === 0 && s.files.length === args.files.length;
    ok = ok && good;
    process.stdout.write(
      `${good ? 'ok  ' : 'FAIL'} ${s.build} seed ${s.seed}: ${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped ` +
        `in ${s.files.length}/${args.files.length} files, ${s.seconds} s; sanitizer reports: ${args.sanitize ? s.reports.length : 'n/a (not sanitized)'}\n`,
    );
    for (const f of s.files) if (f.failed || f.skipped) process.stdout.write(`       ${f.file}: ${f.failed} failed, ${f.skipped} skipped\n`);
    for (const r of s.reports) process.stdout.write(`       sanitizer report: ${r}\n`);
  }
  if (!ok) fail('some runs failed (see above)');
}

main();
