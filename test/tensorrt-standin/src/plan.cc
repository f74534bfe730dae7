#include "plan.h"

#include <NvInferVersion.h>

#include <cstring>
#include <stdexcept>

namespace trt_standin {
namespace {

constexpr char kMagic[] = "trt-node TensorRT stand-in plan: NOT a TensorRT engine\n";
constexpr size_t kMagicSize = sizeof(kMagic) - 1;
constexpr uint32_t kFormatVersion = 1;

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
  w.str(plan.onnx);
  uint64_t total = w.out.size() + sizeof(uint64_t);
  std::memcpy(&w.out[kMagicSize + 4 + 12], &total, sizeof total);
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
  if (major != NV_TENSORRT_MAJOR || minor != NV_TENSORRT_MINOR) {
    throw std::runtime_error("The engine plan file is not compatible with this version of TensorRT, expecting library version " +
                             std::to_string(NV_TENSORRT_MAJOR) + "." + std::to_string(NV_TENSORRT_MINOR) + "." +
                             std::to_string(NV_TENSORRT_PATCH) + " got " + std::to_string(major) + "." +
                             std::to_string(minor) + "." + std::to_string(patch) +
                             ", please rebuild.");
  }
  Plan plan;
  plan.trtMajor = major;
  plan.trtMinor = minor;
  plan.trtPatch = patch;
  Reader r(bytes + kMagicSize + 4 + 12 + 8, size - kMagicSize - 4 - 12 - 8 - sizeof stored);
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
  plan.onnx = r.str();
  if (!r.done()) throw std::runtime_error("corrupt plan: bytes left after the model");
  return plan;
}

}  // namespace trt_standin
