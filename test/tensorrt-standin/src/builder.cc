// The stand-in's build side: IBuilder, INetworkDefinition, IBuilderConfig, IOptimizationProfile, ITimingCache,
// IHostMemory, and the library's C entry points (createInferBuilder_INTERNAL, getInferLib*Version, getLogger).
#include <NvInferVersion.h>
#include <cuda_runtime_api.h>
#include <dlfcn.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <map>
#include <mutex>
#include <set>
#include <sstream>
#include <thread>
#include <tuple>
#include <utility>

#include "diagnostics.h"
#include "dims.h"
#include "import_checks.h"
#include "plan.h"
#include "precision.h"
#include "standin.h"

namespace trt_standin {
namespace {

using nvinfer1::ErrorCode;
using Severity = nvinfer1::ILogger::Severity;

uint64_t fnv1a(std::string const& s) {
  uint64_t h = 0xcbf29ce484222325ULL;
  for (unsigned char c : s) {
    h ^= c;
    h *= 0x100000001b3ULL;
  }
  return h;
}

// ------------------------------------------------------------------------------------------------------ registry

struct Registry {
  std::mutex mutex;
  std::set<std::string> creators;
};

Registry& registry() {
  static Registry* r = new Registry();
  return *r;
}

// ------------------------------------------------------------------------------------------------------ objects

class BuilderImpl;

class HostMemoryImpl final : public nvinfer1::apiv::standin::StubVHostMemory {
 public:
  HostMemoryImpl(nvinfer1::IHostMemory&, std::string bytes) : bytes_(std::move(bytes)) {}
  void* data() const noexcept override { return const_cast<char*>(bytes_.data()); }
  std::size_t size() const noexcept override { return bytes_.size(); }
  nvinfer1::DataType type() const noexcept override { return nvinfer1::DataType::kUINT8; }

 private:
  std::string bytes_;
};

nvinfer1::IHostMemory* hostMemory(std::string bytes) {
  return new Wrapped<nvinfer1::IHostMemory, HostMemoryImpl>(std::move(bytes));
}

struct ProfileEntry {
  std::vector<int64_t> dims[3];  // kMIN, kOPT, kMAX
  bool set[3] = {false, false, false};
};

class OptimizationProfileImpl final : public nvinfer1::apiv::standin::StubVOptimizationProfile {
 public:
  explicit OptimizationProfileImpl(nvinfer1::IOptimizationProfile&) {}

  bool setDimensions(char const* inputName, nvinfer1::OptProfileSelector select, nvinfer1::Dims const& dims) noexcept override {
    int s = static_cast<int>(select);
    if (inputName == nullptr || s < 0 || s > 2 || dims.nbDims < 0 || dims.nbDims > nvinfer1::Dims::MAX_DIMS) return false;
    for (int32_t i = 0; i < dims.nbDims; ++i) {
      if (dims.d[i] < 0) return false;
    }
    std::lock_guard<std::mutex> lock(mutex_);
    ProfileEntry& e = entries_[inputName];
    e.dims[s] = toVector(dims);
    e.set[s] = true;
    return true;
  }

  nvinfer1::Dims getDimensions(char const* inputName, nvinfer1::OptProfileSelector select) const noexcept override {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = entries_.find(inputName != nullptr ? inputName : "");
    int s = static_cast<int>(select);
    if (it == entries_.end() || s < 0 || s > 2 || !it->second.set[s]) return nvinfer1::Dims{-1, {}};
    return toDims(it->second.dims[s]);
  }

  bool isValid() const noexcept override {
    std::lock_guard<std::mutex> lock(mutex_);
    return !entries_.empty() && invalidReason().empty();
  }

  std::map<std::string, ProfileEntry> entries() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return entries_;
  }

 private:
  // Called with mutex_ held.
  std::string invalidReason() const {
    for (auto const& [name, e] : entries_) {
      if (!e.set[0] || !e.set[1] || !e.set[2]) return "input \"" + name + "\" lacks kMIN, kOPT or kMAX";
      if (e.dims[0].size() != e.dims[1].size() || e.dims[1].size() != e.dims[2].size()) return "ranks differ for \"" + name + "\"";
      for (size_t i = 0; i < e.dims[0].size(); ++i) {
        if (e.dims[0][i] > e.dims[1][i] || e.dims[1][i] > e.dims[2][i]) return "kMIN <= kOPT <= kMAX fails for \"" + name + "\"";
      }
    }
    return "";
  }

  mutable std::mutex mutex_;
  std::map<std::string, ProfileEntry> entries_;
};

using ProfileObject = Wrapped<nvinfer1::IOptimizationProfile, OptimizationProfileImpl>;

constexpr char kCacheHeader[] = "trt-node TensorRT stand-in timing cache v1\n";

class TimingCacheImpl final : public nvinfer1::apiv::standin::StubVTimingCache {
 public:
  TimingCacheImpl(nvinfer1::ITimingCache&, std::string device, std::map<std::string, std::string> entries)
      : device_(std::move(device)), entries_(std::move(entries)) {}

  ~TimingCacheImpl() override {
    std::lock_guard<std::mutex> lock(mutex_);
    // IBuilderConfig::createTimingCache: "The lifetime of the ITimingCache must exceed the lifetime of all builders
    // that use it."
    require(users_.empty(), "ITimingCache destroyed while a builder that used it is alive",
            "\"The lifetime of the ITimingCache must exceed the lifetime of all builders that use it.\"");
  }

  nvinfer1::IHostMemory* serialize() const noexcept override {
    std::lock_guard<std::mutex> lock(mutex_);
    std::string out = kCacheHeader;
    out += "device=" + device_ + "\n";
    for (auto const& [k, v] : entries_) out += k + "\t" + v + "\n";
    return hostMemory(std::move(out));
  }

