// The stand-in's run side: IRuntime, ICudaEngine, IExecutionContext, and createInferRuntime_INTERNAL. An engine runs
// its ONNX model with onnxruntime inside a host function on the caller's CUDA stream, so CUDA events around
// enqueueV3 measure the engine's own time, as they would for TensorRT's kernels.
#include <NvInferVersion.h>
#include <cuda_runtime_api.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <mutex>
#include <stdexcept>
#include <thread>

#include "diagnostics.h"
#include "dims.h"
#include "output_shapes.h"
#include "plan.h"
#include "precision.h"
#include "standin.h"

namespace trt_standin {

bool versionMatches(int32_t version, char const* what) noexcept;

namespace {

using nvinfer1::ErrorCode;
using Severity = nvinfer1::ILogger::Severity;

constexpr uint64_t kAlignment = 256;

// True only when CUDA positively says `p` is host memory (page-locked or not registered at all). A query CUDA cannot
// answer is not taken as a violation.
bool isHostMemory(void const* p) {
  cudaPointerAttributes attributes{};
  if (cudaPointerGetAttributes(&attributes, p) != cudaSuccess) {
    cudaGetLastError();
    return false;
  }
  return attributes.type == cudaMemoryTypeHost || attributes.type == cudaMemoryTypeUnregistered;
}

bool aligned(void const* p) { return reinterpret_cast<uintptr_t>(p) % kAlignment == 0; }

int currentDevice() {
  int device = 0;
  if (cudaGetDevice(&device) != cudaSuccess) cudaGetLastError();
  return device;
}

// TensorRT Developer Guide, FAQ "How do I use TensorRT on multiple GPUs?": "Each ICudaEngine object is bound to a
// specific GPU when it is instantiated, either by the builder or on deserialization. ... Each IExecutionContext is
// bound to the same GPU as the engine from which it was created. When calling execute() or enqueue(), ensure that the
// thread is associated with the correct device by calling cudaSetDevice() if necessary."
void requireEngineDevice(int engineDevice, char const* call) {
  int here = currentDevice();
  require(here == engineDevice, "a TensorRT engine used while another CUDA device is current",
          std::string(call) + " on device " + std::to_string(here) + ", the engine is bound to device " +
              std::to_string(engineDevice) + " (\"ensure that the thread is associated with the correct device by calling "
              "cudaSetDevice()\")");
}

void cuda(cudaError_t status, char const* call) {
  if (status != cudaSuccess) {
    cudaGetLastError();
    throw std::runtime_error(std::string(call) + " failed: " + cudaGetErrorName(status));
  }
}

// Page-locked staging the stand-in copies engine IO through (so its copies stay asynchronous).
class Pinned {
 public:
  Pinned() = default;
  ~Pinned() {
    if (data_ != nullptr && cudaFreeHost(data_) != cudaSuccess) cudaGetLastError();
  }
  Pinned(Pinned const&) = delete;
  Pinned& operator=(Pinned const&) = delete;
  bool fits(size_t bytes) const { return bytes <= capacity_ && data_ != nullptr; }
  void* reserve(size_t bytes) {
    if (fits(bytes)) return data_;
    if (data_ != nullptr) cuda(cudaFreeHost(data_), "cudaFreeHost");
    data_ = nullptr;
    capacity_ = 0;
    cuda(cudaMallocHost(&data_, bytes == 0 ? 1 : bytes), "cudaMallocHost");
    capacity_ = bytes;
    return data_;
  }

 private:
  void* data_ = nullptr;
  size_t capacity_ = 0;
};

class EngineImpl;

class RuntimeImpl final : public nvinfer1::apiv::standin::StubVRuntime {
 public:
  explicit RuntimeImpl(nvinfer1::IRuntime&) {
    log(Severity::kINFO, std::string(kIdentity) + ": runtime created (seed " + std::to_string(seed()) + ")");
  }
  ~RuntimeImpl() override {
    // IRuntime::deserializeCudaEngine: "Destroying the IRuntime before destroying all associated ICudaEngine instances
    // results in undefined behavior."
    require(engines.load() == 0, "IRuntime destroyed before its ICudaEngine",
            "\"Destroying the IRuntime before destroying all associated ICudaEngine instances results in undefined behavior.\"");
  }

  nvinfer1::ICudaEngine* deserializeCudaEngine(void const* blob, std::size_t size) noexcept override;
  void setErrorRecorder(nvinfer1::IErrorRecorder* recorder) noexcept override { recorder_.set(recorder); }
  nvinfer1::IErrorRecorder* getErrorRecorder() const noexcept override { return recorder_.get(); }
  nvinfer1::ILogger* getLogger() const noexcept override { return currentLogger(); }
  bool setMaxThreads(int32_t maxThreads) noexcept override { return maxThreads > 0; }
  int32_t getMaxThreads() const noexcept override { return 1; }
  // "Set whether the runtime is allowed to deserialize engines with host executable code. ... The default value is
  // false."
  void setEngineHostCodeAllowed(bool allowed) noexcept override { hostCodeAllowed_ = allowed; }
  bool getEngineHostCodeAllowed() const noexcept override { return hostCodeAllowed_; }

  std::atomic<int> engines{0};

