// saveTimingCache(path, bytes, { device }?) -> Promise<{ warnings: string[] }> (on the device that built the cache): writes a build's timing cache to `path` the way
// NVIDIA's own helper does (samples/common shared utils, updateTimingCacheFile): under an exclusive lock on
// "<path>.lock", the file's current cache is read and this build's entries are combined into it, so builds sharing one
// cache file keep each other's entries; the result goes to a temporary file renamed over `path` (never half-written).
// A file TensorRT cannot read, or one from another device, is replaced by this build's cache (with a warning).
#pragma once

#include <napi.h>

namespace trt_node {

Napi::Value SaveTimingCache(Napi::CallbackInfo const& info);

}  // namespace trt_node
