// Output memory handed to TensorRT on demand (IOutputAllocator). Used for every output, so outputs whose shape is
// only known after execution (data-dependent, e.g. NonZero) and ordinary ones take the same path; the buffer is kept
// and only grows across runs, in stream order on the run's stream (cudaMallocAsync/cudaFreeAsync: the `stream`
// parameter of reallocateOutputAsync is there for it), so growing an output inside enqueueV3 neither synchronizes the
// device nor stalls runs of other profiles.
#pragma once

#include <NvInfer.h>

#include <mutex>
#include <string>

#include "cuda_resources.h"

namespace trt_node {

class OutputAllocator final : public nvinfer1::IOutputAllocator {
 public:
  // `stream`: the execution slot's stream, which enqueueV3 runs on and which outlives the allocator.
  explicit OutputAllocator(cudaStream_t stream) noexcept : buffer_(stream) {}

  void* reallocateOutputAsync(char const* tensorName, void* currentMemory, uint64_t size, uint64_t alignment,
                              cudaStream_t stream) noexcept override;
  void notifyShape(char const* tensorName, nvinfer1::Dims const& dims) noexcept override;

  // Before each run: forget the last shape.
  void reset() noexcept;
  bool shapeKnown() const noexcept { return shapeKnown_; }
  nvinfer1::Dims const& dims() const noexcept { return dims_; }
  void* data() const noexcept { return buffer_.data(); }
  // The CUDA error of a failed reallocation, or "" (reallocateOutputAsync may not throw).
  std::string const& error() const noexcept { return error_; }
  void release() noexcept { buffer_.release(); }

 private:
  StreamBuffer buffer_;
  nvinfer1::Dims dims_{};
  bool shapeKnown_ = false;
  std::string error_;
};

}  // namespace trt_node