 private:
  RecorderRef recorder_;
  std::atomic<bool> hostCodeAllowed_{false};
};

class EngineImpl final : public nvinfer1::apiv::standin::StubVCudaEngine {
 public:
  EngineImpl(nvinfer1::ICudaEngine& self, RuntimeImpl& runtime, Plan plan, std::shared_ptr<OrtModel> model,
             nvinfer1::IErrorRecorder* recorder)
      : self_(self), runtime_(runtime), plan_(std::move(plan)), model_(std::move(model)), device_(currentDevice()) {
    // The engine's weights go to the device current at deserialization (the device it is bound to).
    cuda(cudaMalloc(&weights_, plan_.onnx.size() == 0 ? 1 : plan_.onnx.size()), "cudaMalloc");
    // IRuntime::deserializeCudaEngine: "If an error recorder has been set for the runtime, it will also be passed to
    // the engine."
    recorder_.set(recorder);
    for (size_t i = 0; i < plan_.tensors.size(); ++i) index_[plan_.tensors[i].name] = static_cast<int32_t>(i);
    ++runtime_.engines;
  }

  ~EngineImpl() override {
    // "For user-owned objects, the lifetime of a factory object must span the lifetime of objects it creates"
    // (TensorRT Developer Guide, How TensorRT Works: Object Lifetimes): contexts before their engine.
    require(contexts.load() == 0, "ICudaEngine destroyed before its IExecutionContext",
            "a factory must outlive what it creates (Developer Guide, Object Lifetimes)");
    if (cudaFree(weights_) != cudaSuccess) cudaGetLastError();
    --runtime_.engines;
  }

  nvinfer1::IExecutionContext* createExecutionContext(nvinfer1::ExecutionContextAllocationStrategy strategy) noexcept override;

  int32_t getNbIOTensors() const noexcept override { return static_cast<int32_t>(plan_.tensors.size()); }
  char const* getIOTensorName(int32_t index) const noexcept override {
    return index >= 0 && static_cast<size_t>(index) < plan_.tensors.size() ? plan_.tensors[static_cast<size_t>(index)].name.c_str() : nullptr;
  }
  nvinfer1::TensorIOMode getTensorIOMode(char const* name) const noexcept override {
    PlanTensor const* t = tensor(name);
    if (t == nullptr) return nvinfer1::TensorIOMode::kNONE;
    return t->isInput ? nvinfer1::TensorIOMode::kINPUT : nvinfer1::TensorIOMode::kOUTPUT;
  }
  nvinfer1::DataType getTensorDataType(char const* name) const noexcept override {
    PlanTensor const* t = tensor(name);
    return t != nullptr ? t->type : nvinfer1::DataType::kFLOAT;
  }
  nvinfer1::Dims getTensorShape(char const* name) const noexcept override {
    PlanTensor const* t = tensor(name);
    return t != nullptr ? toDims(t->dims) : nvinfer1::Dims{-1, {}};
  }
  nvinfer1::TensorLocation getTensorLocation(char const*) const noexcept override { return nvinfer1::TensorLocation::kDEVICE; }
  nvinfer1::TensorFormat getTensorFormat(char const*) const noexcept override { return nvinfer1::TensorFormat::kLINEAR; }
  nvinfer1::TensorFormat getTensorFormatV2(char const*, int32_t) const noexcept override { return nvinfer1::TensorFormat::kLINEAR; }
  bool isShapeInferenceIO(char const*) const noexcept override { return false; }
  nvinfer1::Dims getProfileShape(char const* name, int32_t profile, nvinfer1::OptProfileSelector select) const noexcept override {
    int32_t input = inputOrdinal(name);
    if (input < 0 || profile < 0 || static_cast<size_t>(profile) >= plan_.profiles.size()) return nvinfer1::Dims{-1, {}};
    PlanProfileInput const& p = plan_.profiles[static_cast<size_t>(profile)][static_cast<size_t>(input)];
    switch (select) {
      case nvinfer1::OptProfileSelector::kMIN: return toDims(p.min);
      case nvinfer1::OptProfileSelector::kOPT: return toDims(p.opt);
      case nvinfer1::OptProfileSelector::kMAX: return toDims(p.max);
    }
    return nvinfer1::Dims{-1, {}};
  }
  int32_t getNbOptimizationProfiles() const noexcept override { return static_cast<int32_t>(plan_.profiles.size()); }
  int64_t getDeviceMemorySizeV2() const noexcept override { return plan_.deviceMemoryBytes; }
  char const* getName() const noexcept override { return "trt-node TensorRT stand-in engine (computes with onnxruntime; NOT TensorRT)"; }
  void setErrorRecorder(nvinfer1::IErrorRecorder* recorder) noexcept override { recorder_.set(recorder); }
  nvinfer1::IErrorRecorder* getErrorRecorder() const noexcept override { return recorder_.get(); }

  Plan const& plan() const noexcept { return plan_; }
  int device() const noexcept { return device_; }
  std::shared_ptr<OrtModel> const& model() const noexcept { return model_; }
  nvinfer1::ICudaEngine& self() noexcept { return self_; }
  PlanTensor const* tensor(char const* name) const noexcept {
    auto it = index_.find(name != nullptr ? name : "");
    return it != index_.end() ? &plan_.tensors[static_cast<size_t>(it->second)] : nullptr;
  }
  int32_t indexOf(char const* name) const noexcept {
    auto it = index_.find(name != nullptr ? name : "");
    return it != index_.end() ? it->second : -1;
  }
  int32_t inputOrdinal(char const* name) const noexcept {
    int32_t ordinal = 0;
    for (PlanTensor const& t : plan_.tensors) {
      if (!t.isInput) continue;
      if (name != nullptr && t.name == name) return ordinal;
      ++ordinal;
    }
    return -1;
  }

  // Execution contexts in concurrent use may share an optimization profile: the IExecutionContext class comment ("each
  // execution context in concurrent use must use a separate optimization profile") predates profile sharing, which
  // TensorRT 10 always has (PreviewFeature::kPROFILE_SHARING_0806: "Allows optimization profiles to be shared across
  // execution contexts. ... Deprecated in TensorRT 10.0. The default value for this flag is on and can not be
  // changed."; trtexec --infStreams runs one context per stream on one profile). ASSUMPTIONS.md has the sources.
  OutputShapes const& outputShapes() const noexcept { return outputShapes_; }

