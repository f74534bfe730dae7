#include "engine_core.h"

#include <cstring>
#include <string>

#include "check.h"
#include "dtype.h"
#include "logger.h"

namespace trt_node {
namespace {

std::vector<int64_t> toVector(nvinfer1::Dims const& dims) {
  std::vector<int64_t> out;
  for (int32_t i = 0; i < dims.nbDims; ++i) out.push_back(dims.d[i]);
  return out;
}

std::string dimsText(std::vector<int64_t> const& dims) {
  std::string s = "[";
  for (size_t i = 0; i < dims.size(); ++i) s += (i ? "," : "") + std::to_string(dims[i]);
  return s + "]";
}

size_t volume(std::vector<int64_t> const& dims) {
  size_t n = 1;
  for (int64_t d : dims) n *= static_cast<size_t>(d < 0 ? 0 : d);
  return n;
}

// Checked for every IO tensor before any GPU work: trt-node exchanges dense, linear device tensors only.
void requireExchangeable(TensorInfo const& tensor) {
  std::string what = std::string(tensor.isInput ? "input \"" : "output \"") + tensor.name + "\"";
  if (tensor.onHost) {
    throw NativeError(codes::kEngine, what + " is a shape tensor in host memory, which trt-node does not " +
                                          (tensor.isInput ? "feed" : "return") + " yet");
  }
  if (!tensor.linear) {
    // A vectorized format pads its buffer: reading/writing it as a dense array would give wrong data or overrun it.
    throw NativeError(codes::kEngine, what + " has a vectorized tensor format (an engine built with IO formats other "
                                             "than linear, e.g. trtexec --inputIOFormats=fp16:hwc8); trt-node "
                                             "exchanges linear tensors only");
  }
  if (dataTypeSize(tensor.type) == 0) {
    throw NativeError(codes::kEngine, what + " has type " + dataTypeName(tensor.type) + ", which trt-node cannot exchange");
  }
}

std::string withRecorded(std::string message, ErrorRecorder const& recorder) {
  std::string last = recorder.lastError();
  return last.empty() ? message : message + ". TensorRT said: " + last;
}

}  // namespace

std::unique_ptr<EngineCore> EngineCore::load(HeldBytes const& plan) {
  std::unique_ptr<EngineCore> core(new EngineCore());
  TRT_NODE_CUDA_CHECK(cudaGetDevice(&core->device_));
  core->runtime_.reset(
      checkTrtPtr(nvinfer1::createInferRuntime(LogHub::instance()), codes::kEngine, "nvinfer1::createInferRuntime"));
  core->runtime_->setErrorRecorder(&core->recorder_);
  core->engine_.reset(core->runtime_->deserializeCudaEngine(plan.data(), plan.size()));
  if (!core->engine_) {
    throw NativeError(codes::kEngine,
                      withRecorded("IRuntime::deserializeCudaEngine failed for a plan of " +
                                       std::to_string(plan.size()) +
                                       " bytes (a plan only loads with the TensorRT version and GPU kind that built it)",
                                   core->recorder_));
  }
  nvinfer1::ICudaEngine& engine = *core->engine_;
  core->profileCount_ = engine.getNbOptimizationProfiles();
  core->deviceMemoryBytes_ = engine.getDeviceMemorySizeV2();
  int32_t count = engine.getNbIOTensors();
  for (int32_t i = 0; i < count; ++i) {
    char const* name = engine.getIOTensorName(i);
    if (name == nullptr) throw NativeError(codes::kEngine, "ICudaEngine::getIOTensorName(" + std::to_string(i) + ") returned null");
    TensorInfo info;
    info.name = name;
    info.isInput = engine.getTensorIOMode(name) == nvinfer1::TensorIOMode::kINPUT;
    info.type = engine.getTensorDataType(name);
    info.dims = toVector(engine.getTensorShape(name));
    info.onHost = engine.getTensorLocation(name) == nvinfer1::TensorLocation::kHOST;
    for (int32_t p = 0; p < core->profileCount_; ++p) {
      if (engine.getTensorFormat(name, p) != nvinfer1::TensorFormat::kLINEAR) info.linear = false;
    }
    if (info.isInput) {
      for (int32_t p = 0; p < core->profileCount_; ++p) {
        ProfileShape shape;
        shape.min = toVector(engine.getProfileShape(name, p, nvinfer1::OptProfileSelector::kMIN));
        shape.opt = toVector(engine.getProfileShape(name, p, nvinfer1::OptProfileSelector::kOPT));
        shape.max = toVector(engine.getProfileShape(name, p, nvinfer1::OptProfileSelector::kMAX));
        info.profiles.push_back(std::move(shape));
      }
    }
    core->tensors_.push_back(std::move(info));
  }
  core->slots_.resize(static_cast<size_t>(core->profileCount_ > 0 ? core->profileCount_ : 1));
  return core;
}

EngineCore::~EngineCore() {
  // Contexts before the engine before the runtime (members would do this too; explicit for the reader).
  slots_.clear();
  engine_.reset();
  runtime_.reset();
}

ExecutionSlot& EngineCore::slot(int32_t profile) {
  std::lock_guard<std::mutex> lock(slotsMutex_);
  if (profile < 0 || static_cast<size_t>(profile) >= slots_.size()) {
    throw NativeError(codes::kInvalidValue, "optimization profile " + std::to_string(profile) +
                                                " does not exist; this engine has " +
                                                std::to_string(slots_.size()));
  }
  std::unique_ptr<ExecutionSlot>& slot = slots_[static_cast<size_t>(profile)];
  if (!slot) slot.reset(new ExecutionSlot(*this, profile));
  return *slot;
}

void ExecutionSlot::ensureContext() {
  if (context_) return;
  nvinfer1::ICudaEngine& engine = core_.engine();
  stream_.reset(new CudaStream());
  for (auto& event : events_) event.reset(new CudaEvent());
  std::vector<TensorInfo> const& tensors = core_.tensors();
  inputDevice_ = std::vector<DeviceBuffer>(tensors.size());
  inputStaging_ = std::vector<PinnedBuffer>(tensors.size());
  outputStaging_ = std::vector<PinnedBuffer>(tensors.size());
  allocators_.clear();
  for (size_t i = 0; i < tensors.size(); ++i) allocators_.emplace_back(new OutputAllocator());

  ContextPtr context(checkTrtPtr(engine.createExecutionContext(), codes::kEngine, "ICudaEngine::createExecutionContext"));
  context->setErrorRecorder(&recorder_);
  checkTrt(context->setOptimizationProfileAsync(profile_, stream_->get()), codes::kEngine,
           "IExecutionContext::setOptimizationProfileAsync(" + std::to_string(profile_) + ")");
  stream_->synchronize();
  for (size_t i = 0; i < tensors.size(); ++i) {
    if (tensors[i].isInput) continue;
    checkTrt(context->setOutputAllocator(tensors[i].name.c_str(), allocators_[i].get()), codes::kEngine,
             "IExecutionContext::setOutputAllocator(\"" + tensors[i].name + "\")");
  }
  context_ = std::move(context);
}

void ExecutionSlot::run(std::vector<RunFeed> const& feeds, std::vector<RunOutput>& outputs, RunTimings& timings) {
  std::lock_guard<std::mutex> lock(mutex_);
  TRT_NODE_CUDA_CHECK(cudaSetDevice(core_.device()));
  recorder_.clear();
  std::vector<TensorInfo> const& tensors = core_.tensors();
  for (TensorInfo const& tensor : tensors) requireExchangeable(tensor);
  ensureContext();
  nvinfer1::IExecutionContext& context = *context_;
  cudaStream_t stream = stream_->get();

  // Shapes and addresses first, then the host->device copies, all on the slot's stream.
  std::vector<RunFeed const*> feedOf(tensors.size(), nullptr);
  for (size_t i = 0; i < tensors.size(); ++i) {
    TensorInfo const& tensor = tensors[i];
    if (!tensor.isInput) continue;
    for (RunFeed const& feed : feeds) {
      if (feed.name == tensor.name) feedOf[i] = &feed;
    }
    RunFeed const* feed = feedOf[i];
    if (feed == nullptr) throw NativeError(codes::kInvalidValue, "missing feed for input \"" + tensor.name + "\"");
    if (feed->dims.size() > static_cast<size_t>(nvinfer1::Dims::MAX_DIMS)) {
      throw NativeError(codes::kShape, "feed \"" + tensor.name + "\" has " + std::to_string(feed->dims.size()) +
                                           " dimensions; TensorRT supports at most " +
                                           std::to_string(nvinfer1::Dims::MAX_DIMS));
    }
    size_t elementSize = dataTypeSize(tensor.type);
    size_t bytes = volume(feed->dims) * elementSize;
    if (bytes != feed->data.size()) {
      throw NativeError(codes::kShape, "feed \"" + tensor.name + "\" has " + std::to_string(feed->data.size()) +
                                           " bytes; shape " + dimsText(feed->dims) + " of " +
                                           dataTypeName(tensor.type) + " needs " + std::to_string(bytes));
    }
    nvinfer1::Dims dims{};
    dims.nbDims = static_cast<int32_t>(feed->dims.size());
    for (size_t d = 0; d < feed->dims.size(); ++d) dims.d[d] = feed->dims[d];
    checkTrt(context.setInputShape(tensor.name.c_str(), dims), codes::kShape,
             "IExecutionContext::setInputShape(\"" + tensor.name + "\", " + dimsText(feed->dims) + ")");
    void* device = inputDevice_[i].reserve(bytes);
    checkTrt(context.setTensorAddress(tensor.name.c_str(), device), codes::kEngine,
             "IExecutionContext::setTensorAddress(\"" + tensor.name + "\")");
  }
  if (!context.allInputDimensionsSpecified()) {
    throw NativeError(codes::kShape, "IExecutionContext::allInputDimensionsSpecified is false after setting every input");
  }
  for (auto& allocator : allocators_) allocator->reset();

  // From here on work is queued on the stream. If anything throws, wait for that work before leaving: TensorRT forbids
  // modifying or freeing memory registered for the tensors (a later run's buffer growth, dispose()) before the stream
  // has been synchronized.
  struct DrainOnFailure {
    cudaStream_t stream;
    bool armed = true;
    ~DrainOnFailure() {
      if (armed && cudaStreamSynchronize(stream) != cudaSuccess) cudaGetLastError();
    }
  } drain{stream};

  events_[0]->record(stream);
  for (size_t i = 0; i < tensors.size(); ++i) {
    if (feedOf[i] == nullptr) continue;
    size_t bytes = feedOf[i]->data.size();
    if (bytes == 0) continue;
    void* staging = inputStaging_[i].reserve(bytes);
    std::memcpy(staging, feedOf[i]->data.data(), bytes);
    TRT_NODE_CUDA_CHECK(cudaMemcpyAsync(inputDevice_[i].data(), staging, bytes, cudaMemcpyHostToDevice, stream));
  }
  events_[1]->record(stream);
  if (!context.enqueueV3(stream)) {
    std::string detail;
    for (auto const& allocator : allocators_) {
      if (!allocator->error().empty()) detail = ": output allocation failed: " + allocator->error();
    }
    throw NativeError(codes::kEngine, withRecorded("IExecutionContext::enqueueV3 failed" + detail, recorder_));
  }
  events_[2]->record(stream);

  // Output shapes come from the allocator (notifyShape), which also covers data-dependent shapes; enqueueV3 has
  // returned, so they are final.
  outputs.clear();
  for (size_t i = 0; i < tensors.size(); ++i) {
    TensorInfo const& tensor = tensors[i];
    if (tensor.isInput) continue;
    OutputAllocator const& allocator = *allocators_[i];
    RunOutput out;
    out.name = tensor.name;
    out.type = tensor.type;
    out.dims = allocator.shapeKnown() ? toVector(allocator.dims()) : toVector(context.getTensorShape(tensor.name.c_str()));
    size_t elementSize = dataTypeSize(tensor.type);
    for (int64_t d : out.dims) {
      if (d < 0) throw NativeError(codes::kEngine, "output \"" + tensor.name + "\" still has an unknown dimension after enqueueV3");
    }
    out.size = volume(out.dims) * elementSize;
    if (out.size > 0) {
      if (allocator.data() == nullptr) {
        throw NativeError(codes::kEngine, "TensorRT produced output \"" + tensor.name + "\" without allocating it");
      }
      void* staging = outputStaging_[i].reserve(out.size);
      TRT_NODE_CUDA_CHECK(cudaMemcpyAsync(staging, allocator.data(), out.size, cudaMemcpyDeviceToHost, stream));
    }
    outputs.push_back(std::move(out));
  }
  events_[3]->record(stream);
  stream_->synchronize();
  drain.armed = false;

  size_t o = 0;
  for (size_t i = 0; i < tensors.size(); ++i) {
    if (tensors[i].isInput) continue;
    RunOutput& out = outputs[o++];
    out.bytes.reset(new uint8_t[out.size > 0 ? out.size : 1]);
    if (out.size > 0) std::memcpy(out.bytes.get(), outputStaging_[i].data(), out.size);
  }
  timings.h2dMs = events_[1]->elapsedSince(*events_[0]);
  timings.computeMs = events_[2]->elapsedSince(*events_[1]);
  timings.d2hMs = events_[3]->elapsedSince(*events_[2]);
}

}  // namespace trt_node