  bool combine(nvinfer1::ITimingCache const& inputCache, bool ignoreMismatch) noexcept override {
    TimingCacheImpl* other = implOf<TimingCacheImpl>(inputCache);
    require(other != nullptr, "ITimingCache::combine takes a timing cache of the same library");
    std::map<std::string, std::string> theirs;
    std::string theirDevice;
    {
      std::lock_guard<std::mutex> lock(other->mutex_);
      theirs = other->entries_;
      theirDevice = other->device_;
    }
    std::lock_guard<std::mutex> lock(mutex_);
    // "ignoreMismatch must be set to true if combining a timing cache created from a different device."
    if (theirDevice != device_ && !ignoreMismatch) return false;
    for (auto const& [k, v] : theirs) entries_.emplace(k, v);  // "Conflicting entries will be skipped"
    return true;
  }

  bool reset() noexcept override {
    std::lock_guard<std::mutex> lock(mutex_);
    entries_.clear();
    return true;
  }

  std::string device() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return device_;
  }
  void add(std::string const& key, std::string const& value) {
    std::lock_guard<std::mutex> lock(mutex_);
    entries_.emplace(key, value);
  }
  void addUser(BuilderImpl* b) {
    std::lock_guard<std::mutex> lock(mutex_);
    users_.insert(b);
  }
  void removeUser(BuilderImpl* b) {
    std::lock_guard<std::mutex> lock(mutex_);
    users_.erase(b);
  }

 private:
  mutable std::mutex mutex_;
  std::string device_;
  std::map<std::string, std::string> entries_;
  std::set<BuilderImpl*> users_;
};

using TimingCacheObject = Wrapped<nvinfer1::ITimingCache, TimingCacheImpl>;

// Reads a cache serialized by the stand-in; false for anything else.
bool readCache(void const* blob, size_t size, std::string& device, std::map<std::string, std::string>& entries) {
  std::string text(static_cast<char const*>(blob), size);
  if (text.compare(0, sizeof(kCacheHeader) - 1, kCacheHeader) != 0) return false;
  std::istringstream in(text.substr(sizeof(kCacheHeader) - 1));
  std::string line;
  if (!std::getline(in, line) || line.compare(0, 7, "device=") != 0) return false;
  device = line.substr(7);
  while (std::getline(in, line)) {
    size_t tab = line.find('\t');
    if (tab == std::string::npos) return false;
    entries[line.substr(0, tab)] = line.substr(tab + 1);
  }
  return true;
}

class NetworkImpl;

// A layer's output tensor, as the parser's model names it. Only what trt-node asks of the network's tensors (their
// names, whether they are network IO, markOutput) is implemented.
class TensorImpl final : public nvinfer1::apiv::standin::StubVTensor {
 public:
  TensorImpl(nvinfer1::ITensor&, NetworkImpl const& network, std::string name) : network(network), name(std::move(name)) {}
  char const* getName() const noexcept override { return name.c_str(); }
  bool isNetworkInput() const noexcept override { return false; }  // a layer's output
  bool isNetworkOutput() const noexcept override;
  // "isShapeTensor() returns true if the tensor is a shape tensor": the stand-in's layers compute no shapes.
  bool isShapeTensor() const noexcept override { return false; }

  NetworkImpl const& network;
  std::string const name;
};

using TensorObject = Wrapped<nvinfer1::ITensor, TensorImpl>;

class LayerImpl final : public nvinfer1::apiv::standin::StubVLayer {
 public:
  explicit LayerImpl(std::vector<nvinfer1::ITensor*> outputs) : outputs_(std::move(outputs)) {}
  int32_t getNbOutputs() const noexcept override { return static_cast<int32_t>(outputs_.size()); }
  nvinfer1::ITensor* getOutput(int32_t index) const noexcept override {
    return index >= 0 && static_cast<size_t>(index) < outputs_.size() ? outputs_[index] : nullptr;
  }

 private:
  std::vector<nvinfer1::ITensor*> outputs_;
};

// ILayer keeps its implementation in `mLayer` (not `mImpl`, as the other interfaces Wrapped serves).
class LayerObject final : public nvinfer1::ILayer {
 public:
  explicit LayerObject(std::vector<nvinfer1::ITensor*> outputs) : impl(std::move(outputs)) { mLayer = &impl; }
  LayerImpl impl;
};

class NetworkImpl final : public nvinfer1::apiv::standin::StubVNetworkDefinition {
 public:
  NetworkImpl(nvinfer1::INetworkDefinition&, BuilderImpl& builder, nvinfer1::NetworkDefinitionCreationFlags flags,
              nvinfer1::IErrorRecorder* recorder);
  ~NetworkImpl() override;

  void setErrorRecorder(nvinfer1::IErrorRecorder* recorder) noexcept override { recorder_.set(recorder); }
  nvinfer1::IErrorRecorder* getErrorRecorder() const noexcept override { return recorder_.get(); }
  nvinfer1::NetworkDefinitionCreationFlags getFlags() const noexcept override { return flags_; }
  bool getFlag(nvinfer1::NetworkDefinitionCreationFlag flag) const noexcept override {
    return (flags_ & (1U << static_cast<uint32_t>(flag))) != 0;
  }
  void setName(char const* name) noexcept override { name_ = name != nullptr ? name : ""; }
  char const* getName() const noexcept override { return name_.c_str(); }

  // One layer per node of the parsed model (Constant nodes are weights, not layers), made when first asked for.
  int32_t getNbLayers() const noexcept override { return static_cast<int32_t>(layers().size()); }
  nvinfer1::ILayer* getLayer(int32_t index) const noexcept override {
    auto const& all = layers();
    return index >= 0 && static_cast<size_t>(index) < all.size() ? all[index].get() : nullptr;
  }
  // markOutput: "Mark a tensor as a network output." The build adds it to the engine's outputs (see build()).
  void markOutput(nvinfer1::ITensor& tensor) noexcept override {
    TensorImpl* t = implOf<TensorImpl>(tensor);
    require(t != nullptr && &t->network == this, "INetworkDefinition::markOutput takes a tensor of this network");
    if (std::find(marked.begin(), marked.end(), t->name) == marked.end()) marked.push_back(t->name);
  }