  std::atomic<int> contexts{0};

 private:
  nvinfer1::ICudaEngine& self_;
  RuntimeImpl& runtime_;
  Plan plan_;
  std::shared_ptr<OrtModel> model_;
  OutputShapes outputShapes_{plan_.onnx, model_};
  int device_;
  void* weights_ = nullptr;
  RecorderRef recorder_;
  std::map<std::string, int32_t> index_;
  std::atomic<std::thread::id> creating_{};
};

using EngineObject = Wrapped<nvinfer1::ICudaEngine, EngineImpl>;

// One enqueueV3's work: the model run, on the stream, and what it produced.
struct Job {
  std::shared_ptr<OrtModel> model;
  std::vector<OrtModel::Input> inputs;
  std::vector<OrtModel::Output> outputs;
  bool async = false;
  std::vector<void*> outputStage;  // async: where the results go before the queued host-to-device copies
  std::vector<size_t> outputBytes;
  std::string error;
  nvinfer1::IErrorRecorder* recorder = nullptr;
};

// TRT_STANDIN_RENDEZVOUS="<n>,<timeout ms>" (tests only): each run's work waits, before computing, until n runs'
// work is in progress at once, and fails if that does not happen within the timeout. It proves that runs overlap
// (two runs on two execution contexts meet) or do not (two runs on one context cannot), without timing anything.
class Rendezvous {
 public:
  static Rendezvous* fromEnvironment() {
    static Rendezvous* const instance = []() -> Rendezvous* {
      char const* v = std::getenv("TRT_STANDIN_RENDEZVOUS");
      int runs = 0;
      long timeoutMs = 0;
      if (v == nullptr || std::sscanf(v, "%d,%ld", &runs, &timeoutMs) != 2 || runs < 2) return nullptr;
      return new Rendezvous(runs, timeoutMs);  // leaked: stream threads may use it during exit
    }();
    return instance;
  }

  // Throws when the others do not come in time.
  void meet() {
    std::unique_lock<std::mutex> lock(mutex_);
    uint64_t generation = generation_;
    if (++arrived_ == runs_) {
      arrived_ = 0;
      ++generation_;
      met_.notify_all();
      return;
    }
    if (!met_.wait_for(lock, std::chrono::milliseconds(timeoutMs_), [&] { return generation_ != generation; })) {
      --arrived_;
      throw std::runtime_error("TRT_STANDIN_RENDEZVOUS: " + std::to_string(runs_) + " runs were not in progress at once within " +
                               std::to_string(timeoutMs_) + " ms");
    }
  }

 private:
  Rendezvous(int runs, long timeoutMs) : runs_(runs), timeoutMs_(timeoutMs) {}
  std::mutex mutex_;
  std::condition_variable met_;
  int runs_;
  long timeoutMs_;
  int arrived_ = 0;
  uint64_t generation_ = 0;
};

void runJob(Job& job) {
  job.error.clear();
  try {
    if (Rendezvous* rendezvous = Rendezvous::fromEnvironment()) rendezvous->meet();
    job.outputs = job.model->run(job.inputs);
    if (job.async) {
      for (size_t i = 0; i < job.outputs.size(); ++i) {
        if (job.outputs[i].bytes != job.outputBytes[i]) {
          throw std::runtime_error("output " + std::to_string(i) + " has " + std::to_string(job.outputs[i].bytes) +
                                   " bytes, its engine shape says " + std::to_string(job.outputBytes[i]));
        }
        std::memcpy(job.outputStage[i], job.outputs[i].data, job.outputBytes[i]);
      }
    }
  } catch (std::exception const& e) {
    job.error = e.what();
    if (job.async) {
      // An asynchronous failure: "a TensorRT API can return correct results, but still register errors with the
      // Error Recorder".
      for (size_t i = 0; i < job.outputStage.size(); ++i) std::memset(job.outputStage[i], 0, job.outputBytes[i]);
      reportError(job.recorder, ErrorCode::kFAILED_EXECUTION, "enqueueV3 (asynchronous part): " + job.error);
    }
  }
}

// The host function of an enqueueV3 that runs: it owns its job.
void computeJob(void* data) {
  std::unique_ptr<std::shared_ptr<Job>> holder(static_cast<std::shared_ptr<Job>*>(data));
  runJob(**holder);
}

// The host function of an enqueueV3 captured into a CUDA graph: it runs at every launch, so the context owns the job.
void computeCapturedJob(void* data) { runJob(*static_cast<Job*>(data)); }

class ContextImpl final : public nvinfer1::apiv::standin::StubVExecutionContext {
 public:
  ContextImpl(nvinfer1::IExecutionContext&, EngineImpl& engine, nvinfer1::IErrorRecorder* recorder, bool allocate)
      : engine_(engine) {
    requireEngineDevice(engine_.device(), "ICudaEngine::createExecutionContext");
    size_t n = engine_.plan().tensors.size();
    shapes_.resize(n);
    shapeSet_.assign(n, false);
    addresses_.assign(n, nullptr);
    allocators_.assign(n, nullptr);
    allocated_.assign(n, nullptr);
    allocatedBytes_.assign(n, 0);
    outputDims_.resize(n);
    inputStage_ = std::vector<Pinned>(n);
    outputStage_ = std::vector<Pinned>(n);
    // createExecutionContext: "If an error recorder has been set for the engine, it will also be passed to the
    // execution context."
    recorder_.set(recorder);
    cuda(cudaEventCreateWithFlags(&done_, cudaEventDisableTiming), "cudaEventCreateWithFlags");
    if (allocate) cuda(cudaMalloc(&deviceMemory_, static_cast<size_t>(engine_.plan().deviceMemoryBytes)), "cudaMalloc");
    // Like TensorRT's kSTATIC strategy, what the context needs is allocated now, for the largest shapes of every
    // profile: enqueueV3 then allocates nothing (so the CUDA events around it time the engine's work only).
    Plan const& plan = engine_.plan();
    size_t input = 0;
    for (size_t i = 0; i < n; ++i) {
      PlanTensor const& t = plan.tensors[i];
      size_t bytes = 0;
      if (t.isInput) {
        for (auto const& profile : plan.profiles) bytes = std::max(bytes, volume(profile[input].max) * elementSize(t.type));
        ++input;
        inputStage_[i].reserve(bytes);
      } else if (!isDynamic(t.dims)) {
        outputStage_[i].reserve(volume(t.dims) * elementSize(t.type));
      }
    }
    reserveOutputsForLargestShapes();
    ++engine_.contexts;
  }

