// The stand-in's libnvonnxparser: checks every node against TensorRT's documented operator support (the table
// trt-node's `check` uses, generated into supported_ops.inc), needs the plugin registry for the operators
// onnx-tensorrt builds from plugins, lets onnxruntime validate the whole model, and leaves the model in the network.
#include <NvOnnxParser.h>

#include <cstring>
#include <fstream>
#include <iterator>
#include <set>
#include <sstream>

#include "diagnostics.h"
#include "standin.h"

namespace trt_standin {
namespace {

using Severity = nvinfer1::ILogger::Severity;

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

class ParserErrorImpl final : public nvonnxparser::standin::StubIParserError {
 public:
  ParserErrorImpl(nvonnxparser::ErrorCode code, std::string desc, int node, std::string nodeName, std::string op)
      : code_(code), desc_(std::move(desc)), node_(node), nodeName_(std::move(nodeName)), op_(std::move(op)) {}
  nvonnxparser::ErrorCode code() const override { return code_; }
  char const* desc() const override { return desc_.c_str(); }
  char const* file() const override { return "trt-node TensorRT stand-in parser"; }
  int line() const override { return 0; }
  char const* func() const override { return "parse"; }
  int node() const override { return node_; }
  char const* nodeName() const override { return nodeName_.c_str(); }
  char const* nodeOperator() const override { return op_.c_str(); }
  char const* const* localFunctionStack() const override { return nullptr; }
  int32_t localFunctionStackSize() const override { return 0; }

 private:
  nvonnxparser::ErrorCode code_;
  std::string desc_;
  int node_;
  std::string nodeName_;
  std::string op_;
};

std::string dirName(std::string const& path) {
  size_t slash = path.find_last_of('/');
  return slash == std::string::npos ? std::string(".") : path.substr(0, slash == 0 ? 1 : slash);
}

class ParserImpl final : public nvonnxparser::standin::StubIParser {
 public:
  explicit ParserImpl(nvinfer1::INetworkDefinition& network) : network_(network) {
    require(addParser(network_, +1), "nvonnxparser::createParser takes a network from the stand-in libnvinfer");
  }
  ~ParserImpl() override { addParser(network_, -1); }

  bool parse(void const* data, size_t size, char const* modelPath) noexcept override {
    std::string path = modelPath != nullptr ? modelPath : "";
    return parseBytes(std::string(static_cast<char const*>(data), data != nullptr ? size : 0), path.empty() ? "" : dirName(path));
  }

  bool parseFromFile(char const* onnxModelFile, int /*verbosity*/) noexcept override {
    std::string file = onnxModelFile != nullptr ? onnxModelFile : "";
    std::ifstream in(file, std::ios::binary);
    if (!in) {
      add(nvonnxparser::ErrorCode::kMODEL_DESERIALIZE_FAILED, "Failed to open the ONNX model file " + file, -1, "", "");
      return false;
    }
    std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    return parseBytes(std::move(bytes), dirName(file));
  }

  bool supportsOperator(char const* opName) const noexcept override {
    return opName != nullptr && supportedOps().count(opName) != 0;
  }
  int getNbErrors() const noexcept override { return static_cast<int>(errors_.size()); }
  nvonnxparser::IParserError const* getError(int index) const noexcept override {
    return index >= 0 && static_cast<size_t>(index) < errors_.size() ? &errors_[static_cast<size_t>(index)] : nullptr;
  }
  void clearErrors() noexcept override { errors_.clear(); }

 private:
  void add(nvonnxparser::ErrorCode code, std::string desc, int node, std::string name, std::string op) {
    log(Severity::kERROR, "ONNX parser: " + (node >= 0 ? "node " + std::to_string(node) + " (" + op + " '" + name + "'): " : std::string()) + desc);
    errors_.emplace_back(code, std::move(desc), node, std::move(name), std::move(op));
  }