  BuilderImpl& builder;
  // Tensors marked as outputs, in the order they were marked.
  std::vector<std::string> marked;
  // The parser's model: the parser owns it, as onnx-tensorrt's owns the weights the network refers to.
  std::weak_ptr<ParsedModel> model;
  bool parsed = false;
  std::atomic<int> parsers{0};

 private:
  std::vector<std::unique_ptr<LayerObject>> const& layers() const {
    std::shared_ptr<ParsedModel> parsed = model.lock();
    if (layers_.empty() && parsed) {
      for (auto const& outputs : parsed->layerOutputs) {
        std::vector<nvinfer1::ITensor*> tensors;
        for (std::string const& name : outputs) {
          if (name.empty()) continue;
          tensors_.push_back(std::make_unique<TensorObject>(*this, name));
          tensors.push_back(tensors_.back().get());
        }
        layers_.push_back(std::make_unique<LayerObject>(std::move(tensors)));
      }
    }
    return layers_;
  }

  nvinfer1::NetworkDefinitionCreationFlags flags_;
  RecorderRef recorder_;
  std::string name_;
  mutable std::vector<std::unique_ptr<TensorObject>> tensors_;
  mutable std::vector<std::unique_ptr<LayerObject>> layers_;
};

bool TensorImpl::isNetworkOutput() const noexcept {
  if (std::find(network.marked.begin(), network.marked.end(), name) != network.marked.end()) return true;
  std::shared_ptr<ParsedModel> parsed = network.model.lock();
  return parsed && std::any_of(parsed->outputs.begin(), parsed->outputs.end(), [&](TensorDesc const& t) { return t.name == name; });
}

using NetworkObject = Wrapped<nvinfer1::INetworkDefinition, NetworkImpl>;

// The model with `names` appended to its graph outputs, as trt-node's lib/onnx/add-outputs.ts makes it: an encoded
// ModelProto { graph { output { name } ... } } after the model's bytes, which protobuf parses as their merge.
void appendVarint(std::string& out, uint64_t value) {
  while (value >= 0x80) {
    out.push_back(static_cast<char>((value & 0x7f) | 0x80));
    value >>= 7;
  }
  out.push_back(static_cast<char>(value));
}

std::string lengthDelimited(uint32_t field, std::string const& body) {
  std::string out;
  appendVarint(out, (field << 3) | 2);
  appendVarint(out, body.size());
  return out + body;
}

std::string withGraphOutputs(std::string const& onnx, std::vector<std::string> const& names) {
  std::string graph;
  for (std::string const& name : names) graph += lengthDelimited(12, lengthDelimited(1, name));  // GraphProto.output
  return onnx + lengthDelimited(7, graph);                                                         // ModelProto.graph
}

class BuilderConfigImpl final : public nvinfer1::apiv::standin::StubVBuilderConfig {
 public:
  BuilderConfigImpl(nvinfer1::IBuilderConfig&, BuilderImpl& b);
  ~BuilderConfigImpl() override;

  void setMemoryPoolLimit(nvinfer1::MemoryPoolType pool, std::size_t poolSize) noexcept override {
    limits_[static_cast<int>(pool)] = poolSize;
  }
  std::size_t getMemoryPoolLimit(nvinfer1::MemoryPoolType pool) const noexcept override {
    auto it = limits_.find(static_cast<int>(pool));
    return it != limits_.end() ? it->second : 0;
  }
  void setBuilderOptimizationLevel(int32_t level) noexcept override { level_ = level; }
  int32_t getBuilderOptimizationLevel() const noexcept override { return level_; }
  void setProfilingVerbosity(nvinfer1::ProfilingVerbosity verbosity) noexcept override { verbosity_ = verbosity; }
  nvinfer1::ProfilingVerbosity getProfilingVerbosity() const noexcept override { return verbosity_; }
  void setFlags(nvinfer1::BuilderFlags flags) noexcept override { flags_ = flags; }
  nvinfer1::BuilderFlags getFlags() const noexcept override { return flags_; }
  void setFlag(nvinfer1::BuilderFlag flag) noexcept override { flags_ |= 1U << static_cast<uint32_t>(flag); }
  void clearFlag(nvinfer1::BuilderFlag flag) noexcept override { flags_ &= ~(1U << static_cast<uint32_t>(flag)); }
  bool getFlag(nvinfer1::BuilderFlag flag) const noexcept override {
    return (flags_ & (1U << static_cast<uint32_t>(flag))) != 0;
  }
  int32_t addOptimizationProfile(nvinfer1::IOptimizationProfile const* profile) noexcept override {
    OptimizationProfileImpl* p = profile != nullptr ? implOf<OptimizationProfileImpl>(*profile) : nullptr;
    require(p != nullptr, "IBuilderConfig::addOptimizationProfile takes a profile from IBuilder::createOptimizationProfile");
    if (!p->isValid()) return -1;  // "Returns the index of the added profile, or -1 if the profile is invalid"
    profiles.push_back(p->entries());
    return static_cast<int32_t>(profiles.size() - 1);
  }
  int32_t getNbOptimizationProfiles() const noexcept override { return static_cast<int32_t>(profiles.size()); }
  nvinfer1::ITimingCache* createTimingCache(void const* blob, std::size_t size) const noexcept override;
  bool setTimingCache(nvinfer1::ITimingCache const& cache, bool ignoreMismatch) noexcept override;
  nvinfer1::ITimingCache const* getTimingCache() const noexcept override { return cacheObject_; }
  void setProgressMonitor(nvinfer1::IProgressMonitor* monitor) noexcept override { monitor_ = monitor; }
  nvinfer1::IProgressMonitor* getProgressMonitor() const noexcept override { return monitor_; }
  // "The default hardware compatibility level is HardwareCompatibilityLevel::kNONE."
  void setHardwareCompatibilityLevel(nvinfer1::HardwareCompatibilityLevel level) noexcept override { hardware_ = level; }
  nvinfer1::HardwareCompatibilityLevel getHardwareCompatibilityLevel() const noexcept override { return hardware_; }

