#include "run_delivery.h"

#include <cstring>
#include <thread>
#include <utility>

#include "../common/array_buffers.h"
#include "../common/fault_injection.h"
#include "../common/napi_error.h"

namespace trt_node {
namespace {

// The meta array's slots: the timings, then where and how the run executed, in this order; the outputs' ranks and
// dims follow (lib/native/binding.ts reads it: RUN_META_TIMINGS, RUN_META_EXECUTION).
constexpr size_t kTimingSlots = 8;
constexpr size_t kExecutionSlots = 5;
constexpr size_t kMetaSlots = kTimingSlots + kExecutionSlots;

// A monotonic clock's milliseconds since the addon was loaded: when runs started and ended, comparable between the
// runs of one process (of every engine).
std::chrono::steady_clock::time_point const kClockEpoch = std::chrono::steady_clock::now();
double clockMs(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double, std::milli>(t - kClockEpoch).count();
}

// A spin-wait step that leaves the core's pipeline to its sibling thread instead of a system call.
inline void cpuRelax() noexcept {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#elif defined(__aarch64__)
  asm volatile("yield");
#else
  std::this_thread::yield();
#endif
}

double msBetween(std::chrono::steady_clock::time_point a, std::chrono::steady_clock::time_point b) {
  return std::chrono::duration<double, std::milli>(b - a).count();
}

}  // namespace

PendingRun::PendingRun(Napi::Env env, std::shared_ptr<EngineCore> core, std::shared_ptr<RunDelivery> delivery, RunIO io,
                       bool timed)
    : core_(std::move(core)),
      delivery_(std::move(delivery)),
      deferred_(Napi::Promise::Deferred::New(env)),
      io_(std::move(io)),
      timed_(timed),
      submittedAt_(Clock::now()) {}

void PendingRun::execute(ExecutionSlot& slot) noexcept {
  startedAt_ = Clock::now();
  bool ran = delivery_->whileEnvironmentLives([&] {
    diagnostics_.capture(failure_, codes::kEngine, [&] {
      RunRequest request = io_.bound ? io_.bound->request(timed_) : RunRequest{&io_.feeds, nullptr, timed_};
      slot.run(request, outputs_, timings_, execution_);
    });
  });
  if (!ran) failure_.set(codes::kEngine, "not run: the JS environment that started it was torn down");
  if (failure_.failed) {
    try {
      diagnostics_.enrich(failure_);
    } catch (...) {
      // Out of memory while adding detail: the failure itself stands.
    }
  }
  endedAt_ = Clock::now();
}

void PendingRun::complete(std::unique_ptr<RunJob> self) noexcept {
  RunDelivery::deliver(std::unique_ptr<PendingRun>(static_cast<PendingRun*>(self.release())));
}

void PendingRun::settle(Napi::Env env) noexcept {
  settledAt_ = Clock::now();
  settlePromise(env, deferred_, failure_, [this](Napi::Env e) { return result(e); });
}

Napi::Value PendingRun::result(Napi::Env env) {
  // A bound run's outputs are in the binding's arrays already.
  bool bound = io_.bound != nullptr;
  if (bound && !timed_) return env.Undefined();
  size_t slots = kMetaSlots;
  if (!bound) {
    for (RunOutput const& out : outputs_) slots += 1 + out.dims.size();
  }
  Napi::ArrayBuffer metaBuffer = Napi::ArrayBuffer::New(env, slots * sizeof(double));
  double* meta = static_cast<double*>(metaBuffer.Data());
  double const timings[kTimingSlots] = {timings_.h2dMs,
                                        timings_.computeMs,
                                        timings_.d2hMs,
                                        msBetween(startedAt_, endedAt_),  // wall time on the slot's thread
                                        timings_.hostPrepareMs,
                                        timings_.hostFinishMs,
                                        msBetween(submittedAt_, startedAt_),  // to the slot's thread (queue included)
                                        msBetween(endedAt_, settledAt_)};     // back to the JS thread
  std::memcpy(meta, timings, sizeof(timings));
  double const execution[kExecutionSlots] = {static_cast<double>(core_->device()), static_cast<double>(execution_.context),
                                             static_cast<double>(execution_.cudaGraph), clockMs(startedAt_), clockMs(endedAt_)};
  std::memcpy(meta + kTimingSlots, execution, sizeof(execution));
  if (bound) return Napi::Float64Array::New(env, kMetaSlots, metaBuffer, 0);
  size_t k = kMetaSlots;
  for (RunOutput const& out : outputs_) {
    meta[k++] = static_cast<double>(out.dims.size());
    for (int64_t d : out.dims) meta[k++] = static_cast<double>(d);
  }
  bool refused = !execution_.cudaGraphReason.empty();
  Napi::Array packed = Napi::Array::New(env, 1 + outputs_.size() + (refused ? 1 : 0));
  if (refused) packed.Set(static_cast<uint32_t>(1 + outputs_.size()), Napi::String::New(env, execution_.cudaGraphReason));
  packed.Set(0u, Napi::Float64Array::New(env, slots, metaBuffer, 0));
  for (size_t i = 0; i < outputs_.size(); ++i) {
    RunOutput& out = outputs_[i];
    // The output bytes move into the ArrayBuffer (without a copy where Node allows it); V8 frees them with the buffer.
    packed.Set(static_cast<uint32_t>(i + 1),
               arrayBufferOwning(env, out.bytes.release(), out.size, [](void* p) { delete[] static_cast<uint8_t*>(p); }));
  }
  return packed;
}

std::shared_ptr<RunDelivery> RunDelivery::open(Napi::Env env) {
  std::shared_ptr<RunDelivery> delivery(new RunDelivery());
  // The thread-safe function keeps the delivery alive until it is finalized (after close() and the last run).
  auto* context = new std::shared_ptr<RunDelivery>(delivery);
  napi_status status = faultInjected("runDelivery.open")
                           ? napi_generic_failure
                           : napi_create_threadsafe_function(env, nullptr, nullptr, Napi::String::New(env, "trt-node:run"), 0,
                                                             1, context, &RunDelivery::finalize, context,
                                                             &RunDelivery::callJs, &delivery->tsfn_);
  if (status != napi_ok) {
    delete context;
    NAPI_THROW(Napi::Error::New(env, "napi_create_threadsafe_function failed for an Engine's runs"), nullptr);
  }
  // An idle Engine must not keep the process alive: only runs in flight do (submitted()).
  napi_unref_threadsafe_function(env, delivery->tsfn_);
  return delivery;
}

RunDelivery::~RunDelivery() {
  // Runs still here were finished while the environment was torn down: their JS handles cannot be freed any more, and
  // this may run on a slot's thread. They are left behind on purpose.
  for (auto& run : done_) run.release();
}

void RunDelivery::submitted(Napi::Env env) {
  if (!tsfnAlive_ || napi_acquire_threadsafe_function(tsfn_) != napi_ok) {
    throw Napi::Error::New(env, "cannot run: the JS environment is shutting down");
  }
  if (inFlight_++ == 0 && !closed_) napi_ref_threadsafe_function(env, tsfn_);
}

void RunDelivery::withdrawn(Napi::Env env) {
  --inFlight_;
  if (!tsfnAlive_) return;
  napi_release_threadsafe_function(tsfn_, napi_tsfn_release);
  if (inFlight_ == 0 && !closed_) napi_unref_threadsafe_function(env, tsfn_);
}

void RunDelivery::deliver(std::unique_ptr<PendingRun> run) noexcept {
  // Held locally: once the run is queued, the JS thread may settle and free it (and with it its reference).
  std::shared_ptr<RunDelivery> self = run->delivery_;
  bool wake = false;
  {
    std::lock_guard<std::mutex> lock(self->mutex_);
    wake = self->done_.empty();  // otherwise a wake-up is already on its way, and its drain takes this run too
    try {
      self->done_.push_back(std::move(run));
      self->doneCount_.store(self->done_.size(), std::memory_order_release);
    } catch (...) {
      run.release();  // out of memory queueing it: the promise stays pending rather than the process ending
    }
  }
  // Outside the queue's lock, so that a JS thread polling for the run takes it meanwhile instead of waiting for this
  // system call; under the gate, so that finalize() cannot free the thread-safe function meanwhile. When the
  // environment is torn down (tsfnAlive_ false) the run stays queued, and is left behind with the delivery.
  std::shared_lock<std::shared_mutex> gate(self->tsfnGate_);
  if (!self->tsfnAlive_) return;
  if (wake) napi_call_threadsafe_function(self->tsfn_, nullptr, napi_tsfn_nonblocking);
  napi_release_threadsafe_function(self->tsfn_, napi_tsfn_release);
}

size_t RunDelivery::drain(Napi::Env env, std::chrono::microseconds wait) {
  if (wait.count() > 0 && inFlight_ > 0) {
    auto until = std::chrono::steady_clock::now() + wait;
    while (doneCount_.load(std::memory_order_acquire) == 0 && std::chrono::steady_clock::now() < until) cpuRelax();
  }
  std::vector<std::unique_ptr<PendingRun>> done;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    done.swap(done_);
    doneCount_.store(0, std::memory_order_relaxed);
  }
  for (auto& run : done) {
    run->settle(env);
    run.reset();  // here, on the JS thread: the feeds' references, and maybe the last of the engine
    if (--inFlight_ == 0 && !closed_ && tsfnAlive_) napi_unref_threadsafe_function(env, tsfn_);
  }
  return done.size();
}

void RunDelivery::close() {
  if (closed_) return;
  closed_ = true;
  if (tsfnAlive_) napi_release_threadsafe_function(tsfn_, napi_tsfn_release);
}

void RunDelivery::callJs(napi_env env, napi_value, void* context, void*) {
  if (env == nullptr) return;  // torn down
  try {
    (*static_cast<std::shared_ptr<RunDelivery>*>(context))->drain(Napi::Env(env));
  } catch (...) {
    // Nothing may escape into Node: settle() already swallows what JS can no longer take.
  }
}

void RunDelivery::finalize(napi_env, void* data, void*) {
  auto* delivery = static_cast<std::shared_ptr<RunDelivery>*>(data);
  {
    // Waits for runs in progress (at most one per execution context) when the environment is torn down with runs in flight.
    std::unique_lock<std::shared_mutex> gate((*delivery)->feedsGate_);
    (*delivery)->environmentAlive_ = false;
  }
  {
    std::unique_lock<std::shared_mutex> gate((*delivery)->tsfnGate_);
    (*delivery)->tsfnAlive_ = false;
  }
  delete delivery;
}

}  // namespace trt_node
