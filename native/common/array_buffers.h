// ArrayBuffers over memory the addon allocated (a run's outputs, an IOBinding's output arrays). Without a copy where
// Node allows external ArrayBuffers; where it does not (a V8 sandbox, as in Electron: napi_create_external_arraybuffer
// then fails with napi_no_external_buffers_allowed, and builds with NODE_API_NO_EXTERNAL_BUFFERS_ALLOWED do not have
// it at all) the bytes are copied into an ordinary ArrayBuffer and freed at once.
#pragma once

#include <napi.h>

#include <cstddef>
#include <cstring>

namespace trt_node {

// JS thread. Takes `data` (freed with `release`, by V8 when the ArrayBuffer is collected, or here after a copy).
// Throws Napi::Error when not even a copy can be made (`data` is freed then too).
inline Napi::ArrayBuffer arrayBufferOwning(Napi::Env env, void* data, size_t size, void (*release)(void*)) {
#ifndef NODE_API_NO_EXTERNAL_BUFFERS_ALLOWED
  napi_value external = nullptr;
  napi_status status = napi_create_external_arraybuffer(
      env, data, size, [](napi_env, void* p, void* hint) { reinterpret_cast<void (*)(void*)>(hint)(p); },
      reinterpret_cast<void*>(release), &external);
  if (status == napi_ok) return Napi::ArrayBuffer(env, external);
#endif
  struct Release {
    void* data;
    void (*release)(void*);
    ~Release() { release(data); }
  } freed{data, release};
  Napi::ArrayBuffer copy = Napi::ArrayBuffer::New(env, size);
  if (size > 0) std::memcpy(copy.Data(), data, size);
  return copy;
}

}  // namespace trt_node
