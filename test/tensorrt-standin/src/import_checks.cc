#include "import_checks.h"

#include <algorithm>
#include <cstdlib>
#include <map>
#include <set>
#include <stdexcept>

namespace trt_standin {
namespace {

using nvonnxparser::ErrorCode;

#include "import_checks.inc"  // the IO rules (STANDIN_IO_*)

std::vector<ImportCheck> const& importChecks() {
  static std::vector<ImportCheck> const checks = {
#define STANDIN_IMPORT_CHECKS
#include "import_checks.inc"
#undef STANDIN_IMPORT_CHECKS
  };
  return checks;
}

std::set<std::string> const& supportedOps() {
  static std::set<std::string> const ops = {
#include "supported_ops.inc"
  };
  return ops;
}

// Operators onnx-tensorrt imports through a plugin of the registry, and the creator it asks for (onnxOpImporters.cpp
// at 10.1-GA: importPluginCreator(ctx, "ROIAlign_TRT", "2") for RoiAlign; "ModulatedDeformConv2d" for DeformConv).
struct PluginOp {
  char const* op;
  char const* creator;
  char const* missing;  // onnx-tensorrt's message when the registry lacks it
};
constexpr PluginOp kPluginOps[] = {
    {"RoiAlign", "ROIAlign_TRT/2", "ROIAlign plugin was not found in the plugin registry!"},
    {"DeformConv", "ModulatedDeformConv2d/1", "ModulatedDeformConv2d plugin was not found in the plugin registry!"},
};

// ModelImporter.cpp: "int32_t const MAX_DOMAINS = 1024" and parseNode's "size_t const kMAX_NESTED_SUBGRAPHS = 24".
constexpr size_t kMaxDomains = 1024;
constexpr int kMaxNestedSubgraphs = 24;

// Ops whose output has the element type of their first input (for following UINT8 tensors; others are not followed).
std::set<std::string> const& typePreserving() {
  static std::set<std::string> const ops = {
      "Identity", "Reshape", "Transpose", "Flatten", "Squeeze", "Unsqueeze", "Slice", "Gather", "GatherElements",
      "GatherND", "Concat", "Expand", "Tile", "Pad", "Split", "Relu", "Add", "Sub", "Mul", "Div", "Neg", "Abs",
      "Min", "Max", "Clip", "MaxPool", "AveragePool", "Resize", "Upsample", "ReduceMax", "ReduceMin", "Sum", "Mean",
      "DepthToSpace", "SpaceToDepth", "ReverseSequence", "Trilu"};
  return ops;
}

// NvInferRuntimeBase.h, DataType::kUINT8: "Use the IdentityLayer to convert kUINT8 network-level inputs to {kFLOAT,
// kHALF} prior to use with other TensorRT layers". The ops whose importers make that conversion (or only read shapes).
std::set<std::string> const& uint8Consumers() {
  static std::set<std::string> const ops = {"Cast", "CastLike", "Identity", "Shape", "Size", "QuantizeLinear", "DequantizeLinear"};
  return ops;
}

// One graph's names, with the graphs around it (a subgraph sees its parents' values).
struct Scope {
  OnnxGraph const& graph;
  Scope const* parent;
  std::map<std::string, OnnxNode const*> producers;

  Scope(OnnxGraph const& g, Scope const* p) : graph(g), parent(p) {
    for (OnnxNode const& n : g.nodes) {
      for (std::string const& o : n.outputs) {
        if (!o.empty()) producers[o] = &n;
      }
    }
  }

  template <class Fn>
  auto find(Fn&& fn) const -> decltype(fn(graph)) {
    for (Scope const* s = this; s != nullptr; s = s->parent) {
      if (auto found = fn(s->graph)) return found;
    }
    return {};
  }

  OnnxTensor const* initializer(std::string const& name) const {
    return find([&](OnnxGraph const& g) -> OnnxTensor const* {
      auto it = g.initializers.find(name);
      return it != g.initializers.end() ? &it->second : nullptr;
    });
  }

