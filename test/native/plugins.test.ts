/**
 * The operators TensorRT builds from plugins (lib/trt/plugins.ts): the ones onnx-tensorrt's matrix marks supported,
 * so `check` needs the plugin library's status to tell whether they really are, here.
 */
import { OPERATOR_SUPPORT } from '../../lib/diagnostics/data/onnx-tensorrt-operators';
import { loadAddon } from '../../lib/native/binding';
import { PLUGIN_BACKED_OPERATORS, tensorrtPluginStatus } from '../../lib/trt/plugins';

describe('plugin-backed operators', () => {
  it('are operators the matrix marks supported', () => {
    for (const op of Object.keys(PLUGIN_BACKED_OPERATORS)) expect(OPERATOR_SUPPORT[op]?.supported).toBe(true);
  });

  it('report the plugin library as the addon found it: null without TensorRT, loaded or why not with it', () => {
    const status = tensorrtPluginStatus();
    if (!loadAddon().buildInfo().tensorrt.available) {
      expect(status).toBeNull();
    } else {
      expect(status).toEqual({ loaded: expect.any(Boolean), path: expect.any(String), error: status?.loaded ? null : expect.any(String) });
    }
  });
});
