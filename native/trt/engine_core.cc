#include "engine_core.h"

#include <atomic>
#include <chrono>
#include <cstring>
#include <string>
#include <system_error>

#include "check.h"
#include "device.h"
#include "dtype.h"
#include "logger.h"
#include "tensorrt_library.h"

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

// Checked for every IO tensor before any GPU work: trt-node exchanges dense, linear device tensors of the types JS
// has arrays for.
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
  if (!exchangeable(tensor.type)) {
    throw NativeError(codes::kEngine, what + " has type " + dataTypeName(tensor.type) + ", which trt-node cannot " +
                                          (tensor.isInput ? "feed" : "return"));
  }
}

// "<message>. TensorRT said: <last recorded error>" unless the message already says it.
std::string withReason(std::string message, std::string const& reason) {
  if (reason.empty() || message.find(reason) != std::string::npos) return message;
  return message + ". TensorRT said: " + reason;
}

std::string libraryName() {
  TensorRTLibrary const& lib = tensorrtLibrary();
  if (!lib.standIn.empty()) return lib.standIn;
  return "TensorRT " + std::to_string(getInferLibMajorVersion()) + "." + std::to_string(getInferLibMinorVersion()) + "." +
         std::to_string(getInferLibPatchVersion());
}

}  // namespace

EngineCore::EngineCore() {
  static std::atomic<uint64_t> engines{0};
  id_ = ++engines;
}

std::unique_ptr<EngineCore> EngineCore::load(HeldBytes const& plan, LoadOptions const& options) {
  // Plans built with plugins need their creators; builder resources are for builds only.
  ensurePlugins();
  useDevice(options.device);
  std::unique_ptr<EngineCore> core(new EngineCore());
  core->device_ = options.device;
  core->contexts_ = options.contexts > 0 ? options.contexts : 1;
  core->cudaGraph_ = options.cudaGraph;
  core->library_ = libraryName();
  core->runtime_.reset(
      checkTrtPtr(nvinfer1::createInferRuntime(LogHub::instance()), codes::kEngine, "nvinfer1::createInferRuntime"));
  core->runtime_->setErrorRecorder(&core->recorder_);
  core->runtime_->setEngineHostCodeAllowed(options.allowHostCode);
  core->engine_.reset(core->runtime_->deserializeCudaEngine(plan.data(), plan.size()));
  if (!core->engine_) {
    std::string hints = "a plan loads only with the TensorRT version and GPU kind that built it";
    if (!options.allowHostCode) {
      hints += "; a version-compatible plan (BuilderFlag::kVERSION_COMPATIBLE, trtexec --versionCompatible) loads "
               "only with Engine.load(plan, { allowHostCode: true })";
    }
    PluginLibrary const& plugins = ensurePlugins();
    if (!plugins.loaded) hints += "; a plan with standard plugins needs TensorRT's plugin library, which is not loaded (" + plugins.error + ")";
    NativeError error(codes::kEngine,
                      withReason("IRuntime::deserializeCudaEngine failed for a plan of " + std::to_string(plan.size()) +
                                     " bytes (" + hints + ")",
                                 core->recorder_.lastError()));
    error.recorded = core->recorder_.snapshot();
    throw error;
  }
  nvinfer1::ICudaEngine& engine = *core->engine_;
  char const* engineName = engine.getName();
  core->name_ = engineName != nullptr ? engineName : "";
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
  // Worked out once: the per-run path only checks that there is no reason.
  for (TensorInfo const& tensor : core->tensors_) {
    try {
      requireExchangeable(tensor);
    } catch (NativeError const& e) {
      core->runRefusal_ = e.what();
      break;
    }
  }
  core->profiles_.resize(static_cast<size_t>(core->profileCount_ > 0 ? core->profileCount_ : 1));
  return core;
}

EngineCore::~EngineCore() {
  // Often on the JS thread (garbage collection, a worker's destructor), whose current device is not set by trt-node.
  onDeviceOrHere(device_, [this]() noexcept { teardown(); });
}

