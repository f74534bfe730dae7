#!/usr/bin/env node
'use strict';
/**
 * TensorRT and CUDA discovery for binding.gyp (node-gyp users). The same search, in the same order, as
 * CMakeLists.txt (which cmake-js runs on `npm install`):
 *   TENSORRT_INCLUDE_DIR + TENSORRT_LIB_DIR, TENSORRT_ROOT, pip's tensorrt_libs, system folders.
 *
 *   node scripts/find-tensorrt.js                 prints the findings as JSON
 *   node scripts/find-tensorrt.js --gyp <field>   prints one field for binding.gyp:
 *     have-tensorrt | have-cuda (0/1), isystem-flags, libraries, rpath-flags (space separated), config-dir (writes
 *     trt_node_build_config.h there and prints the folder)
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawnSync } = require('node:child_process');

const root = path.resolve(__dirname, '..');

function globDirs(pattern) {
  // Supports one '*' per path segment, enough for python3* and TensorRT-* folders.
  const parts = pattern.split('/').filter((p, i) => p !== '' || i === 0);
  let current = [pattern.startsWith('/') ? '/' : ''];
  for (const part of parts) {
    if (part === '') continue;
    const next = [];
    for (const base of current) {
      if (!part.includes('*')) {
        next.push(path.join(base, part));
        continue;
      }
      const re = new RegExp(`^${part.split('*').map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
      let entries = [];
      try {
        entries = fs.readdirSync(base || '.');
      } catch {
        continue;
      }
      for (const e of entries.filter((e) => re.test(e)).sort()) next.push(path.join(base, e));
    }
    current = next;
  }
  return current.filter((d) => fs.existsSync(d));
}

/** {major, minor} of the TensorRT headers in `dir` (NvInferVersion.h), or null when it does not say. */
function headerVersion(dir) {
  let text;
  try {
    text = fs.readFileSync(path.join(dir, 'NvInferVersion.h'), 'utf8');
  } catch {
    return null;
  }
  // 10.x+ headers define TRT_MAJOR_ENTERPRISE; older ones define NV_TENSORRT_MAJOR as a number.
  const major = /define (?:TRT_MAJOR_ENTERPRISE|NV_TENSORRT_MAJOR) +(\d+)/.exec(text);
  const minor = /define (?:TRT_MINOR_ENTERPRISE|NV_TENSORRT_MINOR) +(\d+)/.exec(text);
  return major && minor ? { major: Number(major[1]), minor: Number(minor[1]) } : null;
}

function find(env = process.env) {
  const searched = [];
  for (const v of ['TENSORRT_ROOT', 'TENSORRT_INCLUDE_DIR', 'TENSORRT_LIB_DIR']) {
    searched.push(env[v] ? `${v}=${env[v]}` : `${v} (not set)`);
  }
  const includes = [];
  const libs = [];
  if (env.TENSORRT_INCLUDE_DIR) includes.push(env.TENSORRT_INCLUDE_DIR);
  if (env.TENSORRT_LIB_DIR) libs.push(env.TENSORRT_LIB_DIR);
  if (env.TENSORRT_ROOT) {
    includes.push(path.join(env.TENSORRT_ROOT, 'include'));
    libs.push(path.join(env.TENSORRT_ROOT, 'lib'), path.join(env.TENSORRT_ROOT, 'lib64'), ...globDirs(`${env.TENSORRT_ROOT}/targets/*/lib`));
  }
  const py = spawnSync('python3', ['-c', 'import os, tensorrt_libs; print(os.path.dirname(tensorrt_libs.__file__))'], { encoding: 'utf8' });
  if (py.status === 0 && py.stdout.trim()) {
    libs.push(py.stdout.trim());
    searched.push(`python3 -c 'import tensorrt_libs': ${py.stdout.trim()}`);
  } else {
    const err = (py.stderr || String(py.error || '')).trim().split('\n').pop();
    searched.push(`python3 -c 'import tensorrt_libs': ${err}`);
  }
  const pipGlobs = [
    ...(env.VIRTUAL_ENV ? [`${env.VIRTUAL_ENV}/lib/python3*/site-packages/tensorrt_libs`] : []),
    `${os.homedir()}/.local/lib/python3*/site-packages/tensorrt_libs`,
    '/usr/local/lib/python3*/dist-packages/tensorrt_libs',
    '/usr/local/lib/python3*/site-packages/tensorrt_libs',
    '/usr/lib/python3/dist-packages/tensorrt_libs',
  ];
  for (const g of pipGlobs) {
    searched.push(`pip: ${g}`);
    libs.push(...globDirs(g));
  }
  for (const d of ['/usr/local/tensorrt', '/opt/tensorrt', ...globDirs('/usr/local/TensorRT-*'), ...globDirs('/opt/TensorRT-*')]) {
    includes.push(path.join(d, 'include'));
    libs.push(path.join(d, 'lib'), path.join(d, 'lib64'));
  }
  includes.push('/usr/include/x86_64-linux-gnu', '/usr/include/aarch64-linux-gnu', '/usr/include', '/usr/local/include');
  libs.push('/usr/lib/x86_64-linux-gnu', '/usr/lib/aarch64-linux-gnu', '/usr/lib64', '/usr/lib', '/usr/local/lib');
  const uniq = (a) => [...new Set(a)];
  for (const d of uniq(includes)) searched.push(`headers: ${d}`);
  for (const d of uniq(libs)) searched.push(`libraries: ${d}`);

  const findHeader = (name) => uniq(includes).find((d) => fs.existsSync(path.join(d, name)));
  const findLib = (base) =>
    uniq(libs)
      .flatMap((d) => [`lib${base}.so`, `lib${base}.so.11`, `lib${base}.so.10`].map((f) => path.join(d, f)))
      .find((f) => fs.existsSync(f));
  const nvinferInclude = findHeader('NvInfer.h');
  const parserInclude = findHeader('NvOnnxParser.h');
  const nvinfer = findLib('nvinfer');
  const parser = findLib('nvonnxparser');

  const cudaRoots = [env.CUDAToolkit_ROOT, env.CUDA_HOME, env.CUDA_PATH, '/usr/local/cuda', ...globDirs('/usr/local/cuda-*').reverse()].filter(Boolean);
  const cudaRoot = cudaRoots.find((r) => fs.existsSync(path.join(r, 'include', 'cuda_runtime_api.h')));
  const cudart = cudaRoot && ['lib64', 'lib', 'targets/x86_64-linux/lib'].map((l) => path.join(cudaRoot, l, 'libcudart_static.a')).find((f) => fs.existsSync(f));
  const cuda = {
    available: Boolean(cudaRoot && cudart),
    includeDir: cudaRoot ? path.join(cudaRoot, 'include') : '',
    library: cudart || '',
    reason: cudaRoot && cudart ? '' : `CUDA runtime (cuda_runtime_api.h, libcudart_static.a) not found in ${cudaRoots.join(', ')}; set CUDAToolkit_ROOT`,
  };

  const version = nvinferInclude ? headerVersion(nvinferInclude) : null;
  let reason = '';
  if (!nvinferInclude) reason = 'NvInfer.h not found';
  else if (!version) reason = `NvInferVersion.h in ${nvinferInclude} does not say which TensorRT it is`;
  else if (version.major < 10 || (version.major === 10 && version.minor < 1)) {
    // The same rule as CMakeLists.txt: older TensorRT lacks API the addon uses (getDeviceMemorySizeV2, IProgressMonitor).
    reason = `TensorRT ${version.major}.${version.minor} found in ${nvinferInclude}; trt-node needs TensorRT 10.1 or newer`;
  } else if (!parserInclude) reason = `NvOnnxParser.h not found (NvInfer.h is in ${nvinferInclude})`;
  else if (!nvinfer) reason = `libnvinfer not found (headers are in ${nvinferInclude})`;
  else if (!parser) reason = `libnvonnxparser not found (libnvinfer is ${nvinfer})`;
  else if (!cuda.available) reason = `TensorRT found but the CUDA runtime was not: ${cuda.reason}`;
  const available = reason === '';
  return {
    tensorrt: {
      available,
      includeDirs: available ? uniq([nvinferInclude, parserInclude]) : [],
      libraries: available ? [nvinfer, parser] : [],
      searched,
      reason,
    },
    cuda,
  };
}

