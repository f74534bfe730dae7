// What the build found: TensorRT and CUDA, where it looked, and why something is missing. The build system writes
// trt_node_build_config.h (CMakeLists.txt via configure_file, binding.gyp via scripts/find-tensorrt.js, the syntax
// check via scripts/check-native.js) and sets TRT_NODE_HAVE_TENSORRT / TRT_NODE_HAVE_CUDA as compile definitions.
#pragma once

#include "trt_node_build_config.h"

#ifndef TRT_NODE_HAVE_TENSORRT
#define TRT_NODE_HAVE_TENSORRT 0
#endif
#ifndef TRT_NODE_HAVE_CUDA
#define TRT_NODE_HAVE_CUDA 0
#endif

#if TRT_NODE_HAVE_TENSORRT && !TRT_NODE_HAVE_CUDA
#error "TRT_NODE_HAVE_TENSORRT=1 needs TRT_NODE_HAVE_CUDA=1: TensorRT's headers include CUDA's"
#endif

// Strings (each may be empty). Lists are separated by '\n'.
#ifndef TRT_NODE_BUILD_SYSTEM
#define TRT_NODE_BUILD_SYSTEM "unknown"
#endif
#ifndef TRT_NODE_TENSORRT_INCLUDE_DIR
#define TRT_NODE_TENSORRT_INCLUDE_DIR ""
#endif
#ifndef TRT_NODE_TENSORRT_LIBRARIES
#define TRT_NODE_TENSORRT_LIBRARIES ""
#endif
#ifndef TRT_NODE_TENSORRT_SEARCHED
#define TRT_NODE_TENSORRT_SEARCHED ""
#endif
#ifndef TRT_NODE_TENSORRT_REASON
#define TRT_NODE_TENSORRT_REASON ""
#endif
#ifndef TRT_NODE_CUDA_INCLUDE_DIR
#define TRT_NODE_CUDA_INCLUDE_DIR ""
#endif
#ifndef TRT_NODE_CUDA_LIBRARY
#define TRT_NODE_CUDA_LIBRARY ""
#endif
#ifndef TRT_NODE_CUDA_VERSION
#define TRT_NODE_CUDA_VERSION ""
#endif
#ifndef TRT_NODE_CUDA_REASON
#define TRT_NODE_CUDA_REASON ""
#endif