void EngineCore::teardown() noexcept {
  // What TensorRT logs while tearing down is this engine's, and must not land in the log of whichever job happens to
  // run meanwhile.
  LogSink sink(-1, nullptr);
  LogHub::Scope scope(sink);
  // Contexts before the engine before the runtime (members would do this too; explicit for the reader).
  profiles_.clear();
  engine_.reset();
  runtime_.reset();
  sink.printErrors("while freeing an engine");
}

ProfileQueue& EngineCore::profile(int32_t profile) {
  std::lock_guard<std::mutex> lock(profilesMutex_);
  if (profile < 0 || static_cast<size_t>(profile) >= profiles_.size()) {
    throw NativeError(codes::kInvalidValue, "optimization profile " + std::to_string(profile) +
                                                " does not exist; this engine has " +
                                                std::to_string(profiles_.size()));
  }
  std::unique_ptr<ProfileQueue>& queue = profiles_[static_cast<size_t>(profile)];
  if (!queue) queue.reset(new ProfileQueue(*this, profile, contexts_));
  return *queue;
}

nvinfer1::IExecutionContext* EngineCore::createContext() {
  std::lock_guard<std::mutex> lock(contextMutex_);
  recorder_.clear();
  nvinfer1::IExecutionContext* context = engine_->createExecutionContext();
  if (context == nullptr) {
    // The engine's recorder got the reason (the context inherits it; the slot's own is attached only afterwards).
    NativeError error(codes::kEngine, withReason("ICudaEngine::createExecutionContext returned null", recorder_.lastError()));
    error.recorded = recorder_.snapshot();
    throw error;
  }
  return context;
}

ProfileQueue::ProfileQueue(EngineCore& core, int32_t profile, int32_t contexts) : profile_(profile) {
  for (int32_t i = 0; i < contexts; ++i) slots_.emplace_back(new ExecutionSlot(*this, core, profile, i));
  threads_.reserve(slots_.size());
}

ProfileQueue::~ProfileQueue() {
  {
    std::lock_guard<std::mutex> lock(queueMutex_);
    stop_ = true;
  }
  queueReady_.notify_all();
  for (std::thread& thread : threads_) thread.join();
}

void ProfileQueue::submit(std::unique_ptr<RunJob> job) {
  {
    std::lock_guard<std::mutex> lock(queueMutex_);
    // Every started slot is busy (or none started): start the next, whose context is created by its first run.
    if (idle_ == 0 && threads_.size() < slots_.size()) {
      ExecutionSlot& slot = *slots_[threads_.size()];
      try {
        threads_.emplace_back([this, &slot] { serve(slot); });
      } catch (std::system_error const& e) {
        if (threads_.empty()) {
          throw NativeError(codes::kEngine, std::string("cannot start the thread that runs profile ") +
                                                std::to_string(profile_) + ": " + e.what());
        }
        // The slots already running take the job.
      }
    }
    queue_.push_back(std::move(job));
    queued_.fetch_add(1, std::memory_order_release);
  }
  queueReady_.notify_one();
}

void ProfileQueue::prepare() {
  if (prepared_.load(std::memory_order_acquire)) return;
  std::lock_guard<std::mutex> lock(prepareMutex_);
  if (prepared_.load(std::memory_order_relaxed)) return;
  for (auto& slot : slots_) slot->ensureContext();  // no slot runs meanwhile: each run comes here first
  prepared_.store(true, std::memory_order_release);
}

std::unique_ptr<RunJob> ProfileQueue::next(bool spin) {
  if (spin) {
    // Watch the counter without the lock for a moment; a job submitted meanwhile starts without an OS wake-up.
    auto until = std::chrono::steady_clock::now() + kSpin;
    while (queued_.load(std::memory_order_acquire) == 0 && !stop_.load(std::memory_order_relaxed) &&
           std::chrono::steady_clock::now() < until) {
      std::this_thread::yield();
    }
  }
  std::unique_lock<std::mutex> lock(queueMutex_);
  ++idle_;
  queueReady_.wait(lock, [this] { return stop_.load(std::memory_order_relaxed) || !queue_.empty(); });
  --idle_;
  if (queue_.empty()) return nullptr;  // stopping
  std::unique_ptr<RunJob> job = std::move(queue_.front());
  queue_.pop_front();
  queued_.fetch_sub(1, std::memory_order_relaxed);
  return job;
}