  BuilderImpl& builder;
  std::vector<std::map<std::string, ProfileEntry>> profiles;
  TimingCacheImpl* cache() const noexcept { return cache_; }

 private:
  std::map<int, std::size_t> limits_;
  int32_t level_ = 3;
  // NvInfer.h, IBuilderConfig::getProfilingVerbosity: "Default value is ProfilingVerbosity::kLAYER_NAMES_ONLY."
  nvinfer1::ProfilingVerbosity verbosity_ = nvinfer1::ProfilingVerbosity::kLAYER_NAMES_ONLY;
  nvinfer1::BuilderFlags flags_ = 0;
  nvinfer1::ITimingCache const* cacheObject_ = nullptr;
  TimingCacheImpl* cache_ = nullptr;
  nvinfer1::IProgressMonitor* monitor_ = nullptr;
  nvinfer1::HardwareCompatibilityLevel hardware_ = nvinfer1::HardwareCompatibilityLevel::kNONE;
};

using BuilderConfigObject = Wrapped<nvinfer1::IBuilderConfig, BuilderConfigImpl>;

// ---------------------------------------------------------------------------------------------------- progress

// Reports the build's phases to the IProgressMonitor and honours cancellation. Which thread calls the monitor, and
// whether a child phase comes before the parent's own first step, are left open by the header ("The implementation
// of IProgressMonitor must be thread-safe so that it can be called from multiple internal threads"; phase names
// "and their hierarchies may change between versions") and are seeded choices.
class Progress {
 public:
  Progress(nvinfer1::IProgressMonitor* monitor, size_t profiles) : monitor_(monitor), profiles_(profiles) {}

  // True when the build ran to the end, false when stepComplete returned false.
  bool run() {
    if (monitor_ == nullptr) {
      sleepSteps(static_cast<int>(profiles_) * 3 + 1);
      return true;
    }
    if (!choose(Choice::kProgressFromWorker)) return sequence();
    bool finished = false;
    std::thread worker([&] { finished = sequence(); });
    worker.join();
    return finished;
  }

 private:
  static void sleepSteps(int n) {
    if (buildStepMs() > 0) std::this_thread::sleep_for(std::chrono::milliseconds(buildStepMs() * n));
  }

  bool step(char const* phase, int32_t index) {
    sleepSteps(1);
    // stepComplete: "The application can return false for TensorRT to exit the build early."
    return monitor_->stepComplete(phase, index);
  }

  bool sequence() {
    char const* top = "Building the stand-in engine";
    auto steps = static_cast<int32_t>(profiles_ + 1);
    monitor_->phaseStart(top, nullptr, steps);
    bool childrenFirst = choose(Choice::kProgressChildrenFirst);
    int32_t topStep = 0;
    if (!childrenFirst && !step(top, topStep++)) return cancel(top, nullptr);
    for (size_t p = 0; p < profiles_; ++p) {
      std::string child = "Profile " + std::to_string(p) + " tactics";
      monitor_->phaseStart(child.c_str(), top, 3);
      for (int32_t s = 0; s < 3; ++s) {
        if (!step(child.c_str(), s)) return cancel(top, child.c_str());
      }
      monitor_->phaseFinish(child.c_str());
      if (topStep < steps && !step(top, topStep++)) return cancel(top, nullptr);
    }
    while (topStep < steps) {
      if (!step(top, topStep++)) return cancel(top, nullptr);
    }
    monitor_->phaseFinish(top);
    return true;
  }

  // phaseFinish "may be called before all steps in the range [0, nbSteps) have been reported to stepComplete. This
  // scenario can be triggered by ... when stepComplete returns false to request cancellation of the build."
  bool cancel(char const* top, char const* child) {
    if (child != nullptr) monitor_->phaseFinish(child);
    monitor_->phaseFinish(top);
    return false;
  }

  nvinfer1::IProgressMonitor* monitor_;
  size_t profiles_;
};

// ------------------------------------------------------------------------------------------------------- builder

// The precision flags a strongly typed network refuses (TensorRT 10; TensorRT 11 has no such flags): NVIDIA/TensorRT
// #4253 "IBuilder::buildSerializedNetwork: Error Code 3: API Usage Error (Parameter check failed, condition:
// !config.getFlag(BuilderFlag::kFP16). )", the same for kBF16 (NVIDIA/TensorRT-RTX#2), and kINT8/kFP8/kINT4 alike
// (NetworkDefinitionCreationFlag::kSTRONGLY_TYPED: "Every tensor in the network has a data type defined in the network
// following only type inference rules and the inputs/operator annotations").
std::string refusedFlags(NetworkImpl const& network, BuilderConfigImpl const& config) {
#if NV_TENSORRT_MAJOR < 11
  if (!network.getFlag(nvinfer1::NetworkDefinitionCreationFlag::kSTRONGLY_TYPED)) return "";
  std::pair<nvinfer1::BuilderFlag, char const*> const precision[] = {
      {nvinfer1::BuilderFlag::kFP16, "kFP16"}, {nvinfer1::BuilderFlag::kBF16, "kBF16"}, {nvinfer1::BuilderFlag::kINT8, "kINT8"},
      {nvinfer1::BuilderFlag::kFP8, "kFP8"},   {nvinfer1::BuilderFlag::kINT4, "kINT4"}};
  for (auto const& [flag, name] : precision) {
    if (config.getFlag(flag)) {
      return std::string("IBuilder::buildSerializedNetwork: Error Code 3: API Usage Error (Parameter check failed, condition: "
                         "!config.getFlag(BuilderFlag::") + name + "). )";
    }
  }
#else
  (void)network;
  (void)config;
#endif
  return "";
}

