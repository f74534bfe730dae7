// trt-node's native addon. Exports (typed in lib/native/binding.ts):
//   buildInfo(), tensorrtVersion(), cudaInfo(), tensorrtRuntimeInfo(), probeBuilder(),
//   buildEngine(options, onLog?, onProgress?) -> { promise, cancel }, loadEngine(plan, options?, onLog?) -> Promise,
//   saveTimingCache(path, bytes) -> Promise, NativeEngine (only with TensorRT).
// Without TensorRT (TRT_NODE_HAVE_TENSORRT=0) the same entry points exist and reject with
// ERR_TRT_NODE_TENSORRT_UNAVAILABLE.
#include <napi.h>

#include "common/build_config.h"
#include "info/build_info.h"
#include "info/cuda_info.h"

#if TRT_NODE_HAVE_TENSORRT
#include "trt/build_worker.h"
#include "trt/engine_wrap.h"
#include "trt/tensorrt_library.h"
#include "trt/timing_cache.h"
#else
#include "unavailable/unavailable.h"
#endif

namespace {

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("buildInfo", Napi::Function::New(env, trt_node::BuildInfo, "buildInfo"));
  exports.Set("tensorrtVersion", Napi::Function::New(env, trt_node::TensorRTVersion, "tensorrtVersion"));
  exports.Set("cudaInfo", Napi::Function::New(env, trt_node::CudaInfo, "cudaInfo"));
#if TRT_NODE_HAVE_TENSORRT
  exports.Set("tensorrtRuntimeInfo", Napi::Function::New(env, trt_node::TensorRTRuntimeInfo, "tensorrtRuntimeInfo"));
  exports.Set("probeBuilder", Napi::Function::New(env, trt_node::ProbeBuilder, "probeBuilder"));
  exports.Set("buildEngine", Napi::Function::New(env, trt_node::BuildEngine, "buildEngine"));
  exports.Set("loadEngine", Napi::Function::New(env, trt_node::LoadEngine, "loadEngine"));
  exports.Set("saveTimingCache", Napi::Function::New(env, trt_node::SaveTimingCache, "saveTimingCache"));
  exports.Set("NativeEngine", trt_node::EngineWrap::define(env));
#else
  exports.Set("tensorrtRuntimeInfo", Napi::Function::New(env, trt_node::TensorRTRuntimeInfoUnavailable, "tensorrtRuntimeInfo"));
  exports.Set("probeBuilder", Napi::Function::New(env, trt_node::ProbeBuilderUnavailable, "probeBuilder"));
  exports.Set("buildEngine", Napi::Function::New(env, trt_node::BuildEngineUnavailable, "buildEngine"));
  exports.Set("loadEngine", Napi::Function::New(env, trt_node::LoadEngineUnavailable, "loadEngine"));
  exports.Set("saveTimingCache", Napi::Function::New(env, trt_node::LoadEngineUnavailable, "saveTimingCache"));
#endif
  return exports;
}

}  // namespace

NODE_API_MODULE(trt_node, Init)
