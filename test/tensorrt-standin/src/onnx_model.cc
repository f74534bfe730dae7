#include "onnx_model.h"

#include <cstring>
#include <stdexcept>

#include "protobuf.h"

namespace trt_standin {
namespace {

// A repeated varint field, packed (wire type 2) or not (wire type 0).
void readVarints(Reader& r, uint32_t wire, std::vector<int64_t>& out) {
  if (wire != 0 && wire != 2) {
    r.skip(wire);
  } else if (wire == 2) {
    Reader packed = r.sub();
    while (!packed.done()) out.push_back(static_cast<int64_t>(packed.varint()));
  } else {
    out.push_back(static_cast<int64_t>(r.varint()));
  }
}

void readFloats(Reader& r, uint32_t wire, std::vector<float>& out) {
  auto one = [&](Reader& from) {
    uint32_t bits = from.fixed32();
    float f = 0;
    std::memcpy(&f, &bits, 4);
    out.push_back(f);
  };
  if (wire == 2) {
    Reader packed = r.sub();
    while (!packed.done()) one(packed);
  } else if (wire == 5) {
    one(r);
  } else {
    r.skip(wire);
  }
}

constexpr size_t kMaxDecodedValues = 64;

OnnxTensor readTensor(Reader r) {
  OnnxTensor t;
  std::string raw;
  std::vector<int64_t> int32s;
  std::vector<int64_t> int64s;
  bool external = false;
  while (!r.done()) {
    auto [field, wire] = r.key();
    if (field == 1) readVarints(r, wire, t.dims);
    else if (field == 2 && wire == 0) t.dataType = static_cast<int32_t>(r.varint());
    else if (field == 5) readVarints(r, wire, int32s);  // int32_data (also int8, uint8, bool, float16 bits)
    else if (field == 7) readVarints(r, wire, int64s);  // int64_data
    else if (field == 8 && wire == 2) t.name = r.string();
    else if (field == 9 && wire == 2) raw = r.string();
    else if (field == 14 && wire == 0) external = r.varint() == 1;  // data_location EXTERNAL
    else r.skip(wire);
  }
  if (external) return t;
  int64_t count = 1;
  for (int64_t d : t.dims) count *= d;
  if (count < 0 || static_cast<size_t>(count) > kMaxDecodedValues) return t;
  auto n = static_cast<size_t>(count);
  auto fromRaw = [&](size_t width, auto decode) {
    if (raw.size() != n * width) return;
    for (size_t k = 0; k < n; ++k) t.ints.push_back(decode(raw.data() + k * width));
    t.intsKnown = true;
  };
  switch (t.dataType) {
    case onnx_type::kInt64:
      if (!raw.empty()) fromRaw(8, [](char const* p) { int64_t v; std::memcpy(&v, p, 8); return v; });
      else if (int64s.size() == n) t.ints = int64s, t.intsKnown = true;
      break;
    case onnx_type::kInt32:
      if (!raw.empty()) fromRaw(4, [](char const* p) { int32_t v; std::memcpy(&v, p, 4); return static_cast<int64_t>(v); });
      else if (int32s.size() == n) t.ints = int32s, t.intsKnown = true;
      break;
    case onnx_type::kInt8:
      if (!raw.empty()) fromRaw(1, [](char const* p) { return static_cast<int64_t>(static_cast<int8_t>(*p)); });
      else if (int32s.size() == n) t.ints = int32s, t.intsKnown = true;
      break;
    case onnx_type::kUint8:
    case onnx_type::kBool:
      if (!raw.empty()) fromRaw(1, [](char const* p) { return static_cast<int64_t>(static_cast<uint8_t>(*p)); });
      else if (int32s.size() == n) t.ints = int32s, t.intsKnown = true;
      break;
    default: break;
  }
  return t;
}

OnnxValueInfo readValueInfo(Reader r) {
  OnnxValueInfo v;
  while (!r.done()) {
    auto [field, wire] = r.key();
    if (field == 1 && wire == 2) {
      v.name = r.string();
    } else if (field == 2 && wire == 2) {  // TypeProto
      Reader type = r.sub();
      while (!type.done()) {
        auto [tf, tw] = type.key();
        if (tf != 1 || tw != 2) {  // TypeProto.tensor_type only
          type.skip(tw);
          continue;
        }
        Reader tensor = type.sub();
        while (!tensor.done()) {
          auto [ef, ew] = tensor.key();
          if (ef == 1 && ew == 0) {
            v.elemType = static_cast<int32_t>(tensor.varint());
          } else if (ef == 2 && ew == 2) {  // TensorShapeProto
            v.hasShape = true;
            Reader shape = tensor.sub();
            while (!shape.done()) {
              auto [sf, sw] = shape.key();
              if (sf != 1 || sw != 2) {
                shape.skip(sw);
                continue;
              }
              OnnxDim dim;
              Reader d = shape.sub();
              while (!d.done()) {
                auto [df, dw] = d.key();
                if (df == 1 && dw == 0) dim.value = static_cast<int64_t>(d.varint());
                else if (df == 2 && dw == 2) dim.param = d.string();
                else d.skip(dw);
              }
              v.dims.push_back(std::move(dim));
            }
          } else {
            tensor.skip(ew);
          }
        }
      }
    } else {
      r.skip(wire);
    }
  }
  return v;
}

OnnxGraph readGraph(Reader r, int depth);

OnnxAttribute readAttribute(Reader r, int depth) {
  OnnxAttribute a;
  while (!r.done()) {
    auto [field, wire] = r.key();
    switch (field) {
      case 1: if (wire == 2) { a.name = r.string(); continue; } break;
      case 20: if (wire == 0) { a.type = static_cast<int32_t>(r.varint()); continue; } break;
      case 2: if (wire == 5) { uint32_t bits = r.fixed32(); std::memcpy(&a.f, &bits, 4); continue; } break;
      case 3: if (wire == 0) { a.i = static_cast<int64_t>(r.varint()); continue; } break;
      case 4: if (wire == 2) { a.s = r.string(); continue; } break;
      case 5: if (wire == 2) { a.t = std::make_shared<OnnxTensor>(readTensor(r.sub())); continue; } break;
      case 6:
      case 11:
        if (wire == 2) {
          a.graphs.push_back(std::make_shared<OnnxGraph>(readGraph(r.sub(), depth + 1)));
          continue;
        }
        break;
      case 7: readFloats(r, wire, a.floats); continue;
      case 8: readVarints(r, wire, a.ints); continue;
      case 9: if (wire == 2) { a.strings.push_back(r.string()); continue; } break;
      default: break;
    }
    r.skip(wire);
  }
  return a;
}

OnnxNode readNode(Reader r, int depth) {
  OnnxNode node;
  while (!r.done()) {
    auto [field, wire] = r.key();
    if (wire == 2 && field == 1) node.inputs.push_back(r.string());
    else if (wire == 2 && field == 2) node.outputs.push_back(r.string());
    else if (wire == 2 && field == 3) node.name = r.string();
    else if (wire == 2 && field == 4) node.opType = r.string();
    else if (wire == 2 && field == 5) node.attributes.push_back(readAttribute(r.sub(), depth));
    else if (wire == 2 && field == 7) node.domain = r.string();
    else r.skip(wire);
  }
  return node;
}

OnnxGraph readGraph(Reader r, int depth) {
  // onnx-tensorrt refuses nesting deeper than 24 subgraphs; far deeper input is not a model.
  if (depth > 64) throw std::runtime_error("subgraphs nested more than 64 deep");
  OnnxGraph g;
  while (!r.done()) {
    auto [field, wire] = r.key();
    if (wire != 2) {
      r.skip(wire);
      continue;
    }
    switch (field) {
      case 1: g.nodes.push_back(readNode(r.sub(), depth)); break;
      case 5: {
        OnnxTensor t = readTensor(r.sub());
        g.initializers[t.name] = t;
        break;
      }
      case 11: g.inputs.push_back(readValueInfo(r.sub())); break;
      case 12: g.outputs.push_back(readValueInfo(r.sub())); break;
      case 13: g.valueInfo.push_back(readValueInfo(r.sub())); break;
      default: r.skip(wire);
    }
  }
  return g;
}

}  // namespace

OnnxAttribute const* OnnxNode::attribute(std::string const& attributeName) const {
  for (OnnxAttribute const& a : attributes) {
    if (a.name == attributeName) return &a;
  }
  return nullptr;
}

int64_t OnnxModel::defaultOpset() const {
  for (auto const& [domain, version] : opsets) {
    if (domain.empty() || domain == "ai.onnx") return version;
  }
  return 0;
}

OnnxModel readOnnxModel(uint8_t const* data, size_t size) {
  if (data == nullptr || size == 0) throw std::runtime_error("no model bytes");
  OnnxModel model;
  bool hasGraph = false;
  Reader r(data, size);
  while (!r.done()) {
    auto [field, wire] = r.key();
    if (field == 1 && wire == 0) {
      model.irVersion = static_cast<int64_t>(r.varint());
    } else if (field == 7 && wire == 2) {  // ModelProto.graph
      hasGraph = true;
      model.graph = readGraph(r.sub(), 0);
    } else if (field == 8 && wire == 2) {  // ModelProto.opset_import
      Reader opset = r.sub();
      std::string domain;
      int64_t version = 0;
      while (!opset.done()) {
        auto [of, ow] = opset.key();
        if (of == 1 && ow == 2) domain = opset.string();
        else if (of == 2 && ow == 0) version = static_cast<int64_t>(opset.varint());
        else opset.skip(ow);
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