// HardwareCompatibilityLevel: kAMPERE_PLUS "is only supported for engines built on NVIDIA Ampere and later GPUs";
// kSAME_COMPUTE_CAPABILITY "is only supported for engines built on NVIDIA Turing and later GPUs".
std::string refusedHardwareCompatibility(BuilderConfigImpl const& config) {
  auto [major, minor] = computeCapability();
  switch (config.getHardwareCompatibilityLevel()) {
    case nvinfer1::HardwareCompatibilityLevel::kAMPERE_PLUS:
      return major >= 8 ? "" : "HardwareCompatibilityLevel::kAMPERE_PLUS is only supported for engines built on NVIDIA Ampere and later GPUs";
    case nvinfer1::HardwareCompatibilityLevel::kSAME_COMPUTE_CAPABILITY:
      return major > 7 || (major == 7 && minor >= 5)
                 ? ""
                 : "HardwareCompatibilityLevel::kSAME_COMPUTE_CAPABILITY is only supported for engines built on NVIDIA Turing and later GPUs";
    default: return "";
  }
}

// onnx-tensorrt names each input dim with a dim_param (ModelImporter.cpp setDimensionNames), and TensorRT asserts that
// named dims are equal: a profile whose kOPT values give one name two values fails the build ("Error Code 4: Internal
// Error (kOPT values for profile 0 violate shape constraints: ... all named dimensions that share the same name must be
// equal", NVIDIA/TensorRT#1808); kMIN or kMAX values that do are only a warning ("TRT will not reject your network even
// if the min/max is not valid when the opt works", NVIDIA/TensorRT#1947).
std::string namedDimensionsInProfile(Plan const& plan, std::vector<PlanProfileInput> const& entries, size_t profile) {
  char const* const selectors[] = {"kMIN", "kOPT", "kMAX"};
  for (int s : {1, 0, 2}) {
    std::vector<std::vector<int64_t>> shapes(plan.tensors.size());
    for (size_t i = 0, input = 0; i < plan.tensors.size(); ++i) {
      if (!plan.tensors[i].isInput) continue;
      PlanProfileInput const& e = entries[input++];
      shapes[i] = s == 0 ? e.min : s == 1 ? e.opt : e.max;
    }
    std::string conflict = namedDimensionConflict(plan, shapes);
    if (conflict.empty()) continue;
    std::string text = std::string(selectors[s]) + " values for profile " + std::to_string(profile) + " violate shape constraints: " + conflict;
    if (s == 1) return "IBuilder::buildSerializedNetwork: Error Code 4: Internal Error (" + text + ")";
    log(Severity::kWARNING, text);
  }
  return "";
}

std::string builderResourceName() {
  return "libnvinfer_builder_resource.so." + std::to_string(NV_TENSORRT_MAJOR) + "." + std::to_string(NV_TENSORRT_MINOR) +
         "." + std::to_string(NV_TENSORRT_PATCH);
}

class BuilderImpl final : public nvinfer1::apiv::standin::StubVBuilder {
 public:
  explicit BuilderImpl(nvinfer1::IBuilder&) {
    log(Severity::kINFO, std::string(kIdentity) + ": builder created (seed " + std::to_string(seed()) + ")");
  }

  ~BuilderImpl() override {
    // IBuilder::createBuilderConfig / createNetworkV2: "must be destroyed with operator delete before this IBuilder is
    // destroyed. Destroying this IBuilder before destroying the IBuilderConfig causes undefined behavior."
    require(networks.load() == 0, "IBuilder destroyed before its INetworkDefinition",
            "\"The caller owns the new INetworkDefinition, which must be destroyed with operator delete before this IBuilder is destroyed.\"");
    require(configs.load() == 0, "IBuilder destroyed before its IBuilderConfig",
            "\"The caller owns the new IBuilderConfig, which must be destroyed with operator delete before this IBuilder is destroyed.\"");
    for (TimingCacheImpl* c : usedCaches_) c->removeUser(this);
  }

  nvinfer1::IBuilderConfig* createBuilderConfig() noexcept override {
    ExclusiveUse::Scope scope(use_, kBuilderThreads);
    return new BuilderConfigObject(*this);
  }

  nvinfer1::INetworkDefinition* createNetworkV2(nvinfer1::NetworkDefinitionCreationFlags flags) noexcept override {
    ExclusiveUse::Scope scope(use_, kBuilderThreads);
    return new NetworkObject(*this, flags, recorder_.get());
  }

  nvinfer1::IOptimizationProfile* createOptimizationProfile() noexcept override {
    ExclusiveUse::Scope scope(use_, kBuilderThreads);
    profiles_.emplace_back(new ProfileObject());  // owned by the builder, as in TensorRT
    return profiles_.back().get();
  }

  void setErrorRecorder(nvinfer1::IErrorRecorder* recorder) noexcept override { recorder_.set(recorder); }
  nvinfer1::IErrorRecorder* getErrorRecorder() const noexcept override { return recorder_.get(); }
  nvinfer1::ILogger* getLogger() const noexcept override { return currentLogger(); }
  bool setMaxThreads(int32_t maxThreads) noexcept override { return maxThreads > 0; }
  int32_t getMaxThreads() const noexcept override { return 1; }

  nvinfer1::IHostMemory* buildSerializedNetwork(nvinfer1::INetworkDefinition& network,
                                                nvinfer1::IBuilderConfig& config) noexcept override {
    ExclusiveUse::Scope scope(use_, kBuilderThreads);
    try {
      return build(network, config);
    } catch (std::exception const& e) {
      reportError(recorder_.get(), ErrorCode::kINTERNAL_ERROR, std::string("buildSerializedNetwork: ") + e.what());
      return nullptr;
    }
  }

  std::atomic<int> networks{0};
  std::atomic<int> configs{0};

