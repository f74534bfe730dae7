#include "build_worker.h"

#include <NvInfer.h>
#include <NvInferVersion.h>
#include <NvOnnxParser.h>

#include <atomic>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "build_options.h"
#include "check.h"
#include "device.h"
#include "logger.h"
#include "progress_monitor.h"
#include "promise_worker.h"
#include "tensorrt_library.h"
#include "trt_ptr.h"

namespace trt_node {
namespace {

char const* parserErrorCodeName(nvonnxparser::ErrorCode code) noexcept {
  switch (code) {
    case nvonnxparser::ErrorCode::kSUCCESS: return "kSUCCESS";
    case nvonnxparser::ErrorCode::kINTERNAL_ERROR: return "kINTERNAL_ERROR";
    case nvonnxparser::ErrorCode::kMEM_ALLOC_FAILED: return "kMEM_ALLOC_FAILED";
    case nvonnxparser::ErrorCode::kMODEL_DESERIALIZE_FAILED: return "kMODEL_DESERIALIZE_FAILED";
    case nvonnxparser::ErrorCode::kINVALID_VALUE: return "kINVALID_VALUE";
    case nvonnxparser::ErrorCode::kINVALID_GRAPH: return "kINVALID_GRAPH";
    case nvonnxparser::ErrorCode::kINVALID_NODE: return "kINVALID_NODE";
    case nvonnxparser::ErrorCode::kUNSUPPORTED_GRAPH: return "kUNSUPPORTED_GRAPH";
    case nvonnxparser::ErrorCode::kUNSUPPORTED_NODE: return "kUNSUPPORTED_NODE";
    case nvonnxparser::ErrorCode::kUNSUPPORTED_NODE_ATTR: return "kUNSUPPORTED_NODE_ATTR";
    case nvonnxparser::ErrorCode::kUNSUPPORTED_NODE_INPUT: return "kUNSUPPORTED_NODE_INPUT";
    case nvonnxparser::ErrorCode::kUNSUPPORTED_NODE_DATATYPE: return "kUNSUPPORTED_NODE_DATATYPE";
    case nvonnxparser::ErrorCode::kUNSUPPORTED_NODE_DYNAMIC: return "kUNSUPPORTED_NODE_DYNAMIC";
    case nvonnxparser::ErrorCode::kUNSUPPORTED_NODE_SHAPE: return "kUNSUPPORTED_NODE_SHAPE";
    case nvonnxparser::ErrorCode::kREFIT_FAILED: return "kREFIT_FAILED";
  }
  return "kUNKNOWN";
}

std::string text(char const* s) { return s != nullptr ? s : ""; }

// Every parser error, not just the first (a model often has several unsupported nodes).
std::vector<ParserErrorInfo> collectParserErrors(nvonnxparser::IParser const& parser) {
  std::vector<ParserErrorInfo> out;
  int32_t count = parser.getNbErrors();
  for (int32_t i = 0; i < count; ++i) {
    nvonnxparser::IParserError const* e = parser.getError(i);
    if (e == nullptr) continue;
    ParserErrorInfo info;
    info.code = static_cast<int32_t>(e->code());
    info.codeName = parserErrorCodeName(e->code());
    info.description = text(e->desc());
    info.node = e->node();
    info.nodeName = text(e->nodeName());
    info.nodeOperator = text(e->nodeOperator());
    info.file = text(e->file());
    info.line = e->line();
    info.function = text(e->func());
    out.push_back(std::move(info));
  }
  return out;
}

nvinfer1::Dims toDims(std::vector<int64_t> const& dims, std::string const& what) {
  if (dims.size() > static_cast<size_t>(nvinfer1::Dims::MAX_DIMS)) {
    throw NativeError(codes::kInvalidValue, what + " has " + std::to_string(dims.size()) +
                                                " dimensions; TensorRT supports at most " +
                                                std::to_string(nvinfer1::Dims::MAX_DIMS));
  }
  nvinfer1::Dims out{};
  out.nbDims = static_cast<int32_t>(dims.size());
  for (size_t i = 0; i < dims.size(); ++i) out.d[i] = dims[i];
  return out;
}

std::string dimsText(std::vector<int64_t> const& dims) {
  std::string s;
  for (size_t i = 0; i < dims.size(); ++i) s += (i ? "x" : "") + std::to_string(dims[i]);
  return s;
}

nvinfer1::NetworkDefinitionCreationFlags networkFlags(BuildOptions const& options) {
  nvinfer1::NetworkDefinitionCreationFlags flags = 0;
#if NV_TENSORRT_MAJOR < 11
  if (options.stronglyTyped) {
    flags |= 1U << static_cast<uint32_t>(nvinfer1::NetworkDefinitionCreationFlag::kSTRONGLY_TYPED);
  }
#else
  (void)options;  // TensorRT 11 networks are always strongly typed.
#endif
  return flags;
}

class BuildWorker final : public PromiseWorker {
 public:
  BuildWorker(Napi::Env env, BuildOptions options, std::shared_ptr<JsChannel> logChannel,
              std::shared_ptr<JsChannel> progressChannel, std::shared_ptr<std::atomic<bool>> cancelled)
      : PromiseWorker(env, "trt-node:buildEngine", codes::kBuild, options.logLevel, std::move(logChannel)),
        options_(std::move(options)),
        progressChannel_(std::move(progressChannel)),
        cancelled_(std::move(cancelled)) {}

