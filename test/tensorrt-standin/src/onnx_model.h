// Just enough of an ONNX ModelProto for the stand-in parser to make the checks TensorRT's parser makes: the graph's
// nodes with their attributes (subgraphs included), the initializers (small integer values decoded), the inputs,
// outputs and value_info with element types and dims (dim_param names kept), and the opset imports. The full model
// is handed to onnxruntime, which validates the rest.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace trt_standin {

// TensorProto.DataType codes the stand-in names.
namespace onnx_type {
constexpr int32_t kFloat = 1, kUint8 = 2, kInt8 = 3, kInt32 = 6, kInt64 = 7, kBool = 9, kFloat16 = 10, kDouble = 11;
}

struct OnnxDim {
  int64_t value = -1;  // -1 when the dim is not a fixed size
  std::string param;   // dim_param, "" when none
};

struct OnnxValueInfo {
  std::string name;
  int32_t elemType = 0;  // 0: not given (or not a tensor)
  bool hasShape = false;
  std::vector<OnnxDim> dims;
};

struct OnnxTensor {
  std::string name;
  int32_t dataType = 0;
  std::vector<int64_t> dims;
  // The values of a small integer or bool tensor (int64/int32/int8/uint8/bool), decoded; empty otherwise.
  std::vector<int64_t> ints;
  bool intsKnown = false;
};

struct OnnxGraph;

struct OnnxAttribute {
  std::string name;
  int32_t type = 0;  // AttributeProto.AttributeType: FLOAT 1, INT 2, STRING 3, TENSOR 4, GRAPH 5, FLOATS 6, INTS 7, STRINGS 8
  float f = 0;
  int64_t i = 0;
  std::string s;
  std::vector<float> floats;
  std::vector<int64_t> ints;
  std::vector<std::string> strings;
  std::shared_ptr<OnnxTensor> t;
  std::vector<std::shared_ptr<OnnxGraph>> graphs;  // g, or the graphs of `graphs`
};

struct OnnxNode {
  std::string name;
  std::string opType;
  std::string domain;
  std::vector<std::string> inputs;
  std::vector<std::string> outputs;
  std::vector<OnnxAttribute> attributes;

  OnnxAttribute const* attribute(std::string const& attributeName) const;
};

struct OnnxGraph {
  std::vector<OnnxNode> nodes;
  std::map<std::string, OnnxTensor> initializers;
  std::vector<OnnxValueInfo> inputs;
  std::vector<OnnxValueInfo> outputs;
  std::vector<OnnxValueInfo> valueInfo;
};

struct OnnxModel {
  OnnxGraph graph;
  std::vector<std::pair<std::string, int64_t>> opsets;
  int64_t irVersion = 0;

  // The ai.onnx opset ("" or "ai.onnx" domain), 0 when none is imported.
  int64_t defaultOpset() const;
};

// Throws std::runtime_error when the bytes are not a protobuf ModelProto with a graph.
OnnxModel readOnnxModel(uint8_t const* data, size_t size);

}  // namespace trt_standin