  ~ContextImpl() override {
    if (enqueued_) {
      // enqueueV3: "Modifying or releasing memory that has been registered for the tensors before stream
      // synchronization ... results in undefined behavior." The context's own memory is in use until then as well.
      require(cudaEventQuery(done_) == cudaSuccess, "IExecutionContext destroyed while its enqueueV3 work is still running",
              "synchronize the stream before destroying the context");
    }
    if (cudaEventDestroy(done_) != cudaSuccess) cudaGetLastError();
    if (deviceMemory_ != nullptr && cudaFree(deviceMemory_) != cudaSuccess) cudaGetLastError();
    --engine_.contexts;
  }

  bool setOptimizationProfileAsync(int32_t profileIndex, cudaStream_t stream) noexcept override {
    ExclusiveUse::Scope scope(use_, kContextThreads);
    if (profileIndex < 0 || profileIndex >= engine_.getNbOptimizationProfiles()) {
      reportError(recorder_.get(), ErrorCode::kINVALID_ARGUMENT,
                  "IExecutionContext::setOptimizationProfileAsync: profile " + std::to_string(profileIndex) +
                      " is out of range (the engine has " + std::to_string(engine_.getNbOptimizationProfiles()) + ")");
      return false;
    }
    if (profileIndex != profile_) std::fill(shapeSet_.begin(), shapeSet_.end(), false);
    knownValid_ = false;
    profile_ = profileIndex;
    // "When an optimization profile is switched via this API, TensorRT may require that data is copied via
    // cudaMemcpyAsync. It is the application's responsibility to guarantee that synchronization between the profile
    // sync stream and the enqueue stream occurs."
    if (deviceMemory_ != nullptr) {
      try {
        void* host = profileStage_.reserve(sizeof(int32_t));
        std::memcpy(host, &profile_, sizeof(int32_t));
        cuda(cudaMemcpyAsync(deviceMemory_, host, sizeof(int32_t), cudaMemcpyHostToDevice, stream), "cudaMemcpyAsync");
      } catch (std::exception const& e) {
        reportError(recorder_.get(), ErrorCode::kFAILED_EXECUTION, e.what());
        return false;
      }
    }
    return true;
  }
  int32_t getOptimizationProfile() const noexcept override { return profile_; }

  bool setInputShape(char const* tensorName, nvinfer1::Dims const& dims) noexcept override {
    ExclusiveUse::Scope scope(use_, kContextThreads);
    int32_t i = engine_.indexOf(tensorName);
    std::string name = tensorName != nullptr ? tensorName : "(null)";
    // "\return True on success, false if the provided name does not map to an input tensor, or if some other error
    // occurred."
    if (i < 0 || !engine_.plan().tensors[static_cast<size_t>(i)].isInput) {
      reportError(recorder_.get(), ErrorCode::kINVALID_ARGUMENT,
                  "IExecutionContext::setInputShape: \"" + name + "\" is not an input tensor of this engine");
      return false;
    }
    PlanTensor const& t = engine_.plan().tensors[static_cast<size_t>(i)];
    std::vector<int64_t> shape(dims.d, dims.d + std::max(0, std::min(dims.nbDims, nvinfer1::Dims::MAX_DIMS)));
    if (static_cast<size_t>(dims.nbDims) != t.dims.size()) {
      reportError(recorder_.get(), ErrorCode::kINVALID_ARGUMENT,
                  "IExecutionContext::setInputShape: \"" + name + "\" has " + std::to_string(t.dims.size()) +
                      " dimensions, got " + std::to_string(dims.nbDims));
      return false;
    }
    PlanProfileInput const& range =
        engine_.plan().profiles[static_cast<size_t>(profile_)][static_cast<size_t>(engine_.inputOrdinal(tensorName))];
    for (size_t a = 0; a < shape.size(); ++a) {
      // "Each dimension must agree with the network dimension unless the latter was -1."
      if (t.dims[a] >= 0 && shape[a] != t.dims[a]) {
        reportError(recorder_.get(), ErrorCode::kINVALID_ARGUMENT,
                    "IExecutionContext::setInputShape: \"" + name + "\" axis " + std::to_string(a) + " is " +
                        std::to_string(shape[a]) + " but the network fixes it at " + std::to_string(t.dims[a]));
        return false;
      }
      if (shape[a] < range.min[a] || shape[a] > range.max[a]) {
        reportError(recorder_.get(), ErrorCode::kINVALID_ARGUMENT,
                    "IExecutionContext::setInputShape: Error Code 3: API Usage Error (the dimensions " + dimsText(shape) +
                        " of \"" + name + "\" are not within the bounds of optimization profile " +
                        std::to_string(profile_) + ": min " + dimsText(range.min) + ", max " + dimsText(range.max) + ")");
        return false;
      }
    }
    shapes_[static_cast<size_t>(i)] = shape;
    shapeSet_[static_cast<size_t>(i)] = true;
    knownValid_ = false;
    if (allInputDimensionsSpecified()) prepareOutputs();
    return true;
  }