 private:
  void work() override { build(); }

  void finish() override {
    if (progressChannel_) progressChannel_->close();
  }

  Napi::Value result(Napi::Env env) override {
    Napi::Object result = Napi::Object::New(env);
    result.Set("plan", Napi::Buffer<uint8_t>::Copy(env, static_cast<uint8_t const*>(plan_->data()), plan_->size()));
    if (timingCache_) {
      result.Set("timingCache", Napi::Buffer<uint8_t>::Copy(env, static_cast<uint8_t const*>(timingCache_->data()),
                                                            timingCache_->size()));
    } else {
      result.Set("timingCache", env.Null());
    }
    result.Set("buildMs", Napi::Number::New(env, workMs_));
    // This build's own warnings (messages from other threads may belong to other jobs: see LogHub), then trt-node's.
    std::vector<LogRecord> warnings = diagnostics_.sink.ownRecords();
    warnings.insert(warnings.end(), notes_.begin(), notes_.end());
    result.Set("warnings", logArray(env, warnings));
    return result;
  }

  void throwIfCancelled() const {
    if (cancelled_->load()) throw NativeError(codes::kAborted, "the build was cancelled");
  }

  void note(std::string text) {
    notes_.push_back(LogRecord{static_cast<int32_t>(nvinfer1::ILogger::Severity::kWARNING), "trt-node: " + std::move(text), false});
  }

  // The timing cache for this build. A cache TensorRT cannot read (another TensorRT version, a damaged file) or
  // refuses for this GPU (made on another device) must not fail the build: the build starts a fresh cache instead,
  // says so in its warnings, and saving merges or replaces the file (see timing_cache.cc).
  void attachTimingCache(nvinfer1::IBuilderConfig& config, TimingCachePtr& cache) {
    cache.reset(config.createTimingCache(options_.timingCache.data(), options_.timingCache.size()));
    if (!cache && !options_.timingCache.empty()) {
      note("the timing cache file could not be read by this TensorRT (" + diagnostics_.recorder.lastError() +
           "); starting a fresh cache");
      diagnostics_.recorder.clear();
    }
    if (cache && !config.setTimingCache(*cache, false)) {
      note("the timing cache was made on another GPU (" + diagnostics_.recorder.lastError() + "); starting a fresh cache");
      diagnostics_.recorder.clear();
      cache.reset();
    }
    if (!cache) {
      cache.reset(checkTrtPtr(config.createTimingCache(nullptr, 0), codes::kBuild, "IBuilderConfig::createTimingCache"));
      checkTrt(config.setTimingCache(*cache, false), codes::kBuild, "IBuilderConfig::setTimingCache");
    }
  }

