/**
 * The addon as built on this machine: it loads, reports how it was built, and tells the truth about TensorRT and
 * CUDA. Without TensorRT every TensorRT entry point of the raw addon rejects with ERR_TRT_NODE_TENSORRT_UNAVAILABLE.
 */
import { AddonLoadError } from '../../lib/errors';
import { addonCandidates, addonStatus, loadAddon } from '../../lib/native/binding';

describe('native addon', () => {
  it('loads once from build/Release and reports its build', () => {
    const addon = loadAddon();
    expect(loadAddon()).toBe(addon);
    const status = addonStatus();
    expect(status.loaded).toBe(true);
    if (status.loaded) expect(status.path).toBe(addonCandidates()[0]);
    const info = addon.buildInfo();
    expect(info.napiVersion).toBe(8);
    expect(['cmake-js', 'node-gyp']).toContain(info.buildSystem);
    expect(info.tensorrt.searched.length).toBeGreaterThan(0);
    // A build either has TensorRT (with the headers' version) or says why not: never both, never neither.
    if (info.tensorrt.available) {
      expect(info.tensorrt.headerVersion).toMatch(/^\d+\.\d+\.\d+$/);
      expect(info.tensorrt.reason).toBeNull();
      expect(addon.tensorrtVersion()).toMatchObject({ major: expect.any(Number) });
    } else {
      expect(info.tensorrt.headerVersion).toBeNull();
      expect(info.tensorrt.reason).toEqual(expect.any(String));
      expect(addon.tensorrtVersion()).toBeNull();
    }
  });

  it('reports CUDA consistently: devices listed match the count, and no count without a driver', () => {
    const cuda = loadAddon().cudaInfo();
    expect(cuda.devices).toHaveLength(cuda.deviceCount);
    if (!cuda.compiled) {
      expect(cuda.error).toMatch(/built without the CUDA runtime/);
    } else {
      expect(cuda.runtimeVersion).toBeGreaterThanOrEqual(11000);
      if (cuda.driverVersion === null) {
        expect(cuda.deviceCount).toBe(0);
        expect(cuda.error).toMatch(/^cudaGetDeviceCount failed: cuda\w+ \(/);
      }
    }
  });

  const built = loadAddon().buildInfo();
  // Registered only for a build without TensorRT (where it applies); a build with TensorRT has nothing to skip here.
  if (!built.tensorrt.available) describe('raw entry points without TensorRT', () => {
    it('buildEngine returns a job whose promise rejects with the unavailable code and the reason', async () => {
      const job = loadAddon().buildEngine({
        modelPath: 'unused.onnx',
        profiles: [],
        useTimingCache: false,
        stronglyTyped: false,
        config: { tf32: true },
        logLevel: -1,
      });
      expect(typeof job.cancel).toBe('function');
      job.cancel();
      await expect(job.promise).rejects.toMatchObject({
        code: 'ERR_TRT_NODE_TENSORRT_UNAVAILABLE',
        message: expect.stringContaining(`this trt-node addon was built without it (${built.tensorrt.reason})`),
      });
    });

    it('loadEngine rejects the same way', async () => {
      await expect(loadAddon().loadEngine(Buffer.from('plan'))).rejects.toMatchObject({
        code: 'ERR_TRT_NODE_TENSORRT_UNAVAILABLE',
        message: expect.stringContaining('npm rebuild trt-node'),
      });
    });
  });
});

describe('addon load failure', () => {
  it('names every file tried and the fix matched to the cause', () => {
    // A fresh module instance, so the cached successful load above does not answer.
    jest.isolateModules(() => {
      const previous = process.env.TRT_NODE_ADDON;
      process.env.TRT_NODE_ADDON = '/nonexistent/trt_node.node';
      try {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const fresh = require('../../lib/native/binding') as typeof import('../../lib/native/binding');
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const errors = require('../../lib/errors') as typeof import('../../lib/errors');
        let error: unknown;
        try {
          fresh.loadAddon();
        } catch (e) {
          error = e;
        }
        expect(error).toBeInstanceOf(errors.AddonLoadError);
        expect((error as AddonLoadError).code).toBe('ERR_TRT_NODE_ADDON_LOAD');
        expect((error as Error).message).toBe(
          'Could not load the trt-node native addon.\nTried:\n  /nonexistent/trt_node.node: not found\nPossible solutions:\n' +
            '- Build it: npm rebuild trt-node (in a clone of the trt-node repository: npm run build:addon); it needs cmake ≥ 3.18 ' +
            "and a C++17 compiler (TensorRT and CUDA are optional). Where npm runs only approved install scripts, approve trt-node's " +
            'first: npm install-scripts approve trt-node\n' +
            '- Or point TRT_NODE_ADDON at a trt_node.node built for this machine',
        );
        const status = fresh.addonStatus();
        expect(status.loaded).toBe(false);
      } finally {
        if (previous === undefined) delete process.env.TRT_NODE_ADDON;
        else process.env.TRT_NODE_ADDON = previous;
      }
    });
  });
});
