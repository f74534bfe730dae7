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

// A captured CUDA graph (cudaStreamEndCapture's), freed with its owner.
class CudaGraph {
 public:
  explicit CudaGraph(cudaGraph_t graph) noexcept : graph_(graph) {}
  ~CudaGraph();
  CudaGraph(CudaGraph const&) = delete;
  CudaGraph& operator=(CudaGraph const&) = delete;
  cudaGraph_t get() const noexcept { return graph_; }

 private:
  cudaGraph_t graph_ = nullptr;
};

// An instantiated CUDA graph, launched on a stream. Throws NativeError naming the failed call.
class CudaGraphExec {
 public:
  explicit CudaGraphExec(CudaGraph const& graph);
  ~CudaGraphExec();
  CudaGraphExec(CudaGraphExec const&) = delete;
  CudaGraphExec& operator=(CudaGraphExec const&) = delete;
  void launch(cudaStream_t stream) const;

 private:
  cudaGraphExec_t exec_ = nullptr;
};

// Device memory that is reused across calls and only grows, in stream order (cudaMallocAsync / cudaFreeAsync on the
// buffer's stream): growing it neither waits for the whole device nor stalls work on other streams, as
// cudaMalloc/cudaFree (and cudaMallocHost/cudaFreeHost) do. That stream must outlive the buffer.
class StreamBuffer {
 public:
  explicit StreamBuffer(cudaStream_t stream) noexcept : stream_(stream) {}
  ~StreamBuffer() { release(); }
  StreamBuffer(StreamBuffer const&) = delete;
  StreamBuffer& operator=(StreamBuffer const&) = delete;
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

// Page-locks host memory trt-node does not own (an IOBinding's JS arrays) for the registration's lifetime
// (cudaHostRegister), so copies go straight to and from it, asynchronously. CUDA may refuse: memory on a page that is
// registered already (cudaErrorHostMemoryAlreadyRegistered), or a system without support. That is not an error: the
// memory stays pageable, active() is false, and CUDA stages the copies to and from it itself.
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
