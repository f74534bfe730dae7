// TensorRT data types as trt-node names them (onnxruntime's spelling where one exists).
#pragma once

#include <NvInfer.h>

#include <cstddef>
#include <cstdint>
#include <vector>

namespace trt_node {

inline char const* dataTypeName(nvinfer1::DataType type) noexcept {
  switch (type) {
    case nvinfer1::DataType::kFLOAT: return "float32";
    case nvinfer1::DataType::kHALF: return "float16";
    case nvinfer1::DataType::kINT8: return "int8";
    case nvinfer1::DataType::kINT32: return "int32";
    case nvinfer1::DataType::kBOOL: return "bool";
    case nvinfer1::DataType::kUINT8: return "uint8";
    case nvinfer1::DataType::kFP8: return "float8e4m3fn";  // onnxruntime's and ONNX's name
    case nvinfer1::DataType::kBF16: return "bfloat16";
    case nvinfer1::DataType::kINT64: return "int64";
    case nvinfer1::DataType::kINT4: return "int4";
    default: return "unsupported";  // kFP4, kE8M0 and types of later releases
  }
}

// The types trt-node feeds and returns (the typed arrays of lib/tensor): bfloat16, float8 and the packed sub-byte types
// have no JS representation, so engines with such IO are refused before any GPU work.
inline bool exchangeable(nvinfer1::DataType type) noexcept {
  switch (type) {
    case nvinfer1::DataType::kFLOAT:
    case nvinfer1::DataType::kHALF:
    case nvinfer1::DataType::kINT8:
    case nvinfer1::DataType::kINT32:
    case nvinfer1::DataType::kINT64:
    case nvinfer1::DataType::kBOOL:
    case nvinfer1::DataType::kUINT8: return true;
    default: return false;
  }
}

// Bytes per element; 0 for packed sub-byte types that cannot be exchanged element by element.
inline size_t dataTypeSize(nvinfer1::DataType type) noexcept {
  switch (type) {
    case nvinfer1::DataType::kINT64: return 8;
    case nvinfer1::DataType::kFLOAT:
    case nvinfer1::DataType::kINT32: return 4;
    case nvinfer1::DataType::kHALF:
    case nvinfer1::DataType::kBF16: return 2;
    case nvinfer1::DataType::kINT8:
    case nvinfer1::DataType::kBOOL:
    case nvinfer1::DataType::kUINT8:
    case nvinfer1::DataType::kFP8: return 1;
    default: return 0;
  }
}

// Bytes of a dense tensor of these dims (a negative, still unknown dim counts as 0).
inline size_t tensorBytes(std::vector<int64_t> const& dims, nvinfer1::DataType type) noexcept {
  size_t n = 1;
  for (int64_t d : dims) n *= static_cast<size_t>(d < 0 ? 0 : d);
  return n * dataTypeSize(type);
}

}  // namespace trt_node
