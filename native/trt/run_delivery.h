// Runs as the JS binding sees them: a PendingRun is one Engine.run() call (its feeds, its promise), executed on the
// execution slot's thread and settled on the JS thread; a RunDelivery brings finished runs of one Engine back to the
// JS thread, through a thread-safe function (the loop wakes up) or through poll() (a loop that polls picks them up
// without waiting for that wake-up).
#pragma once

#include <napi.h>

#include <chrono>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <vector>

#include "diagnostics.h"
#include "engine_core.h"

namespace trt_node {

class RunDelivery;

class PendingRun final : public RunJob {
 public:
  using Clock = std::chrono::steady_clock;
  // JS thread.
  PendingRun(Napi::Env env, std::shared_ptr<EngineCore> core, std::shared_ptr<RunDelivery> delivery,
             std::vector<RunFeed> feeds);
  Napi::Promise promise() const { return deferred_.Promise(); }

  void execute(ExecutionSlot& slot) noexcept override;
  void complete(std::unique_ptr<RunJob> self) noexcept override;
  // JS thread: resolves with [meta: Float64Array, ...one ArrayBuffer per output] (layout in lib/native/binding.ts), or
  // rejects with the failure.
  void settle(Napi::Env env) noexcept;

 private:
  friend class RunDelivery;
  Napi::Value result(Napi::Env env);

  std::shared_ptr<EngineCore> core_;  // runs in flight keep the engine: dispose() frees it after them
  std::shared_ptr<RunDelivery> delivery_;
  Napi::Promise::Deferred deferred_;
  std::vector<RunFeed> feeds_;
  std::vector<RunOutput> outputs_;
  RunTimings timings_;
  Diagnostics diagnostics_{-1, nullptr};
  Failure failure_;
  // submitted -> the slot's thread starts it -> finished -> the JS thread settles it.
  Clock::time_point submittedAt_, startedAt_, endedAt_, settledAt_;
};

class RunDelivery {
 public:
  // JS thread. The Engine holds the returned delivery; close() it when the Engine goes.
  static std::shared_ptr<RunDelivery> open(Napi::Env env);
  ~RunDelivery();
  RunDelivery(RunDelivery const&) = delete;
  RunDelivery& operator=(RunDelivery const&) = delete;

  // JS thread, before a run is submitted / when its submission failed. While runs are in flight the delivery keeps the
  // event loop alive.
  void submitted(Napi::Env env);
  void withdrawn(Napi::Env env);
  // Slot thread: a finished run, to be settled on the JS thread.
  static void deliver(std::unique_ptr<PendingRun> run) noexcept;
  // JS thread: settles every finished run.
  void drain(Napi::Env env);
  // JS thread: the Engine is gone (runs in flight are still delivered).
  void close();
  // Slot thread: runs `fn` (a run, which reads its feeds from JS memory) unless the JS environment is gone; false if
  // it is.
  template <class Fn>
  bool whileEnvironmentLives(Fn&& fn) {
    std::shared_lock<std::shared_mutex> gate(feedsGate_);
    if (!environmentAlive_) return false;
    fn();
    return true;
  }

 private:
  RunDelivery() = default;
  static void callJs(napi_env env, napi_value callback, void* context, void* data);
  static void finalize(napi_env env, void* data, void* hint);

  napi_threadsafe_function tsfn_ = nullptr;
  bool closed_ = false;
  size_t inFlight_ = 0;  // JS thread only
  std::mutex mutex_;
  std::vector<std::unique_ptr<PendingRun>> done_;
  // False once the thread-safe function is finalized. Node frees it then even if slot threads still hold it (when the
  // environment is torn down), so it is only used under mutex_ while this is true. Written on the JS thread only.
  bool tsfnAlive_ = true;
  // Runs hold this shared while they run; finalize() takes it exclusively, so that once it returns no run reads a feed
  // from JS memory that the environment's teardown frees. Runs queued after that fail without touching their feeds.
  std::shared_mutex feedsGate_;
  bool environmentAlive_ = true;
};

}  // namespace trt_node
