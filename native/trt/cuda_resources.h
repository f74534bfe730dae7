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

enum class MemoryKind { kDeviceStreamOrdered, kPinnedHost };

// CUDA memory that is reused across calls and only grows: device memory for engine IO, page-locked host memory for
// staging copies. One class for both, so growth and release follow the same rules. Device memory grows in stream
// order (cudaMallocAsync / cudaFreeAsync on the buffer's stream): growing it neither waits for the whole device nor
// stalls work on other streams, as cudaMalloc/cudaFree do; that stream must outlive the buffer. Page-locked host
// memory (cudaMallocHost) has no stream.
template <MemoryKind Kind>
class GrowableBuffer {
 public:
  explicit GrowableBuffer(cudaStream_t stream = nullptr) noexcept : stream_(stream) {}
  ~GrowableBuffer() { release(); }
  GrowableBuffer(GrowableBuffer const&) = delete;
  GrowableBuffer& operator=(GrowableBuffer const&) = delete;
  // Makes room for at least `bytes` (contents are not kept). Returns the (possibly new) address.
  void* reserve(size_t bytes);
  void* data() const noexcept { return data_; }
  size_t capacity() const noexcept { return capacity_; }
  void release() noexcept;

 private:
  cudaStream_t stream_;
  void* data_ = nullptr;
  size_t capacity_ = 0;
};

using StreamBuffer = GrowableBuffer<MemoryKind::kDeviceStreamOrdered>;
using PinnedBuffer = GrowableBuffer<MemoryKind::kPinnedHost>;

// Page-locks host memory trt-node does not own (an IOBinding's JS arrays) for the registration's lifetime
// (cudaHostRegister), so copies go straight to and from it. CUDA may refuse: memory on a page that is registered
// already (cudaErrorHostMemoryAlreadyRegistered), or a system without support. That is not an error: the memory stays
// pageable, active() is false, and the caller copies through its staging buffers instead.
class HostRegistration {
 public:
  HostRegistration(void* data, size_t bytes) noexcept;
  ~HostRegistration();
  HostRegistration(HostRegistration const&) = delete;
  HostRegistration& operator=(HostRegistration const&) = delete;
  bool active() const noexcept { return data_ != nullptr; }

 private:
  void* data_ = nullptr;
};

}  // namespace trt_node
