// Just enough of an ONNX ModelProto for the stand-in parser: the graph's nodes (operator, domain, name, inputs), the
// opset imports, and whether each constant tensor (an initializer or a Constant node's value) starts with a non-zero
// element (the importers' checks of constant inputs). The full model is handed to onnxruntime, which validates the rest.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace trt_standin {

struct OnnxNode {
  std::string name;
  std::string opType;
  std::string domain;
  std::vector<std::string> inputs;
};

struct OnnxModel {
  std::vector<OnnxNode> nodes;
  std::vector<std::pair<std::string, int64_t>> opsets;
  // Constant tensors (initializers, Constant nodes' outputs) by name: whether the first element is known to be non-zero.
  std::map<std::string, bool> constants;
  // The default domain's opset, or 0.
  int64_t opset() const;
};

// Throws std::runtime_error when the bytes are not a protobuf ModelProto with a graph.
OnnxModel readOnnxModel(uint8_t const* data, size_t size);

}  // namespace trt_standin
