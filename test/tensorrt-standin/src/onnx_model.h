// Just enough of an ONNX ModelProto for the stand-in parser: the graph's nodes (operator, domain, name) and the opset
// imports. The full model is handed to onnxruntime, which validates the rest.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace trt_standin {

struct OnnxNode {
  std::string name;
  std::string opType;
  std::string domain;
};

struct OnnxModel {
  std::vector<OnnxNode> nodes;
  std::vector<std::pair<std::string, int64_t>> opsets;
};

// Throws std::runtime_error when the bytes are not a protobuf ModelProto with a graph.
OnnxModel readOnnxModel(uint8_t const* data, size_t size);

}  // namespace trt_standin
