// Output shapes known before a run. TensorRT computes an output's dims when the input shapes are set, unless they
// depend on the values of execution tensors (getTensorShape: "A dimension in an output tensor will have a -1 wildcard
// value if the dimension depends on values of execution tensors OR if ... setInputShape() has NOT been called for
// some input tensor(s) with a runtime shape"). The stand-in finds the data-dependent outputs from the graph
// (onnx_graph.h: NonZero, NonMaxSuppression, Unique, Compress, and shape-giving inputs computed from input values)
// and the others' dims by a dry evaluation of the model on zero-filled inputs of the given shapes, once per set of
// input shapes.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "ort_model.h"
#include "plan.h"

namespace trt_standin {

class OutputShapes {
 public:
  // `onnx`: the model as built; `model`: what the engine runs (its outputs in the engine's order).
  OutputShapes(std::string const& onnx, std::shared_ptr<OrtModel> model);

  // Every tensor's dims as known before a run, by plan tensor index: inputs as set (`shapeSet`) or as the network
  // fixes them; outputs resolved when every input shape is known, except data-dependent ones (and all of them when
  // the dry evaluation fails: the run will say why), which keep -1 on their dynamic axes.
  std::vector<std::vector<int64_t>> known(std::vector<PlanTensor> const& tensors, std::vector<std::vector<int64_t>> const& shapes,
                                          std::vector<bool> const& shapeSet) const;

 private:
  // The outputs' dims of a run at these input shapes (a dry run on zeros, cached); false when that run fails.
  bool evaluate(std::vector<std::vector<int64_t>> const& inputShapes, std::vector<std::vector<int64_t>>& out) const;

  std::shared_ptr<OrtModel> model_;
  std::vector<bool> dataDependent_;  // by output
  mutable std::mutex mutex_;
  mutable std::map<std::vector<std::vector<int64_t>>, std::vector<std::vector<int64_t>>> cache_;
};

}  // namespace trt_standin
