#include "cuda_resources.h"

#include "check.h"

namespace trt_node {
namespace {

// Rounds growth up so that slowly growing shapes do not reallocate on every call.
size_t grownCapacity(size_t current, size_t wanted) {
  size_t next = current + current / 2;
  return next > wanted ? next : wanted;
}

void clearIfFailed(cudaError_t status) noexcept {
  if (status != cudaSuccess) cudaGetLastError();
}

}  // namespace

CudaStream::CudaStream() { TRT_NODE_CUDA_CHECK(cudaStreamCreateWithFlags(&stream_, cudaStreamNonBlocking)); }

CudaStream::~CudaStream() {
  if (stream_ != nullptr) clearIfFailed(cudaStreamDestroy(stream_));
}

void CudaStream::synchronize() const { TRT_NODE_CUDA_CHECK(cudaStreamSynchronize(stream_)); }

CudaEvent::CudaEvent() { TRT_NODE_CUDA_CHECK(cudaEventCreateWithFlags(&event_, cudaEventDefault)); }

CudaEvent::~CudaEvent() {
  if (event_ != nullptr) clearIfFailed(cudaEventDestroy(event_));
}

void CudaEvent::record(cudaStream_t stream) const { TRT_NODE_CUDA_CHECK(cudaEventRecord(event_, stream)); }

float CudaEvent::elapsedSince(CudaEvent const& start) const {
  float ms = 0.0F;
  TRT_NODE_CUDA_CHECK(cudaEventElapsedTime(&ms, start.event_, event_));
  return ms;
}

CudaGraph::~CudaGraph() {
  if (graph_ != nullptr) clearIfFailed(cudaGraphDestroy(graph_));
}

CudaGraphExec::CudaGraphExec(CudaGraph const& graph) {
  TRT_NODE_CUDA_CHECK(cudaGraphInstantiateWithFlags(&exec_, graph.get(), 0));
}

CudaGraphExec::~CudaGraphExec() {
  if (exec_ != nullptr) clearIfFailed(cudaGraphExecDestroy(exec_));
}

void CudaGraphExec::launch(cudaStream_t stream) const { TRT_NODE_CUDA_CHECK(cudaGraphLaunch(exec_, stream)); }

void* StreamBuffer::reserve(size_t bytes) {
  if (bytes <= capacity_ && data_ != nullptr) return data_;
  size_t capacity = grownCapacity(capacity_, bytes == 0 ? 1 : bytes);
  release();
  void* fresh = nullptr;
  TRT_NODE_CUDA_CHECK(cudaMallocAsync(&fresh, capacity, stream_));
  data_ = fresh;
  capacity_ = capacity;
  return data_;
}

void StreamBuffer::release() noexcept {
  if (data_ != nullptr) clearIfFailed(cudaFreeAsync(data_, stream_));
  data_ = nullptr;
  capacity_ = 0;
}

// Portable: page-locked for every CUDA context, whichever device the registering thread has current.
HostRegistration::HostRegistration(void* data, size_t bytes) noexcept {
  if (data == nullptr || bytes == 0) return;
  cudaError_t status = cudaHostRegister(data, bytes, cudaHostRegisterPortable);
  clearIfFailed(status);
  if (status == cudaSuccess) data_ = data;
}

HostRegistration::~HostRegistration() {
  if (data_ != nullptr) clearIfFailed(cudaHostUnregister(data_));
}

}  // namespace trt_node
