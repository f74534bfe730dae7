#include "output_shapes.h"

#include <algorithm>
#include <exception>

#include "dims.h"
#include "onnx_graph.h"

namespace trt_standin {
namespace {

// Bounds the dry evaluations kept per engine (a sweep over many shapes must not grow without limit).
constexpr size_t kCachedShapeSets = 64;

}  // namespace

OutputShapes::OutputShapes(std::string const& onnx, std::shared_ptr<OrtModel> model) : model_(std::move(model)) {
  auto const& outputs = model_->outputs();
  dataDependent_.assign(outputs.size(), true);
  try {
    std::map<std::string, Dependence> dependence = dependences(readModelForEdit(onnx).graph);
    for (size_t o = 0; o < outputs.size(); ++o) {
      auto it = dependence.find(outputs[o].name);
      dataDependent_[o] = it == dependence.end() || it->second.shape;
    }
  } catch (std::exception const&) {
    // A graph the stand-in cannot read: every dynamic output waits for the run, as before.
  }
}

std::vector<std::vector<int64_t>> OutputShapes::known(std::vector<PlanTensor> const& tensors,
                                                      std::vector<std::vector<int64_t>> const& shapes,
                                                      std::vector<bool> const& shapeSet) const {
  std::vector<std::vector<int64_t>> dims(tensors.size());
  std::vector<std::vector<int64_t>> inputs;
  bool inputsKnown = true;
  bool toResolve = false;
  for (size_t i = 0, o = 0; i < tensors.size(); ++i) {
    if (tensors[i].isInput) {
      dims[i] = shapeSet[i] ? shapes[i] : tensors[i].dims;
      inputsKnown = inputsKnown && !isDynamic(dims[i]);
      inputs.push_back(dims[i]);
    } else {
      dims[i] = tensors[i].dims;
      toResolve = toResolve || (isDynamic(dims[i]) && !dataDependent_[o]);
      ++o;
    }
  }
  std::vector<std::vector<int64_t>> resolved;
  if (!inputsKnown || !toResolve || !evaluate(inputs, resolved)) return dims;
  for (size_t i = 0, o = 0; i < tensors.size(); ++i) {
    if (tensors[i].isInput) continue;
    if (!dataDependent_[o]) dims[i] = resolved[o];
    ++o;
  }
  return dims;
}

bool OutputShapes::evaluate(std::vector<std::vector<int64_t>> const& inputShapes, std::vector<std::vector<int64_t>>& out) const {
  std::lock_guard<std::mutex> lock(mutex_);
  auto cached = cache_.find(inputShapes);
  if (cached != cache_.end()) {
    out = cached->second;
    return true;
  }
  auto const& inputs = model_->inputs();
  std::vector<std::vector<uint8_t>> zeros(inputs.size());
  std::vector<OrtModel::Input> feeds;
  for (size_t i = 0; i < inputs.size(); ++i) {
    zeros[i].assign(std::max<size_t>(1, volume(inputShapes[i]) * elementSize(inputs[i].type)), 0);
    feeds.push_back(OrtModel::Input{zeros[i].data(), inputShapes[i]});
  }
  try {
    std::vector<OrtModel::Output> results = model_->run(feeds, /*quiet=*/true);
    out.clear();
    for (OrtModel::Output const& r : results) out.push_back(r.dims);
  } catch (std::exception const&) {
    return false;  // the real run will fail with onnxruntime's message
  }
  if (cache_.size() >= kCachedShapeSets) cache_.clear();
  cache_.emplace(inputShapes, out);
  return true;
}

}  // namespace trt_standin