 private:
  static constexpr char const* kBuilderThreads = "IBuilder used by two threads at once (\"The TensorRT builder may only be used by one thread at a time.\")";

  nvinfer1::IHostMemory* build(nvinfer1::INetworkDefinition& network, nvinfer1::IBuilderConfig& config) {
    NetworkImpl* net = implOf<NetworkImpl>(network);
    BuilderConfigImpl* cfg = implOf<BuilderConfigImpl>(config);
    require(net != nullptr && &net->builder == this, "IBuilder::buildSerializedNetwork takes a network this builder created");
    require(cfg != nullptr && &cfg->builder == this, "IBuilder::buildSerializedNetwork takes a config this builder created");
    nvinfer1::IErrorRecorder* recorder = recorder_.get();
    std::shared_ptr<ParsedModel> model = net->model.lock();
    // ImporterContext.hpp: "WeightsContext object to hold ownership of ONNX weights and any temporary weights created
    // by the Parser": a network built after its parser is gone refers to freed weights.
    require(model != nullptr || !net->parsed, "IBuilder::buildSerializedNetwork on a network whose IParser was destroyed",
            "the parser owns the weights the network refers to (onnx-tensorrt ImporterContext: \"WeightsContext object to "
            "hold ownership of ONNX weights and any temporary weights created by the Parser\")");

    // libnvinfer loads its builder resources by soname when it builds (NVIDIA/TensorRT#2218, pytorch/TensorRT#2986:
    // "Error Code 6: Internal Error (Unable to load library: libnvinfer_builder_resource.so...)").
    std::string resource = builderResourceName();
    if (dlopen(resource.c_str(), RTLD_LAZY | RTLD_LOCAL | RTLD_NOLOAD) == nullptr &&
        dlopen(resource.c_str(), RTLD_LAZY | RTLD_LOCAL) == nullptr) {
      char const* why = dlerror();
      reportError(recorder, ErrorCode::kFAILED_INITIALIZATION,
                  "IBuilder::buildSerializedNetwork: Error Code 6: Internal Error (Unable to load library: " + resource +
                      (why != nullptr ? std::string(": ") + why : std::string()) + ")");
      return nullptr;
    }

    if (!model) {
      reportError(recorder, ErrorCode::kINVALID_ARGUMENT, "Network must have at least one output");
      return nullptr;
    }
    if (std::string refused = refusedFlags(*net, *cfg); !refused.empty()) {
      reportError(recorder, ErrorCode::kINVALID_ARGUMENT, refused);
      return nullptr;
    }
    if (std::string refused = refusedHardwareCompatibility(*cfg); !refused.empty()) {
      reportError(recorder, ErrorCode::kINVALID_CONFIG, refused);
      return nullptr;
    }
    if (!model->hasQdq) {
      // NVIDIA/TensorRT#1973: "input_: input/output with DataType Int8 in network without Q/DQ layers must have dynamic
      // range set when no calibrator is used." (trt-node sets no dynamic range and no calibrator).
      for (auto const* list : {&model->inputs, &model->outputs}) {
        for (TensorDesc const& t : *list) {
          if (t.type == nvinfer1::DataType::kINT8) {
            reportError(recorder, ErrorCode::kINVALID_CONFIG, int8WithoutQdqMessage(t.name));
            return nullptr;
          }
        }
      }
    }
    // The build runs on the current device (the engine is bound to it): its scratch memory is there.
    void* scratch = nullptr;
    if (cudaMalloc(&scratch, 256) != cudaSuccess || cudaFree(scratch) != cudaSuccess) {
      cudaGetLastError();
      reportError(recorder, ErrorCode::kFAILED_ALLOCATION, "IBuilder::buildSerializedNetwork: cudaMalloc failed");
      return nullptr;
    }
    if (!cfg->getFlag(nvinfer1::BuilderFlag::kTF32)) {
      log(Severity::kINFO, "BuilderFlag::kTF32 is cleared: float32 layers are built without TF32");
    }
    if (cfg->getProfilingVerbosity() != nvinfer1::ProfilingVerbosity::kLAYER_NAMES_ONLY) {
      bool const detailed = cfg->getProfilingVerbosity() == nvinfer1::ProfilingVerbosity::kDETAILED;
      log(Severity::kINFO, std::string("ProfilingVerbosity::") + (detailed ? "kDETAILED" : "kNONE") + " is set");
    }
    Plan plan;
    plan.trtMajor = NV_TENSORRT_MAJOR;
    plan.trtMinor = NV_TENSORRT_MINOR;
    plan.trtPatch = NV_TENSORRT_PATCH;
    plan.trtBuild = NV_TENSORRT_BUILD;
    plan.hostCode = cfg->getFlag(nvinfer1::BuilderFlag::kVERSION_COMPATIBLE);
    std::tie(plan.computeMajor, plan.computeMinor) = computeCapability();
    plan.hardwareCompatibility = static_cast<int32_t>(cfg->getHardwareCompatibilityLevel());
    plan.plugins = model->plugins;
    plan.modelDir = model->modelDir;
    plan.onnx = modelForBuild(model->onnx, model->modelDir, network, config);
    plan.builtOn = deviceName();
    bool dynamic = false;
    for (TensorDesc const& t : model->inputs) {
      bool named = std::any_of(t.dimNames.begin(), t.dimNames.end(), [](std::string const& n) { return !n.empty(); });
      plan.tensors.push_back(PlanTensor{t.name, true, t.type, t.dims, named ? t.dimNames : std::vector<std::string>{}});
      dynamic = dynamic || isDynamic(t.dims);
    }
    if (net->marked.empty()) {
      for (TensorDesc const& t : model->outputs) plan.tensors.push_back(PlanTensor{t.name, false, t.type, t.dims, {}});
    } else {
      // Marked tensors are outputs of the engine: the plan's model makes them graph outputs, and onnxruntime
      // describes them (in its output order, which the engine's runs follow).
      plan.onnx = withGraphOutputs(model->onnx, net->marked);
      std::shared_ptr<OrtModel> marked = OrtModel::load(plan.onnx, model->modelDir);
      for (TensorDesc const& t : marked->outputs()) plan.tensors.push_back(PlanTensor{t.name, false, t.type, t.dims, {}});
      log(Severity::kINFO, std::to_string(net->marked.size()) + " tensor(s) marked as network outputs");
    }

    auto const& profiles = cfg->profiles;
    if (profiles.empty() && dynamic) {
      reportError(recorder, ErrorCode::kINVALID_CONFIG,
                  "Network has dynamic or shape inputs, but no optimization profile has been defined.");
      return nullptr;
    }
    std::vector<std::map<std::string, ProfileEntry>> used = profiles;
    if (used.empty()) used.emplace_back();  // a static network gets the one implicit profile
    for (size_t p = 0; p < used.size(); ++p) {
      std::vector<PlanProfileInput> entries;
      for (TensorDesc const& t : model->inputs) {
        auto it = used[p].find(t.name);
        PlanProfileInput in;
        if (it == used[p].end()) {
          if (isDynamic(t.dims)) {
            reportError(recorder, ErrorCode::kINVALID_CONFIG,
                        "Optimization profile " + std::to_string(p) + " is missing values for dynamic input \"" + t.name + "\"");
            return nullptr;
          }
          in.min = in.opt = in.max = t.dims;
        } else {
          in.min = it->second.dims[0];
          in.opt = it->second.dims[1];
          in.max = it->second.dims[2];
          if (in.min.size() != t.dims.size()) {
            reportError(recorder, ErrorCode::kINVALID_CONFIG,
                        "Optimization profile " + std::to_string(p) + ": input \"" + t.name + "\" has rank " +
                            std::to_string(t.dims.size()) + " but the profile gives " + dimsText(in.min));
            return nullptr;
          }
          for (size_t a = 0; a < t.dims.size(); ++a) {
            if (t.dims[a] >= 0 && (in.min[a] != t.dims[a] || in.max[a] != t.dims[a])) {
              reportError(recorder, ErrorCode::kINVALID_CONFIG,
                          "Optimization profile " + std::to_string(p) + ": input \"" + t.name + "\" axis " +
                              std::to_string(a) + " is fixed at " + std::to_string(t.dims[a]) + " in the network, but the profile gives " +
                              dimsText(in.min) + ".." + dimsText(in.max));
              return nullptr;
            }
          }
        }
        entries.push_back(std::move(in));
      }
      for (auto const& [name, entry] : used[p]) {
        bool known = std::any_of(model->inputs.begin(), model->inputs.end(), [&](TensorDesc const& t) { return t.name == name; });
        if (!known) {
          reportError(recorder, ErrorCode::kINVALID_CONFIG,
                      "Optimization profile " + std::to_string(p) + " names \"" + name + "\", which is not a network input");
          return nullptr;
        }
      }
      if (std::string conflict = namedDimensionsInProfile(plan, entries, p); !conflict.empty()) {
        reportError(recorder, ErrorCode::kINVALID_CONFIG, conflict);
        return nullptr;
      }
      plan.profiles.push_back(std::move(entries));
    }
    int64_t bytes = 1 << 20;
    for (size_t i = 0; i < model->inputs.size(); ++i) {
      int64_t count = 1;
      for (auto const& profile : plan.profiles) {
        int64_t c = 1;
        for (int64_t d : profile[i].max) c *= d;
        count = std::max(count, c);
      }
      bytes += count * static_cast<int64_t>(elementSize(model->inputs[i].type)) * 4;
    }
    plan.deviceMemoryBytes = bytes;

    if (!Progress(cfg->getProgressMonitor(), plan.profiles.size()).run()) {
      log(Severity::kWARNING, "the build was cancelled through IProgressMonitor::stepComplete");
      return nullptr;
    }

    if (TimingCacheImpl* cache = cfg->cache()) {
      cache->addUser(this);
      usedCaches_.insert(cache);
      std::string modelKey = std::to_string(fnv1a(model->onnx));
      for (size_t p = 0; p < plan.profiles.size(); ++p) {
        std::string key = modelKey;
        for (PlanProfileInput const& in : plan.profiles[p]) key += " " + dimsText(in.min) + dimsText(in.opt) + dimsText(in.max);
        cache->add(key, "stand-in tactic for profile " + std::to_string(p));
      }
    }
    log(Severity::kINFO, "built a stand-in engine with " + std::to_string(plan.profiles.size()) + " profile(s) (" +
                             std::string(kIdentity) + ")");
    return hostMemory(serializePlan(plan));
  }

