// The shape the addon's TensorRT jobs share, runs aside (build, engine load, timing cache; runs go to their profile's
// own thread, run_delivery.h): work() runs on a libuv worker thread under the job's own log scope, with every C++
// exception captured into a Failure (nothing escapes Execute); then, on the JS thread, the promise is rejected with
// the failure enriched by the job's log and recorded errors, or resolved with result().
#pragma once

#include <napi.h>

#include <chrono>
#include <memory>
#include <utility>

#include "../common/napi_error.h"
#include "diagnostics.h"
#include "logger.h"

namespace trt_node {

class PromiseWorker : public Napi::AsyncWorker {
 public:
  Napi::Promise promise() const { return deferred_.Promise(); }

 protected:
  // failureCode: the error code for C++ exceptions that carry none. logLevel/logChannel: see LogSink.
  PromiseWorker(Napi::Env env, char const* resourceName, char const* failureCode, int32_t logLevel,
                std::shared_ptr<JsChannel> logChannel)
      : Napi::AsyncWorker(env, resourceName),
        diagnostics_(logLevel, logChannel),
        deferred_(Napi::Promise::Deferred::New(env)),
        failureCode_(failureCode),
        logChannel_(std::move(logChannel)) {}

  // Worker thread; may throw.
  virtual void work() = 0;
  // Worker thread, after work() and the failure (if any) were recorded: add to the failure, close channels.
  virtual void finish() {}
  // JS thread, only when work() succeeded; a Napi::Error thrown here rejects the promise.
  virtual Napi::Value result(Napi::Env env) = 0;

  Diagnostics diagnostics_;
  Failure failure_;
  double workMs_ = 0;  // wall time of work()

 private:
  void Execute() final {
    auto started = std::chrono::steady_clock::now();
    diagnostics_.capture(failure_, failureCode_, [this] { work(); });
    workMs_ = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
    // finish() only adds detail and closes channels: a failure there must not mask work()'s own.
    Failure late;
    captureFailure(late, failureCode_, [this] { finish(); });
    if (late.failed && !failure_.failed) failure_ = std::move(late);
    if (failure_.failed) diagnostics_.enrich(failure_);
    // Release the log channel now: events already queued are still delivered, and the loop may then exit.
    if (logChannel_) logChannel_->close();
  }

  void OnOK() final {
    settlePromise(Env(), deferred_, failure_, [this](Napi::Env env) { return result(env); });
  }

  void OnError(Napi::Error const& error) final { deferred_.Reject(error.Value()); }

  Napi::Promise::Deferred deferred_;
  char const* failureCode_;
  std::shared_ptr<JsChannel> logChannel_;
};

}  // namespace trt_node