  void build() {
    throwIfCancelled();
    prepareTensorRT();
    useDevice(options_.device);  // TensorRT builds for, and binds the engine to, the current device
    nvinfer1::ILogger& logger = LogHub::instance();
    ProgressMonitor monitor(progressChannel_, cancelled_);
    // Declared before the builder: TensorRT requires the cache to outlive every builder that uses it.
    TimingCachePtr cache;

    BuilderPtr builder(checkTrtPtr(nvinfer1::createInferBuilder(logger), codes::kBuild, "nvinfer1::createInferBuilder"));
    builder->setErrorRecorder(&diagnostics_.recorder);
    NetworkPtr network(checkTrtPtr(builder->createNetworkV2(networkFlags(options_)), codes::kBuild,
                                   "IBuilder::createNetworkV2"));
    BuilderConfigPtr config(
        checkTrtPtr(builder->createBuilderConfig(), codes::kBuild, "IBuilder::createBuilderConfig"));
    ParserPtr parser(
        checkTrtPtr(nvonnxparser::createParser(*network, logger), codes::kParse, "nvonnxparser::createParser"));

    parse(*parser);
    throwIfCancelled();
    if (!options_.markOutputs.empty()) markOutputs(*network);
    addProfiles(*builder, *config);

    applyConfig(options_.config, *config);
    if (options_.useTimingCache) attachTimingCache(*config, cache);
    config->setProgressMonitor(&monitor);

    plan_.reset(builder->buildSerializedNetwork(*network, *config));
    config->setProgressMonitor(nullptr);
    if (plan_ == nullptr || plan_->size() == 0) {
      plan_.reset();
      throwIfCancelled();
      throw NativeError(codes::kBuild, "IBuilder::buildSerializedNetwork failed");
    }
    if (options_.useTimingCache) {
      nvinfer1::ITimingCache const* used = config->getTimingCache();
      if (used != nullptr) {
        timingCache_.reset(checkTrtPtr(used->serialize(), codes::kBuild, "ITimingCache::serialize"));
      }
    }
  }

  void parse(nvonnxparser::IParser& parser) {
    bool ok = false;
    std::string call;
    auto verbosity = static_cast<int>(nvinfer1::ILogger::Severity::kWARNING);
    if (options_.fromBytes) {
      call = "nvonnxparser::IParser::parse (" + std::to_string(options_.modelBytes.size()) + " bytes)";
      ok = parser.parse(options_.modelBytes.data(), options_.modelBytes.size(),
                        options_.modelPath.empty() ? nullptr : options_.modelPath.c_str());
    } else {
      call = "nvonnxparser::IParser::parseFromFile(\"" + options_.modelPath + "\")";
      ok = parser.parseFromFile(options_.modelPath.c_str(), verbosity);
    }
    std::vector<ParserErrorInfo> errors = collectParserErrors(parser);
    if (ok && errors.empty()) return;
    std::string message = call + " failed";
    if (!errors.empty()) {
      message += " with " + std::to_string(errors.size()) + " error" + (errors.size() == 1 ? "" : "s") +
                 "; first: " + errors.front().codeName + " at node " + std::to_string(errors.front().node) + " (" +
                 errors.front().nodeOperator + " '" + errors.front().nodeName + "'): " + errors.front().description;
    }
    NativeError error(codes::kParse, message);
    error.parserErrors = std::move(errors);
    throw error;
  }

  // The requested tensors, found by name among the layers' outputs (INetworkDefinition has no lookup by name), marked
  // as network outputs. Network inputs and outputs already marked are left as they are; a shape tensor is left out
  // (TensorRT takes those as outputs through markOutputForShapes only). What is not marked is not an engine output,
  // which is how the caller learns that TensorRT does not expose it (fused away, renamed, folded into weights).
  void markOutputs(nvinfer1::INetworkDefinition& network) {
    std::set<std::string> wanted(options_.markOutputs.begin(), options_.markOutputs.end());
    int32_t layers = network.getNbLayers();
    for (int32_t l = 0; l < layers && !wanted.empty(); ++l) {
      nvinfer1::ILayer* layer = checkTrtPtr(network.getLayer(l), codes::kBuild, "INetworkDefinition::getLayer");
      for (int32_t o = 0; o < layer->getNbOutputs(); ++o) {
        nvinfer1::ITensor* tensor = layer->getOutput(o);
        if (tensor == nullptr || tensor->getName() == nullptr) continue;
        auto it = wanted.find(tensor->getName());
        if (it == wanted.end()) continue;
        wanted.erase(it);
        if (tensor->isNetworkInput() || tensor->isNetworkOutput() || tensor->isShapeTensor()) continue;
        network.markOutput(*tensor);
        checkTrt(tensor->isNetworkOutput(), codes::kBuild, std::string("INetworkDefinition::markOutput(\"") + tensor->getName() + "\")");
      }
    }
  }