  ExclusiveUse use_;
  RecorderRef recorder_;
  std::vector<std::unique_ptr<ProfileObject>> profiles_;
  std::set<TimingCacheImpl*> usedCaches_;
};

NetworkImpl::NetworkImpl(nvinfer1::INetworkDefinition&, BuilderImpl& b, nvinfer1::NetworkDefinitionCreationFlags flags,
                         nvinfer1::IErrorRecorder* recorder)
    : builder(b), flags_(flags) {
  // "assigning an ErrorRecorder to an IBuilder allows all INetwork's, ILayer's, and ITensor's to use the same error
  // recorder" (IErrorRecorder class documentation).
  recorder_.set(recorder);
  ++builder.networks;
}

NetworkImpl::~NetworkImpl() {
  // The ONNX parser writes into the network and touches it when it is destroyed (onnx-tensorrt's parser resets the
  // network's error recorder in its destructor), so a parser must go before its network.
  require(parsers.load() == 0, "INetworkDefinition destroyed before the IParser that writes into it",
          "createParser(network, logger): \"network The network definition that the parser will write to\"");
  --builder.networks;
}

// NvInfer.h, BuilderFlag::kTF32: "Allow (but not require) computations on tensors of type DataType::kFLOAT to use
// TF32 ... Enabled by default."
BuilderConfigImpl::BuilderConfigImpl(nvinfer1::IBuilderConfig&, BuilderImpl& b)
    : builder(b), flags_(1U << static_cast<uint32_t>(nvinfer1::BuilderFlag::kTF32)) {
  ++builder.configs;
}

