// What the stand-in's libraries share: how its objects carry TensorRT's interfaces, the parsed model a network holds,
// and the plugin registry. libnvonnxparser and libnvinfer_plugin link against the stand-in libnvinfer and use these.
#pragma once

#include <NvInfer.h>

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "onnx_model.h"
#include "ort_model.h"
#include "standin_stubs.h"

namespace trt_standin {

// A TensorRT interface object (IBuilder, ICudaEngine, ...: thin classes whose inline methods call `mImpl`) whose
// implementation lives inside it. `delete` on the interface pointer, as trt-node does, destroys both.
template <class Interface, class Impl>
class Wrapped final : public Interface {
 public:
  template <class... Args>
  explicit Wrapped(Args&&... args) : impl(*this, std::forward<Args>(args)...) {
    this->mImpl = &impl;
  }
  Impl impl;
};

// The implementation behind an interface reference handed back to the stand-in, or null when the object is not one
// of the stand-in's (or not of that kind).
template <class Impl, class Interface>
Impl* implOf(Interface& object) noexcept {
  auto* wrapped = dynamic_cast<Wrapped<std::remove_const_t<Interface>, Impl>*>(const_cast<std::remove_const_t<Interface>*>(&object));
  return wrapped != nullptr ? &wrapped->impl : nullptr;
}

// What the parser leaves in a network: the model, its IO as TensorRT sees it (onnxruntime's description, DOUBLE cast
// down to FLOAT, the inputs' dimension names), the plugins it needs, and whether it has Q/DQ layers. The parser owns
// it; the network only refers to it, as a TensorRT network refers to the weights the parser owns.
struct ParsedModel {
  std::string onnx;
  std::string modelDir;
  std::vector<TensorDesc> inputs;
  std::vector<TensorDesc> outputs;
  std::vector<std::string> plugins;  // "name/version"
  bool hasQdq = false;
  // The network's layers, one per node of the graph, by the names of their outputs. Constant nodes make none:
  // onnx-tensorrt imports them as weights, so their outputs are not tensors of the network.
  std::vector<std::vector<std::string>> layerOutputs;
};

// Network hooks for the parser (false / null when `network` is not the stand-in's). The network keeps a weak
// reference to the parser's model.
bool attachModel(nvinfer1::INetworkDefinition& network, std::weak_ptr<ParsedModel> model) noexcept;
bool addParser(nvinfer1::INetworkDefinition& network, int delta) noexcept;
nvinfer1::IErrorRecorder* networkRecorder(nvinfer1::INetworkDefinition& network) noexcept;

// The plugin registry: libnvinfer_plugin's initLibNvInferPlugins fills it; the parser and deserialization consult it.
void registerPluginCreator(std::string const& nameVersion) noexcept;
bool hasPluginCreator(std::string const& nameVersion) noexcept;

// The CUDA device's name (the stand-in records it in plans and timing caches) and compute capability.
std::string deviceName();
std::pair<int, int> computeCapability();

}  // namespace trt_standin
