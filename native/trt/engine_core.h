// A deserialized engine and its execution slots, in plain C++ (no Napi): loaded on a worker thread, run on the
// slots' own threads.
//
// Concurrency: per optimization profile, a ProfileQueue of `contexts` execution slots (LoadOptions::contexts, trtexec
// --infStreams), created on first use, every context of the profile before its first run. A slot owns an
// IExecutionContext bound to its profile, a CUDA stream, timing events, device buffers that are reused and grown in
// stream order, optionally a CUDA graph of its last shapes, and a thread of its own (with the engine's device
// current). The profile's runs wait in one queue that every slot's thread serves: a run starts on whichever slot is
// free (the idle threads are the free list), in submission order, and waits while all are busy. Runs on different
// profiles, and on different slots of one profile, proceed in parallel. Contexts are created one at a time per
// engine: TensorRT documents concurrent use per execution context, not concurrent calls on one ICudaEngine.
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

// Whether a run used a CUDA graph (LoadOptions::cudaGraph), as trtexec --useCudaGraph does: enqueueV3 captured once
// per set of shapes and addresses, after a plain run at them (the warm-up TensorRT needs before a capture), then
// launched.
enum class CudaGraphUse : int32_t {
  kOff = 0,       // graphs not asked for: enqueueV3
  kLaunched = 1,  // the slot's graph for these shapes was launched
  kCaptured = 2,  // enqueueV3 (new shapes), then a graph captured for the next runs at these shapes
  kRefused = 3,   // enqueueV3: capture was refused at these shapes (RunExecution::cudaGraphReason says why)
};

// Where and how a run executed.
struct RunExecution {
  int32_t context = 0;  // the slot (execution context) of its profile, 0 .. contexts - 1
  CudaGraphUse cudaGraph = CudaGraphUse::kOff;
  std::string cudaGraphReason;  // kRefused: why capture failed
};

struct LoadOptions {
  // IRuntime::setEngineHostCodeAllowed: needed for plans built version-compatible (they carry the lean runtime).
  bool allowHostCode = false;
  // The CUDA device to deserialize on; the engine, its contexts, streams and memory are there.
  int32_t device = 0;
  // Execution contexts per optimization profile, each with its own stream and thread (>= 1).
  int32_t contexts = 1;
  // Capture enqueueV3 into a CUDA graph per slot and shapes, and launch it (CudaGraphUse).
  bool cudaGraph = false;
};

class EngineCore;
class ExecutionSlot;
class ProfileQueue;

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
  ExecutionSlot(ProfileQueue& queue, EngineCore& core, int32_t profile, int32_t index)
      : queue_(queue), core_(core), profile_(profile), index_(index) {}
  ExecutionSlot(ExecutionSlot const&) = delete;
  ExecutionSlot& operator=(ExecutionSlot const&) = delete;

  // Slot thread (from RunJob::execute). Throws NativeError carrying TensorRT's recorded errors for this slot.
  void run(RunRequest const& request, std::vector<RunOutput>& outputs, RunTimings& timings, RunExecution& execution);
  // ProfileQueue::prepare, before any slot of the profile runs: the context, its stream, events and buffers.
  void ensureContext();

 private:
  void runLocked(RunRequest const& request, std::vector<RunOutput>& outputs, RunTimings& timings, RunExecution& execution);
  // The steps of a run, in order. bindInputs: each input's shape and device address given to the context (only when
  // they changed; returns whether any did), the feed of each engine tensor (null for outputs) filled in. copyIn: the
  // feeds to the device. execute: enqueueV3, or the slot's CUDA graph. collectOutputs: each output's shape (final once
  // enqueueV3 returned) and host memory. copyOut: the outputs to the host. checkRecordedErrors: after the stream
  // synchronised, the errors TensorRT recorded while its work ran (it reports those only to the error recorder).
  bool bindInputs(std::vector<HostTensor> const& feeds, std::vector<HostTensor const*>& feedOf);
  void copyIn(std::vector<HostTensor const*> const& feedOf);
  void execute(RunExecution& execution);
  void enqueue();
  void collectOutputs(std::vector<HostTensor> const* targets, std::vector<RunOutput>& outputs);
  void copyOut(std::vector<HostTensor> const* targets, std::vector<RunOutput> const& outputs);
  void checkRecordedErrors() const;
  // After a run at new shapes, with the stream idle: enqueueV3 captured into graph_, or the reason it was refused.
  void capture(RunExecution& execution);
  void mark(RunRequest const& request, size_t event) const;
  void readTimings(RunTimings& timings) const;

  ProfileQueue& queue_;
  EngineCore& core_;
  int32_t profile_;
  int32_t index_;
  // Touched only by the slot's thread. Declaration order = reverse destruction order: the graph and the context go
  // first, then what they point at.
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
  // LoadOptions::cudaGraph: the graph of the current shapes and addresses (null until captured), whether capture was
  // tried at them, and why it was refused.
  std::unique_ptr<CudaGraphExec> graph_;
  bool captureTried_ = false;
  std::string captureRefusal_;
};

