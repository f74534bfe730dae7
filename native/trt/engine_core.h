// A deserialized engine and its execution slots, in plain C++ (no Napi): loaded on a worker thread, run on the
// slots' own threads.
//
// Concurrency: one execution slot per optimization profile, created on first use. A slot owns an
// IExecutionContext bound to its profile, a CUDA stream, timing events, device buffers that are reused and grown in
// stream order, and a thread of its own (with the engine's device current) that runs the slot's jobs in submission
// order. Runs on different profiles proceed in
// parallel; runs on one profile queue on its slot. Contexts are created one at a time per engine: TensorRT documents
// concurrent use per execution context, not concurrent calls on one ICudaEngine.
//
// Why a thread per slot rather than Node's thread pool: a run's cost outside the engine is dominated by waking
// threads (the pool's worker on the way in; tens of microseconds each on virtual machines). A slot's thread spins a
// moment after each run before it sleeps (kSpin), so that a caller submitting runs back to back finds it awake.
#pragma once

#include <NvInfer.h>

#include <array>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "../common/held_bytes.h"
#include "cuda_resources.h"
#include "error_recorder.h"
#include "output_allocator.h"
#include "trt_ptr.h"

namespace trt_node {

struct ProfileShape {
  std::vector<int64_t> min;
  std::vector<int64_t> opt;
  std::vector<int64_t> max;
};

struct TensorInfo {
  std::string name;
  bool isInput = false;
  nvinfer1::DataType type = nvinfer1::DataType::kFLOAT;
  std::vector<int64_t> dims;  // -1 for dynamic
  bool onHost = false;        // shape tensors live in host memory
  bool linear = true;         // kLINEAR in every profile; vectorized formats (kHWC8, kCHW32...) pad the buffer
  std::vector<ProfileShape> profiles;  // inputs only, one per optimization profile
};

// A tensor in host memory that a run reads (a feed) or writes (an IOBinding's output). Its owner keeps the memory
// alive for the run. `pinned`: page-locked (HostRegistration), so its copy is asynchronous; pageable memory is copied
// by CUDA through staging of its own (no trt-node staging buffers: growing page-locked memory would synchronize the
// whole device, cudaMallocHost and cudaFreeHost being implicitly synchronizing).
struct HostTensor {
  std::vector<int64_t> dims;
  uint8_t* data = nullptr;
  size_t size = 0;
  bool pinned = false;
};

// What one run reads and writes.
struct RunRequest {
  std::vector<HostTensor> const* feeds = nullptr;    // one per engine input, in input order
  std::vector<HostTensor> const* targets = nullptr;  // an IOBinding's outputs, written in place; null: allocated
  bool timed = false;  // CUDA events around the copies and enqueueV3 (RunTimings); an untimed run records none
};

// One output of a run, in the order of the engine's outputs (its name and type are the engine's). `bytes` is null
// when the run wrote the output to its target.
struct RunOutput {
  std::vector<int64_t> dims;
  std::unique_ptr<uint8_t[]> bytes;
  size_t size = 0;
};

// CUDA-event times on the run's stream. Buffer growth happens outside the event pairs, and output growth inside
// enqueueV3 is stream-ordered. Copies of pageable memory include CUDA's own staging of it.
struct RunTimings {
  double h2dMs = 0;      // host-to-device copies of the feeds
  double computeMs = 0;  // enqueueV3: the engine itself
  double d2hMs = 0;      // device-to-host copies of the outputs
  // Host clock on the worker thread (where the binding's own cost goes): from the start of the run to the first
  // event (shapes, addresses, device buffers), and from the stream's synchronisation to the end (errors and timings
  // read).
  double hostPrepareMs = 0;
  double hostFinishMs = 0;
};

struct LoadOptions {
  // IRuntime::setEngineHostCodeAllowed: needed for plans built version-compatible (they carry the lean runtime).
  bool allowHostCode = false;
  // The CUDA device to deserialize on; the engine, its contexts, streams and memory are there.
  int32_t device = 0;
};

class EngineCore;
class ExecutionSlot;

// One run, as the slot's thread sees it. The owner (the JS binding) implements what the run does and where the
// finished job goes; the slot only orders and executes jobs.
class RunJob {
 public:
  virtual ~RunJob() = default;
  // Slot thread: the run (calls slot.run()); must not throw.
  virtual void execute(ExecutionSlot& slot) noexcept = 0;
  // Slot thread, after execute(): hands the job back to its owner, who destroys it; must not throw. The slot touches
  // neither the job nor anything the job keeps alive after this call.
  virtual void complete(std::unique_ptr<RunJob> self) noexcept = 0;
};

class ExecutionSlot {
 public:
  ExecutionSlot(EngineCore& core, int32_t profile) : core_(core), profile_(profile) {}
  // Stops the slot's thread. No job is left by then: every job keeps the EngineCore (and so the slot) alive.
  ~ExecutionSlot();
  ExecutionSlot(ExecutionSlot const&) = delete;
  ExecutionSlot& operator=(ExecutionSlot const&) = delete;

