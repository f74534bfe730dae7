/**
 * Defect 2 of the review: TensorRT headers older than 10.1 (JetPack 5, older docker images) were taken, and the
 * addon's sources then failed to compile, breaking `npm install`. Both searches (CMakeLists.txt for cmake-js,
 * scripts/find-tensorrt.js for node-gyp) must treat them as "no TensorRT" and say why.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { find, headerVersion } = require('../../scripts/find-tensorrt.js') as {
  find: (env: NodeJS.ProcessEnv) => { tensorrt: { available: boolean; reason: string } };
  headerVersion: (dir: string) => { major: number; minor: number } | null;
};

const root = path.join(__dirname, '..', '..');

/** A fake TensorRT install: headers that say `version`, and empty library files. */
function fakeTensorRT(version: string, style: 'enterprise' | 'legacy'): { dir: string; include: string; lib: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'trt-node-fake-trt-'));
  const include = path.join(dir, 'include');
  const lib = path.join(dir, 'lib');
  fs.mkdirSync(include);
  fs.mkdirSync(lib);
  const [major, minor, patch] = version.split('.');
  const text =
    style === 'enterprise'
      ? `#define TRT_MAJOR_ENTERPRISE ${major}\n#define TRT_MINOR_ENTERPRISE ${minor}\n#define TRT_PATCH_ENTERPRISE ${patch}\n` +
        '#define NV_TENSORRT_MAJOR TRT_MAJOR_ENTERPRISE\n#define NV_TENSORRT_MINOR TRT_MINOR_ENTERPRISE\n'
      : `#define NV_TENSORRT_MAJOR ${major}\n#define NV_TENSORRT_MINOR ${minor}\n#define NV_TENSORRT_PATCH ${patch}\n`;
  fs.writeFileSync(path.join(include, 'NvInferVersion.h'), text);
  fs.writeFileSync(path.join(include, 'NvInfer.h'), '');
  fs.writeFileSync(path.join(include, 'NvOnnxParser.h'), '');
  for (const name of ['nvinfer', 'nvonnxparser']) fs.writeFileSync(path.join(lib, `lib${name}.so.${major}`), '');
  return { dir, include, lib };
}

describe('TensorRT older than 10.1 is not used', () => {
  it('find-tensorrt.js (node-gyp) reads the version of both header styles and refuses 8.6 and 10.0', () => {
    for (const [version, style] of [
      ['8.6.1', 'legacy'],
      ['10.0.1', 'enterprise'],
    ] as const) {
      const fake = fakeTensorRT(version, style);
      try {
        const [major, minor] = version.split('.').map(Number);
        expect(headerVersion(fake.include)).toEqual({ major, minor });
        const found = find({ ...process.env, TENSORRT_INCLUDE_DIR: fake.include, TENSORRT_LIB_DIR: fake.lib });
        expect(found.tensorrt.available).toBe(false);
        expect(found.tensorrt.reason).toBe(`TensorRT ${major}.${minor} found in ${fake.include}; trt-node needs TensorRT 10.1 or newer`);
      } finally {
        fs.rmSync(fake.dir, { recursive: true, force: true });
      }
    }
  });

  it('find-tensorrt.js takes 10.16 headers (the version is no reason to refuse them)', () => {
    const fake = fakeTensorRT('10.16.0', 'enterprise');
    try {
      const found = find({ ...process.env, TENSORRT_INCLUDE_DIR: fake.include, TENSORRT_LIB_DIR: fake.lib });
      expect(found.tensorrt.reason).not.toMatch(/needs TensorRT 10\.1|does not say/);
    } finally {
      fs.rmSync(fake.dir, { recursive: true, force: true });
    }
  });

  it('CMakeLists.txt (cmake-js, what npm install runs) configures a build without TensorRT for 10.0 headers, saying why', () => {
    const cmake = spawnSync('cmake', ['--version']);
    if (cmake.status !== 0) throw new Error('cmake is needed to build the addon, and for this test');
    const fake = fakeTensorRT('10.0.1', 'enterprise');
    const build = path.join(fake.dir, 'build');
    try {
      const r = spawnSync('cmake', ['-S', root, '-B', build, `-DTENSORRT_INCLUDE_DIR=${fake.include}`, `-DTENSORRT_LIB_DIR=${fake.lib}`], {
        encoding: 'utf8',
      });
      expect(r.status).toBe(0);
      expect(r.stdout).toContain('trt-node: building WITHOUT TensorRT: TensorRT 10.0 found');
      const config = fs.readFileSync(path.join(build, 'generated', 'trt_node_build_config.h'), 'utf8');
      expect(config).toContain(`#define TRT_NODE_TENSORRT_REASON "TensorRT 10.0 found in ${fake.include}; trt-node needs TensorRT 10.1 or newer"`);
    } finally {
      fs.rmSync(fake.dir, { recursive: true, force: true });
    }
  });
});
