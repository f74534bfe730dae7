// buildEngine(options, onLog?, onProgress?) -> { promise, cancel }: parses the ONNX model and builds a serialized
// engine on a libuv worker thread. cancel() sets an atomic flag polled by ProgressMonitor::stepComplete.
#pragma once

#include <napi.h>

namespace trt_node {

Napi::Value BuildEngine(Napi::CallbackInfo const& info);

}  // namespace trt_node
