// RAII owners of CUDA objects. Constructors and growth throw NativeError naming the failed call; destructors
// never throw (a failed free is cleared so it cannot poison the next call on this thread).
#pragma once

#include <cuda_runtime_api.h>

#include <cstddef>

namespace trt_node {

class CudaStream {
 public:
  CudaStream();
  ~CudaStream();
  CudaStream(CudaStream const&) = delete;
  CudaStream& operator=(CudaStream const&) = delete;
  cudaStream_t get() const noexcept { return stream_; }
  void synchronize() const;

 private:
  cudaStream_t stream_ = nullptr;
};

class CudaEvent {
 public:
  CudaEvent();
  ~CudaEvent();
  CudaEvent(CudaEvent const&) = delete;
  CudaEvent& operator=(CudaEvent const&) = delete;
  cudaEvent_t get() const noexcept { return event_; }
  void record(cudaStream_t stream) const;
  // Milliseconds from `start` to this event; both must have completed.
  float elapsedSince(CudaEvent const& start) const;

 private:
  cudaEvent_t event_ = nullptr;
};

// Device memory that is reused across calls and only grows.
class DeviceBuffer {
 public:
  DeviceBuffer() = default;
  ~DeviceBuffer();
  DeviceBuffer(DeviceBuffer const&) = delete;
  DeviceBuffer& operator=(DeviceBuffer const&) = delete;
  // Makes room for at least `bytes` (contents are not kept). Returns the (possibly new) address.
  void* reserve(size_t bytes);
  void* data() const noexcept { return data_; }
  size_t capacity() const noexcept { return capacity_; }
  void release() noexcept;

 private:
  void* data_ = nullptr;
  size_t capacity_ = 0;
};

// Page-locked host memory for staging copies, reused across calls and only grows.
class PinnedBuffer {
 public:
  PinnedBuffer() = default;
  ~PinnedBuffer();
  PinnedBuffer(PinnedBuffer const&) = delete;
  PinnedBuffer& operator=(PinnedBuffer const&) = delete;
  void* reserve(size_t bytes);
  void* data() const noexcept { return data_; }
  size_t capacity() const noexcept { return capacity_; }
  void release() noexcept;

 private:
  void* data_ = nullptr;
  size_t capacity_ = 0;
};

}  // namespace trt_node
