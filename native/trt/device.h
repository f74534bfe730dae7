// The CUDA device trt-node's TensorRT work runs on (buildEngine's and Engine.load's `device`, trtexec's --device).
// TensorRT binds an engine to the device current when it is built or deserialized, and its execution contexts must be
// used with that device current ("ensure that the thread is associated with the correct device by calling
// cudaSetDevice()", TensorRT Developer Guide, FAQ on multiple GPUs). So every thread that touches an engine sets its
// device: a build or load job on its pool thread (each job sets its own, so none inherits another's), each profile's
// run thread. On the JS thread trt-node never sets the device: setting it back afterwards would create a CUDA context
// on the device set back (cudaSetDevice does from CUDA 12 on), so its CUDA work there goes through onDevice().
#pragma once

#include <cuda_runtime_api.h>

#include <cstdint>
#include <exception>
#include <thread>
#include <utility>

#include "check.h"

namespace trt_node {

// Makes `device` current on the calling thread. Throws NativeError (ERR_TRT_NODE_CUDA).
inline void useDevice(int32_t device) { TRT_NODE_CUDA_CHECK(cudaSetDevice(device)); }

// Runs `fn` with `device` current, on a short-lived thread of its own joined before returning, so the calling thread's
// current device (and the contexts that exist) stay as they were. Rethrows what `fn` throws.
template <class Fn>
void onDevice(int32_t device, Fn&& fn) {
  std::exception_ptr error;
  std::thread thread([&] {
    try {
      useDevice(device);
      std::forward<Fn>(fn)();
    } catch (...) {
      error = std::current_exception();
    }
  });
  thread.join();
  if (error) std::rethrow_exception(error);
}

// For destructors: `fn` (which must not throw) runs on `device` as onDevice() runs it, or, when no thread can be
// started or the device cannot be set, on the calling thread as it is.
template <class Fn>
void onDeviceOrHere(int32_t device, Fn&& fn) noexcept {
  bool ran = false;
  try {
    onDevice(device, [&] {
      ran = true;
      fn();
    });
  } catch (...) {
  }
  if (!ran) fn();
}

}  // namespace trt_node
