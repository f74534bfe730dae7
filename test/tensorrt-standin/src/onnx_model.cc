#include "onnx_model.h"

#include <stdexcept>

namespace trt_standin {
namespace {

// Protocol buffers wire format: https://protobuf.dev/programming-guides/encoding/
class Reader {
 public:
  Reader(uint8_t const* p, size_t n) : p_(p), end_(p + n) {}
  bool done() const { return p_ >= end_; }

  uint64_t varint() {
    uint64_t v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (p_ >= end_) throw std::runtime_error("truncated varint");
      uint8_t b = *p_++;
      v |= uint64_t{b & 0x7FU} << shift;
      if ((b & 0x80U) == 0) return v;
    }
    throw std::runtime_error("varint longer than 10 bytes");
  }

  // A length-delimited field's bytes.
  Reader sub() {
    uint64_t n = varint();
    if (n > static_cast<uint64_t>(end_ - p_)) throw std::runtime_error("field runs past the end of the message");
    Reader r(p_, static_cast<size_t>(n));
    p_ += n;
    return r;
  }

  std::string string() {
    Reader r = sub();
    return std::string(reinterpret_cast<char const*>(r.p_), static_cast<size_t>(r.end_ - r.p_));
  }

  void skip(uint32_t wireType) {
    switch (wireType) {
      case 0: varint(); return;
      case 1: advance(8); return;
      case 2: sub(); return;
      case 5: advance(4); return;
      default: throw std::runtime_error("unsupported wire type " + std::to_string(wireType));
    }
  }

 private:
  void advance(size_t n) {
    if (n > static_cast<size_t>(end_ - p_)) throw std::runtime_error("fixed field runs past the end");
    p_ += n;
  }
  uint8_t const* p_;
  uint8_t const* end_;
};

OnnxNode readNode(Reader r) {
  OnnxNode node;
  while (!r.done()) {
    uint64_t key = r.varint();
    uint32_t field = static_cast<uint32_t>(key >> 3);
    uint32_t wire = static_cast<uint32_t>(key & 7U);
    if (wire == 2 && field == 3) node.name = r.string();
    else if (wire == 2 && field == 4) node.opType = r.string();
    else if (wire == 2 && field == 7) node.domain = r.string();
    else r.skip(wire);
  }
  return node;
}

}  // namespace

OnnxModel readOnnxModel(uint8_t const* data, size_t size) {
  if (data == nullptr || size == 0) throw std::runtime_error("no model bytes");
  OnnxModel model;
  bool hasGraph = false;
  Reader r(data, size);
  while (!r.done()) {
    uint64_t key = r.varint();
    uint32_t field = static_cast<uint32_t>(key >> 3);
    uint32_t wire = static_cast<uint32_t>(key & 7U);
    if (field == 7 && wire == 2) {  // ModelProto.graph
      hasGraph = true;
      Reader graph = r.sub();
      while (!graph.done()) {
        uint64_t gkey = graph.varint();
        uint32_t gfield = static_cast<uint32_t>(gkey >> 3);
        uint32_t gwire = static_cast<uint32_t>(gkey & 7U);
        if (gfield == 1 && gwire == 2) model.nodes.push_back(readNode(graph.sub()));  // GraphProto.node
        else graph.skip(gwire);
      }
    } else if (field == 8 && wire == 2) {  // ModelProto.opset_import
      Reader opset = r.sub();
      std::string domain;
      int64_t version = 0;
      while (!opset.done()) {
        uint64_t okey = opset.varint();
        uint32_t ofield = static_cast<uint32_t>(okey >> 3);
        uint32_t owire = static_cast<uint32_t>(okey & 7U);
        if (ofield == 1 && owire == 2) domain = opset.string();
        else if (ofield == 2 && owire == 0) version = static_cast<int64_t>(opset.varint());
        else opset.skip(owire);
      }
      model.opsets.emplace_back(domain, version);
    } else {
      r.skip(wire);
    }
  }
  if (!hasGraph) throw std::runtime_error("the ModelProto has no graph");
  return model;
}

}  // namespace trt_standin
