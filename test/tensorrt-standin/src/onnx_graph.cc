#include "onnx_graph.h"

#include <cstring>
#include <stdexcept>

#include "protobuf.h"

namespace trt_standin {
namespace {

// ONNX field numbers (onnx/onnx.proto3).
namespace model {
constexpr uint32_t kGraph = 7;
}
namespace graph {
constexpr uint32_t kNode = 1, kOutput = 12;
}
namespace node {
constexpr uint32_t kInput = 1, kOutput = 2, kName = 3, kOpType = 4, kAttribute = 5;
}
namespace attribute {
constexpr uint32_t kName = 1, kI = 3, kT = 5, kType = 20;
constexpr uint64_t kTypeInt = 2, kTypeTensor = 4;
}
namespace tensor {
constexpr uint32_t kDataType = 2, kRawData = 9;
constexpr uint64_t kFloat = 1;
}
constexpr uint32_t kValueInfoName = 1;

// Operators whose output shape follows from the values of some of their inputs (by index), not only from input
// shapes: from the ONNX operator specifications (the shape-giving inputs of Reshape, Expand, Tile, ConstantOfShape,
// Range, Slice, Pad, Resize, Upsample, OneHot, TopK, Squeeze/Unsqueeze and Split from opset 13, the Reduce operators'
// axes, CenterCropPad, MaxUnpool, Col2Im and the window/DFT operators).
std::vector<size_t> const* shapeGivingInputs(std::string const& op) {
  static std::map<std::string, std::vector<size_t>> const table = {
      {"Reshape", {1}},        {"Expand", {1}},         {"Tile", {1}},          {"ConstantOfShape", {0}},
      {"Range", {0, 1, 2}},    {"Slice", {1, 2, 3, 4}}, {"Pad", {1, 3}},        {"Resize", {1, 2, 3}},
      {"Upsample", {1}},       {"OneHot", {1}},         {"TopK", {1}},          {"Squeeze", {1}},
      {"Unsqueeze", {1}},      {"Split", {1}},          {"CenterCropPad", {1}}, {"MaxUnpool", {2}},
      {"Col2Im", {1, 2}},      {"DFT", {1, 2}},         {"STFT", {1, 2, 3}},    {"HannWindow", {0}},
      {"HammingWindow", {0}},  {"BlackmanWindow", {0}}, {"MelWeightMatrix", {0, 1}},
      {"ReduceSum", {1}},      {"ReduceMean", {1}},     {"ReduceMax", {1}},     {"ReduceMin", {1}},
      {"ReduceProd", {1}},     {"ReduceL1", {1}},       {"ReduceL2", {1}},      {"ReduceLogSum", {1}},
      {"ReduceLogSumExp", {1}}, {"ReduceSumSquare", {1}},
  };
  auto it = table.find(op);
  return it != table.end() ? &it->second : nullptr;
}

// Operators whose output size is decided by the values of their data (TensorRT's data-dependent shapes: INonZeroLayer,
// INMSLayer, ...).
bool sizedByValues(std::string const& op) {
  return op == "NonZero" || op == "NonMaxSuppression" || op == "Unique" || op == "Compress";
}

}  // namespace

OnnxModel readModelForEdit(std::string const& onnx) {
  OnnxModel model = readOnnxModel(reinterpret_cast<uint8_t const*>(onnx.data()), onnx.size());
  auto refuse = [](std::string const& name) {
    if (name.find(kAddedSuffix) != std::string::npos) {
      throw std::runtime_error("the model already has a tensor named like the stand-in's own (\"" + name + "\")");
    }
  };
  for (OnnxNode const& n : model.graph.nodes) {
    for (std::string const& o : n.outputs) refuse(o);
  }
  for (OnnxValueInfo const& i : model.graph.inputs) refuse(i.name);
  return model;
}

std::map<std::string, Dependence> dependences(OnnxGraph const& graph) {
  std::map<std::string, Dependence> d;
  for (OnnxValueInfo const& input : graph.inputs) {
    if (graph.initializers.count(input.name) == 0) d[input.name] = Dependence{true, false};  // not a default value
  }
  auto of = [&](std::string const& name) {
    auto it = d.find(name);
    return it != d.end() ? it->second : Dependence{};  // initializers, omitted inputs
  };
  // The nodes of an ONNX graph are topologically sorted (onnx.proto: "The list of nodes in a graph ... MUST be
  // topologically sorted"): one pass sees every input before its consumers.
  for (OnnxNode const& n : graph.nodes) {
    Dependence out;
    bool standard = n.domain.empty() || n.domain == "ai.onnx";
    bool hasSubgraph = false;
    for (OnnxAttribute const& a : n.attributes) hasSubgraph = hasSubgraph || !a.graphs.empty();
    if (hasSubgraph) {
      out = Dependence{true, true};  // If/Loop/Scan: not analysed
    } else if (standard && (n.opType == "Shape" || n.opType == "Size")) {
      out.values = !n.inputs.empty() && of(n.inputs[0]).shape;
    } else {
      for (size_t i = 0; i < n.inputs.size(); ++i) {
        Dependence in = of(n.inputs[i]);
        out.values = out.values || in.values || in.shape;
        out.shape = out.shape || in.shape;
      }
      if (standard && sizedByValues(n.opType)) out.shape = out.shape || out.values;
      if (std::vector<size_t> const* giving = standard ? shapeGivingInputs(n.opType) : nullptr) {
        for (size_t i : *giving) {
          if (i < n.inputs.size() && of(n.inputs[i]).values) out.shape = true;
        }
      }
    }
    for (std::string const& o : n.outputs) {
      if (!o.empty()) d[o] = out;
    }
  }
  return d;
}

std::string encodeNode(std::string const& opType, std::vector<std::string> const& inputs,
                       std::vector<std::string> const& outputs, std::string const& name,
                       std::vector<Attribute> const& attributes) {
  Writer w;
  for (std::string const& i : inputs) w.bytesField(node::kInput, i);
  for (std::string const& o : outputs) w.bytesField(node::kOutput, o);
  w.bytesField(node::kName, name);
  w.bytesField(node::kOpType, opType);
  for (Attribute const& a : attributes) {
    Writer aw;
    aw.bytesField(attribute::kName, a.name);
    if (a.tensor.empty()) {
      aw.varintField(attribute::kI, static_cast<uint64_t>(a.i));
      aw.varintField(attribute::kType, attribute::kTypeInt);
    } else {
      aw.bytesField(attribute::kT, a.tensor);
      aw.varintField(attribute::kType, attribute::kTypeTensor);
    }
    w.bytesField(node::kAttribute, aw.out);
  }
  return w.out;
}

std::string encodeFloatScalar(float value) {
  Writer w;
  w.varintField(tensor::kDataType, tensor::kFloat);
  std::string raw(sizeof value, '\0');
  std::memcpy(&raw[0], &value, sizeof value);  // raw_data is little-endian, as the hosts the stand-in runs on
  w.bytesField(tensor::kRawData, raw);
  return w.out;
}

std::string applyEdit(std::string const& onnx, GraphEdit const& edit) {
  Reader r(onnx);
  Writer model;
  bool seen = false;
  while (!r.done()) {
    Field f = Field::next(r);
    if (!f.is(model::kGraph, kLengthDelimited)) {
      model.copy(f);
      continue;
    }
    seen = true;
    Writer g;
    Reader graphBytes = f.value;
    size_t index = 0;
    while (!graphBytes.done()) {
      Field gf = Field::next(graphBytes);
      if (!gf.is(graph::kNode, kLengthDelimited)) {
        g.copy(gf);
        continue;
      }
      if (edit.renamedOutputs.empty()) {
        g.copy(gf);
      } else {
        Writer n;
        Reader nodeBytes = gf.value;
        while (!nodeBytes.done()) {
          Field nf = Field::next(nodeBytes);
          auto renamed = nf.is(node::kOutput, kLengthDelimited) ? edit.renamedOutputs.find(nf.text()) : edit.renamedOutputs.end();
          if (renamed != edit.renamedOutputs.end()) n.bytesField(node::kOutput, renamed->second);
          else n.copy(nf);
        }
        g.bytesField(graph::kNode, n.out);
      }
      auto inserted = edit.insertedAfter.find(index++);
      if (inserted != edit.insertedAfter.end()) {
        for (std::string const& added : inserted->second) g.bytesField(graph::kNode, added);
      }
    }
    for (std::string const& name : edit.extraOutputs) {
      Writer valueInfo;
      valueInfo.bytesField(kValueInfoName, name);
      g.bytesField(graph::kOutput, valueInfo.out);
    }
    model.bytesField(model::kGraph, g.out);
  }
  if (!seen) throw std::runtime_error("the ModelProto has no graph");
  return model.out;
}

}  // namespace trt_standin