  OnnxNode const* producer(std::string const& name) const {
    for (Scope const* s = this; s != nullptr; s = s->parent) {
      auto it = s->producers.find(name);
      if (it != s->producers.end()) return it->second;
    }
    return nullptr;
  }

  // An input of this graph or a parent graph that no initializer backs: fed at run time (a Loop body's inputs too).
  bool isGraphInput(std::string const& name) const {
    if (initializer(name) != nullptr) return false;
    return find([&](OnnxGraph const& g) -> bool {
      return std::any_of(g.inputs.begin(), g.inputs.end(), [&](OnnxValueInfo const& v) { return v.name == name; });
    });
  }

  OnnxNode const* constantNode(std::string const& name) const {
    OnnxNode const* p = producer(name);
    return p != nullptr && p->opType == "Constant" && (p->domain.empty() || p->domain == "ai.onnx") ? p : nullptr;
  }

  // TensorRT weights: an initializer or a Constant node's output.
  bool isConstant(std::string const& name) const { return initializer(name) != nullptr || constantNode(name) != nullptr; }

  // The values of a small constant integer tensor (initializer, Constant `value`/`value_int(s)`), null otherwise.
  std::vector<int64_t> const* constantInts(std::string const& name) const {
    if (OnnxTensor const* t = initializer(name)) return t->intsKnown ? &t->ints : nullptr;
    if (OnnxNode const* c = constantNode(name)) {
      for (OnnxAttribute const& a : c->attributes) {
        if (a.name == "value" && a.t && a.t->intsKnown) return &a.t->ints;
        if (a.name == "value_ints") return &a.ints;
        if (a.name == "value_int") {
          std::vector<int64_t>& single = singleInts_[name];
          single = {a.i};
          return &single;
        }
      }
    }
    return nullptr;
  }

  // The declared element type and shape of a value (initializer, graph input, value_info or graph output).
  OnnxValueInfo const* declared(std::string const& name) const {
    if (OnnxTensor const* t = initializer(name)) {
      OnnxValueInfo& v = initializerInfo_[name];
      v.name = name;
      v.elemType = t->dataType;
      v.hasShape = true;
      v.dims.clear();
      for (int64_t d : t->dims) v.dims.push_back(OnnxDim{d, ""});
      return &v;
    }
    return find([&](OnnxGraph const& g) -> OnnxValueInfo const* {
      for (auto const* list : {&g.inputs, &g.valueInfo, &g.outputs}) {
        for (OnnxValueInfo const& v : *list) {
          if (v.name == name) return &v;
        }
      }
      return nullptr;
    });
  }

