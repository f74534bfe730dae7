// Checks for every CUDA and TensorRT call: a failure throws NativeError naming the call, never exit()/assert().
#pragma once

#include <NvInfer.h>
#include <cuda_runtime_api.h>

#include <string>

#include "../common/native_error.h"

namespace trt_node {

inline std::string cudaErrorText(cudaError_t status) {
  return std::string(cudaGetErrorName(status)) + " (" + cudaGetErrorString(status) + ")";
}

// Throws ERR_TRT_NODE_CUDA "<call> failed: cudaErrorX (text)".
inline void checkCuda(cudaError_t status, char const* call) {
  if (status != cudaSuccess) {
    cudaGetLastError();  // reset the non-sticky error state of this thread
    throw NativeError(codes::kCuda, std::string(call) + " failed: " + cudaErrorText(status));
  }
}

// For TensorRT calls that report failure by returning false.
inline void checkTrt(bool ok, char const* code, std::string const& call) {
  if (!ok) throw NativeError(code, call + " failed (see the TensorRT log and recorded errors)");
}

// For TensorRT factories that report failure by returning nullptr.
template <class T>
T* checkTrtPtr(T* ptr, char const* code, std::string const& call) {
  if (ptr == nullptr) throw NativeError(code, call + " returned null (see the TensorRT log and recorded errors)");
  return ptr;
}

}  // namespace trt_node

// Stringifies the call so the message names it exactly as written.
#define TRT_NODE_CUDA_CHECK(call) ::trt_node::checkCuda((call), #call)
