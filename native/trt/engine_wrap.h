// The JS face of an engine: loadEngine(plan, options, onLog?) -> Promise<Engine>, and the Engine class
// (info(), run(profile, data, dims, timed) -> Promise, bind(...), runBound(binding, timed) -> Promise, unbind(binding),
// poll(), dispose(), disposed). Loading happens in an AsyncWorker;
// runs on the execution slots' own threads (engine_core.h), as PendingRuns that share ownership of the EngineCore, so
// dispose() during a run frees the GPU memory once that run has finished.
#pragma once

#include <napi.h>

#include <memory>

#include "engine_core.h"
#include "run_delivery.h"

namespace trt_node {

class EngineWrap final : public Napi::ObjectWrap<EngineWrap> {
 public:
  static Napi::Function define(Napi::Env env);
  explicit EngineWrap(Napi::CallbackInfo const& info);
  ~EngineWrap() override;

 private:
  Napi::Value Info(Napi::CallbackInfo const& info);
  Napi::Value Run(Napi::CallbackInfo const& info);
  Napi::Value Bind(Napi::CallbackInfo const& info);
  Napi::Value RunBound(Napi::CallbackInfo const& info);
  Napi::Value Unbind(Napi::CallbackInfo const& info);
  Napi::Value Poll(Napi::CallbackInfo const& info);
  Napi::Value Dispose(Napi::CallbackInfo const& info);
  Napi::Value Disposed(Napi::CallbackInfo const& info);
  std::shared_ptr<EngineCore> requireCore(Napi::Env env) const;
  // Queues a run on `profile`'s queue (its first free slot runs it); the promise settles when the delivery brings it back.
  Napi::Value submit(Napi::Env env, int32_t profile, RunIO io, bool timed);

  std::shared_ptr<EngineCore> core_;
  std::shared_ptr<RunDelivery> delivery_;
};

Napi::Value LoadEngine(Napi::CallbackInfo const& info);

}  // namespace trt_node
