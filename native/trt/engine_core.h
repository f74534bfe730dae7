// A deserialized engine and its execution slots, in plain C++ (no Napi): loaded and run on worker threads.
//
// Concurrency: one execution slot per optimization profile, created on first use. A slot owns an
// IExecutionContext bound to its profile, a CUDA stream, timing events, and device/pinned buffers that are reused
// and grown. Runs on different profiles proceed in parallel; runs on the same profile are serialised by the slot's
// mutex (the TS Engine also queues them per profile, so no libuv thread waits on the mutex in practice). Contexts are
// created one at a time per engine: TensorRT documents concurrent use per execution context, not concurrent calls on
// one ICudaEngine.
#pragma once

#include <NvInfer.h>

#include <array>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
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

struct RunFeed {
  std::string name;
  std::vector<int64_t> dims;
  HeldBytes data;
};

struct RunOutput {
  std::string name;
  nvinfer1::DataType type = nvinfer1::DataType::kFLOAT;
  std::vector<int64_t> dims;
  std::unique_ptr<uint8_t[]> bytes;
  size_t size = 0;
};

// CUDA-event times on the run's stream. Each covers only GPU-side work: host staging and buffer growth happen
// outside the event pairs, and output growth inside enqueueV3 is stream-ordered.
struct RunTimings {
  double h2dMs = 0;      // host-to-device copies of the feeds
  double computeMs = 0;  // enqueueV3: the engine itself
  double d2hMs = 0;      // device-to-host copies of the outputs
  // Host clock on the worker thread (where the binding's own cost goes): from the start of the run to the first
  // event (shapes, addresses, staging), and from the stream's synchronisation to the end (outputs copied out).
  double hostPrepareMs = 0;
  double hostFinishMs = 0;
};

struct LoadOptions {
  // IRuntime::setEngineHostCodeAllowed: needed for plans built version-compatible (they carry the lean runtime).
  bool allowHostCode = false;
};

class EngineCore;

class ExecutionSlot {
 public:
  ExecutionSlot(EngineCore& core, int32_t profile) : core_(core), profile_(profile) {}
  // Worker thread. Throws NativeError carrying TensorRT's recorded errors for this slot.
  void run(std::vector<RunFeed> const& feeds, std::vector<RunOutput>& outputs, RunTimings& timings);

 private:
  void runLocked(std::vector<RunFeed> const& feeds, std::vector<RunOutput>& outputs, RunTimings& timings);
  void ensureContext();

  EngineCore& core_;
  int32_t profile_;
  std::mutex mutex_;
  // Declaration order = reverse destruction order: the context goes first, then what it points at.
  ErrorRecorder recorder_;
  std::unique_ptr<CudaStream> stream_;
  // 0 before the feeds' copies, 1 after them, 2 after enqueueV3, 3 before and 4 after the outputs' copies.
  std::array<std::unique_ptr<CudaEvent>, 5> events_;
  std::vector<std::unique_ptr<StreamBuffer>> inputDevice_;
  std::vector<PinnedBuffer> inputStaging_;
  std::vector<PinnedBuffer> outputStaging_;
  std::vector<std::unique_ptr<OutputAllocator>> allocators_;
  ContextPtr context_;
};

class EngineCore {
 public:
  // Worker thread. Deserializes `plan` on the current CUDA device. Throws NativeError.
  static std::unique_ptr<EngineCore> load(HeldBytes const& plan, LoadOptions const& options);
  ~EngineCore();

  std::vector<TensorInfo> const& tensors() const noexcept { return tensors_; }
  int32_t profileCount() const noexcept { return profileCount_; }
  int32_t device() const noexcept { return device_; }
  int64_t deviceMemoryBytes() const noexcept { return deviceMemoryBytes_; }
  // "TensorRT 10.16.0", or the test stand-in's description of itself.
  std::string const& library() const noexcept { return library_; }
  std::string const& name() const noexcept { return name_; }
  // Worker thread; the slot for `profile`, created on first use.
  ExecutionSlot& slot(int32_t profile);
  // Worker thread; one context at a time per engine.
  nvinfer1::IExecutionContext* createContext();

 private:
  EngineCore() = default;
  int32_t device_ = 0;
  int32_t profileCount_ = 0;
  int64_t deviceMemoryBytes_ = 0;
  std::string library_;
  std::string name_;
  std::vector<TensorInfo> tensors_;
  ErrorRecorder recorder_;  // outlives the runtime and engine it is attached to
  RuntimePtr runtime_;
  EnginePtr engine_;
  std::mutex contextMutex_;
  std::mutex slotsMutex_;
  std::vector<std::unique_ptr<ExecutionSlot>> slots_;
};

}  // namespace trt_node