void ProfileQueue::serve(ExecutionSlot& slot) {
  bool ranOne = false;
  while (std::unique_ptr<RunJob> job = next(ranOne)) {
    ranOne = true;
    job->execute(slot);
    RunJob* raw = job.get();
    raw->complete(std::move(job));  // the job is its owner's from here on
  }
}

void ExecutionSlot::ensureContext() {
  if (context_) return;
  std::vector<TensorInfo> const& tensors = core_.tensors();
  stream_.reset(new CudaStream());
  for (auto& event : events_) event.reset(new CudaEvent());
  cudaStream_t stream = stream_->get();
  inputDevice_.clear();
  allocators_.clear();
  for (size_t i = 0; i < tensors.size(); ++i) {
    inputDevice_.emplace_back(new StreamBuffer(stream));
    allocators_.emplace_back(new OutputAllocator(stream));
  }

  ContextPtr context(core_.createContext());
  context->setErrorRecorder(&recorder_);
  checkTrt(context->setOptimizationProfileAsync(profile_, stream), codes::kEngine,
           "IExecutionContext::setOptimizationProfileAsync(" + std::to_string(profile_) + ")");
  stream_->synchronize();
  for (size_t i = 0; i < tensors.size(); ++i) {
    if (tensors[i].isInput) continue;
    checkTrt(context->setOutputAllocator(tensors[i].name.c_str(), allocators_[i].get()), codes::kEngine,
             "IExecutionContext::setOutputAllocator(\"" + tensors[i].name + "\")");
  }
  context_ = std::move(context);
}

void ExecutionSlot::run(RunRequest const& request, std::vector<RunOutput>& outputs, RunTimings& timings,
                        RunExecution& execution) {
  recorder_.clear();
  execution.context = index_;
  // After a failure the context's state is unknown: the next run sets shapes and addresses afresh (and so captures
  // a new graph).
  struct ForgetOnFailure {
    ExecutionSlot& slot;
    bool armed = true;
    ~ForgetOnFailure() {
      if (!armed) return;
      slot.shapeSet_.clear();
      slot.addressSet_.clear();
    }
  } forget{*this};
  try {
    runLocked(request, outputs, timings, execution);
    forget.armed = false;
  } catch (NativeError& e) {
    // With an error recorder attached, TensorRT reports to it and not to the log ("If an error recorder is not set,
    // messages will be sent to the global log stream"): the reason is here, copied while this run still owns it.
    std::vector<RecordedError> recorded = recorder_.snapshot();
    if (recorded.empty()) throw;
    NativeError detailed(e.code(), withReason(e.what(), recorder_.lastError()));
    detailed.parserErrors = std::move(e.parserErrors);
    detailed.recorded = std::move(recorded);
    throw detailed;
  }
}

