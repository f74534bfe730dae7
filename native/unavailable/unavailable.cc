#include "unavailable.h"

#include "../common/napi_error.h"
#include "../common/native_error.h"
#include "../info/build_info.h"

namespace trt_node {

Napi::Value BuildEngineUnavailable(Napi::CallbackInfo const& info) {
  Napi::Env env = info.Env();
  Napi::Object job = Napi::Object::New(env);
  job.Set("promise", rejectedPromise(env, makeJsError(env, codes::kTensorRTUnavailable, tensorrtUnavailableMessage())));
  job.Set("cancel", Napi::Function::New(env, [](Napi::CallbackInfo const&) {}, "cancel"));
  return job;
}

Napi::Value LoadEngineUnavailable(Napi::CallbackInfo const& info) {
  Napi::Env env = info.Env();
  return rejectedPromise(env, makeJsError(env, codes::kTensorRTUnavailable, tensorrtUnavailableMessage()));
}

Napi::Value TensorRTRuntimeInfoUnavailable(Napi::CallbackInfo const& info) { return info.Env().Null(); }

Napi::Value ProbeBuilderUnavailable(Napi::CallbackInfo const& info) {
  return Napi::String::New(info.Env(), tensorrtUnavailableMessage());
}

}  // namespace trt_node