BuilderConfigImpl::~BuilderConfigImpl() { --builder.configs; }

nvinfer1::ITimingCache* BuilderConfigImpl::createTimingCache(void const* blob, std::size_t size) const noexcept {
  std::string device = deviceName();
  std::map<std::string, std::string> entries;
  // "Size 0 means create a new cache from scratch"
  if (size != 0 && (blob == nullptr || !readCache(blob, size, device, entries))) {
    reportError(builder.getErrorRecorder(), ErrorCode::kINVALID_ARGUMENT,
                "IBuilderConfig::createTimingCache: the blob is not a timing cache of this library (" +
                    std::to_string(size) + " bytes)");
    return nullptr;
  }
  return new TimingCacheObject(std::move(device), std::move(entries));
}

bool BuilderConfigImpl::setTimingCache(nvinfer1::ITimingCache const& cache, bool ignoreMismatch) noexcept {
  TimingCacheImpl* impl = implOf<TimingCacheImpl>(cache);
  require(impl != nullptr, "IBuilderConfig::setTimingCache takes a cache from IBuilderConfig::createTimingCache");
  std::string here = deviceName();
  if (impl->device() != here) {
    // "A failure will be reported if the CUDA device property in the provided cache is different from current
    // environment. ignoreMismatch = true skips strict verification and allows loading cache created from a different
    // device."
    if (!ignoreMismatch) {
      reportError(builder.getErrorRecorder(), ErrorCode::kINVALID_CONFIG,
                  "IBuilderConfig::setTimingCache: the timing cache was created on \"" + impl->device() +
                      "\", this device is \"" + here + "\"");
      return false;
    }
    log(Severity::kWARNING, "using a timing cache made on \"" + impl->device() + "\" on \"" + here + "\" (ignoreMismatch)");
  }
  cacheObject_ = &cache;
  cache_ = impl;
  return true;
}

using BuilderObject = Wrapped<nvinfer1::IBuilder, BuilderImpl>;

}  // namespace

bool attachModel(nvinfer1::INetworkDefinition& network, std::weak_ptr<ParsedModel> model) noexcept {
  NetworkImpl* net = implOf<NetworkImpl>(network);
  if (net == nullptr) return false;
  net->model = std::move(model);
  net->parsed = true;
  return true;
}

bool addParser(nvinfer1::INetworkDefinition& network, int delta) noexcept {
  NetworkImpl* net = implOf<NetworkImpl>(network);
  if (net == nullptr) return false;
  net->parsers += delta;
  return true;
}

nvinfer1::IErrorRecorder* networkRecorder(nvinfer1::INetworkDefinition& network) noexcept {
  NetworkImpl* net = implOf<NetworkImpl>(network);
  return net != nullptr ? net->getErrorRecorder() : nullptr;
}

void registerPluginCreator(std::string const& nameVersion) noexcept {
  try {
    std::lock_guard<std::mutex> lock(registry().mutex);
    registry().creators.insert(nameVersion);
  } catch (...) {
    contractViolated("registerPluginCreator", "out of memory");
  }
}

bool hasPluginCreator(std::string const& nameVersion) noexcept {
  std::lock_guard<std::mutex> lock(registry().mutex);
  return registry().creators.count(nameVersion) != 0;
}

std::pair<int, int> computeCapability() {
  int device = 0;
  cudaDeviceProp prop{};
  if (cudaGetDevice(&device) != cudaSuccess || cudaGetDeviceProperties(&prop, device) != cudaSuccess) {
    cudaGetLastError();
    return {0, 0};
  }
  return {prop.major, prop.minor};
}

std::string deviceName() {
  int device = 0;
  cudaDeviceProp prop{};
  if (cudaGetDevice(&device) != cudaSuccess || cudaGetDeviceProperties(&prop, device) != cudaSuccess) {
    cudaGetLastError();
    return "unknown device";
  }
  return prop.name;
}

// Checks the version the caller's headers pass to the _INTERNAL factories against this library's.
bool versionMatches(int32_t version, char const* what) noexcept {
  if (version / 10000 == NV_TENSORRT_MAJOR) return true;
  log(Severity::kERROR, std::string(what) + ": the caller was compiled against TensorRT " + std::to_string(version) +
                            " headers, this library is " + std::to_string(NV_TENSORRT_VERSION));
  return false;
}

}  // namespace trt_standin

extern "C" {

void* createInferBuilder_INTERNAL(void* logger, int32_t version) noexcept {
  trt_standin::useLogger(static_cast<nvinfer1::ILogger*>(logger));
  if (!trt_standin::versionMatches(version, "createInferBuilder")) return nullptr;
  try {
    return static_cast<nvinfer1::IBuilder*>(new trt_standin::BuilderObject());
  } catch (...) {
    return nullptr;
  }
}

nvinfer1::ILogger* getLogger() noexcept { return trt_standin::currentLogger(); }

int32_t getInferLibVersion() noexcept { return NV_TENSORRT_VERSION; }
int32_t getInferLibMajorVersion() noexcept { return NV_TENSORRT_MAJOR; }
int32_t getInferLibMinorVersion() noexcept { return NV_TENSORRT_MINOR; }
int32_t getInferLibPatchVersion() noexcept { return NV_TENSORRT_PATCH; }
int32_t getInferLibBuildVersion() noexcept { return NV_TENSORRT_BUILD; }

// Not TensorRT's: how trt-node (and anyone) can tell this library is the stand-in. See test/tensorrt-standin/README.md.
char const* trt_node_standin_identity() noexcept { return trt_standin::kIdentity; }

}  // extern "C"