 private:
  mutable std::map<std::string, std::vector<int64_t>> singleInts_;
  mutable std::map<std::string, OnnxValueInfo> initializerInfo_;
};

// An attribute rendered for comparison with the table's values: ints and strings as text, floats kept apart.
struct Scalar {
  bool present = false;
  bool isFloat = false;
  std::string text;
  double number = 0;
};

Scalar scalarOf(OnnxNode const& node, std::string const& name, bool hasDefault, std::string const& fallback) {
  Scalar v;
  if (OnnxAttribute const* a = node.attribute(name)) {
    v.present = true;
    if (a->type == 1) {
      v.isFloat = true;
      v.number = a->f;
    } else if (a->type == 2) {
      v.text = std::to_string(a->i);
    } else {
      v.text = a->s;
    }
    return v;
  }
  if (hasDefault) {
    v.present = true;
    v.text = fallback;
  }
  return v;
}

bool matches(Scalar const& v, std::string const& value) {
  if (v.isFloat) return std::strtod(value.c_str(), nullptr) == v.number;
  return v.text == value;
}

bool givenInput(OnnxNode const& node, int index) {
  return index >= 0 && static_cast<size_t>(index) < node.inputs.size() && !node.inputs[static_cast<size_t>(index)].empty();
}

// Whether `node` fails `check` (the same evaluation as lib/diagnostics/rules/import-checks.ts).
bool fails(ImportCheck const& check, OnnxNode const& node, Scope const& scope) {
  std::string const kind = check.kind;
  auto inputs = [&](auto&& pred) {
    for (int index : check.indices) {
      if (givenInput(node, index) && pred(node.inputs[static_cast<size_t>(index)])) return true;
    }
    return false;
  };
  if (kind == "attribute-in") {
    if (*check.whenAttribute != '\0') {
      Scalar other = scalarOf(node, check.whenAttribute, true, check.whenDefault);
      if (!matches(other, check.whenEquals)) return false;
    }
    Scalar v = scalarOf(node, check.attribute, check.hasDefault, check.defaultValue);
    return v.present && std::none_of(check.values.begin(), check.values.end(), [&](std::string const& x) { return matches(v, x); });
  }
  if (kind == "attribute-absent") {
    return std::any_of(check.values.begin(), check.values.end(), [&](std::string const& a) { return node.attribute(a) != nullptr; });
  }
  if (kind == "ints-all") {
    OnnxAttribute const* a = node.attribute(check.attribute);
    return a != nullptr && std::any_of(a->ints.begin(), a->ints.end(), [&](int64_t x) { return x != check.number; });
  }
  if (kind == "attribute-chars") {
    OnnxAttribute const* a = node.attribute(check.attribute);
    std::string const allowed = check.allowed;
    return a != nullptr && std::any_of(a->s.begin(), a->s.end(), [&](char c) { return allowed.find(c) == std::string::npos; });
  }
  if (kind == "max-outputs") {
    return std::count_if(node.outputs.begin(), node.outputs.end(), [](std::string const& o) { return !o.empty(); }) > check.number;
  }
  if (kind == "inputs-absent") return inputs([](std::string const&) { return true; });
  if (kind == "outputs-absent") {
    return std::any_of(check.indices.begin(), check.indices.end(), [&](int i) {
      return static_cast<size_t>(i) < node.outputs.size() && !node.outputs[static_cast<size_t>(i)].empty();
    });
  }
  if (kind == "input-initializer") return inputs([&](std::string const& n) { return !scope.isConstant(n); });
  if (kind == "input-not-graph-input") return inputs([&](std::string const& n) { return scope.isGraphInput(n); });
  if (kind == "input-false" || kind == "input-zero") {
    return inputs([&](std::string const& n) {
      std::vector<int64_t> const* v = scope.constantInts(n);
      return v != nullptr && std::any_of(v->begin(), v->end(), [](int64_t x) { return x != 0; });
    });
  }
  if (kind == "input-below") {
    return inputs([&](std::string const& n) {
      std::vector<int64_t> const* v = scope.constantInts(n);
      return v != nullptr && std::any_of(v->begin(), v->end(), [&](int64_t x) { return x >= check.number; });
    });
  }
  if (kind == "input-rank-in") {
    return inputs([&](std::string const& n) {
      OnnxValueInfo const* v = scope.declared(n);
      return v != nullptr && v->hasShape &&
             std::find(check.ranks.begin(), check.ranks.end(), std::to_string(v->dims.size())) == check.ranks.end();
    });
  }
  if (kind == "input-type-in") {
    return inputs([&](std::string const& n) {
      OnnxValueInfo const* v = scope.declared(n);
      std::string type = v != nullptr ? onnxTypeName(v->elemType) : "";
      return !type.empty() && std::find(check.types.begin(), check.types.end(), type) == check.types.end();
    });
  }
  if (kind == "input-static") {
    return inputs([&](std::string const& n) {
      if (!scope.isGraphInput(n)) return false;
      OnnxValueInfo const* v = scope.declared(n);
      return v == nullptr || !v->hasShape ||
             std::any_of(v->dims.begin(), v->dims.end(), [](OnnxDim const& d) { return d.value < 0 || !d.param.empty(); });
    });
  }
  if (kind == "bidirectional-activations") {
    OnnxAttribute const* direction = node.attribute("direction");
    OnnxAttribute const* acts = node.attribute("activations");
    auto n = static_cast<size_t>(check.number);
    if (direction == nullptr || direction->s != "bidirectional" || acts == nullptr || acts->strings.size() < 2 * n) return false;
    return !std::equal(acts->strings.begin(), acts->strings.begin() + static_cast<std::ptrdiff_t>(n),
                       acts->strings.begin() + static_cast<std::ptrdiff_t>(n));
  }
  if (kind == "branch-outputs") {
    OnnxAttribute const* thenBranch = node.attribute("then_branch");
    OnnxAttribute const* elseBranch = node.attribute("else_branch");
    return thenBranch != nullptr && elseBranch != nullptr && !thenBranch->graphs.empty() && !elseBranch->graphs.empty() &&
           thenBranch->graphs[0]->outputs.size() != elseBranch->graphs[0]->outputs.size();
  }
  throw std::logic_error(std::string("import check of unknown kind ") + check.kind);
}

// Thrown to stop the parse, as onnx-tensorrt's importer errors do (ONNXTRT_THROW out of parseGraph).
struct ParseStopped {};

class Importer {
 public:
  Importer(OnnxModel const& model, std::function<bool(std::string const&)> const& hasPlugin)
      : model_(model), hasPlugin_(hasPlugin), opset_(model.defaultOpset()) {}

