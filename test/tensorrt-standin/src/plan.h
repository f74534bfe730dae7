// The stand-in's serialized engine ("plan"). Not TensorRT's format, and says so in its first bytes: a magic line, the
// format version, the TensorRT version of the headers the stand-in was built with, then the engine (IO tensors,
// optimization profiles, plugins it needs, whether it carries "host code" like a version-compatible plan) and the ONNX
// model itself, closed by a 64-bit FNV-1a checksum of everything before it. Like TensorRT, deserialization rejects a
// foreign, truncated or altered plan, and one made for another TensorRT version, with the reason.
#pragma once

#include <NvInfer.h>

#include <cstdint>
#include <string>
#include <vector>

namespace trt_standin {

struct PlanTensor {
  std::string name;
  bool isInput = false;
  nvinfer1::DataType type = nvinfer1::DataType::kFLOAT;
  std::vector<int64_t> dims;  // -1 for a dynamic axis
};

struct PlanProfileInput {
  std::vector<int64_t> min;
  std::vector<int64_t> opt;
  std::vector<int64_t> max;
};

struct Plan {
  int32_t trtMajor = 0;
  int32_t trtMinor = 0;
  int32_t trtPatch = 0;
  bool hostCode = false;  // built version-compatible: IRuntime::setEngineHostCodeAllowed(true) is needed to load it
  std::vector<std::string> plugins;  // "name/version" of the plugin creators the engine uses
  std::vector<PlanTensor> tensors;
  std::vector<std::vector<PlanProfileInput>> profiles;  // [profile][input index among the tensors' inputs]
  int64_t deviceMemoryBytes = 0;
  std::string modelDir;
  std::string onnx;
  std::string builtOn;  // the device name the builder ran on
};

std::string serializePlan(Plan const& plan);

// Throws std::runtime_error naming what is wrong, in the words TensorRT uses for the same failures.
Plan deserializePlan(void const* data, size_t size);

}  // namespace trt_standin
