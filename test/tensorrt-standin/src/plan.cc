#include "plan.h"

#include <NvInferVersion.h>

#include <cstring>
#include <map>
#include <stdexcept>
#include <tuple>

namespace trt_standin {
namespace {

constexpr char kMagic[] = "trt-node TensorRT stand-in plan: NOT a TensorRT engine\n";
constexpr size_t kMagicSize = sizeof(kMagic) - 1;
constexpr uint32_t kFormatVersion = 2;
// magic, format version, major/minor/patch/build, total size
constexpr size_t kHeaderSize = sizeof(kMagic) - 1 + 4 + 16 + 8;

uint64_t fnv1a(uint8_t const* p, size_t n) {
  uint64_t h = 0xcbf29ce484222325ULL;
  for (size_t i = 0; i < n; ++i) {
    h ^= p[i];
    h *= 0x100000001b3ULL;
  }
  return h;
}

class Writer {
 public:
  void u32(uint32_t v) { raw(&v, sizeof v); }
  void i32(int32_t v) { raw(&v, sizeof v); }
  void i64(int64_t v) { raw(&v, sizeof v); }
  void u64(uint64_t v) { raw(&v, sizeof v); }
  void str(std::string const& s) {
    u64(s.size());
    out.append(s);
  }
  void dims(std::vector<int64_t> const& d) {
    u32(static_cast<uint32_t>(d.size()));
    for (int64_t v : d) i64(v);
  }
  void raw(void const* p, size_t n) { out.append(static_cast<char const*>(p), n); }
  std::string out;
};

class Reader {
 public:
  Reader(uint8_t const* p, size_t n) : p_(p), end_(p + n) {}
  uint32_t u32() { return scalar<uint32_t>(); }
  int32_t i32() { return scalar<int32_t>(); }
  int64_t i64() { return scalar<int64_t>(); }
  uint64_t u64() { return scalar<uint64_t>(); }
  std::string str() {
    uint64_t n = u64();
    need(n);
    std::string s(reinterpret_cast<char const*>(p_), static_cast<size_t>(n));
    p_ += n;
    return s;
  }
  std::vector<int64_t> dims() {
    uint32_t n = u32();
    if (n > static_cast<uint32_t>(nvinfer1::Dims::MAX_DIMS)) throw std::runtime_error("corrupt plan: a tensor has more dimensions than TensorRT allows");
    std::vector<int64_t> d(n);
    for (int64_t& v : d) v = i64();
    return d;
  }
  bool done() const { return p_ == end_; }

