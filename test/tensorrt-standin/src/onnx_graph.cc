#include "onnx_graph.h"

#include <cstring>
#include <stdexcept>

#include "protobuf.h"

namespace trt_standin {
namespace {

// ONNX field numbers (onnx/onnx.proto3).
namespace model {
constexpr uint32_t kGraph = 7, kOpsetImport = 8;
}
namespace graph {
constexpr uint32_t kNode = 1, kInitializer = 5, kInput = 11, kOutput = 12, kSparseInitializer = 15;
}
namespace node {
constexpr uint32_t kInput = 1, kOutput = 2, kName = 3, kOpType = 4, kAttribute = 5, kDomain = 7;
}
namespace attribute {
constexpr uint32_t kName = 1, kI = 3, kT = 5, kG = 6, kGraphs = 11, kType = 20;
constexpr uint64_t kTypeInt = 2, kTypeTensor = 4;
}
namespace tensor {
constexpr uint32_t kDataType = 2, kName = 8, kRawData = 9;
constexpr uint64_t kFloat = 1;
}
constexpr uint32_t kValueInfoName = 1;
constexpr uint32_t kSparseValues = 1;

std::string nameOf(Reader message, uint32_t nameField) {
  while (!message.done()) {
    Field f = Field::next(message);
    if (f.is(nameField, kLengthDelimited)) return f.text();
  }
  return "";
}

GraphNode readNode(Reader r) {
  GraphNode n;
  while (!r.done()) {
    Field f = Field::next(r);
    if (f.is(node::kInput, kLengthDelimited)) n.inputs.push_back(f.text());
    else if (f.is(node::kOutput, kLengthDelimited)) n.outputs.push_back(f.text());
    else if (f.is(node::kOpType, kLengthDelimited)) n.opType = f.text();
    else if (f.is(node::kDomain, kLengthDelimited)) n.domain = f.text();
    else if (f.is(node::kAttribute, kLengthDelimited)) {
      Reader a = f.value;
      while (!a.done()) {
        Field af = Field::next(a);
        if (af.is(attribute::kG, kLengthDelimited) || af.is(attribute::kGraphs, kLengthDelimited)) n.hasSubgraph = true;
      }
    }
  }
  if (n.domain == "ai.onnx") n.domain.clear();
  return n;
}

// The graph field of a ModelProto, and where it is, for rewrites.
Field graphField(Reader& model) {
  while (!model.done()) {
    Field f = Field::next(model);
    if (f.is(model::kGraph, kLengthDelimited)) return f;
  }
  throw std::runtime_error("the ModelProto has no graph");
}

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

Graph readGraph(std::string const& onnx) {
  if (onnx.empty()) throw std::runtime_error("no model bytes");
  Graph g;
  Reader r(onnx);
  Reader graphBytes = graphField(r).value;
  Reader again(onnx);
  while (!again.done()) {
    Field f = Field::next(again);
    if (!f.is(model::kOpsetImport, kLengthDelimited)) continue;
    std::string domain;
    int64_t version = 0;
    Reader o = f.value;
    while (!o.done()) {
      Field of = Field::next(o);
      if (of.is(1, kLengthDelimited)) domain = of.text();
      else if (of.is(2, kVarint)) version = static_cast<int64_t>(of.scalar);
    }
    if (domain.empty() || domain == "ai.onnx") g.opset = version;
  }
  std::vector<std::string> declaredInputs;
  while (!graphBytes.done()) {
    Field f = Field::next(graphBytes);
    if (f.is(graph::kNode, kLengthDelimited)) g.nodes.push_back(readNode(f.value));
    else if (f.is(graph::kInitializer, kLengthDelimited)) g.initializers.insert(nameOf(f.value, tensor::kName));
    else if (f.is(graph::kSparseInitializer, kLengthDelimited)) {
      Reader s = f.value;
      while (!s.done()) {
        Field sf = Field::next(s);
        if (sf.is(kSparseValues, kLengthDelimited)) g.initializers.insert(nameOf(sf.value, tensor::kName));
      }
    } else if (f.is(graph::kInput, kLengthDelimited)) declaredInputs.push_back(nameOf(f.value, kValueInfoName));
    else if (f.is(graph::kOutput, kLengthDelimited)) g.outputs.push_back(nameOf(f.value, kValueInfoName));
  }
  for (std::string const& name : declaredInputs) {
    if (g.initializers.count(name) == 0) g.inputs.push_back(name);
  }
  auto refuse = [](std::string const& name) {
    if (name.find(kAddedSuffix) != std::string::npos) {
      throw std::runtime_error("the model already has a tensor named like the stand-in's own (\"" + name + "\")");
    }
  };
  for (GraphNode const& n : g.nodes) {
    for (std::string const& o : n.outputs) refuse(o);
  }
  for (std::string const& i : g.inputs) refuse(i);
  return g;
}

std::map<std::string, Dependence> dependences(Graph const& graph) {
  std::map<std::string, Dependence> d;
  for (std::string const& input : graph.inputs) d[input] = Dependence{true, false};
  auto of = [&](std::string const& name) {
    auto it = d.find(name);
    return it != d.end() ? it->second : Dependence{};  // initializers, omitted inputs
  };
  // The nodes of an ONNX graph are topologically sorted (onnx.proto: "The list of nodes in a graph ... MUST be
  // topologically sorted"): one pass sees every input before its consumers.
  for (GraphNode const& n : graph.nodes) {
    Dependence out;
    bool standard = n.domain.empty();
    if (n.hasSubgraph) {
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