void ExecutionSlot::runLocked(RunRequest const& request, std::vector<RunOutput>& outputs, RunTimings& timings,
                              RunExecution& execution) {
  using Clock = std::chrono::steady_clock;
  auto msSince = [](Clock::time_point t) { return std::chrono::duration<double, std::milli>(Clock::now() - t).count(); };
  Clock::time_point started = Clock::now();
  useDevice(core_.device());
  if (!core_.runRefusal().empty()) throw NativeError(codes::kEngine, core_.runRefusal());
  queue_.prepare();

  // From here on work is queued on the stream (buffer growth included). If anything throws, wait for that work before
  // leaving: TensorRT forbids modifying or freeing memory registered for the tensors (a later run's buffer growth,
  // dispose()) before the stream has been synchronized.
  struct DrainOnFailure {
    cudaStream_t stream;
    bool armed = true;
    ~DrainOnFailure() {
      if (armed && cudaStreamSynchronize(stream) != cudaSuccess) cudaGetLastError();
    }
  } drain{stream_->get()};

  // Shapes, addresses and device buffers first: none of it may fall between the timing events.
  std::vector<HostTensor const*> feedOf;
  if (bindInputs(*request.feeds, feedOf)) {
    // A graph holds the shapes and addresses it was captured with: new ones need a new graph.
    graph_.reset();
    captureTried_ = false;
    captureRefusal_.clear();
  }
  timings.hostPrepareMs = msSince(started);
  mark(request, 0);
  copyIn(feedOf);
  mark(request, 1);
  execute(execution);
  mark(request, 2);
  collectOutputs(request.targets, outputs);
  mark(request, 3);
  copyOut(request.targets, outputs);
  mark(request, 4);
  stream_->synchronize();
  drain.armed = false;
  Clock::time_point synchronized = Clock::now();
  checkRecordedErrors();
  if (request.timed) readTimings(timings);
  if (core_.cudaGraph() && !captureTried_) capture(execution);
  timings.hostFinishMs = msSince(synchronized);
}

void ExecutionSlot::execute(RunExecution& execution) {
  if (graph_) {
    graph_->launch(stream_->get());
    execution.cudaGraph = CudaGraphUse::kLaunched;
    return;
  }
  enqueue();
  if (!core_.cudaGraph()) return;
  // A refusal at these shapes stands until they change; new shapes are captured after this run (capture()).
  execution.cudaGraph = captureTried_ ? CudaGraphUse::kRefused : CudaGraphUse::kCaptured;
  execution.cudaGraphReason = captureRefusal_;
}

void ExecutionSlot::capture(RunExecution& execution) {
  // trtexec --useCudaGraph: one enqueueV3 at the shapes first (this run's), then enqueueV3 under stream capture; the
  // stream is idle. Capture is thread-local: other threads' CUDA calls (other slots) are not affected.
  captureTried_ = true;
  cudaStream_t stream = stream_->get();
  auto refuse = [&](std::string reason) {
    captureRefusal_ = std::move(reason);
    execution.cudaGraph = CudaGraphUse::kRefused;
    execution.cudaGraphReason = captureRefusal_;
  };
  cudaError_t begun = cudaStreamBeginCapture(stream, cudaStreamCaptureModeThreadLocal);
  if (begun != cudaSuccess) {
    cudaGetLastError();
    return refuse("cudaStreamBeginCapture failed: " + cudaErrorText(begun));
  }
  recorder_.clear();
  bool enqueued = context_->enqueueV3(stream);
  // Capture always ends, whatever enqueueV3 did, so that the stream is usable again.
  cudaGraph_t raw = nullptr;
  cudaError_t ended = cudaStreamEndCapture(stream, &raw);
  CudaGraph graph(raw);
  if (ended != cudaSuccess) cudaGetLastError();
  std::string said = recorder_.lastError();
  recorder_.clear();  // a refused capture is not this run's failure
  if (!enqueued) {
    // An output the graph would have had to reallocate (OutputAllocator refuses under capture) says so itself.
    std::string detail;
    for (auto const& allocator : allocators_) {
      if (!allocator->error().empty()) detail = ": " + allocator->error();
    }
    return refuse(withReason("IExecutionContext::enqueueV3 failed under stream capture" + detail, said));
  }
  if (ended != cudaSuccess || raw == nullptr) {
    return refuse(withReason("cudaStreamEndCapture failed: " + cudaErrorText(ended) + " (a call inside enqueueV3 is not capturable)", said));
  }
  try {
    graph_.reset(new CudaGraphExec(graph));
  } catch (NativeError const& e) {
    refuse(e.what());
  }
}

