#include "cuda_info.h"

#include <string>

#include "../common/build_config.h"

#if TRT_NODE_HAVE_CUDA
#include <cuda_runtime_api.h>

#include <thread>
#endif

namespace trt_node {

#if TRT_NODE_HAVE_CUDA
namespace {

std::string describeCudaError(char const* call, cudaError_t status) {
  return std::string(call) + " failed: " + cudaGetErrorName(status) + " (" + cudaGetErrorString(status) + ")";
}

// Free memory of `device` right now. cudaMemGetInfo reports on the current device and needs its context: it runs on a
// thread of its own, so the caller's current device stays as it was (and no context is made on the device set back).
bool freeMemory(int device, size_t* freeBytes) {
  bool ok = false;
  std::thread([&] {
    size_t total = 0;
    ok = cudaSetDevice(device) == cudaSuccess && cudaMemGetInfo(freeBytes, &total) == cudaSuccess;
    if (!ok) cudaGetLastError();
  }).join();
  return ok;
}

}  // namespace
#endif

Napi::Value CudaInfo(Napi::CallbackInfo const& info) {
  Napi::Env env = info.Env();
  Napi::Object out = Napi::Object::New(env);
  Napi::Array devices = Napi::Array::New(env);
  out.Set("compiled", Napi::Boolean::New(env, TRT_NODE_HAVE_CUDA != 0));
  out.Set("runtimeVersion", env.Null());
  out.Set("driverVersion", env.Null());
  out.Set("deviceCount", Napi::Number::New(env, 0));
  out.Set("devices", devices);
  out.Set("error", env.Null());
#if TRT_NODE_HAVE_CUDA
  int runtimeVersion = 0;
  cudaError_t status = cudaRuntimeGetVersion(&runtimeVersion);
  if (status == cudaSuccess) out.Set("runtimeVersion", Napi::Number::New(env, runtimeVersion));
  int driverVersion = 0;
  status = cudaDriverGetVersion(&driverVersion);
  // 0 means "no CUDA driver installed" (documented behaviour of cudaDriverGetVersion).
  if (status == cudaSuccess && driverVersion > 0) out.Set("driverVersion", Napi::Number::New(env, driverVersion));
  int count = 0;
  status = cudaGetDeviceCount(&count);
  if (status != cudaSuccess) {
    out.Set("error", Napi::String::New(env, describeCudaError("cudaGetDeviceCount", status)));
    cudaGetLastError();  // clear the sticky-free error so later calls start clean
    return out;
  }
  out.Set("deviceCount", Napi::Number::New(env, count));
  // Properties need no CUDA context (cudaGetDeviceProperties, like cudaGetDeviceCount, creates none); free memory does,
  // so it is measured only for the device asked for.
  int freeMemoryOf = info.Length() > 0 && info[0].IsNumber() ? info[0].As<Napi::Number>().Int32Value() : -1;
  for (int i = 0; i < count; ++i) {
    cudaDeviceProp prop{};
    status = cudaGetDeviceProperties(&prop, i);
    Napi::Object d = Napi::Object::New(env);
    d.Set("index", Napi::Number::New(env, i));
    if (status != cudaSuccess) {
      d.Set("error", Napi::String::New(env, describeCudaError("cudaGetDeviceProperties", status)));
      cudaGetLastError();
    } else {
      d.Set("name", Napi::String::New(env, prop.name));
      d.Set("computeCapability", Napi::String::New(env, std::to_string(prop.major) + "." + std::to_string(prop.minor)));
      d.Set("totalMemoryBytes", Napi::Number::New(env, static_cast<double>(prop.totalGlobalMem)));
      d.Set("multiProcessorCount", Napi::Number::New(env, prop.multiProcessorCount));
      size_t freeBytes = 0;
      if (i == freeMemoryOf && freeMemory(i, &freeBytes)) d.Set("freeMemoryBytes", Napi::Number::New(env, static_cast<double>(freeBytes)));
    }
    devices.Set(static_cast<uint32_t>(i), d);
  }
#else
  out.Set("error", Napi::String::New(env, "this trt-node addon was built without the CUDA runtime"));
#endif
  return out;
}

}  // namespace trt_node
