// The stand-in's serialized engine ("plan"). Not TensorRT's format, and says so in its first bytes: a magic line, the
// format version, the TensorRT version (major, minor, patch, build) of the headers the stand-in was built with, then
// the engine (IO tensors with their dimension names, optimization profiles, plugins it needs, whether it carries "host
// code" like a version-compatible plan, the compute capability it was built for and its hardware compatibility level)
// and the ONNX model itself, closed by a 64-bit FNV-1a checksum of everything before it. Like TensorRT,
// deserialization rejects a foreign, truncated or altered plan, and checkPlanCompatible one made for another TensorRT
// version or another GPU, with the reason.
#pragma once

#include <NvInfer.h>

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace trt_standin {

struct PlanTensor {
  std::string name;
  bool isInput = false;
  nvinfer1::DataType type = nvinfer1::DataType::kFLOAT;
  std::vector<int64_t> dims;  // -1 for a dynamic axis
  std::vector<std::string> dimNames;  // inputs: each axis's name ("" for none); empty when no axis is named
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
  int32_t trtBuild = 0;
  bool hostCode = false;  // built version-compatible: IRuntime::setEngineHostCodeAllowed(true) is needed to load it
  std::vector<std::string> plugins;  // "name/version" of the plugin creators the engine uses
  std::vector<PlanTensor> tensors;
  std::vector<std::vector<PlanProfileInput>> profiles;  // [profile][input index among the tensors' inputs]
  int64_t deviceMemoryBytes = 0;
  std::string modelDir;
  std::string onnx;
  std::string builtOn;  // the device name the builder ran on
  int32_t computeMajor = 0;  // the compute capability of that device
  int32_t computeMinor = 0;
  int32_t hardwareCompatibility = 0;  // nvinfer1::HardwareCompatibilityLevel
};

std::string serializePlan(Plan const& plan);

// Throws std::runtime_error naming what is wrong, in the words TensorRT uses for the same failures.
Plan deserializePlan(void const* data, size_t size);

// A plan this library and this device cannot run, with TensorRT's error code and words.
struct PlanIncompatible : std::runtime_error {
  PlanIncompatible(nvinfer1::ErrorCode c, std::string const& message) : std::runtime_error(message), code(c) {}
  nvinfer1::ErrorCode code;
};

// Throws PlanIncompatible when `plan` was built by another TensorRT version (unless version-compatible and not newer)
// or for a GPU of another compute capability than `computeMajor.computeMinor` (unless hardware-compatible).
void checkPlanCompatible(Plan const& plan, int computeMajor, int computeMinor);

// The first named dimension the input shapes give two values ("" when none): onnx-tensorrt names each dim_param, and
// ITensor::setDimensionName says "Dimensions with the same non-empty name must be equal at runtime."
// `inputShapes` holds one shape per plan tensor (empty for outputs).
std::string namedDimensionConflict(Plan const& plan, std::vector<std::vector<int64_t>> const& inputShapes);

}  // namespace trt_standin