  void addProfiles(nvinfer1::IBuilder& builder, nvinfer1::IBuilderConfig& config) {
    for (size_t p = 0; p < options_.profiles.size(); ++p) {
      // Owned by the builder.
      nvinfer1::IOptimizationProfile* profile = checkTrtPtr(builder.createOptimizationProfile(), codes::kBuild,
                                                            "IBuilder::createOptimizationProfile");
      for (ProfileInput const& input : options_.profiles[p]) {
        std::string where = "profile " + std::to_string(p) + " input \"" + input.name + "\"";
        char const* name = input.name.c_str();
        checkTrt(profile->setDimensions(name, nvinfer1::OptProfileSelector::kMIN, toDims(input.min, where)),
                 codes::kBuild, "IOptimizationProfile::setDimensions(kMIN " + dimsText(input.min) + ") for " + where);
        checkTrt(profile->setDimensions(name, nvinfer1::OptProfileSelector::kOPT, toDims(input.opt, where)),
                 codes::kBuild, "IOptimizationProfile::setDimensions(kOPT " + dimsText(input.opt) + ") for " + where);
        checkTrt(profile->setDimensions(name, nvinfer1::OptProfileSelector::kMAX, toDims(input.max, where)),
                 codes::kBuild, "IOptimizationProfile::setDimensions(kMAX " + dimsText(input.max) + ") for " + where);
      }
      checkTrt(profile->isValid(), codes::kBuild, "IOptimizationProfile::isValid for profile " + std::to_string(p));
      checkTrt(config.addOptimizationProfile(profile) >= 0, codes::kBuild,
               "IBuilderConfig::addOptimizationProfile for profile " + std::to_string(p));
    }
  }

  BuildOptions options_;
  std::shared_ptr<JsChannel> progressChannel_;
  std::shared_ptr<std::atomic<bool>> cancelled_;
  HostMemoryPtr plan_;
  HostMemoryPtr timingCache_;
  std::vector<LogRecord> notes_;
};

}  // namespace

Napi::Value BuildEngine(Napi::CallbackInfo const& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsObject()) throw Napi::TypeError::New(env, "Expected an options object");
  BuildOptions options = readBuildOptions(info[0].As<Napi::Object>());
  std::shared_ptr<JsChannel> logChannel;
  std::shared_ptr<JsChannel> progressChannel;
  if (info.Length() > 1 && info[1].IsFunction()) {
    logChannel = JsChannel::open(env, info[1].As<Napi::Function>(), "trt-node:build-log");
  }
  auto cancelled = std::make_shared<std::atomic<bool>>(false);
  if (info.Length() > 2 && info[2].IsFunction()) {
    // Progress that can no longer be delivered means this environment is being torn down (worker.terminate(), which
    // waits for the build before it runs any cleanup hook): the build is cancelled, so it stops at its next step.
    progressChannel = JsChannel::open(env, info[2].As<Napi::Function>(), "trt-node:build-progress",
                                      [cancelled] { cancelled->store(true); });
  }

  auto* worker = new BuildWorker(env, std::move(options), logChannel, progressChannel, cancelled);
  Napi::Object job = Napi::Object::New(env);
  job.Set("promise", worker->promise());
  job.Set("cancel", Napi::Function::New(
                        env, [cancelled](Napi::CallbackInfo const&) { cancelled->store(true); }, "cancel"));
  worker->Queue();
  return job;
}

}  // namespace trt_node
