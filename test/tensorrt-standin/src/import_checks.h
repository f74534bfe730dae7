// What TensorRT's ONNX parser (onnx-tensorrt) checks while it imports a model, made by the stand-in's parser on its
// own reading of the model (onnx_model.h): the operators of its matrix, its per-node static checks and importer
// conditions (generated from lib/diagnostics/data/onnx-tensorrt-import-checks.ts, the table trt-node's UNSUPPORTED_OP
// rule evaluates), subgraph bodies included, the types of the network's inputs and outputs, UINT8 tensors, the opset
// and the nesting limits of ModelImporter.cpp. See ASSUMPTIONS.md ("Parsing") for each rule's source.
#pragma once

#include <NvOnnxParser.h>

#include <functional>
#include <string>
#include <vector>

#include "onnx_model.h"

namespace trt_standin {

// One row of the generated table (tools/generate.js writes import_checks.inc from the TypeScript data).
struct ImportCheck {
  char const* op;
  char const* kind;  // the `kind` of lib/diagnostics/data/onnx-tensorrt-import-checks.ts
  bool checker;      // a static check (all reported) rather than an importer condition (the parse stops there)
  int minOpset;      // 0: none
  int maxOpset;      // 0: none
  char const* attribute;
  std::vector<std::string> values;  // attribute-in: allowed values; attribute-absent: the attributes
  bool hasDefault;
  char const* defaultValue;
  char const* whenAttribute;  // "" when the check applies unconditionally
  char const* whenEquals;
  char const* whenDefault;
  std::vector<int> indices;
  std::vector<std::string> ranks;
  std::vector<std::string> types;
  int64_t number;  // max-outputs count, input-below limit, ints-all value, bidirectional-activations count
  char const* allowed;
  nvonnxparser::ErrorCode code;
  char const* message;
  char const* source;
};

struct ImportError {
  nvonnxparser::ErrorCode code;
  std::string desc;
  int node;  // index in the main graph (a subgraph's node reports its parent's), -1 for the model's inputs/outputs
  std::string nodeName;
  std::string op;
};

struct ImportResult {
  std::vector<ImportError> errors;
  std::vector<std::string> warnings;  // what onnx-tensorrt logs at kWARNING
  std::vector<std::string> plugins;   // "name/version" of the plugin creators the network uses
  bool hasQdq = false;                // QuantizeLinear/DequantizeLinear nodes: the network has Q/DQ layers
};

// Runs onnx-tensorrt's checks over `model`. `hasPlugin` says whether the plugin registry has a creator.
ImportResult checkImport(OnnxModel const& model, std::function<bool(std::string const&)> const& hasPlugin);

// Whether the parser has an importer for this ai.onnx operator (onnx-tensorrt's matrix).
bool isSupportedOp(std::string const& op) noexcept;

// onnxruntime's name of an ONNX element type ("float32", "uint8", ...), "" for one the stand-in does not name.
char const* onnxTypeName(int32_t elemType) noexcept;

// Whether onnx-tensorrt makes network IO of this ONNX element type (importerUtils.cpp convertDtype).
bool convertibleIoType(int32_t elemType) noexcept;

// The message of an int8 network input or output in a network without Q/DQ layers (the builder's error).
std::string int8WithoutQdqMessage(std::string const& tensor);

}  // namespace trt_standin