  ImportResult run() {
    // ModelImporter::importModel: "Model contains more than 1024 domains! Parsing will halt for security reasons."
    if (model_.opsets.size() > kMaxDomains) {
      fail(ErrorCode::kUNSUPPORTED_GRAPH, "Model contains more than 1024 domains! Parsing will halt for security reasons.", -1, "", "");
      return std::move(result_);
    }
    for (auto const& [domain, version] : model_.opsets) {
      // "TensorRT requires an ONNX graph to be generated with at least ai.onnx version 7." (a warning, not an error)
      if ((domain.empty() || domain == "ai.onnx") && version < 7) {
        result_.warnings.push_back(
            "TensorRT supports ONNX graphs generated with at least opset 7. Models using older opsets are not guaranteed to work.");
      }
    }
    OnnxGraph const& graph = model_.graph;
    // importInputs: each network input's type must convert (CHECK_INPUT, reported with the input's name).
    for (OnnxValueInfo const& input : graph.inputs) {
      if (graph.initializers.count(input.name) != 0) continue;
      if (!convertibleIoType(input.elemType)) fail(ErrorCode::kUNSUPPORTED_NODE, STANDIN_IO_UNCONVERTIBLE, -1, input.name, "");
      types_[input.name] = input.elemType;
    }
    try {
      parseGraph(graph, nullptr, -1, 0);
      if (result_.errors.empty()) {
        // The outputs are marked after the graph is parsed: "Failed to convert ONNX date type to TensorRT data type."
        for (OnnxValueInfo const& output : graph.outputs) {
          if (!convertibleIoType(output.elemType)) {
            fail(ErrorCode::kUNSUPPORTED_NODE, STANDIN_IO_UNCONVERTIBLE, -1, output.name, "");
            break;
          }
        }
      }
    } catch (ParseStopped const&) {
    }
    return std::move(result_);
  }

 private:
  void fail(ErrorCode code, std::string desc, int node, std::string name, std::string op) {
    result_.errors.push_back(ImportError{code, std::move(desc), node, std::move(name), std::move(op)});
  }

  [[noreturn]] void stop(ErrorCode code, std::string desc, int node, OnnxNode const& n) {
    fail(code, std::move(desc), node, n.name, n.opType);
    throw ParseStopped{};
  }

  bool applies(ImportCheck const& c) const {
    return (c.minOpset == 0 || opset_ >= c.minOpset) && (c.maxOpset == 0 || opset_ <= c.maxOpset);
  }

