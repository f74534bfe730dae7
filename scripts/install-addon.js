#!/usr/bin/env node
'use strict';
/**
 * Builds the native addon (build/Release/trt_node.node) with cmake-js: package.json's "install" script, so it runs
 * on `npm install` and on `npm rebuild trt-node`; `npm run build:addon` in a clone of the repository.
 *
 * - It re-configures every time (build/CMakeCache.txt is removed first): cmake-js alone re-uses the cached
 *   configuration, and then a rebuild after installing TensorRT, or with a new TENSORRT_ROOT, would not look again.
 * - The addon is optional: everything but TensorRT works without it. When the build cannot run (no cmake, no C++
 *   compiler, cmake-js or node-addon-api missing) or fails, the install still succeeds and one line says why and
 *   how to rebuild. The reason is kept in build/addon-build-error.txt, which `trt-node doctor` and every TensorRT
 *   entry point report; the whole output of the build is in build/addon-build.log.
 * - Installed as a dependency (inside node_modules), compiler warnings are not errors (TRT_NODE_WERROR=OFF): a newer
 *   compiler's new warning must not fail a user's install. The repository's own build keeps -Werror.
 *
 * Output: one line on success (with or without TensorRT), one line on failure. npm shows a dependency's install
 * output only with --foreground-scripts; `npx trt-node doctor` shows the same afterwards.
 */
const fs = require('node:fs');
const path = require('node:path');
const { spawn, spawnSync } = require('node:child_process');

const root = path.resolve(__dirname, '..');
const buildDir = path.join(root, 'build');
const errorFile = path.join(buildDir, 'addon-build-error.txt');
const logFile = path.join(buildDir, 'addon-build.log');
const asDependency = root.split(path.sep).includes('node_modules');
const rebuildCommand = asDependency ? 'npm rebuild trt-node' : 'npm run build:addon';
/** CMakeLists.txt's cmake_minimum_required. */
const CMAKE_MIN = [3, 18];

function say(line) {
  process.stderr.write(`trt-node: ${line}\n`);
}

/** Why the build cannot start, or null: the checks that need no cmake run. */
function preflight() {
  for (const dep of ['cmake-js/package.json', 'node-addon-api']) {
    try {
      require.resolve(dep, { paths: [root] });
    } catch {
      return `${dep.split('/')[0]} is not installed (it is a dependency of trt-node; reinstall trt-node)`;
    }
  }
  const cmake = spawnSync('cmake', ['--version'], { encoding: 'utf8' });
  if (cmake.error) {
    return cmake.error.code === 'ENOENT' ? 'cmake was not found on the PATH' : `cmake could not be run (${cmake.error.message})`;
  }
  if (cmake.status !== 0) return `\`cmake --version\` failed (exit ${cmake.status}${cmake.signal ? `, ${cmake.signal}` : ''})`;
  const m = /cmake version (\d+)\.(\d+)/.exec(cmake.stdout);
  if (m && (Number(m[1]) < CMAKE_MIN[0] || (Number(m[1]) === CMAKE_MIN[0] && Number(m[2]) < CMAKE_MIN[1]))) {
    return `cmake ${m[1]}.${m[2]} is too old (${CMAKE_MIN.join('.')} or later is needed)`;
  }
  return null;
}

/** The cause of a failed build, from its output, in a few words. */
function failureReason(output, code) {
  if (/No CMAKE_CXX_COMPILER could be found|CMAKE_CXX_COMPILER not set|is not a full path to an existing compiler/.test(output)) {
    return 'no C++ compiler was found (install g++ or clang++, or set CXX)';
  }
  const compileError = /^.*\berror:.*$/m.exec(output) ?? /^CMake Error.*$/m.exec(output);
  if (compileError) return `the build failed: ${compileError[0].trim().slice(0, 300)}`;
  const lines = output.split('\n').map((l) => l.trim()).filter(Boolean);
  return `cmake-js exited with code ${code}${lines.length ? `: ${lines[lines.length - 1].slice(0, 300)}` : ''}`;
}

function fail(reason, output) {
  fs.mkdirSync(buildDir, { recursive: true });
  if (output !== undefined) fs.writeFileSync(logFile, output);
  const log = output !== undefined ? ` (log: ${logFile})` : '';
  const text =
    `the native addon was not built: ${reason}. Everything but TensorRT works without it; to build it, install ` +
    `cmake ≥ ${CMAKE_MIN.join('.')} and a C++17 compiler, then run: ${rebuildCommand}${log}`;
  fs.writeFileSync(errorFile, `${text}\n`);
  say(text);
  process.exit(0); // the install goes on: the addon is optional
}

/** What the new addon says about TensorRT, for the success line. */
function describeBuilt() {
  try {
    const info = require(path.join(buildDir, 'Release', 'trt_node.node')).buildInfo();
    if (info.tensorrt.available) return `with TensorRT ${info.tensorrt.headerVersion ?? ''}`.trim();
    return `without TensorRT (${info.tensorrt.reason ?? 'not found'}; TensorRT entry points say how to rebuild)`;
  } catch (err) {
    return `but it does not load here: ${String(err.message).split('\n')[0]}`;
  }
}

function main() {
  const reason = preflight();
  if (reason) fail(reason);
  fs.rmSync(errorFile, { force: true });
  fs.rmSync(path.join(buildDir, 'CMakeCache.txt'), { force: true });
  const args = [require.resolve('cmake-js/bin/cmake-js', { paths: [root] }), 'compile', '--out', buildDir];
  if (asDependency) args.push('--CDTRT_NODE_WERROR=OFF');
  const child = spawn(process.execPath, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  const chunks = [];
  child.stdout.on('data', (c) => chunks.push(c));
  child.stderr.on('data', (c) => chunks.push(c));
  child.on('error', (err) => fail(`cmake-js could not be started (${err.message})`, ''));
  child.on('close', (code, signal) => {
    const output = Buffer.concat(chunks).toString('utf8');
    if (code !== 0 || !fs.existsSync(path.join(buildDir, 'Release', 'trt_node.node'))) {
      fail(signal ? `the build was stopped (${signal})` : failureReason(output, code), output);
    }
    fs.writeFileSync(logFile, output);
    say(`native addon built ${describeBuilt()}`);
  });
}

main();
