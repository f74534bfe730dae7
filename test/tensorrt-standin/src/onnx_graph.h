// What the stand-in's numerics need of an ONNX model's top-level graph, read by onnx_model.h: which tensors depend on
// the values of the network inputs (rather than on their shapes or on constants only), and small rewrites of the graph
// (renaming a node output, inserting nodes after a node, listing more graph outputs). Bodies of If/Loop/Scan are not
// entered: such nodes count as depending on everything.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "onnx_model.h"

namespace trt_standin {

// The model read by onnx_model.h's reader. Throws std::runtime_error when `onnx` is not a ModelProto with a graph, or
// when it already has a tensor named like those the rewrites add (kAddedSuffix).
OnnxModel readModelForEdit(std::string const& onnx);

// What a tensor's values and shape depend on. TensorRT computes what follows from input shapes and constants when the
// shapes are set ("shape tensors"); a shape that follows from the values of execution tensors is only known after the
// run (getTensorShape: "A dimension in an output tensor will have a -1 wildcard value if the dimension depends on
// values of execution tensors").
struct Dependence {
  bool values = false;  // its values depend on the values of network inputs
  bool shape = false;   // its shape depends on the values of network inputs (data-dependent shape)
};

// Every tensor of the top-level graph by name.
std::map<std::string, Dependence> dependences(OnnxGraph const& graph);

// Encoded messages the rewrites insert.
struct Attribute {
  std::string name;
  int64_t i = 0;            // an INT attribute, unless `tensor` is set
  std::string tensor;       // an encoded TensorProto (a TENSOR attribute)
};
std::string encodeNode(std::string const& opType, std::vector<std::string> const& inputs,
                       std::vector<std::string> const& outputs, std::string const& name,
                       std::vector<Attribute> const& attributes = {});
// A float32 scalar TensorProto.
std::string encodeFloatScalar(float value);

// A rewrite of the top-level graph. Node outputs named in `renamedOutputs` are written under the new name (their
// consumers keep the old one, which an inserted node then produces); `insertedAfter[k]` are encoded NodeProtos placed
// right after node k (the graph stays topologically sorted); `extraOutputs` are appended to the graph outputs by name
// alone (onnxruntime infers their type). Everything else is copied byte for byte.
struct GraphEdit {
  std::map<std::string, std::string> renamedOutputs;
  std::map<size_t, std::vector<std::string>> insertedAfter;
  std::vector<std::string> extraOutputs;
};
std::string applyEdit(std::string const& onnx, GraphEdit const& edit);

// The names the rewrites give the tensors they add: `tensor` + kAddedSuffix + what. readModelForEdit refuses a model that
// already has such a name, so they cannot collide.
constexpr char const* kAddedSuffix = "/trt_standin/";

}  // namespace trt_standin