  // Any thread: queues `job` for the slot's thread (started on first use). Throws NativeError if it cannot start.
  void submit(std::unique_ptr<RunJob> job);
  // Slot thread (from RunJob::execute). Throws NativeError carrying TensorRT's recorded errors for this slot.
  void run(RunRequest const& request, std::vector<RunOutput>& outputs, RunTimings& timings);

  // How long the slot's thread spins for the next job after a run: enough for a caller to pick up a result and submit
  // the next run (tens of microseconds; more on a slow or busy machine), short enough to cost little CPU when none
  // comes (0.6% of a core at 30 runs a second). It yields meanwhile, so it never takes a core another thread needs.
  static constexpr std::chrono::microseconds kSpin{200};

 private:
  void serve();
  std::unique_ptr<RunJob> next(bool spin);  // spin: a run just finished
  void runLocked(RunRequest const& request, std::vector<RunOutput>& outputs, RunTimings& timings);
  void ensureContext();
  // The steps of a run, in order. bindInputs: each input's shape and device address given to the context (only when
  // they changed), the feed of each engine tensor (null for outputs) returned. copyIn: the feeds to the device.
  // enqueue: enqueueV3. collectOutputs: each output's shape (final once enqueueV3 returned) and host memory.
  // copyOut: the outputs to the host. checkRecordedErrors: after the stream synchronised, the errors TensorRT recorded
  // while its work ran (it reports those only to the error recorder).
  std::vector<HostTensor const*> bindInputs(std::vector<HostTensor> const& feeds);
  void copyIn(std::vector<HostTensor const*> const& feedOf);
  void enqueue();
  void collectOutputs(std::vector<HostTensor> const* targets, std::vector<RunOutput>& outputs);
  void copyOut(std::vector<HostTensor> const* targets, std::vector<RunOutput> const& outputs);
  void checkRecordedErrors() const;
  void mark(RunRequest const& request, size_t event) const;
  void readTimings(RunTimings& timings) const;

  EngineCore& core_;
  int32_t profile_;
  // The job queue, and the thread serving it (the only thread that touches the members below it).
  std::mutex queueMutex_;
  std::condition_variable queueReady_;
  std::deque<std::unique_ptr<RunJob>> queue_;
  std::atomic<size_t> queued_{0};
  std::atomic<bool> stop_{false};
  std::thread thread_;
  // Declaration order = reverse destruction order: the context goes first, then what it points at.
  ErrorRecorder recorder_;
  std::unique_ptr<CudaStream> stream_;
  // Timed runs only: 0 before the feeds' copies, 1 after them, 2 after enqueueV3, 3 before and 4 after the outputs'
  // copies.
  std::array<std::unique_ptr<CudaEvent>, 5> events_;
  std::vector<std::unique_ptr<StreamBuffer>> inputDevice_;
  std::vector<std::unique_ptr<OutputAllocator>> allocators_;
  // What the context was last given per IO tensor: shapes and addresses persist in an execution context, so a run
  // with the same ones skips setting them again. Cleared when a run fails (the context's state is then unknown).
  std::vector<std::vector<int64_t>> shapeSet_;
  std::vector<void*> addressSet_;
  ContextPtr context_;
};

class EngineCore {
 public:
  // Worker thread. Deserializes `plan` on options.device (made current on the calling thread). Throws NativeError.
  static std::unique_ptr<EngineCore> load(HeldBytes const& plan, LoadOptions const& options);
  // Any thread; the engine is freed with its device current (on a thread of its own: device.h).
  ~EngineCore();

  // Unique in the process, never reused (unlike the address): what an IOBinding records of its engine.
  uint64_t id() const noexcept { return id_; }
  std::vector<TensorInfo> const& tensors() const noexcept { return tensors_; }
  int32_t profileCount() const noexcept { return profileCount_; }
  int32_t device() const noexcept { return device_; }
  int64_t deviceMemoryBytes() const noexcept { return deviceMemoryBytes_; }
  // "TensorRT 10.16.0", or the test stand-in's description of itself.
  std::string const& library() const noexcept { return library_; }
  std::string const& name() const noexcept { return name_; }
  // Why no run of this engine can work (an IO tensor trt-node cannot exchange), or "".
  std::string const& runRefusal() const noexcept { return runRefusal_; }
  // Any thread; the slot for `profile`, created on first use. Throws NativeError for a profile that does not exist.
  ExecutionSlot& slot(int32_t profile);
  // Worker thread; one context at a time per engine.
  nvinfer1::IExecutionContext* createContext();

 private:
  EngineCore();
  void teardown() noexcept;
  uint64_t id_;
  int32_t device_ = 0;
  int32_t profileCount_ = 0;
  int64_t deviceMemoryBytes_ = 0;
  std::string library_;
  std::string name_;
  std::string runRefusal_;
  std::vector<TensorInfo> tensors_;
  ErrorRecorder recorder_;  // outlives the runtime and engine it is attached to
  RuntimePtr runtime_;
  EnginePtr engine_;
  std::mutex contextMutex_;
  std::mutex slotsMutex_;
  std::vector<std::unique_ptr<ExecutionSlot>> slots_;
};

}  // namespace trt_node