 private:
  template <class T>
  T scalar() {
    need(sizeof(T));
    T v;
    std::memcpy(&v, p_, sizeof v);
    p_ += sizeof v;
    return v;
  }
  void need(uint64_t n) {
    if (n > static_cast<uint64_t>(end_ - p_)) throw std::runtime_error("corrupt plan: a field runs past its end");
  }
  uint8_t const* p_;
  uint8_t const* end_;
};

}  // namespace

std::string serializePlan(Plan const& plan) {
  Writer w;
  w.raw(kMagic, kMagicSize);
  w.u32(kFormatVersion);
  w.i32(plan.trtMajor);
  w.i32(plan.trtMinor);
  w.i32(plan.trtPatch);
  w.i32(plan.trtBuild);
  w.u64(0);  // total size, patched below
  w.u32(plan.hostCode ? 1U : 0U);
  w.u32(static_cast<uint32_t>(plan.plugins.size()));
  for (std::string const& p : plan.plugins) w.str(p);
  w.u32(static_cast<uint32_t>(plan.tensors.size()));
  for (PlanTensor const& t : plan.tensors) {
    w.str(t.name);
    w.u32(t.isInput ? 1U : 0U);
    w.i32(static_cast<int32_t>(t.type));
    w.dims(t.dims);
    w.u32(static_cast<uint32_t>(t.dimNames.size()));
    for (std::string const& n : t.dimNames) w.str(n);
  }
  w.u32(static_cast<uint32_t>(plan.profiles.size()));
  for (auto const& profile : plan.profiles) {
    w.u32(static_cast<uint32_t>(profile.size()));
    for (PlanProfileInput const& in : profile) {
      w.dims(in.min);
      w.dims(in.opt);
      w.dims(in.max);
    }
  }
  w.i64(plan.deviceMemoryBytes);
  w.str(plan.modelDir);
  w.str(plan.builtOn);
  w.i32(plan.computeMajor);
  w.i32(plan.computeMinor);
  w.i32(plan.hardwareCompatibility);
  w.str(plan.onnx);
  uint64_t total = w.out.size() + sizeof(uint64_t);
  std::memcpy(&w.out[kHeaderSize - 8], &total, sizeof total);
  uint64_t sum = fnv1a(reinterpret_cast<uint8_t const*>(w.out.data()), w.out.size());
  w.u64(sum);
  return w.out;
}

Plan deserializePlan(void const* data, size_t size) {
  auto const* bytes = static_cast<uint8_t const*>(data);
  // The same checks, in the same order and nearly the same words, as TensorRT's "Serialization assertion"s.
  if (data == nullptr || size < kMagicSize || std::memcmp(bytes, kMagic, kMagicSize) != 0) {
    throw std::runtime_error("Serialization assertion magicTagRead == kMAGIC_TAG failed. Magic tag does not match: "
                             "this is not a plan of the trt-node TensorRT stand-in (a real TensorRT engine, or another file)");
  }
  Reader header(bytes + kMagicSize, size - kMagicSize);
  uint32_t version = header.u32();
  if (version != kFormatVersion) {
    throw std::runtime_error("Serialization assertion stdVersionRead == kSERIALIZATION_VERSION failed. Version tag does "
                             "not match. Current version: " + std::to_string(kFormatVersion) +
                             ", serialized engine version: " + std::to_string(version));
  }
  int32_t major = header.i32();
  int32_t minor = header.i32();
  int32_t patch = header.i32();
  int32_t build = header.i32();
  uint64_t total = header.u64();
  if (total != size) {
    throw std::runtime_error("Serialization assertion failed: the plan has " + std::to_string(size) + " bytes but says it has " +
                             std::to_string(total) + " (truncated or padded)");
  }
  uint64_t stored = 0;
  std::memcpy(&stored, bytes + size - sizeof stored, sizeof stored);
  if (fnv1a(bytes, size - sizeof stored) != stored) {
    throw std::runtime_error("Serialization assertion failed: the plan's checksum does not match (the file was altered or damaged)");
  }
  Plan plan;
  plan.trtMajor = major;
  plan.trtMinor = minor;
  plan.trtPatch = patch;
  plan.trtBuild = build;
  Reader r(bytes + kHeaderSize, size - kHeaderSize - sizeof stored);
  plan.hostCode = r.u32() != 0;
  uint32_t plugins = r.u32();
  for (uint32_t i = 0; i < plugins; ++i) plan.plugins.push_back(r.str());
  uint32_t tensors = r.u32();
  for (uint32_t i = 0; i < tensors; ++i) {
    PlanTensor t;
    t.name = r.str();
    t.isInput = r.u32() != 0;
    t.type = static_cast<nvinfer1::DataType>(r.i32());
    t.dims = r.dims();
    uint32_t names = r.u32();
    if (names > static_cast<uint32_t>(nvinfer1::Dims::MAX_DIMS)) throw std::runtime_error("corrupt plan: more dimension names than dimensions");
    for (uint32_t n = 0; n < names; ++n) t.dimNames.push_back(r.str());
    plan.tensors.push_back(std::move(t));
  }
  uint32_t profiles = r.u32();
  for (uint32_t p = 0; p < profiles; ++p) {
    std::vector<PlanProfileInput> profile(r.u32());
    for (PlanProfileInput& in : profile) {
      in.min = r.dims();
      in.opt = r.dims();
      in.max = r.dims();
    }
    plan.profiles.push_back(std::move(profile));
  }
  plan.deviceMemoryBytes = r.i64();
  plan.modelDir = r.str();
  plan.builtOn = r.str();
  plan.computeMajor = r.i32();
  plan.computeMinor = r.i32();
  plan.hardwareCompatibility = r.i32();
  plan.onnx = r.str();
  if (!r.done()) throw std::runtime_error("corrupt plan: bytes left after the model");
  return plan;
}

namespace {

std::string versionText(int32_t major, int32_t minor, int32_t patch, int32_t build) {
  return std::to_string(major) + "." + std::to_string(minor) + "." + std::to_string(patch) + "." + std::to_string(build);
}

// A version-compatible plan runs on its own version and later ones of the same major, and from the previous major
// where NVIDIA supports it (10 on 11; 8 on 10): "engines built with TensorRT 10 work with TensorRT 11. However,
// engines built with newer versions (TensorRT 11) do not work with older runtimes" (Engine Compatibility, 11.1).
bool versionCompatibleRuns(Plan const& plan) {
  auto const built = std::make_tuple(plan.trtMajor, plan.trtMinor, plan.trtPatch, plan.trtBuild);
  auto const here = std::make_tuple(NV_TENSORRT_MAJOR, NV_TENSORRT_MINOR, NV_TENSORRT_PATCH, NV_TENSORRT_BUILD);
  bool majorOk = plan.trtMajor == NV_TENSORRT_MAJOR || (NV_TENSORRT_MAJOR == 11 && plan.trtMajor == 10) ||
                 (NV_TENSORRT_MAJOR == 10 && plan.trtMajor == 8);
  return majorOk && built <= here;
}

}  // namespace

void checkPlanCompatible(Plan const& plan, int computeMajor, int computeMinor) {
  bool sameVersion = plan.trtMajor == NV_TENSORRT_MAJOR && plan.trtMinor == NV_TENSORRT_MINOR &&
                     plan.trtPatch == NV_TENSORRT_PATCH && plan.trtBuild == NV_TENSORRT_BUILD;
  if (!sameVersion && !(plan.hostCode && versionCompatibleRuns(plan))) {
    // TensorRT's error 6 (e.g. "expecting library version 8.5.1.7 got 8.5.3.1, please rebuild.").
    throw PlanIncompatible(nvinfer1::ErrorCode::kFAILED_INITIALIZATION,
                           "The engine plan file is not compatible with this version of TensorRT, expecting library version " +
                               versionText(NV_TENSORRT_MAJOR, NV_TENSORRT_MINOR, NV_TENSORRT_PATCH, NV_TENSORRT_BUILD) + " got " +
                               versionText(plan.trtMajor, plan.trtMinor, plan.trtPatch, plan.trtBuild) + ", please rebuild.");
  }
  // HardwareCompatibilityLevel: kNONE and kSAME_COMPUTE_CAPABILITY run on the compute capability they were built for;
  // kAMPERE_PLUS on "Ampere and newer GPUs" (compute capability 8.0 and up).
  bool ampere = plan.hardwareCompatibility == static_cast<int32_t>(nvinfer1::HardwareCompatibilityLevel::kAMPERE_PLUS);
  bool runs = ampere ? computeMajor >= 8 : (computeMajor == plan.computeMajor && computeMinor == plan.computeMinor);
  if (!runs) {
    throw PlanIncompatible(nvinfer1::ErrorCode::kINVALID_CONFIG,
                           "The engine plan file is generated on an incompatible device, expecting compute " +
                               std::to_string(computeMajor) + "." + std::to_string(computeMinor) + " got compute " +
                               std::to_string(plan.computeMajor) + "." + std::to_string(plan.computeMinor) +
                               (ampere ? " (hardware compatibility kAMPERE_PLUS needs 8.0 or newer)" : "") + ", please rebuild.");
  }
}

std::string namedDimensionConflict(Plan const& plan, std::vector<std::vector<int64_t>> const& inputShapes) {
  struct Seen {
    std::string input;
    size_t axis;
    int64_t value;
  };
  std::map<std::string, Seen> first;
  for (size_t i = 0; i < plan.tensors.size() && i < inputShapes.size(); ++i) {
    PlanTensor const& t = plan.tensors[i];
    for (size_t a = 0; a < t.dimNames.size() && a < inputShapes[i].size(); ++a) {
      std::string const& name = t.dimNames[a];
      if (name.empty()) continue;
      auto [it, added] = first.emplace(name, Seen{t.name, a, inputShapes[i][a]});
      if (added || it->second.value == inputShapes[i][a]) continue;
      // NVIDIA/TensorRT#1808 shows the words TensorRT uses for this assertion.
      return "condition '==' violated: " + std::to_string(it->second.value) + " != " + std::to_string(inputShapes[i][a]) +
             ". For input: '" + t.name + "' all named dimensions that share the same name must be equal. Note: Named "
             "dimensions were present on the following axes: " + it->second.input + " axis " + std::to_string(it->second.axis) +
             " (name: '" + name + "'), " + t.name + " axis " + std::to_string(a) + " (name: '" + name + "')";
    }
  }
  return "";
}

}  // namespace trt_standin