  // onnx-tensorrt's Dropout importer (onnxOpImporters.cpp, 10.1-GA and later): "TensorRT does not support the Dropout
  // operator with training mode"; from opset 12 the mode is the third input, which must be a constant.
  void checkDropout(OnnxModel const& graph, OnnxNode const& node, int index) {
    if (graph.opset() < 12 || node.inputs.size() < 3 || node.inputs[2].empty()) return;
    auto mode = graph.constants.find(node.inputs[2]);
    if (mode == graph.constants.end()) {
      add(nvonnxparser::ErrorCode::kUNSUPPORTED_NODE, "This Version of TensorRT only supports the training_mode input as an initializer.",
          index, node.name, node.opType);
    } else if (mode->second) {
      add(nvonnxparser::ErrorCode::kUNSUPPORTED_NODE, "TensorRT does not support the Dropout operator in training mode.", index,
          node.name, node.opType);
    }
  }

  bool parseBytes(std::string bytes, std::string modelDir) noexcept {
    try {
      // createParser: "Each instance of the parser is designed to only parse one ONNX model once."
      require(!parsed_, "nvonnxparser::IParser used for a second model",
              "\"Each instance of the parser is designed to only parse one ONNX model once.\"");
      parsed_ = true;
      auto model = std::make_shared<ParsedModel>();
      try {
        model->graph = readOnnxModel(reinterpret_cast<uint8_t const*>(bytes.data()), bytes.size());
      } catch (std::exception const& e) {
        add(nvonnxparser::ErrorCode::kMODEL_DESERIALIZE_FAILED, std::string("Failed to parse the ONNX model: ") + e.what(), -1, "", "");
        return false;
      }
      for (size_t i = 0; i < model->graph.nodes.size(); ++i) {
        OnnxNode const& node = model->graph.nodes[i];
        bool standard = node.domain.empty() || node.domain == "ai.onnx";
        if (!standard || supportedOps().count(node.opType) == 0) {
          add(nvonnxparser::ErrorCode::kUNSUPPORTED_NODE,
              "No importer registered for op: " + node.opType + (standard ? "" : " (domain " + node.domain + ")") +
                  ". Attempted to import it as a plugin: plugin not found, are the plugin name, version, and namespace correct?",
              static_cast<int>(i), node.name, node.opType);
          continue;
        }
        if (node.opType == "Dropout") checkDropout(model->graph, node, static_cast<int>(i));
        for (PluginOp const& p : kPluginOps) {
          if (node.opType != p.op) continue;
          if (!hasPluginCreator(p.creator)) {
            add(nvonnxparser::ErrorCode::kUNSUPPORTED_NODE, p.missing, static_cast<int>(i), node.name, node.opType);
          } else {
            model->plugins.push_back(p.creator);
          }
        }
      }
      if (!errors_.empty()) return false;
      std::shared_ptr<OrtModel> ort;
      try {
        ort = OrtModel::load(bytes, modelDir);
      } catch (std::exception const& e) {
        add(nvonnxparser::ErrorCode::kINVALID_GRAPH, std::string("the model does not load: ") + e.what(), -1, "", "");
        return false;
      }
      model->inputs = ort->inputs();
      model->outputs = ort->outputs();
      model->onnx = std::move(bytes);
      model->modelDir = modelDir;
      require(attachModel(network_, std::move(model)), "the parser's network is the stand-in's");
      return true;
    } catch (std::exception const& e) {
      add(nvonnxparser::ErrorCode::kINTERNAL_ERROR, e.what(), -1, "", "");
      return false;
    }
  }

  nvinfer1::INetworkDefinition& network_;
  std::vector<ParserErrorImpl> errors_;
  bool parsed_ = false;
};

}  // namespace
}  // namespace trt_standin

extern "C" {

void* createNvOnnxParser_INTERNAL(void* network, void* logger, int /*version*/) noexcept {
  trt_standin::useLogger(static_cast<nvinfer1::ILogger*>(logger));
  if (network == nullptr) return nullptr;
  try {
    return static_cast<nvonnxparser::IParser*>(new trt_standin::ParserImpl(*static_cast<nvinfer1::INetworkDefinition*>(network)));
  } catch (...) {
    return nullptr;
  }
}

int getNvOnnxParserVersion() noexcept { return NV_ONNX_PARSER_VERSION; }

}  // extern "C"
