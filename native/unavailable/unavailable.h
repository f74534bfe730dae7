// Entry points of an addon built without TensorRT: same names and shapes as the real ones, and every one rejects
// with ERR_TRT_NODE_TENSORRT_UNAVAILABLE naming why the build found no TensorRT.
#pragma once

#include <napi.h>

namespace trt_node {

Napi::Value BuildEngineUnavailable(Napi::CallbackInfo const& info);
Napi::Value LoadEngineUnavailable(Napi::CallbackInfo const& info);
// tensorrtRuntimeInfo() -> null; probeBuilder() -> the reason there is no TensorRT.
Napi::Value TensorRTRuntimeInfoUnavailable(Napi::CallbackInfo const& info);
Napi::Value ProbeBuilderUnavailable(Napi::CallbackInfo const& info);

}  // namespace trt_node
