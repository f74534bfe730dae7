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

// A TensorProto: its name, and whether its first element is non-zero (unknown when its data is elsewhere).
struct Constant {
  std::string name;
  bool known = false;
  bool nonZero = false;
};

Constant readTensor(Reader r) {
  Constant c;
  int32_t type = 0;
  std::string raw;
  bool haveRaw = false;
  while (!r.done()) {
    uint64_t key = r.varint();
    uint32_t field = static_cast<uint32_t>(key >> 3);
    uint32_t wire = static_cast<uint32_t>(key & 7U);
    if (field == 2 && wire == 0) {
      type = static_cast<int32_t>(r.varint());  // TensorProto.data_type
    } else if ((field == 5 || field == 7) && !c.known && (wire == 0 || wire == 2)) {  // int32_data, int64_data
      if (wire == 0) {
        c.nonZero = r.varint() != 0;
        c.known = true;
      } else {
        Reader packed = r.sub();
        if (!packed.done()) {
          c.nonZero = packed.varint() != 0;
          c.known = true;
        }
      }
    } else if (field == 8 && wire == 2) {
      c.name = r.string();
    } else if (field == 9 && wire == 2) {
      raw = r.string();
      haveRaw = true;
    } else {
      r.skip(wire);
    }
  }
  if (!c.known && haveRaw) {
    // Integer and boolean types (TensorProto.DataType UINT8 2, INT8 3, INT32 6, INT64 7, BOOL 9), little-endian.
    size_t size = type == 7 ? 8 : (type == 6 ? 4 : 1);
    bool integer = type == 2 || type == 3 || type == 6 || type == 7 || type == 9;
    if (integer && raw.size() >= size) {
      c.known = true;
      for (size_t i = 0; i < size; ++i) c.nonZero = c.nonZero || raw[i] != 0;
    }
  }
  return c;
}

OnnxNode readNode(Reader r, std::map<std::string, bool>& constants) {
  OnnxNode node;
  std::vector<std::string> outputs;
  Constant value;
  while (!r.done()) {
    uint64_t key = r.varint();
    uint32_t field = static_cast<uint32_t>(key >> 3);
    uint32_t wire = static_cast<uint32_t>(key & 7U);
    if (wire == 2 && field == 1) node.inputs.push_back(r.string());
    else if (wire == 2 && field == 2) outputs.push_back(r.string());
    else if (wire == 2 && field == 3) node.name = r.string();
    else if (wire == 2 && field == 4) node.opType = r.string();
    else if (wire == 2 && field == 7) node.domain = r.string();
    else if (wire == 2 && field == 5) {  // NodeProto.attribute: a Constant's `value` (AttributeProto.t)
      Reader attribute = r.sub();
      std::string name;
      Constant t;
      while (!attribute.done()) {
        uint64_t akey = attribute.varint();
        uint32_t afield = static_cast<uint32_t>(akey >> 3);
        uint32_t awire = static_cast<uint32_t>(akey & 7U);
        if (afield == 1 && awire == 2) name = attribute.string();
        else if (afield == 5 && awire == 2) t = readTensor(attribute.sub());
        else attribute.skip(awire);
      }
      if (name == "value") value = t;
    } else {
      r.skip(wire);
    }
  }
  if (node.opType == "Constant" && outputs.size() == 1) constants[outputs[0]] = value.known && value.nonZero;
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
        if (gfield == 1 && gwire == 2) {
          model.nodes.push_back(readNode(graph.sub(), model.constants));  // GraphProto.node
        } else if (gfield == 5 && gwire == 2) {  // GraphProto.initializer
          Constant c = readTensor(graph.sub());
          model.constants[c.name] = c.known && c.nonZero;
        } else {
          graph.skip(gwire);
        }
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

int64_t OnnxModel::opset() const {
  for (auto const& [domain, version] : opsets) {
    if (domain.empty() || domain == "ai.onnx") return version;
  }
  return 0;
}

}  // namespace trt_standin
