#pragma once

#include <napi.h>

namespace trt_node {

// cudaInfo(freeMemoryOf?: number): CUDA runtime and driver versions and the visible GPUs, as the CUDA runtime reports
// them right now, without creating a CUDA context on any of them; with `freeMemoryOf`, that device's free memory too
// (which needs its context). Never throws for a missing driver or GPU: that is reported in `error` (doctor prints it
// as the truth).
Napi::Value CudaInfo(Napi::CallbackInfo const& info);

}  // namespace trt_node
