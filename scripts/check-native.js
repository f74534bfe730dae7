#!/usr/bin/env node
'use strict';
/**
 * npm run check:native — compiles every TensorRT-facing C++ source of the addon against TensorRT's headers
 * (C++17, -Wall -Wextra -Werror, -fsyntax-only: nothing is linked, so no TensorRT library is needed), plus the
 * sources of the build without TensorRT. The TensorRT sources are compiled once more against the first header set
 * with NODE_API_NO_EXTERNAL_BUFFERS_ALLOWED (Node-API without external ArrayBuffers, as where a V8 sandbox forbids
 * them: Electron) and with the test-only fault-injection points on.
 *
 * Headers: TENSORRT_INCLUDE_DIR (one folder, or several separated by ':'), else every .trt-headers/<version>/include
 * found in the repository (the official NVIDIA/TensorRT include/ folders, git-ignored). CUDA's include folder:
 * CUDA_INCLUDE_DIR, else $CUDA_HOME/include, $CUDA_PATH/include, /usr/local/cuda/include, /usr/local/cuda-* /include.
 * Exits 1 with the reason when headers are missing or a file does not compile.
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawn, spawnSync } = require('node:child_process');

const root = path.resolve(__dirname, '..');
const native = path.join(root, 'native');

function fail(message) {
  process.stderr.write(`check:native: ${message}\n`);
  process.exit(1);
}

function hasFile(dir, file) {
  return fs.existsSync(path.join(dir, file));
}

function tensorrtIncludeDirs() {
  const fromEnv = process.env.TENSORRT_INCLUDE_DIR;
  if (fromEnv) {
    const dirs = fromEnv.split(path.delimiter).filter(Boolean).map((d) => path.resolve(d));
    for (const dir of dirs) {
      for (const header of ['NvInfer.h', 'NvInferVersion.h', 'NvOnnxParser.h']) {
        if (!hasFile(dir, header)) {
          fail(
            `TENSORRT_INCLUDE_DIR=${dir} has no ${header}. Point it at TensorRT's include/ folder ` +
              '(NVIDIA/TensorRT on GitHub, include/ at a release tag, or /usr/include/x86_64-linux-gnu with libnvinfer-dev).',
          );
        }
      }
    }
    return dirs;
  }
  const store = path.join(root, '.trt-headers');
  const found = fs.existsSync(store)
    ? fs
        .readdirSync(store)
        .map((v) => path.join(store, v, 'include'))
        .filter((d) => hasFile(d, 'NvInfer.h') && hasFile(d, 'NvOnnxParser.h'))
        .sort()
    : [];
  if (found.length === 0) {
    fail(
      'no TensorRT headers to check against. Set TENSORRT_INCLUDE_DIR=/path/to/TensorRT/include (with NvInfer.h and ' +
        'NvOnnxParser.h), or extract the include/ folder of NVIDIA/TensorRT at tags v10.16 and v11.1 into ' +
        '.trt-headers/<version>/include (git-ignored).',
    );
  }
  return found;
}

function cudaIncludeDir() {
  const candidates = [];
  if (process.env.CUDA_INCLUDE_DIR) candidates.push(process.env.CUDA_INCLUDE_DIR);
  for (const v of ['CUDA_HOME', 'CUDA_PATH', 'CUDAToolkit_ROOT']) {
    if (process.env[v]) candidates.push(path.join(process.env[v], 'include'));
  }
  candidates.push('/usr/local/cuda/include');
  if (fs.existsSync('/usr/local')) {
    for (const d of fs.readdirSync('/usr/local').filter((d) => /^cuda-\d/.test(d)).sort().reverse()) {
      candidates.push(path.join('/usr/local', d, 'include'));
    }
  }
  candidates.push('/usr/include');
  const dir = candidates.find((d) => hasFile(d, 'cuda_runtime_api.h'));
  if (!dir) {
    fail(`CUDA's cuda_runtime_api.h not found (TensorRT's headers include it). Looked in: ${candidates.join(', ')}. Set CUDA_INCLUDE_DIR.`);
  }
  return dir;
}

function compiler() {
  const candidates = [process.env.CXX, 'c++', 'g++', 'clang++'].filter(Boolean);
  for (const c of candidates) {
    if (spawnSync(c, ['--version'], { stdio: 'ignore' }).status === 0) return c;
  }
  fail(`no C++ compiler found (tried ${candidates.join(', ')}); set CXX`);
  return '';
}

function sources(dir) {
  return fs
    .readdirSync(path.join(native, dir))
    .filter((f) => f.endsWith('.cc'))
    .sort()
    .map((f) => path.join(native, dir, f));
}

function writeConfigHeader() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'trt-node-check-'));
  fs.writeFileSync(
    path.join(dir, 'trt_node_build_config.h'),
    '#pragma once\n#define TRT_NODE_BUILD_SYSTEM "check-native"\n',
  );
  return dir;
}

function compile(cxx, file, flags) {
  return new Promise((resolve) => {
    const child = spawn(cxx, [...flags, file], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('close', (code) => resolve({ file, ok: code === 0, out }));
    child.on('error', (err) => resolve({ file, ok: false, out: String(err) }));
  });
}

async function runAll(jobs) {
  const results = [];
  let next = 0;
  const width = Math.max(1, Math.min(os.cpus().length, 8));
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < jobs.length) {
        const job = jobs[next++];
        results.push({ ...(await compile(job.cxx, job.file, job.flags)), label: job.label });
      }
    }),
  );
  return results;
}

async function main() {
  const trtDirs = tensorrtIncludeDirs();
  const cudaDir = cudaIncludeDir();
  const cxx = compiler();
  const configDir = writeConfigHeader();
  const napiDirs = [require('node-addon-api').include_dir, require('node-api-headers').include_dir].map((d) =>
    path.resolve(root, d),
  );
  const common = [
    '-std=c++17',
    '-Wall',
    '-Wextra',
    '-Werror',
    '-fsyntax-only',
    '-DNAPI_VERSION=8',
    '-DNAPI_CPP_EXCEPTIONS',
    '-DNODE_ADDON_API_DISABLE_DEPRECATED',
    '-DNODE_API_SWALLOW_UNTHROWABLE_EXCEPTIONS',
    `-I${configDir}`,
    ...napiDirs.map((d) => `-isystem${d}`),
  ];
  const shared = [...sources('common'), ...sources('info'), path.join(native, 'addon.cc')];
  const jobs = [];
  for (const dir of trtDirs) {
    const flags = [...common, '-DTRT_NODE_HAVE_TENSORRT=1', '-DTRT_NODE_HAVE_CUDA=1', `-isystem${dir}`, `-isystem${cudaDir}`];
    for (const file of [...shared, ...sources('trt')]) jobs.push({ cxx, file, flags, label: `TensorRT headers ${dir}` });
  }
  const sandboxed = [...common, '-DTRT_NODE_HAVE_TENSORRT=1', '-DTRT_NODE_HAVE_CUDA=1', '-DNODE_API_NO_EXTERNAL_BUFFERS_ALLOWED',
    '-DTRT_NODE_FAULT_INJECTION=1', `-isystem${trtDirs[0]}`, `-isystem${cudaDir}`];
  for (const file of [...shared, ...sources('trt')]) {
    jobs.push({ cxx, file, flags: sandboxed, label: `TensorRT headers ${trtDirs[0]}, no external buffers, fault injection` });
  }
  const noTrt = [...shared, ...sources('unavailable')];
  for (const file of noTrt) {
    jobs.push({ cxx, file, label: 'without TensorRT, with CUDA', flags: [...common, '-DTRT_NODE_HAVE_TENSORRT=0', '-DTRT_NODE_HAVE_CUDA=1', `-isystem${cudaDir}`] });
    jobs.push({ cxx, file, label: 'without TensorRT or CUDA', flags: [...common, '-DTRT_NODE_HAVE_TENSORRT=0', '-DTRT_NODE_HAVE_CUDA=0'] });
  }
  const results = await runAll(jobs);
  fs.rmSync(configDir, { recursive: true, force: true });
  const failed = results.filter((r) => !r.ok);
  const byLabel = new Map();
  for (const r of results) byLabel.set(r.label, (byLabel.get(r.label) ?? 0) + 1);
  for (const [label, count] of byLabel) {
    const bad = failed.filter((r) => r.label === label).length;
    process.stdout.write(`${bad ? 'FAIL' : 'ok  '} ${count - bad}/${count} sources  ${label}\n`);
  }
  for (const r of failed) {
    process.stderr.write(`\n--- ${path.relative(root, r.file)} (${r.label})\n${r.out}`);
  }
  process.stdout.write(`${cxx}, CUDA headers ${cudaDir}, -std=c++17 -Wall -Wextra -Werror -fsyntax-only\n`);
  if (failed.length) fail(`${failed.length} of ${results.length} compilations failed`);
}

main().catch((err) => fail(err instanceof Error ? err.stack : String(err)));
