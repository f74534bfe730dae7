/**
 * trt-node as a user gets it: this checkout packed by `npm pack`, installed into a scratch project in a temp folder,
 * and used from there: require, ES module named imports, a strict tsc compile against the .d.ts, the CLI
 * (`npx trt-node check` on the bundled example, bench's default outputs) and the install script (a rebuild that
 * re-configures, a failing addon build that leaves the install working).
 *
 * Offline: the scratch project's lockfile is this repository's package-lock.json (its packages that are not dev-only)
 * plus the tarball, so `npm ci --offline` installs from the npm cache that this repository's `npm install` filled,
 * with ONNXRUNTIME_NODE_INSTALL=skip as the README tells users. It is slow (pack, install, addon builds), so it is one
 * file that packs and installs once, and spends the rest where it proves something: one tsc run checks the package's
 * .d.ts (skipLibCheck off), the CLI runs through the bin link npm made (npx, which starts npm first, once). It skips,
 * printing why, when it cannot run: no npm, dist/ not built, or packages missing from the npm cache.
 */
import { spawn, spawnSync, type SpawnSyncOptions } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const ROOT = path.resolve(__dirname, '..', '..');
const PKG = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
  name: string;
  version: string;
  license: string;
  dependencies: Record<string, string>;
  bin: Record<string, string>;
  engines: Record<string, string>;
};
interface LockEntry {
  integrity?: string;
  resolved?: string;
  dev?: boolean;
  devOptional?: boolean;
  optional?: boolean;
  [key: string]: unknown;
}
const LOCK = JSON.parse(fs.readFileSync(path.join(ROOT, 'package-lock.json'), 'utf8')) as { packages: Record<string, LockEntry> };

/** The environment of every npm/node call: this process's, without what `npm test` adds (npm_config_prefix...). */
function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!/^npm_/i.test(k)) env[k] = v;
  return { ...env, npm_config_cache: npmCache(), npm_config_update_notifier: 'false', npm_config_fund: 'false', npm_config_audit: 'false', ...extra };
}

let cache: string | undefined;
function npmCache(): string {
  cache ??= process.env.npm_config_cache || spawnSync('npm', ['config', 'get', 'cache'], { encoding: 'utf8' }).stdout?.trim() || path.join(os.homedir(), '.npm');
  return cache;
}

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}
function run(command: string, args: string[], options: SpawnSyncOptions & { env?: NodeJS.ProcessEnv } = {}): Run {
  const r = spawnSync(command, args, { encoding: 'utf8', timeout: 240_000, ...options, env: options.env ?? cleanEnv() });
  return { status: r.status, stdout: String(r.stdout ?? ''), stderr: String(r.stderr ?? '') + (r.error ? `\n${r.error.message}` : '') };
}

/**
 * The strict compile of a user's file against the installed types, started in the background once the package is
 * installed (tsc is the slowest step after the install, and needs nothing the other tests change): CommonJS (the
 * package's .d.ts checked, skipLibCheck off) then ES modules.
 */