function cString(s) {
  return JSON.stringify(s);
}

function writeConfig(found) {
  const dir = path.join(root, 'build', 'generated-gyp');
  fs.mkdirSync(dir, { recursive: true });
  const t = found.tensorrt;
  const lines = [
    '// Generated by scripts/find-tensorrt.js for binding.gyp. Do not edit.',
    '#pragma once',
    '#define TRT_NODE_BUILD_SYSTEM "node-gyp"',
    `#define TRT_NODE_TENSORRT_INCLUDE_DIR ${cString(t.includeDirs[0] || '')}`,
    `#define TRT_NODE_TENSORRT_LIBRARIES ${cString(t.libraries.join('\n'))}`,
    `#define TRT_NODE_TENSORRT_SEARCHED ${cString(t.searched.join('\n'))}`,
    `#define TRT_NODE_TENSORRT_REASON ${cString(t.reason)}`,
    `#define TRT_NODE_CUDA_INCLUDE_DIR ${cString(found.cuda.includeDir)}`,
    `#define TRT_NODE_CUDA_LIBRARY ${cString(found.cuda.library)}`,
    '#define TRT_NODE_CUDA_VERSION ""',
    `#define TRT_NODE_CUDA_REASON ${cString(found.cuda.reason)}`,
    '',
  ];
  fs.writeFileSync(path.join(dir, 'trt_node_build_config.h'), lines.join('\n'));
  return dir;
}

function main(argv) {
  const found = find();
  const i = argv.indexOf('--gyp');
  if (i < 0) {
    process.stdout.write(`${JSON.stringify(found, null, 2)}\n`);
    return;
  }
  const field = argv[i + 1];
  const t = found.tensorrt;
  const out = {
    'have-tensorrt': () => (t.available ? '1' : '0'),
    'have-cuda': () => (found.cuda.available ? '1' : '0'),
    'isystem-flags': () =>
      [...t.includeDirs, ...(found.cuda.available ? [found.cuda.includeDir] : [])].map((d) => `-isystem ${d}`).join(' '),
    libraries: () => [...t.libraries, ...(found.cuda.available ? [found.cuda.library, '-lpthread', '-ldl', '-lrt'] : [])].join(' '),
    'rpath-flags': () => [...new Set(t.libraries.map((l) => path.dirname(l)))].map((d) => `-Wl,-rpath,${d}`).join(' '),
    'config-dir': () => writeConfig(found),
  }[field];
  if (!out) {
    process.stderr.write(`find-tensorrt: unknown --gyp field ${field}\n`);
    process.exit(2);
  }
  process.stdout.write(out());
}

if (require.main === module) main(process.argv.slice(2));
module.exports = { find, headerVersion };
