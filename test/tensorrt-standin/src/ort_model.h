// An ONNX model run by onnxruntime's C API (the libonnxruntime.so that onnxruntime-node ships): what makes stand-in
// engines compute real outputs. The API version asked for is the header's (ORT_API_VERSION); any library at least that
// new answers it.
#pragma once

#include <NvInfer.h>

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

struct OrtSession;
struct OrtValue;

namespace trt_standin {

struct TensorDesc {
  std::string name;
  nvinfer1::DataType type = nvinfer1::DataType::kFLOAT;
  std::vector<int64_t> dims;  // -1 for a dynamic axis
  // The model's tensor is DOUBLE, which TensorRT's network carries as kFLOAT: run() converts the data.
  bool castFromDouble = false;
  // Inputs: the name of each dimension (its ONNX dim_param, "" for none), as onnx-tensorrt names them.
  std::vector<std::string> dimNames;
};

// Bytes per element of the types the stand-in exchanges (0 for the others).
size_t elementSize(nvinfer1::DataType type) noexcept;
char const* typeName(nvinfer1::DataType type) noexcept;

// The element type (ONNX TensorProto.DataType; 0 for what is not a tensor) of each output of the model in `bytes`, as
// onnxruntime's type inference gives it: graph outputs listed by name alone get their type so. Throws
// std::runtime_error.
std::map<std::string, int> outputElementTypes(std::string const& bytes, std::string const& modelDir);

class OrtModel {
 public:
  // Throws std::runtime_error carrying onnxruntime's message. `modelDir` resolves external data ("" for none).
  static std::shared_ptr<OrtModel> load(std::string const& bytes, std::string const& modelDir);
  ~OrtModel();
  OrtModel(OrtModel const&) = delete;
  OrtModel& operator=(OrtModel const&) = delete;

  std::vector<TensorDesc> const& inputs() const noexcept { return inputs_; }
  std::vector<TensorDesc> const& outputs() const noexcept { return outputs_; }

  struct Input {
    void const* data;
    std::vector<int64_t> dims;
  };
  struct Output {
    std::vector<int64_t> dims;
    void const* data = nullptr;
    size_t bytes = 0;
    std::shared_ptr<OrtValue> value;              // owns `data`
    std::shared_ptr<std::vector<float>> narrowed;  // owns `data` instead, for a DOUBLE output cast down to FLOAT
  };
  // Any thread; onnxruntime's Run may be called concurrently. `inputs` in the order of inputs(). Throws
  // std::runtime_error. `quiet`: onnxruntime logs nothing of a failure (a dry run whose failure the real run reports).
  std::vector<Output> run(std::vector<Input> const& inputs, bool quiet = false) const;

 private:
  OrtModel() = default;
  OrtSession* session_ = nullptr;
  std::vector<TensorDesc> inputs_;
  std::vector<TensorDesc> outputs_;
};

}  // namespace trt_standin
