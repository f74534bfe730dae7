#include "output_allocator.h"

#include <exception>

namespace trt_node {

void* OutputAllocator::reallocateOutputAsync(char const* /*tensorName*/, void* /*currentMemory*/, uint64_t size,
                                             uint64_t alignment, cudaStream_t stream) noexcept {
  try {
    // Stream-ordered allocations are at least 256-byte aligned, as TensorRT requires of tensor addresses.
    if (alignment > 256) {
      error_ = "TensorRT asked for an output alignment of " + std::to_string(alignment) + " bytes";
      return nullptr;
    }
    if (buffer_.data() == nullptr || size > buffer_.capacity()) {
      // Under stream capture cudaMallocAsync would make the graph own the memory (valid only while it runs): refuse,
      // and TensorRT fails the captured enqueueV3, so the run falls back to enqueueV3 (engine_core.cc capture()).
      cudaStreamCaptureStatus capture = cudaStreamCaptureStatusNone;
      cudaError_t status = cudaStreamIsCapturing(stream, &capture);
      if (status != cudaSuccess) {
        cudaGetLastError();
        error_ = std::string("cudaStreamIsCapturing failed: ") + cudaGetErrorName(status);
        return nullptr;
      }
      if (capture != cudaStreamCaptureStatusNone) {
        error_ = "an output would be reallocated under CUDA stream capture";
        return nullptr;
      }
    }
    return buffer_.reserve(static_cast<size_t>(size));
  } catch (std::exception const& e) {
    error_ = e.what();
  } catch (...) {
    error_ = "unknown failure while allocating an output";
  }
  return nullptr;  // TensorRT then fails enqueueV3, and the run reports error_
}

void OutputAllocator::notifyShape(char const* /*tensorName*/, nvinfer1::Dims const& dims) noexcept {
  dims_ = dims;
  shapeKnown_ = true;
}

void OutputAllocator::reset() noexcept {
  shapeKnown_ = false;
  error_.clear();
}

}  // namespace trt_node