// One optimization profile's runs: its slots and the queue their threads serve.
class ProfileQueue {
 public:
  ProfileQueue(EngineCore& core, int32_t profile, int32_t contexts);
  // Stops the threads. No job is left by then: every job keeps the EngineCore (and so the queue) alive.
  ~ProfileQueue();
  ProfileQueue(ProfileQueue const&) = delete;
  ProfileQueue& operator=(ProfileQueue const&) = delete;

  // Any thread: queues `job` for the first free slot; starts another slot's thread when none is idle and not all
  // have started. Throws NativeError if no thread can start.
  void submit(std::unique_ptr<RunJob> job);
  // A slot's thread, before its run, with the engine's device current: every slot's context created, once (the first
  // caller creates them, the others wait). All of them before any run: creating a context allocates device memory,
  // which waits for the whole device (cudaMalloc synchronizes), so a context created while another slot runs would
  // wait for that run. Throws NativeError when a context cannot be created (the next run tries again).
  void prepare();

  // How long a slot's thread spins for the next job after a run: enough for a caller to pick up a result and submit
  // the next run (tens of microseconds; more on a slow or busy machine), short enough to cost little CPU when none
  // comes (0.6% of a core at 30 runs a second). It yields meanwhile, so it never takes a core another thread needs.
  static constexpr std::chrono::microseconds kSpin{200};

 private:
  void serve(ExecutionSlot& slot);
  std::unique_ptr<RunJob> next(bool spin);  // spin: a run just finished

  int32_t profile_;
  std::vector<std::unique_ptr<ExecutionSlot>> slots_;  // destroyed after the threads are joined
  std::mutex queueMutex_;
  std::condition_variable queueReady_;
  std::deque<std::unique_ptr<RunJob>> queue_;
  std::atomic<size_t> queued_{0};
  size_t idle_ = 0;  // threads waiting for a job (under queueMutex_)
  std::atomic<bool> stop_{false};
  std::vector<std::thread> threads_;  // threads_[i] serves slots_[i]
  std::mutex prepareMutex_;
  std::atomic<bool> prepared_{false};
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
  int32_t contexts() const noexcept { return contexts_; }
  bool cudaGraph() const noexcept { return cudaGraph_; }
  // Any thread; the queue of `profile`, created on first use. Throws NativeError for a profile that does not exist.
  ProfileQueue& profile(int32_t profile);
  // Worker thread; one context at a time per engine.
  nvinfer1::IExecutionContext* createContext();

 private:
  EngineCore();
  void teardown() noexcept;
  uint64_t id_;
  int32_t device_ = 0;
  int32_t profileCount_ = 0;
  int32_t contexts_ = 1;
  bool cudaGraph_ = false;
  int64_t deviceMemoryBytes_ = 0;
  std::string library_;
  std::string name_;
  std::string runRefusal_;
  std::vector<TensorInfo> tensors_;
  ErrorRecorder recorder_;  // outlives the runtime and engine it is attached to
  RuntimePtr runtime_;
  EnginePtr engine_;
  std::mutex contextMutex_;
  std::mutex profilesMutex_;
  std::vector<std::unique_ptr<ProfileQueue>> profiles_;
};

}  // namespace trt_node