  nvinfer1::Dims getTensorShape(char const* tensorName) const noexcept override {
    int32_t i = engine_.indexOf(tensorName);
    if (i < 0) return nvinfer1::Dims{-1, {}};
    auto k = static_cast<size_t>(i);
    PlanTensor const& t = engine_.plan().tensors[k];
    if (t.isInput) return shapeSet_[k] ? toDims(shapes_[k]) : toDims(t.dims);
    // Known from the input shapes, or (data-dependent dims) from the last run.
    std::vector<int64_t> const& dims = knownDims()[k];
    return isDynamic(dims) && !outputDims_[k].empty() ? toDims(outputDims_[k]) : toDims(dims);
  }

  bool allInputDimensionsSpecified() const noexcept override {
    auto const& tensors = engine_.plan().tensors;
    for (size_t i = 0; i < tensors.size(); ++i) {
      if (!tensors[i].isInput || shapeSet_[i]) continue;
      if (isDynamic(tensors[i].dims)) return false;
    }
    return true;
  }

  bool setTensorAddress(char const* tensorName, void* data) noexcept override {
    ExclusiveUse::Scope scope(use_, kContextThreads);
    int32_t i = engine_.indexOf(tensorName);
    // "Return false if the provided name does not map to an input or output tensor."
    if (i < 0) {
      reportError(recorder_.get(), ErrorCode::kINVALID_ARGUMENT,
                  std::string("IExecutionContext::setTensorAddress: \"") + (tensorName != nullptr ? tensorName : "(null)") +
                      "\" is not an input or output tensor");
      return false;
    }
    // Checked when the address changes (trt-node sets the same one on every run; the checks are the stand-in's cost,
    // not TensorRT's).
    if (data != nullptr && data != addresses_[static_cast<size_t>(i)]) {
      require(aligned(data), "IExecutionContext::setTensorAddress: \"The pointer must have at least 256-byte alignment.\"",
              std::string(tensorName));
      require(!isHostMemory(data),
              "IExecutionContext::setTensorAddress: \"If the TensorLocation of the tensor is kDEVICE: The pointer must point "
              "to a device buffer of sufficient size and alignment\"",
              std::string(tensorName));
    }
    addresses_[static_cast<size_t>(i)] = data;
    return true;
  }

  void const* getTensorAddress(char const* tensorName) const noexcept override {
    int32_t i = engine_.indexOf(tensorName);
    return i < 0 ? nullptr : addresses_[static_cast<size_t>(i)];
  }

  bool setOutputAllocator(char const* tensorName, nvinfer1::IOutputAllocator* outputAllocator) noexcept override {
    ExclusiveUse::Scope scope(use_, kContextThreads);
    int32_t i = engine_.indexOf(tensorName);
    if (i < 0 || engine_.plan().tensors[static_cast<size_t>(i)].isInput) {
      reportError(recorder_.get(), ErrorCode::kINVALID_ARGUMENT,
                  std::string("IExecutionContext::setOutputAllocator: \"") + (tensorName != nullptr ? tensorName : "(null)") +
                      "\" is not an output tensor");
      return false;
    }
    allocators_[static_cast<size_t>(i)] = outputAllocator;
    return true;
  }

  nvinfer1::IOutputAllocator* getOutputAllocator(char const* tensorName) noexcept override {
    int32_t i = engine_.indexOf(tensorName);
    return i < 0 ? nullptr : allocators_[static_cast<size_t>(i)];
  }

  void setErrorRecorder(nvinfer1::IErrorRecorder* recorder) noexcept override { recorder_.set(recorder); }
  nvinfer1::IErrorRecorder* getErrorRecorder() const noexcept override { return recorder_.get(); }
  nvinfer1::ICudaEngine const& getEngine() const noexcept override { return engine_.self(); }

  bool enqueueV3(cudaStream_t stream) noexcept override {
    ExclusiveUse::Scope scope(use_, kContextThreads);
    try {
      return enqueue(stream);
    } catch (std::exception const& e) {
      reportError(recorder_.get(), ErrorCode::kFAILED_EXECUTION, std::string("IExecutionContext::enqueueV3: ") + e.what());
      return false;
    }
  }

 private:
  static constexpr char const* kContextThreads =
      "IExecutionContext used by two threads at once (\"The TensorRT runtime can be used by multiple threads "
      "simultaneously, so long as each object uses a different execution context.\")";

  // The memory TensorRT writes output `i` to: the allocator's (called as IOutputAllocator describes) or the address
  // set with setTensorAddress. Null when the allocator refuses.
  void* outputPointer(size_t i, uint64_t bytes, cudaStream_t stream) {
    nvinfer1::IOutputAllocator* allocator = allocators_[i];
    if (allocator == nullptr) return addresses_[i];
    void* current = allocated_[i] != nullptr ? allocated_[i] : addresses_[i];
    // Whether TensorRT calls reallocateOutputAsync again when the memory it has is big enough is left open: "If
    // currentMemory is known to be big enough, one option is to return currentMemory."
    if (current != nullptr && bytes <= allocatedBytes_[i] && !choose(Choice::kReallocateEveryRun)) return current;
    // "size number of bytes required. Always positive, even for an empty tensor."
    void* p = allocator->reallocateOutputAsync(engine_.plan().tensors[i].name.c_str(), current, bytes, kAlignment, stream);
    if (p == nullptr) return nullptr;
    require(aligned(p), "IOutputAllocator::reallocateOutputAsync returned memory without the requested alignment",
            "\"alignment required alignment of the allocation\" (256)");
    require(!isHostMemory(p), "IOutputAllocator::reallocateOutputAsync returned host memory, not device memory");
    allocated_[i] = p;
    allocatedBytes_[i] = bytes;
    return p;
  }