function startTypeChecks(project: string): Promise<{ cjs: Run; esm: Run }> {
  const use = `import { check, crossCheck, readModel, TrtNodeError, type CheckReport, type CrossCheckResult, type ModelSummary } from 'trt-node';

const model = 'node_modules/trt-node/example/super_resolution/model.onnx';

export async function main(): Promise<string> {
  const summary: ModelSummary = await readModel(model);
  const first = summary.inputs[0];
  if (first === undefined) throw new Error('no inputs');
  const report: CheckReport = await check(model, { probe: false });
  const cc: CrossCheckResult = await crossCheck(model, { runners: [{ kind: 'onnxruntime' }], probes: [{ [first.name]: [1, 1, 32, 32] }] });
  const probe = cc.probes[0]; // noUncheckedIndexedAccess: possibly undefined
  return \`\${first.name} \${report.pass} \${cc.probes.length} \${probe?.shapes[first.name]?.join('x') ?? 'none'}\`;
}

main().then(console.log, (e: unknown) => {
  console.error(e instanceof TrtNodeError ? e.code : e);
  process.exitCode = 1;
});
`;
  fs.writeFileSync(path.join(project, 'use.ts'), use);
  fs.writeFileSync(path.join(project, 'use.mts'), use);
  fs.writeFileSync(path.join(project, 'wrong.ts'), `import { readModel } from 'trt-node';\nexport const n: Promise<number> = readModel('m.onnx');\n`);
  const strict = {
    target: 'ES2022',
    strict: true,
    noUncheckedIndexedAccess: true,
    exactOptionalPropertyTypes: true,
    skipLibCheck: false,
    types: ['node'],
    typeRoots: [path.join(ROOT, 'node_modules', '@types')], // @types/node: this repository's, as the user's own
    outDir: 'out',
  };
  const config = (name: string, compilerOptions: Record<string, unknown>, files: string[]) =>
    fs.writeFileSync(path.join(project, name), JSON.stringify({ compilerOptions: { ...strict, ...compilerOptions }, files }));
  // One run checks the package's .d.ts (skipLibCheck off) and use.ts, and wrong.ts beside it: its one error, and
  // none else, shows the types are real (not `any`) and that use.ts compiles. The ESM entry's own file is three
  // re-export lines of the same types, so its run skips the library check.
  config('tsconfig.cjs.json', { module: 'commonjs', moduleResolution: 'node10', noEmitOnError: false }, ['use.ts', 'wrong.ts']);
  config('tsconfig.esm.json', { module: 'nodenext', moduleResolution: 'nodenext', skipLibCheck: true }, ['use.mts']);
  const tsc = (config: string) => runAsync(process.execPath, [path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', config], { cwd: project });
  return tsc('tsconfig.cjs.json').then(async (cjs) => ({ cjs, esm: await tsc('tsconfig.esm.json') }));
}

/** run(), without blocking: for work that can go on while other tests run. */
function runAsync(command: string, args: string[], options: { cwd: string }): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: options.cwd, env: cleanEnv() });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', (err) => resolve({ status: null, stdout, stderr: `${stderr}\n${err.message}` }));
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

/** The lockfile entries the scratch project installs: every package of trt-node's that is not dev-only. */
function runtimeLockEntries(): [string, LockEntry][] {
  return Object.entries(LOCK.packages).filter(([key, entry]) => key.startsWith('node_modules/') && !entry.dev);
}

/** Where cacache keeps the content of an integrity (sha512 only: what npm's lockfiles hold). */
function cachedContent(integrity: string): string | undefined {
  const sri = integrity.split(/\s+/).find((s) => s.startsWith('sha512-'));
  if (!sri) return undefined;
  const hex = Buffer.from(sri.slice('sha512-'.length), 'base64').toString('hex');
  return path.join(npmCache(), '_cacache', 'content-v2', 'sha512', hex.slice(0, 2), hex.slice(2, 4), hex.slice(4));
}

function newestFile(dir: string, ext: string): { file: string; mtime: number } {
  let newest = { file: '', mtime: 0 };
  for (const name of fs.readdirSync(dir, { recursive: true, encoding: 'utf8' })) {
    if (!name.endsWith(ext)) continue;
    const mtime = fs.statSync(path.join(dir, name)).mtimeMs;
    if (mtime > newest.mtime) newest = { file: path.join(dir, name), mtime };
  }
  return newest;
}

