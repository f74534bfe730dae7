// Runs as the JS binding sees them: a PendingRun is one Engine.run() call (its feeds, its promise), executed on the
// execution slot's thread and settled on the JS thread; a RunDelivery brings finished runs of one Engine back to the
// JS thread, through a thread-safe function (the loop wakes up) or through poll() (a loop that polls picks them up
// without waiting for that wake-up).
#pragma once

#include <napi.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <vector>

#include "bound_io.h"
#include "diagnostics.h"
#include "engine_core.h"

namespace trt_node {

class RunDelivery;

// What a run reads and writes, kept alive until it settles: feeds of its own (Engine.run; `held` is their JS memory),
// or an IOBinding's tensors.
struct RunIO {
  std::vector<HeldBytes> held;
  std::vector<HostTensor> feeds;
  std::shared_ptr<BoundIO> bound;
};

class PendingRun final : public RunJob {
 public:
  using Clock = std::chrono::steady_clock;
  // JS thread.
  PendingRun(Napi::Env env, std::shared_ptr<EngineCore> core, std::shared_ptr<RunDelivery> delivery, RunIO io,
             bool timed);
  Napi::Promise promise() const { return deferred_.Promise(); }

  void execute(ExecutionSlot& slot) noexcept override;
  void complete(std::unique_ptr<RunJob> self) noexcept override;
  // JS thread: resolves with [meta: Float64Array, ...one ArrayBuffer per output, why capture was refused (a string,
  // only when it was)] (layout in lib/native/binding.ts); a bound run with its meta without the outputs (a
  // Float64Array) if timed, else undefined. Or rejects with the failure.
  void settle(Napi::Env env) noexcept;

 private:
  friend class RunDelivery;
  Napi::Value result(Napi::Env env);

  std::shared_ptr<EngineCore> core_;  // runs in flight keep the engine: dispose() frees it after them
  std::shared_ptr<RunDelivery> delivery_;
  Napi::Promise::Deferred deferred_;
  RunIO io_;
  bool timed_;
  std::vector<RunOutput> outputs_;
  RunTimings timings_;
  RunExecution execution_;
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
  // JS thread: settles every finished run; returns how many. With a `wait`, and none finished yet, it first spins up to
  // that long for one (pollWhileRunning: a finished run is then picked up within a microsecond or so, not at the next
  // turn of the event loop).
  size_t drain(Napi::Env env, std::chrono::microseconds wait = std::chrono::microseconds(0));
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
  std::atomic<size_t> doneCount_{0};  // done_.size(), for drain's wait to watch without the lock
  // False once the thread-safe function is finalized. Node frees it then even if slot threads still hold it (when the
  // environment is torn down), so slot threads only use it under tsfnGate_ (shared) while this is true. Written on the
  // JS thread only, under tsfnGate_ (exclusive).
  bool tsfnAlive_ = true;
  std::shared_mutex tsfnGate_;
  // Runs hold this shared while they run; finalize() takes it exclusively, so that once it returns no run reads a feed
  // from JS memory that the environment's teardown frees. Runs queued after that fail without touching their feeds.
  std::shared_mutex feedsGate_;
  bool environmentAlive_ = true;
};

}  // namespace trt_node
