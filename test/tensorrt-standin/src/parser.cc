// The stand-in's libnvonnxparser: makes onnx-tensorrt's checks (import_checks.h: the operators of its matrix, its
// static checks and importer conditions on every node, subgraphs included, IO types, UINT8 tensors, opsets; the
// tables trt-node's `check` uses), needs the plugin registry for the operators onnx-tensorrt builds from plugins, lets
// onnxruntime validate the whole model, and leaves the model, which it owns, referenced by the network.
#include <NvOnnxParser.h>

#include <cstring>
#include <fstream>
#include <iterator>
#include <set>
#include <sstream>

#include "diagnostics.h"
#include "import_checks.h"
#include "standin.h"

namespace trt_standin {
namespace {

using Severity = nvinfer1::ILogger::Severity;

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

  bool supportsOperator(char const* opName) const noexcept override { return opName != nullptr && isSupportedOp(opName); }
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

  bool parseBytes(std::string bytes, std::string modelDir) noexcept {
    try {
      // createParser: "Each instance of the parser is designed to only parse one ONNX model once."
      require(!parsed_, "nvonnxparser::IParser used for a second model",
              "\"Each instance of the parser is designed to only parse one ONNX model once.\"");
      parsed_ = true;
      OnnxModel onnx;
      try {
        onnx = readOnnxModel(reinterpret_cast<uint8_t const*>(bytes.data()), bytes.size());
      } catch (std::exception const& e) {
        add(nvonnxparser::ErrorCode::kMODEL_DESERIALIZE_FAILED, std::string("Failed to parse the ONNX model: ") + e.what(), -1, "", "");
        return false;
      }
      ImportResult imported = checkImport(onnx, [](std::string const& creator) { return hasPluginCreator(creator); });
      for (std::string const& w : imported.warnings) log(Severity::kWARNING, "ONNX parser: " + w);
      for (ImportError& e : imported.errors) add(e.code, std::move(e.desc), e.node, std::move(e.nodeName), std::move(e.op));
      if (!errors_.empty()) return false;
      std::shared_ptr<OrtModel> ort;
      try {
        ort = OrtModel::load(bytes, modelDir);
      } catch (std::exception const& e) {
        add(nvonnxparser::ErrorCode::kINVALID_GRAPH, std::string("the model does not load: ") + e.what(), -1, "", "");
        return false;
      }
      auto model = std::make_shared<ParsedModel>();
      model->inputs = ort->inputs();
      model->outputs = ort->outputs();
      // importInput / setDimensionNames: every dim with a dim_param is named after it (onnx-tensorrt names a
      // negative-integer dim_param "trt_dynamic_dim_<axis>").
      for (TensorDesc& in : model->inputs) {
        for (OnnxValueInfo const& v : onnx.graph.inputs) {
          if (v.name != in.name) continue;
          for (size_t a = 0; a < v.dims.size(); ++a) {
            std::string const& p = v.dims[a].param;
            bool negative = p.size() > 1 && p[0] == '-' && p.find_first_not_of("0123456789", 1) == std::string::npos;
            in.dimNames.push_back(negative ? "trt_dynamic_dim_" + std::to_string(a) : p);
          }
        }
      }
      for (OnnxNode const& node : onnx.graph.nodes) {
        if (node.opType == "Constant" && (node.domain.empty() || node.domain == "ai.onnx")) continue;
        model->layerOutputs.push_back(node.outputs);
      }
      model->plugins = std::move(imported.plugins);
      model->hasQdq = imported.hasQdq;
      model->onnx = std::move(bytes);
      model->modelDir = modelDir;
      model_ = model;
      require(attachModel(network_, model_), "the parser's network is the stand-in's");
      return true;
    } catch (std::exception const& e) {
      add(nvonnxparser::ErrorCode::kINTERNAL_ERROR, e.what(), -1, "", "");
      return false;
    }
  }

  nvinfer1::INetworkDefinition& network_;
  std::vector<ParserErrorImpl> errors_;
  bool parsed_ = false;
  // The parsed model, owned here like onnx-tensorrt's parser owns the weights the network refers to (ImporterContext:
  // "WeightsContext object to hold ownership of ONNX weights and any temporary weights created by the Parser").
  std::shared_ptr<ParsedModel> model_;
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
