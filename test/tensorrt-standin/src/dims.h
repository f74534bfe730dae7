// Shapes as the stand-in keeps them (std::vector<int64_t>, -1 for a dynamic axis) and as TensorRT passes them.
#pragma once

#include <NvInfer.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace trt_standin {

inline std::string dimsText(std::vector<int64_t> const& d) {
  std::string s = "[";
  for (size_t i = 0; i < d.size(); ++i) s += (i ? "," : "") + std::to_string(d[i]);
  return s + "]";
}

inline std::vector<int64_t> toVector(nvinfer1::Dims const& dims) {
  std::vector<int64_t> out;
  for (int32_t i = 0; i < dims.nbDims; ++i) out.push_back(dims.d[i]);
  return out;
}

inline nvinfer1::Dims toDims(std::vector<int64_t> const& v) {
  nvinfer1::Dims d{};
  d.nbDims = static_cast<int32_t>(v.size());
  for (size_t i = 0; i < v.size(); ++i) d.d[i] = v[i];
  return d;
}

// Elements of a shape (a dynamic axis counts as 0).
inline size_t volume(std::vector<int64_t> const& dims) {
  size_t n = 1;
  for (int64_t d : dims) n *= static_cast<size_t>(d < 0 ? 0 : d);
  return n;
}

inline bool isDynamic(std::vector<int64_t> const& dims) {
  for (int64_t d : dims) {
    if (d < 0) return true;
  }
  return false;
}

}  // namespace trt_standin