bool ExecutionSlot::bindInputs(std::vector<HostTensor> const& feeds, std::vector<HostTensor const*>& feedOf) {
  std::vector<TensorInfo> const& tensors = core_.tensors();
  nvinfer1::IExecutionContext& context = *context_;
  if (shapeSet_.size() != tensors.size()) {
    shapeSet_.assign(tensors.size(), {});
    addressSet_.assign(tensors.size(), nullptr);
  }
  feedOf.assign(tensors.size(), nullptr);
  bool changed = false;
  bool moved = false;
  size_t next = 0;
  for (size_t i = 0; i < tensors.size(); ++i) {
    TensorInfo const& tensor = tensors[i];
    if (!tensor.isInput) continue;
    if (next >= feeds.size()) throw NativeError(codes::kInvalidValue, "missing feed for input \"" + tensor.name + "\"");
    HostTensor const* feed = feedOf[i] = &feeds[next++];
    if (feed->dims.size() > static_cast<size_t>(nvinfer1::Dims::MAX_DIMS)) {
      throw NativeError(codes::kShape, "feed \"" + tensor.name + "\" has " + std::to_string(feed->dims.size()) +
                                           " dimensions; TensorRT supports at most " +
                                           std::to_string(nvinfer1::Dims::MAX_DIMS));
    }
    size_t bytes = tensorBytes(feed->dims, tensor.type);
    if (bytes != feed->size) {
      throw NativeError(codes::kShape, "feed \"" + tensor.name + "\" has " + std::to_string(feed->size) +
                                           " bytes; shape " + dimsText(feed->dims) + " of " +
                                           dataTypeName(tensor.type) + " needs " + std::to_string(bytes));
    }
    // Messages are only built on failure: this is the per-run path.
    if (feed->dims != shapeSet_[i]) {
      changed = true;
      nvinfer1::Dims dims{};
      dims.nbDims = static_cast<int32_t>(feed->dims.size());
      for (size_t d = 0; d < feed->dims.size(); ++d) dims.d[d] = feed->dims[d];
      shapeSet_[i].clear();  // unknown until the call succeeds
      if (!context.setInputShape(tensor.name.c_str(), dims)) {
        checkTrt(false, codes::kShape, "IExecutionContext::setInputShape(\"" + tensor.name + "\", " + dimsText(feed->dims) + ")");
      }
      shapeSet_[i] = feed->dims;
    }
    void* device = inputDevice_[i]->reserve(bytes);
    if (device != addressSet_[i]) {
      moved = true;
      addressSet_[i] = nullptr;
      if (!context.setTensorAddress(tensor.name.c_str(), device)) {
        checkTrt(false, codes::kEngine, "IExecutionContext::setTensorAddress(\"" + tensor.name + "\")");
      }
      addressSet_[i] = device;
    }
  }
  if (next != feeds.size()) {
    throw NativeError(codes::kInvalidValue, std::to_string(feeds.size()) + " feeds for " + std::to_string(next) + " inputs");
  }
  if (changed && !context.allInputDimensionsSpecified()) {
    throw NativeError(codes::kShape, "IExecutionContext::allInputDimensionsSpecified is false after setting every input");
  }
  for (auto& allocator : allocators_) allocator->reset();
  return changed || moved;
}

void ExecutionSlot::copyIn(std::vector<HostTensor const*> const& feedOf) {
  // Pageable feeds are staged by CUDA before the call returns ("the function will return once the pageable buffer
  // has been copied to the staging memory"); page-locked ones are read in stream order.
  for (size_t i = 0; i < feedOf.size(); ++i) {
    HostTensor const* feed = feedOf[i];
    if (feed == nullptr || feed->size == 0) continue;
    TRT_NODE_CUDA_CHECK(cudaMemcpyAsync(inputDevice_[i]->data(), feed->data, feed->size, cudaMemcpyHostToDevice, stream_->get()));
  }
}

void ExecutionSlot::enqueue() {
  if (context_->enqueueV3(stream_->get())) return;
  std::string detail;
  for (auto const& allocator : allocators_) {
    if (!allocator->error().empty()) detail = ": output allocation failed: " + allocator->error();
  }
  throw NativeError(codes::kEngine, "IExecutionContext::enqueueV3 failed" + detail);
}