  // Every tensor's dims as known before a run (OutputShapes), kept until an input shape or the profile changes.
  std::vector<std::vector<int64_t>> const& knownDims() const {
    if (!knownValid_) known_ = engine_.outputShapes().known(engine_.plan().tensors, shapes_, shapeSet_);
    knownValid_ = true;
    return known_;
  }

  // Outputs whose dims follow from the input shapes are staged now for each profile's largest input shapes (a dry
  // evaluation, output_shapes.h), so that runs at smaller shapes grow nothing: growing would call cudaFreeHost and
  // cudaMallocHost, which synchronize the device, where TensorRT's enqueueV3 allocates nothing. An output larger at
  // other shapes (none of the usual operators) still grows its staging when those shapes are set.
  void reserveOutputsForLargestShapes() {
    Plan const& plan = engine_.plan();
    std::vector<std::vector<int64_t>> shapes(plan.tensors.size());
    std::vector<bool> set(plan.tensors.size(), false);
    for (auto const& profile : plan.profiles) {
      for (size_t i = 0, input = 0; i < plan.tensors.size(); ++i) {
        if (!plan.tensors[i].isInput) continue;
        shapes[i] = profile[input++].max;
        set[i] = true;
      }
      std::vector<std::vector<int64_t>> known = engine_.outputShapes().known(plan.tensors, shapes, set);
      for (size_t i = 0; i < plan.tensors.size(); ++i) {
        PlanTensor const& t = plan.tensors[i];
        if (!t.isInput && isDynamic(t.dims) && !isDynamic(known[i])) outputStage_[i].reserve(volume(known[i]) * elementSize(t.type));
      }
    }
  }

  // Output dims are worked out as soon as the input shapes are known, and the staging of the outputs they size grows
  // then (as the constructor sizes it for static outputs): the stand-in's dry evaluation and allocations cost the
  // caller's preparation, not the time between its CUDA events around enqueueV3. Failures are left to enqueueV3.
  void prepareOutputs() noexcept {
    try {
      auto const& tensors = engine_.plan().tensors;
      auto const& known = knownDims();
      for (size_t i = 0; i < tensors.size(); ++i) {
        if (tensors[i].isInput || isDynamic(known[i])) continue;
        size_t bytes = volume(known[i]) * elementSize(tensors[i].type);
        if (outputStage_[i].fits(bytes)) continue;
        if (enqueued_) cuda(cudaEventSynchronize(done_), "cudaEventSynchronize");  // the last run may still read it
        outputStage_[i].reserve(bytes);
      }
    } catch (std::exception const&) {
    }
  }

  bool failAllocation(size_t i) {
    reportError(recorder_.get(), ErrorCode::kFAILED_ALLOCATION,
                "IExecutionContext::enqueueV3: IOutputAllocator::reallocateOutputAsync returned null for output \"" +
                    engine_.plan().tensors[i].name + "\"");
    return false;
  }

