#include "precision.h"

#include <NvInferVersion.h>

#include <cmath>
#include <cstdlib>
#include <map>
#include <set>
#include <stdexcept>
#include <vector>

#include "contract.h"
#include "diagnostics.h"
#include "onnx_graph.h"
#include "ort_model.h"

namespace trt_standin {
namespace {

// ONNX TensorProto.DataType numbers.
constexpr int kOnnxFloat = 1;
constexpr int kOnnxFloat16 = 10;
constexpr int kOnnxBFloat16 = 16;

struct Computed {
  size_t node;       // index of the node that computes it
  std::string name;
};

// The float32 tensors the nodes compute from the network inputs, in graph order. Their types come from onnxruntime's
// type inference (the model says nothing of most intermediate tensors).
std::vector<Computed> computedFloatTensors(OnnxGraph const& graph, std::string const& onnx, std::string const& modelDir) {
  std::map<std::string, Dependence> dependence = dependences(graph);
  std::vector<Computed> candidates;
  GraphEdit probe;
  std::set<std::string> outputs;
  for (OnnxValueInfo const& o : graph.outputs) outputs.insert(o.name);
  for (size_t k = 0; k < graph.nodes.size(); ++k) {
    for (std::string const& o : graph.nodes[k].outputs) {
      if (o.empty() || !dependence[o].values) continue;
      candidates.push_back(Computed{k, o});
      if (outputs.count(o) == 0) probe.extraOutputs.push_back(o);
    }
  }
  std::map<std::string, int> types = outputElementTypes(applyEdit(onnx, probe), modelDir);
  std::vector<Computed> floats;
  for (Computed const& c : candidates) {
    auto it = types.find(c.name);
    if (it != types.end() && it->second == kOnnxFloat) floats.push_back(c);
  }
  return floats;
}

uint64_t splitmix(uint64_t z) {
  z += 0x9E3779B97F4A7C15ULL;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

struct PerturbSetting {
  std::string tensor;
  float amount = 0;
  uint64_t seed = 0;
};

PerturbSetting parsePerturbSetting(std::string const& text) {
  std::map<std::string, std::string> items;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find(',', start);
    if (end == std::string::npos) end = text.size();
    std::string item = text.substr(start, end - start);
    size_t eq = item.find('=');
    if (eq == std::string::npos || !items.emplace(item.substr(0, eq), item.substr(eq + 1)).second) {
      throw std::runtime_error("TRT_STANDIN_PERTURB=\"" + text + "\": expected tensor=<name|random>,amount=<number>[,seed=<n>]");
    }
    start = end + 1;
  }
  PerturbSetting s;
  s.seed = seed();
  for (auto const& [key, value] : items) {
    char* end = nullptr;
    if (key == "tensor" && !value.empty()) {
      s.tensor = value;
    } else if (key == "amount") {
      double amount = std::strtod(value.c_str(), &end);
      if (value.empty() || *end != '\0' || !std::isfinite(amount)) throw std::runtime_error("TRT_STANDIN_PERTURB: amount=\"" + value + "\" is not a finite number");
      s.amount = static_cast<float>(amount);
    } else if (key == "seed") {
      s.seed = std::strtoull(value.c_str(), &end, 10);
      if (value.empty() || *end != '\0') throw std::runtime_error("TRT_STANDIN_PERTURB: seed=\"" + value + "\" is not a number");
    } else {
      throw std::runtime_error("TRT_STANDIN_PERTURB: unknown or empty setting \"" + key + "\" (tensor, amount, seed)");
    }
  }
  if (s.tensor.empty() || items.count("amount") == 0) throw std::runtime_error("TRT_STANDIN_PERTURB needs tensor=<name|random> and amount=<number>");
  return s;
}

}  // namespace

char const* precisionName(Precision precision) noexcept {
  switch (precision) {
    case Precision::kFloat32: return "float32";
    case Precision::kFloat16: return "float16";
    case Precision::kBFloat16: return "bfloat16";
  }
  return "?";
}

Precision requestedPrecision(nvinfer1::INetworkDefinition const& network, nvinfer1::IBuilderConfig const& config) noexcept {
#if NV_TENSORRT_MAJOR < 11
  // BuilderFlag::kFP16: "Enable FP16 layer selection, with FP32 fallback."; kBF16: "Enable DataType::kBF16 layer
  // selection, with FP32 fallback." A strongly typed network takes its types from the model instead.
  if (network.getFlag(nvinfer1::NetworkDefinitionCreationFlag::kSTRONGLY_TYPED)) return Precision::kFloat32;
  if (config.getFlag(nvinfer1::BuilderFlag::kFP16)) return Precision::kFloat16;
  if (config.getFlag(nvinfer1::BuilderFlag::kBF16)) return Precision::kBFloat16;
#else
  (void)network;
  (void)config;
#endif
  return Precision::kFloat32;
}

std::string emulatePrecision(std::string const& onnx, std::string const& modelDir, Precision precision, size_t& rounded) {
  rounded = 0;
  if (precision == Precision::kFloat32) return onnx;
  OnnxModel model = readModelForEdit(onnx);
  // Cast's `to` is an integer from opset 6; Cast to bfloat16 exists from opset 13.
  int64_t needed = precision == Precision::kBFloat16 ? 13 : 6;
  if (model.defaultOpset() < needed) {
    throw std::runtime_error(std::string("emulating ") + precisionName(precision) + " needs opset " + std::to_string(needed) +
                             " or later for its Cast nodes; the model has opset " + std::to_string(model.defaultOpset()));
  }
  int64_t narrow = precision == Precision::kBFloat16 ? kOnnxBFloat16 : kOnnxFloat16;
  GraphEdit edit;
  for (Computed const& c : computedFloatTensors(model.graph, onnx, modelDir)) {
    std::string wide = c.name + kAddedSuffix + "float32";
    std::string stored = c.name + kAddedSuffix + precisionName(precision);
    edit.renamedOutputs[c.name] = wide;
    edit.insertedAfter[c.node].push_back(encodeNode("Cast", {wide}, {stored}, stored, {{"to", narrow, ""}}));
    edit.insertedAfter[c.node].push_back(encodeNode("Cast", {stored}, {c.name}, c.name + kAddedSuffix + "widen", {{"to", kOnnxFloat, ""}}));
    ++rounded;
  }
  return applyEdit(onnx, edit);
}

std::string modelForBuild(std::string const& onnx, std::string const& modelDir, nvinfer1::INetworkDefinition const& network,
                          nvinfer1::IBuilderConfig const& config) {
  Precision precision = requestedPrecision(network, config);
  if (precision == Precision::kFloat32) return onnx;
  try {
    size_t rounded = 0;
    std::string emulated = emulatePrecision(onnx, modelDir, precision, rounded);
    log(nvinfer1::ILogger::Severity::kINFO, std::string("reduced precision: ") + std::to_string(rounded) +
                                                " float32 tensors computed from the inputs are rounded to " +
                                                precisionName(precision) + " after their node");
    return emulated;
  } catch (std::exception const& e) {
    log(nvinfer1::ILogger::Severity::kWARNING,
        std::string("reduced precision is not emulated for this engine (it computes in float32): ") + e.what());
    return onnx;
  }
}

std::string perturbFromEnvironment(std::string const& onnx, std::string const& modelDir, std::string& what) {
  what.clear();
  char const* env = std::getenv("TRT_STANDIN_PERTURB");
  if (env == nullptr || *env == '\0') return onnx;
  PerturbSetting setting = parsePerturbSetting(env);
  std::vector<Computed> candidates = computedFloatTensors(readModelForEdit(onnx).graph, onnx, modelDir);
  Computed const* chosen = nullptr;
  if (setting.tensor == "random") {
    if (candidates.empty()) throw std::runtime_error("TRT_STANDIN_PERTURB: the model computes no float32 tensor from its inputs");
    chosen = &candidates[splitmix(setting.seed) % candidates.size()];
  } else {
    for (Computed const& c : candidates) {
      if (c.name == setting.tensor) chosen = &c;
    }
  }
  if (chosen == nullptr) {
    std::string some;
    for (size_t i = 0; i < candidates.size() && i < 8; ++i) some += (i ? ", \"" : "\"") + candidates[i].name + "\"";
    throw std::runtime_error("TRT_STANDIN_PERTURB: \"" + setting.tensor +
                             "\" is not a float32 tensor that a node computes from the network inputs (such tensors: " +
                             (some.empty() ? std::string("none") : some + (candidates.size() > 8 ? ", ..." : "")) + ")");
  }
  std::string original = chosen->name + kAddedSuffix + "unperturbed";
  std::string amount = chosen->name + kAddedSuffix + "amount";
  GraphEdit edit;
  edit.renamedOutputs[chosen->name] = original;
  edit.insertedAfter[chosen->node] = {
      encodeNode("Constant", {}, {amount}, amount, {{"value", 0, encodeFloatScalar(setting.amount)}}),
      encodeNode("Add", {original, amount}, {chosen->name}, chosen->name + kAddedSuffix + "perturb"),
  };
  what = "tensor \"" + chosen->name + "\" perturbed by " + std::to_string(setting.amount) + " (TRT_STANDIN_PERTURB=\"" + env + "\")";
  return applyEdit(onnx, edit);
}

}  // namespace trt_standin
