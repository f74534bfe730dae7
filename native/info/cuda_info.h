#pragma once

#include <napi.h>

namespace trt_node {

// cudaInfo(): CUDA runtime and driver versions and the visible GPUs, as the CUDA runtime reports them right now.
// Never throws for a missing driver or GPU: that is reported in `error` (doctor prints it as the truth).
Napi::Value CudaInfo(Napi::CallbackInfo const& info);

}  // namespace trt_node