  bool enqueue(cudaStream_t stream) {
    requireEngineDevice(engine_.device(), "IExecutionContext::enqueueV3");
#if CUDART_VERSION >= 12080
    // CUDA C++ Programming Guide, Stream and Event Behavior: "A kernel launch will fail if it is issued to a stream that
    // is not associated to the current device."
    int streamDevice = -1;
    if (cudaStreamGetDevice(stream, &streamDevice) == cudaSuccess) {
      require(streamDevice == engine_.device(), "enqueueV3 on a stream of another CUDA device",
              "the stream is on device " + std::to_string(streamDevice) + ", the engine on device " +
                  std::to_string(engine_.device()));
    } else {
      cudaGetLastError();
    }
#endif
    auto const& tensors = engine_.plan().tensors;
    for (size_t i = 0; i < tensors.size(); ++i) {
      // setTensorAddress: "Before calling enqueueV3(), each input must have a non-null address and each output must
      // have a non-null address or an IOutputAllocator to set it later."
      if (tensors[i].isInput) {
        require(addresses_[i] != nullptr, "enqueueV3 before every input has an address",
                "\"each input must have a non-null address\": \"" + tensors[i].name + "\"");
      } else {
        require(addresses_[i] != nullptr || allocators_[i] != nullptr,
                "enqueueV3 before every output has an address or an IOutputAllocator",
                "\"each output must have a non-null address or an IOutputAllocator to set it later\": \"" + tensors[i].name + "\"");
      }
    }
    if (!allInputDimensionsSpecified()) {
      reportError(recorder_.get(), ErrorCode::kINVALID_STATE,
                  "IExecutionContext::enqueueV3: not all input dimensions are specified (setInputShape)");
      return false;
    }
    // ITensor::setDimensionName: "Dimensions with the same non-empty name must be equal at runtime."
    std::vector<std::vector<int64_t>> shapes(tensors.size());
    for (size_t i = 0; i < tensors.size(); ++i) {
      if (tensors[i].isInput) shapes[i] = shapeSet_[i] ? shapes_[i] : tensors[i].dims;
    }
    if (std::string conflict = namedDimensionConflict(engine_.plan(), shapes); !conflict.empty()) {
      reportError(recorder_.get(), ErrorCode::kFAILED_EXECUTION, "IExecutionContext::enqueueV3: Error Code 7: Internal Error (" + conflict + ")");
      return false;
    }
    if (stream == nullptr && !warnedDefaultStream_.exchange(true)) {
      log(Severity::kWARNING, "enqueueV3 on the default stream (\"Using default stream may lead to performance issues\")");
    }
    // Under stream capture the work is recorded, not run: it must not wait for itself. Outputs sized only by the run
    // need that wait, so such an engine cannot be captured ("not possible ... when using data-dependent dynamic
    // shapes", TensorRT-RTX 1.2 release notes on isStreamCapturable; the same holds for TensorRT's enqueueV3).
    cudaStreamCaptureStatus captureStatus = cudaStreamCaptureStatusNone;
    cuda(cudaStreamIsCapturing(stream, &captureStatus), "cudaStreamIsCapturing");
    bool capturing = captureStatus != cudaStreamCaptureStatusNone;
    auto job = std::make_shared<Job>();
    job->model = engine_.model();
    job->recorder = recorder_.get();
    // This context's staging is reused: the previous enqueue's work must be done with it (it may be on another stream).
    if (enqueued_) cuda(cudaEventSynchronize(done_), "cudaEventSynchronize");

    // Output dims known before the run (static, or following from the input shapes) let the run stay asynchronous.
    std::vector<std::vector<int64_t>> const& known = knownDims();
    bool knownOutputs = true;
    for (size_t i = 0; i < tensors.size(); ++i) {
      if (!tensors[i].isInput && isDynamic(known[i])) knownOutputs = false;
    }
    if (capturing && !knownOutputs) {
      reportError(recorder_.get(), ErrorCode::kUNSUPPORTED_STATE,
                  "IExecutionContext::enqueueV3: the stream is capturing, but an output's shape depends on the input "
                  "values (data-dependent shapes), which only the run itself can tell: not capturable into a CUDA graph");
      return false;
    }
    job->async = knownOutputs && (capturing || !choose(Choice::kSynchronousEnqueue));
    std::vector<void*> outputs(tensors.size(), nullptr);
    if (job->async) {
      for (size_t i = 0; i < tensors.size(); ++i) {
        if (tensors[i].isInput) continue;
        size_t bytes = volume(known[i]) * elementSize(tensors[i].type);
        outputs[i] = outputPointer(i, bytes == 0 ? 1 : bytes, stream);
        if (outputs[i] == nullptr) return failAllocation(i);
        job->outputStage.push_back(outputStage_[i].reserve(bytes));
        job->outputBytes.push_back(bytes);
        outputDims_[i] = known[i];
      }
    }

    for (size_t i = 0; i < tensors.size(); ++i) {
      if (!tensors[i].isInput) continue;
      std::vector<int64_t> shape = shapeSet_[i] ? shapes_[i] : tensors[i].dims;
      size_t bytes = volume(shape) * elementSize(tensors[i].type);
      void* stage = inputStage_[i].reserve(bytes);
      if (bytes > 0) cuda(cudaMemcpyAsync(stage, addresses_[i], bytes, cudaMemcpyDeviceToHost, stream), "cudaMemcpyAsync");
      job->inputs.push_back(OrtModel::Input{stage, shape});
    }
    if (capturing) {
      capturedJobs_.push_back(job);
      cuda(cudaLaunchHostFunc(stream, computeCapturedJob, job.get()), "cudaLaunchHostFunc");
    } else {
      cuda(cudaLaunchHostFunc(stream, computeJob, new std::shared_ptr<Job>(job)), "cudaLaunchHostFunc");
    }

    bool ok = true;
    if (job->async) {
      size_t k = 0;
      for (size_t i = 0; i < tensors.size(); ++i) {
        if (tensors[i].isInput) continue;
        size_t bytes = job->outputBytes[k];
        if (bytes > 0) cuda(cudaMemcpyAsync(outputs[i], job->outputStage[k], bytes, cudaMemcpyHostToDevice, stream), "cudaMemcpyAsync");
        ++k;
        // notifyShape is "Called by TensorRT sometime between when it calls reallocateOutput and enqueueV3 returns";
        // whether it is called at all for an output whose shape was known before the run is left open.
        if (allocators_[i] != nullptr && choose(Choice::kNotifyStaticShape)) {
          allocators_[i]->notifyShape(tensors[i].name.c_str(), toDims(known[i]));
        }
      }
    } else {
      // Output sizes are only known after the run (as for data-dependent shapes): wait for it inside enqueueV3.
      cuda(cudaStreamSynchronize(stream), "cudaStreamSynchronize");
      if (!job->error.empty()) {
        reportError(recorder_.get(), ErrorCode::kFAILED_EXECUTION, "IExecutionContext::enqueueV3: " + job->error);
        ok = false;
      }
      size_t k = 0;
      for (size_t i = 0; ok && i < tensors.size(); ++i) {
        if (tensors[i].isInput) continue;
        OrtModel::Output const& out = job->outputs[k++];
        void* p = outputPointer(i, out.bytes == 0 ? 1 : out.bytes, stream);
        if (p == nullptr) {
          ok = failAllocation(i);
          break;
        }
        if (out.bytes > 0) cuda(cudaMemcpyAsync(p, out.data, out.bytes, cudaMemcpyHostToDevice, stream), "cudaMemcpyAsync");
        outputDims_[i] = out.dims;
        bool dynamic = isDynamic(tensors[i].dims);
        if (allocators_[i] != nullptr && (dynamic || choose(Choice::kNotifyStaticShape))) {
          allocators_[i]->notifyShape(tensors[i].name.c_str(), toDims(out.dims));
        }
      }
    }
    cuda(cudaEventRecord(done_, stream), "cudaEventRecord");
    enqueued_ = true;
    return ok;
  }