function skipReason(): string | null {
  const npm = run('npm', ['--version']);
  if (npm.status !== 0) return `npm does not run here (${npm.stderr.trim()})`;
  const built = path.join(ROOT, 'dist', 'index.mjs'); // written last by scripts/build.js
  if (!fs.existsSync(built)) return 'dist/ is not built: run `npm run build` (`npm test` builds it first)';
  const source = newestFile(path.join(ROOT, 'lib'), '.ts');
  if (source.mtime > fs.statSync(built).mtimeMs) {
    return `dist/ is older than ${path.relative(ROOT, source.file)}: run \`npm run build\` (\`npm test\` builds it first)`;
  }
  const missing = runtimeLockEntries()
    .filter(([, e]) => !e.optional && !e.devOptional && e.integrity !== undefined)
    .filter(([, e]) => {
      const file = cachedContent(e.integrity!);
      return file === undefined || !fs.existsSync(file);
    })
    .map(([key]) => key.replace(/^.*node_modules\//, ''));
  if (missing.length) {
    return `the npm cache (${npmCache()}) lacks ${missing.length} package(s) trt-node needs (${missing.slice(0, 3).join(', ')}): run \`npm install\` in this repository first`;
  }
  return null;
}

function cmakeReason(): string | null {
  const cmake = spawnSync('cmake', ['--version'], { encoding: 'utf8' });
  return cmake.status === 0 ? null : 'cmake does not run here, so the addon cannot be built';
}

/** jest drops console output of skipped files: straight to stderr. */
function printSkip(what: string, reason: string): void {
  process.stderr.write(`skipping ${what}: ${reason}\n`);
}

const reason = skipReason();
if (reason) printSkip('the packed-package tests (test/package)', reason);

(reason ? describe.skip : describe)('trt-node packed and installed into a scratch project', () => {
  let dir: string;
  let project: string;
  let installed: string;
  let packed: { filename: string; size: number; files: { path: string }[] };
  let install: Run;
  let typeChecks: Promise<{ cjs: Run; esm: Run }>;

  // The bin link npm made (node_modules/.bin/trt-node), run as a shell runs it; `npx trt-node` once, in its own test.
  const trtNode = (args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}) =>
    run(path.join(project, 'node_modules', '.bin', 'trt-node'), args, { cwd: options.cwd ?? project, ...(options.env ? { env: options.env } : {}) });

  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'trt-node-package-'));
    project = path.join(dir, 'project');
    installed = path.join(project, 'node_modules', 'trt-node');
    fs.mkdirSync(project);
    // --ignore-scripts: dist/ is fresh (checked above); prepare would rebuild it under the other test files' feet.
    const t0 = Date.now();
    const pack = run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', dir], { cwd: ROOT });
    if (pack.status !== 0) throw new Error(`npm pack failed:\n${pack.stderr}`);
    packed = (JSON.parse(pack.stdout) as (typeof packed)[])[0]!;
    fs.renameSync(path.join(dir, packed.filename), path.join(project, packed.filename));

    const spec = `file:${packed.filename}`;
    const packages: Record<string, unknown> = {
      '': { name: 'consumer', version: '1.0.0', dependencies: { 'trt-node': spec } },
      'node_modules/trt-node': {
        version: PKG.version,
        resolved: spec,
        license: PKG.license,
        hasInstallScript: true,
        dependencies: PKG.dependencies,
        bin: PKG.bin,
        engines: PKG.engines,
      },
    };
    for (const [key, entry] of runtimeLockEntries()) {
      const { devOptional, ...rest } = entry;
      packages[key] = devOptional ? { ...rest, optional: true } : rest;
    }
    fs.writeFileSync(path.join(project, 'package.json'), JSON.stringify({ name: 'consumer', version: '1.0.0', private: true, dependencies: { 'trt-node': spec } }, null, 2));
    fs.writeFileSync(path.join(project, 'package-lock.json'), JSON.stringify({ name: 'consumer', version: '1.0.0', lockfileVersion: 3, requires: true, packages }, null, 2));
    const t1 = Date.now();
    install = run('npm', ['ci', '--offline', '--foreground-scripts'], { cwd: project, env: cleanEnv({ ONNXRUNTIME_NODE_INSTALL: 'skip' }) });
    process.stderr.write(`test/package: npm pack ${((t1 - t0) / 1000).toFixed(1)} s, npm ci --offline (with the addon build) ${((Date.now() - t1) / 1000).toFixed(1)} s\n`);
    typeChecks = startTypeChecks(project);
  }, 300_000);

  afterAll(async () => {
    await typeChecks; // never rejects; the folder goes once tsc is done with it
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  test('the tarball holds what a user needs and nothing else', () => {
    const files = packed.files.map((f) => f.path).sort();
    // No binding.gyp: npm would take the package for a node-gyp one and list its install script as `node-gyp rebuild`.
    const allowed = [/^dist\//, /^bin\/trt-node\.js$/, /^native\//, /^CMakeLists\.txt$/, /^scripts\/(install-addon|find-tensorrt)\.js$/, /^example\/super_resolution\/[^/]+\.(onnx|npz)$/, /^(README\.md|LICENSE|package\.json)$/];
    expect(files.filter((f) => !allowed.some((re) => re.test(f)))).toEqual([]);
    for (const needed of ['dist/index.js', 'dist/index.mjs', 'dist/index.d.ts', 'dist/index.d.mts', 'dist/cli/main.js', 'bin/trt-node.js', 'native/addon.cc', 'CMakeLists.txt', 'scripts/install-addon.js', 'scripts/find-tensorrt.js', 'example/super_resolution/model.onnx', 'LICENSE', 'README.md']) {
      expect(files).toContain(needed);
    }
    expect(files.filter((f) => /\.ts$/.test(f) && !/\.d\.m?ts$/.test(f))).toEqual([]); // no TypeScript sources
    process.stderr.write(`test/package: ${packed.filename} is ${(packed.size / 1e6).toFixed(2)} MB, ${files.length} files\n`);
  });

  test('npm ci --offline installs it; the install script builds the addon or says in one line why not', () => {
    expect({ status: install.status, stderr: install.status === 0 ? '' : install.stderr }).toEqual({ status: 0, stderr: '' });
    const ours = `${install.stdout}\n${install.stderr}`.split('\n').filter((l) => l.startsWith('trt-node: '));
    expect(ours).toHaveLength(1);
    expect(ours[0]).toMatch(cmakeReason() ? /^trt-node: the native addon was not built: / : /^trt-node: native addon built /);
    expect(fs.existsSync(path.join(installed, 'dist', 'index.js'))).toBe(true);
  });

  test('npm lists the install script that runs: node scripts/install-addon.js, not a guessed node-gyp rebuild', () => {
    const r = run('npm', ['install-scripts', 'ls'], { cwd: project });
    const ours = `${r.stdout}\n${r.stderr}`.split('\n').filter((l) => l.includes('trt-node@'));
    expect(ours.join('\n')).toContain('node scripts/install-addon.js');
    expect(ours.join('\n')).not.toContain('node-gyp');
  });

  test("require('trt-node'): the compiled build, nothing changed in the host, no heavy library loaded", () => {
    const script = `
      const state = () => ({ ext: Object.keys(require.extensions), maps: process.sourceMapsEnabled, pst: typeof Error.prepareStackTrace });
      const before = state();
      const t = process.hrtime.bigint();
      const trt = require('trt-node');
      const ms = Number(process.hrtime.bigint() - t) / 1e6;
      const heavy = Object.keys(require.cache).filter((f) => /node_modules[\\\\/](onnxruntime-node|vega|vega-lite|pngjs|cli-progress|tsx)[\\\\/]/.test(f));
      console.log(JSON.stringify({ before, after: state(), ms, resolved: require.resolve('trt-node'), keys: Object.keys(trt), heavy }));`;
    const r = run(process.execPath, ['-e', script], { cwd: project });
    expect(r.stderr).toBe('');
    const doc = JSON.parse(r.stdout) as { before: unknown; after: unknown; ms: number; resolved: string; keys: string[]; heavy: string[] };
    expect(doc.resolved).toBe(path.join(fs.realpathSync(installed), 'dist', 'index.js'));
    expect(doc.after).toEqual(doc.before);
    expect(doc.heavy).toEqual([]);
    expect(doc.keys).toEqual(expect.arrayContaining(['check', 'crossCheck', 'readModel', 'buildEngine', 'Engine', 'TrtNodeError']));
    process.stderr.write(`test/package: require('trt-node') took ${doc.ms.toFixed(0)} ms (not asserted; see the README's figures)\n`);
  });

  test("import { check, crossCheck, readModel } from 'trt-node': every export named, the same objects as require's", () => {
    fs.writeFileSync(
      path.join(project, 'esm.mjs'),
      `import { check, crossCheck, readModel } from 'trt-node';
       import * as ns from 'trt-node';
       import { createRequire } from 'node:module';
       const cjs = createRequire(import.meta.url)('trt-node');
       const summary = await readModel('node_modules/trt-node/example/super_resolution/model.onnx');
       console.log(JSON.stringify({
         types: [typeof check, typeof crossCheck, typeof readModel],
         names: Object.keys(ns).filter((k) => k !== 'default').sort(),
         cjs: Object.keys(cjs).sort(),
         same: check === cjs.check && ns.default === cjs,
         inputs: summary.inputs.map((i) => i.name),
       }));`,
    );
    const r = run(process.execPath, ['esm.mjs'], { cwd: project });
    expect(r.stderr).toBe('');
    const doc = JSON.parse(r.stdout) as { types: string[]; names: string[]; cjs: string[]; same: boolean; inputs: string[] };
    expect(doc.types).toEqual(['function', 'function', 'function']);
    expect(doc.names).toEqual(doc.cjs);
    expect(doc.same).toBe(true);
    expect(doc.inputs).toEqual(['input']);
  });

  test('a strict tsc (noUncheckedIndexedAccess, exactOptionalPropertyTypes, skipLibCheck false) compiles against the types, CommonJS and ESM', async () => {
    const { cjs, esm } = await typeChecks;
    expect(cjs.status).not.toBe(0);
    const errors = cjs.stdout.split('\n').filter((l) => /error TS\d+/.test(l));
    expect(errors).toEqual([expect.stringMatching(/^wrong\.ts\(2,\d+\): error TS2322: Type 'Promise<ModelSummary>' is not assignable to type 'Promise<number>'/)]);
    expect(esm).toEqual({ status: 0, stdout: '', stderr: '' });

    for (const out of ['out/use.js', 'out/use.mjs']) {
      const r = run(process.execPath, [out], { cwd: project });
      expect({ out, status: r.status, stdout: r.stdout.trim(), stderr: r.stderr }).toEqual({ out, status: 0, stdout: 'input true 1 1x1x32x32', stderr: '' });
    }
  });

  test("npx trt-node check: the README's command in your own project checks the bundled example", () => {
    const check = run('npx', ['--offline', 'trt-node', 'check'], { cwd: project });
    expect({ status: check.status, stderr: check.stderr }).toEqual({ status: 0, stderr: '' });
    expect(check.stdout).toMatch(/^Result: PASS/m);
  });

  test('the bin: --help and inspect run from inside the installed package', () => {
    const help = trtNode(['--help']);
    expect(help.status).toBe(0);
    for (const command of ['inspect', 'doctor', 'build', 'check', 'bench']) expect(help.stdout).toMatch(new RegExp(`^  ${command} `, 'm'));

    const inspect = trtNode(['inspect', '--json']);
    expect(inspect.status).toBe(0);
    expect((JSON.parse(inspect.stdout) as { file: string }).file).toBe(path.join(installed, 'example', 'super_resolution', 'model.onnx'));
  });

  test('bench --files writes its JSON and SVG into the current folder, not into the package', () => {
    const cwd = path.join(project, 'work');
    fs.mkdirSync(cwd);
    const r = trtNode(['bench', '--backends', 'ort', '--shapes', 'input:1x1x32x32', '--warmup', '0', '--iterations', '2', '--files'], { cwd });
    expect(r.status).toBe(0);
    expect(fs.readdirSync(cwd).sort()).toEqual(['bench.json', 'bench.svg']);
    expect(fs.existsSync(path.join(installed, 'bench'))).toBe(false);
  });

  const withCmake = cmakeReason();
  if (withCmake) printSkip('"npm rebuild trt-node re-configures"', withCmake);
  (withCmake ? test.skip : test)('npm rebuild trt-node re-configures: the build looks for TensorRT again (TENSORRT_ROOT)', () => {
    const root = path.join(dir, 'TensorRT-not-here');
    const r = run('npm', ['rebuild', 'trt-node', '--foreground-scripts'], { cwd: project, env: cleanEnv({ ONNXRUNTIME_NODE_INSTALL: 'skip', TENSORRT_ROOT: root }) });
    expect(r.status).toBe(0);
    expect(r.stderr).toMatch(/^trt-node: native addon built without TensorRT/m);
    const doctor = JSON.parse(trtNode(['doctor', '--json']).stdout) as { tensorrt: { searched: string[] } };
    expect(doctor.tensorrt.searched).toContain(`TENSORRT_ROOT=${root}`);
  });

  test('a failing addon build leaves the install working: one line says why, doctor and TensorRT entry points repeat it', () => {
    const bin = path.join(dir, 'bin');
    fs.mkdirSync(bin);
    fs.writeFileSync(path.join(bin, 'cmake'), '#!/bin/sh\necho "cmake: command not found" >&2\nexit 127\n', { mode: 0o755 });
    fs.rmSync(path.join(installed, 'build'), { recursive: true, force: true });
    const env = cleanEnv({ ONNXRUNTIME_NODE_INSTALL: 'skip', PATH: `${bin}${path.delimiter}${process.env.PATH ?? ''}` });
    const r = run('npm', ['rebuild', 'trt-node', '--foreground-scripts'], { cwd: project, env });
    expect(r.status).toBe(0);
    const ours = `${r.stdout}\n${r.stderr}`.split('\n').filter((l) => l.startsWith('trt-node: '));
    expect(ours).toEqual([
      'trt-node: the native addon was not built: `cmake --version` failed (exit 127). Everything but TensorRT works ' +
        'without it; to build it, install cmake ≥ 3.18 and a C++17 compiler, then run: npm rebuild trt-node',
    ]);

    const doctor = trtNode(['doctor']);
    expect(doctor.status).toBe(1);
    expect(doctor.stdout).toContain('At install, the native addon was not built: `cmake --version` failed (exit 127)');
    expect(doctor.stdout).toContain('Build it: npm rebuild trt-node');

    const build = trtNode(['build', '--shapes', 'input:1x1x64x64..1x1x64x64..1x1x64x64', '-o', path.join(dir, 'x.plan')]);
    expect(build.status).not.toBe(0);
    expect(build.stderr).toContain('At install, the native addon was not built: `cmake --version` failed (exit 127)');
    expect(fs.existsSync(path.join(dir, 'x.plan'))).toBe(false);

    expect(trtNode(['check']).status).toBe(0); // everything but TensorRT works without the addon
  });
});
