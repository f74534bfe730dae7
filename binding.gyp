# The same addon as CMakeLists.txt, for node-gyp users: `npx node-gyp rebuild` (npm itself runs cmake-js, because
# package.json has its own "install" script and "gypfile": false). TensorRT and CUDA are found by
# scripts/find-tensorrt.js, with the same search order and settings (TENSORRT_ROOT, TENSORRT_INCLUDE_DIR +
# TENSORRT_LIB_DIR, pip's tensorrt_libs, system folders). The output lands in build/Release/trt_node.node, where
# lib/native/binding.ts looks first.
{
  'variables': {
    'trt_node_have_tensorrt%': '<!(node scripts/find-tensorrt.js --gyp have-tensorrt)',
    'trt_node_have_cuda%': '<!(node scripts/find-tensorrt.js --gyp have-cuda)',
  },
  'targets': [
    {
      'target_name': 'trt_node',
      'cflags!': ['-fno-exceptions'],
      'cflags_cc!': ['-fno-exceptions', '-fno-rtti'],
      # TensorRT's and CUDA's headers go in as system headers (-isystem), as CMake does: their own deprecation
      # warnings are not ours to fix, and -Werror applies to trt-node's sources.
      'cflags_cc': ['-std=c++17', '-fexceptions', '-Wall', '-Wextra', '-Werror', '<!@(node scripts/find-tensorrt.js --gyp isystem-flags)'],
      'defines': [
        'NAPI_VERSION=8',
        'NAPI_CPP_EXCEPTIONS',
        'NODE_ADDON_API_DISABLE_DEPRECATED',
        # As in CMakeLists.txt: no fatal error when a terminated worker thread can no longer take a JS exception.
        'NODE_API_SWALLOW_UNTHROWABLE_EXCEPTIONS',
        'TRT_NODE_HAVE_TENSORRT=<(trt_node_have_tensorrt)',
        'TRT_NODE_HAVE_CUDA=<(trt_node_have_cuda)',
      ],
      'include_dirs': [
        '<!(node scripts/find-tensorrt.js --gyp config-dir)',
        "<!(node -p \"require('node-addon-api').include_dir\")",
      ],
      'sources': [
        'native/addon.cc',
        'native/common/napi_error.cc',
        'native/info/build_info.cc',
        'native/info/cuda_info.cc',
      ],
      'libraries': ['<!@(node scripts/find-tensorrt.js --gyp libraries)'],
      'ldflags': ['<!@(node scripts/find-tensorrt.js --gyp rpath-flags)'],
      'conditions': [
        ['trt_node_have_tensorrt==1', {
          'sources': [
            'native/trt/build_options.cc',
            'native/trt/build_worker.cc',
            'native/trt/cuda_resources.cc',
            'native/trt/engine_core.cc',
            'native/trt/engine_wrap.cc',
            'native/trt/error_recorder.cc',
            'native/trt/js_channel.cc',
            'native/trt/logger.cc',
            'native/trt/output_allocator.cc',
            'native/trt/progress_monitor.cc',
            'native/trt/run_delivery.cc',
            'native/trt/tensorrt_library.cc',
            'native/trt/timing_cache.cc',
          ],
          'libraries': ['-ldl'],
        }, {
          'sources': ['native/unavailable/unavailable.cc'],
        }],
      ],
    },
  ],
}