  EngineImpl& engine_;
  ExclusiveUse use_;
  RecorderRef recorder_;
  int32_t profile_ = 0;
  std::vector<std::vector<int64_t>> shapes_;
  std::vector<bool> shapeSet_;
  std::vector<void*> addresses_;
  std::vector<nvinfer1::IOutputAllocator*> allocators_;
  std::vector<void*> allocated_;
  std::vector<uint64_t> allocatedBytes_;
  std::vector<std::vector<int64_t>> outputDims_;
  mutable std::vector<std::vector<int64_t>> known_;
  mutable bool knownValid_ = false;
  std::vector<Pinned> inputStage_;
  std::vector<Pinned> outputStage_;
  Pinned profileStage_;
  void* deviceMemory_ = nullptr;
  cudaEvent_t done_ = nullptr;
  bool enqueued_ = false;
  // The jobs of captured enqueues, which their graphs run at every launch: kept for the context's lifetime (a graph
  // must not outlive the context it was captured from, as with TensorRT's own memory).
  std::vector<std::shared_ptr<Job>> capturedJobs_;
  std::atomic<bool> warnedDefaultStream_{false};
};

using ContextObject = Wrapped<nvinfer1::IExecutionContext, ContextImpl>;

nvinfer1::IExecutionContext* EngineImpl::createExecutionContext(nvinfer1::ExecutionContextAllocationStrategy strategy) noexcept {
  std::thread::id none{};
  // TensorRT promises concurrent use only across execution contexts ("The TensorRT runtime can be used by multiple
  // threads simultaneously, so long as each object uses a different execution context"); creating contexts on one
  // ICudaEngine from two threads at once is not covered, so the stand-in refuses it. It takes a moment here, so two
  // racing calls overlap.
  require(creating_.compare_exchange_strong(none, std::this_thread::get_id()),
          "ICudaEngine::createExecutionContext called from two threads at once on one engine",
          "thread safety is documented per execution context only");
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  nvinfer1::IExecutionContext* out = nullptr;
  try {
    out = new ContextObject(*this, recorder_.get(), strategy == nvinfer1::ExecutionContextAllocationStrategy::kSTATIC);
  } catch (std::exception const& e) {
    reportError(recorder_.get(), ErrorCode::kFAILED_ALLOCATION, std::string("createExecutionContext: ") + e.what());
  }
  creating_.store(std::thread::id{});
  return out;
}

nvinfer1::ICudaEngine* RuntimeImpl::deserializeCudaEngine(void const* blob, std::size_t size) noexcept {
  nvinfer1::IErrorRecorder* recorder = recorder_.get();
  Plan plan;
  try {
    plan = deserializePlan(blob, size);
  } catch (std::exception const& e) {
    reportError(recorder, ErrorCode::kUNSPECIFIED_ERROR,
                std::string("IRuntime::deserializeCudaEngine: Error Code 1: Serialization (") + e.what() + ")");
    return nullptr;
  }
  try {
    auto [major, minor] = computeCapability();
    checkPlanCompatible(plan, major, minor);
  } catch (PlanIncompatible const& e) {
    reportError(recorder, e.code, std::string("IRuntime::deserializeCudaEngine: ") + e.what());
    return nullptr;
  }
  if (plan.hostCode && !hostCodeAllowed_.load()) {
    reportError(recorder, ErrorCode::kINVALID_ARGUMENT,
                "IRuntime::deserializeCudaEngine: the engine carries host code (it was built version-compatible), and "
                "this runtime does not allow it: IRuntime::setEngineHostCodeAllowed(true) is needed");
    return nullptr;
  }
  for (std::string const& plugin : plan.plugins) {
    if (!hasPluginCreator(plugin)) {
      reportError(recorder, ErrorCode::kINVALID_ARGUMENT,
                  "IRuntime::deserializeCudaEngine: Cannot deserialize plugin " + plugin +
                      ": getPluginCreator could not find the plugin creator (libnvinfer_plugin was not loaded: "
                      "initLibNvInferPlugins was not called)");
      return nullptr;
    }
  }
  std::shared_ptr<OrtModel> model;
  try {
    std::string perturbed;
    model = OrtModel::load(perturbFromEnvironment(plan.onnx, plan.modelDir, perturbed), plan.modelDir);
    if (!perturbed.empty()) log(Severity::kWARNING, "this engine computes wrong numbers on purpose: " + perturbed);
  } catch (std::exception const& e) {
    reportError(recorder, ErrorCode::kFAILED_INITIALIZATION, std::string("IRuntime::deserializeCudaEngine: ") + e.what());
    return nullptr;
  }
  log(Severity::kINFO, "deserialized a stand-in engine (built on \"" + plan.builtOn + "\")");
  try {
    return new EngineObject(*this, std::move(plan), std::move(model), recorder);
  } catch (std::exception const& e) {
    reportError(recorder, ErrorCode::kFAILED_ALLOCATION, std::string("IRuntime::deserializeCudaEngine: ") + e.what());
    return nullptr;
  }
}

using RuntimeObject = Wrapped<nvinfer1::IRuntime, RuntimeImpl>;

}  // namespace
}  // namespace trt_standin

extern "C" {

void* createInferRuntime_INTERNAL(void* logger, int32_t version) noexcept {
  trt_standin::useLogger(static_cast<nvinfer1::ILogger*>(logger));
  if (!trt_standin::versionMatches(version, "createInferRuntime")) return nullptr;
  try {
    return static_cast<nvinfer1::IRuntime*>(new trt_standin::RuntimeObject());
  } catch (...) {
    return nullptr;
  }
}

}  // extern "C"