  // ModelImporter.cpp parseGraph: per node in order, the static check (errors accumulate), then, while there are no
  // errors at all, the import (the first failure ends the parse). A subgraph is parsed by its node's importer, its
  // errors reported at the parent's index.
  void parseGraph(OnnxGraph const& graph, Scope const* parent, int parentIndex, int depth) {
    Scope scope(graph, parent);
    for (auto const& [name, t] : graph.initializers) {
      // "UINT8 weights that are not Q/DQ inputs will be converted to INT32"
      types_[name] = t.dataType == onnx_type::kUint8 ? onnx_type::kInt32 : t.dataType;
    }
    for (OnnxValueInfo const& v : graph.valueInfo) {
      if (v.elemType != 0 && types_.count(v.name) == 0) types_[v.name] = v.elemType;
    }
    for (OnnxValueInfo const& v : graph.inputs) {
      if (graph.initializers.count(v.name) == 0 && v.elemType != 0) types_[v.name] = v.elemType;
    }
    for (OnnxValueInfo const& o : graph.outputs) graphOutputs_.insert(o.name);
    for (size_t i = 0; i < graph.nodes.size(); ++i) {
      OnnxNode const& node = graph.nodes[i];
      int index = parentIndex >= 0 ? parentIndex : static_cast<int>(i);
      staticCheck(node, scope, index);
      if (result_.errors.empty()) importNode(node, scope, index, depth);
    }
  }

  void staticCheck(OnnxNode const& node, Scope const& scope, int index) {
    bool standard = node.domain.empty() || node.domain == "ai.onnx";
    if (standard && (node.opType == "QuantizeLinear" || node.opType == "DequantizeLinear")) result_.hasQdq = true;
    if (!standard || !isSupportedOp(node.opType)) {
      fail(ErrorCode::kUNSUPPORTED_NODE,
           "No importer registered for op: " + node.opType + (standard ? "" : " (domain " + node.domain + ")") +
               ". Attempted to import it as a plugin: plugin not found, are the plugin name, version, and namespace correct?",
           index, node.name, node.opType);
      return;
    }
    for (ImportCheck const& c : importChecks()) {
      if (c.checker && node.opType == c.op && applies(c) && fails(c, node, scope)) fail(c.code, c.message, index, node.name, node.opType);
    }
  }

  void importNode(OnnxNode const& node, Scope const& scope, int index, int depth) {
    // parseNode: "ONNX graph contains nested structures that exceed the maximum allowed by TensorRT!"
    if (depth > kMaxNestedSubgraphs) {
      stop(ErrorCode::kUNSUPPORTED_GRAPH, "ONNX graph contains nested structures that exceed the maximum allowed by TensorRT!", index, node);
    }
    for (PluginOp const& p : kPluginOps) {
      if (node.opType != p.op) continue;
      if (!hasPlugin_(p.creator)) stop(ErrorCode::kUNSUPPORTED_NODE, p.missing, index, node);
      if (std::find(result_.plugins.begin(), result_.plugins.end(), p.creator) == result_.plugins.end()) result_.plugins.push_back(p.creator);
    }
    for (ImportCheck const& c : importChecks()) {
      if (!c.checker && node.opType == c.op && applies(c) && fails(c, node, scope)) stop(c.code, c.message, index, node);
    }
    if (uint8Consumers().count(node.opType) == 0) {
      for (std::string const& in : node.inputs) {
        if (!in.empty() && typeOf(in) == onnx_type::kUint8) {
          stop(ErrorCode::kINVALID_NODE,
               "Invalid Node - " + node.name + ": " + node.opType + " takes the UINT8 tensor \"" + in +
                   "\"; NvInferRuntimeBase.h, DataType::kUINT8: \"Use the IdentityLayer to convert kUINT8 network-level "
                   "inputs to {kFLOAT, kHALF} prior to use with other TensorRT layers\"",
               index, node);
        }
      }
    }
    for (OnnxAttribute const& a : node.attributes) {
      for (auto const& sub : a.graphs) parseGraph(*sub, &scope, index, depth + 1);
    }
    inferTypes(node, scope);
    if (node.opType == "Constant") return;
    for (std::string const& out : node.outputs) {
      // "UINT8 is only allowed as network inputs, network outputs, and constants for QDQ nodes unless the UINT8
      // quantization flag is set."
      if (!out.empty() && typeOf(out) == onnx_type::kUint8 && graphOutputs_.count(out) == 0) {
        stop(ErrorCode::kUNSUPPORTED_NODE, STANDIN_IO_UINT8_INTERMEDIATE, index, node);
      }
    }
  }

  int32_t typeOf(std::string const& name) const {
    auto it = types_.find(name);
    return it != types_.end() ? it->second : 0;
  }