void ExecutionSlot::collectOutputs(std::vector<HostTensor> const* targets, std::vector<RunOutput>& outputs) {
  // Output shapes come from the allocator (notifyShape), which also covers data-dependent shapes; enqueueV3 has
  // returned, so they are final. A binding holds one target per engine output, in output order (bind() made them from
  // this engine's tensors).
  std::vector<TensorInfo> const& tensors = core_.tensors();
  outputs.clear();
  for (size_t i = 0; i < tensors.size(); ++i) {
    TensorInfo const& tensor = tensors[i];
    if (tensor.isInput) continue;
    OutputAllocator const& allocator = *allocators_[i];
    RunOutput out;
    out.dims = allocator.shapeKnown() ? toVector(allocator.dims()) : toVector(context_->getTensorShape(tensor.name.c_str()));
    for (int64_t d : out.dims) {
      if (d < 0) throw NativeError(codes::kEngine, "output \"" + tensor.name + "\" still has an unknown dimension after enqueueV3");
    }
    out.size = tensorBytes(out.dims, tensor.type);
    HostTensor const* target = targets != nullptr ? &(*targets)[outputs.size()] : nullptr;
    if (target != nullptr && out.dims != target->dims) {
      throw NativeError(codes::kShape, "output \"" + tensor.name + "\" came out with shape " + dimsText(out.dims) +
                                           ", but the IOBinding holds " + dimsText(target->dims) +
                                           ": its shape depends on the input values, which a binding cannot follow; "
                                           "run this engine with Engine.run()");
    }
    if (out.size > 0 && allocator.data() == nullptr) {
      throw NativeError(codes::kEngine, "TensorRT produced output \"" + tensor.name + "\" without allocating it");
    }
    // The output's own memory is allocated now, while the GPU is still busy.
    if (target == nullptr) out.bytes.reset(new uint8_t[out.size > 0 ? out.size : 1]);
    outputs.push_back(std::move(out));
  }
}

void ExecutionSlot::copyOut(std::vector<HostTensor> const* targets, std::vector<RunOutput> const& outputs) {
  // Into page-locked targets in stream order; into pageable memory (a run's own output bytes), CUDA returns once the
  // copy is done.
  std::vector<TensorInfo> const& tensors = core_.tensors();
  size_t o = 0;
  for (size_t i = 0; i < tensors.size(); ++i) {
    if (tensors[i].isInput) continue;
    HostTensor const* target = targets != nullptr ? &(*targets)[o] : nullptr;
    RunOutput const& out = outputs[o++];
    if (out.size == 0) continue;
    void* destination = target != nullptr ? target->data : out.bytes.get();
    TRT_NODE_CUDA_CHECK(cudaMemcpyAsync(destination, allocators_[i]->data(), out.size, cudaMemcpyDeviceToHost, stream_->get()));
  }
}

void ExecutionSlot::checkRecordedErrors() const {
  // "Due to the possibility of asynchronous errors occurring, a TensorRT API can return correct results, but still
  // register errors with the Error Recorder" (IErrorRecorder::getNbErrors): enqueueV3 returned true, yet the work it
  // queued failed (kFAILED_EXECUTION, kFAILED_COMPUTATION: "the data to become corrupted"). The outputs are garbage.
  // run() attaches the recorded errors.
  if (recorder_.getNbErrors() > 0) {
    throw NativeError(codes::kEngine, "IExecutionContext::enqueueV3 succeeded, but its work failed on the stream; the "
                                      "outputs are not valid");
  }
}

void ExecutionSlot::mark(RunRequest const& request, size_t event) const {
  if (request.timed) events_[event]->record(stream_->get());
}

void ExecutionSlot::readTimings(RunTimings& timings) const {
  timings.h2dMs = events_[1]->elapsedSince(*events_[0]);
  timings.computeMs = events_[2]->elapsedSince(*events_[1]);
  timings.d2hMs = events_[4]->elapsedSince(*events_[3]);
}

}  // namespace trt_node