  // The element types onnx-tensorrt's layers give these outputs; unknown (0) where the stand-in does not follow them.
  void inferTypes(OnnxNode const& node, Scope const& scope) {
    std::string const& op = node.opType;
    int32_t type = 0;
    if (op == "Cast") {
      OnnxAttribute const* to = node.attribute("to");
      type = to != nullptr ? static_cast<int32_t>(to->i) : 0;
    } else if (op == "CastLike" && node.inputs.size() > 1) {
      type = typeOf(node.inputs[1]);
    } else if (op == "Constant") {
      OnnxAttribute const* value = node.attribute("value");
      if (value != nullptr && value->t) type = value->t->dataType;
      else if (node.attribute("value_int") != nullptr || node.attribute("value_ints") != nullptr) type = onnx_type::kInt64;
      else type = onnx_type::kFloat;
      // Constants become weights; UINT8 ones are converted to INT32 where they feed anything but Q/DQ.
      if (type == onnx_type::kUint8) type = onnx_type::kInt32;
    } else if (op == "Shape" || op == "Size" || op == "NonZero" || op == "ArgMax" || op == "ArgMin" || op == "NonMaxSuppression") {
      type = onnx_type::kInt64;
    } else if (op == "Equal" || op == "Less" || op == "LessOrEqual" || op == "Greater" || op == "GreaterOrEqual" || op == "Not" ||
               op == "And" || op == "Or" || op == "Xor" || op == "IsNaN" || op == "IsInf") {
      type = onnx_type::kBool;
    } else if (op == "QuantizeLinear") {
      // The output has the zero point's type, UINT8 without one (the ONNX default).
      type = givenInput(node, 2) ? typeOf(node.inputs[2]) : onnx_type::kUint8;
      if (givenInput(node, 2) && scope.initializer(node.inputs[2]) != nullptr) type = scope.initializer(node.inputs[2])->dataType;
    } else if (op == "Where" && node.inputs.size() > 1) {
      type = typeOf(node.inputs[1]);
    } else if (typePreserving().count(op) != 0 && !node.inputs.empty()) {
      type = typeOf(node.inputs[0]);
    }
    if (type == 0) return;
    for (std::string const& out : node.outputs) {
      if (!out.empty()) types_[out] = type;
    }
  }

  OnnxModel const& model_;
  std::function<bool(std::string const&)> const& hasPlugin_;
  int64_t opset_;
  ImportResult result_;
  std::map<std::string, int32_t> types_;
  std::set<std::string> graphOutputs_;
};

}  // namespace

ImportResult checkImport(OnnxModel const& model, std::function<bool(std::string const&)> const& hasPlugin) {
  return Importer(model, hasPlugin).run();
}

bool isSupportedOp(std::string const& op) noexcept { return supportedOps().count(op) != 0; }

char const* onnxTypeName(int32_t elemType) noexcept {
  switch (elemType) {
    case 1: return "float32";
    case 2: return "uint8";
    case 3: return "int8";
    case 4: return "uint16";
    case 5: return "int16";
    case 6: return "int32";
    case 7: return "int64";
    case 8: return "string";
    case 9: return "bool";
    case 10: return "float16";
    case 11: return "float64";
    case 12: return "uint32";
    case 13: return "uint64";
    case 14: return "complex64";
    case 15: return "complex128";
    case 16: return "bfloat16";
    case 17: return "float8e4m3fn";
    case 18: return "float8e4m3fnuz";
    case 19: return "float8e5m2";
    case 20: return "float8e5m2fnuz";
    case 21: return "uint4";
    case 22: return "int4";
    case 23: return "float4e2m1";
    default: return "";
  }
}

bool convertibleIoType(int32_t elemType) noexcept {
  static char const* const convertible[] = STANDIN_IO_CONVERTIBLE;
  std::string name = onnxTypeName(elemType);
  return std::any_of(std::begin(convertible), std::end(convertible), [&](char const* c) { return name == c; });
}

std::string int8WithoutQdqMessage(std::string const& tensor) { return tensor + ": " + STANDIN_IO_INT8_WITHOUT_QDQ; }

}  // namespace trt_standin
