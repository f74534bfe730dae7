// Bytes owned by a JS ArrayBuffer view (Buffer, typed array, DataView) or ArrayBuffer, readable from a worker thread
// without copying: the reference keeps the value alive until the worker is destroyed (on the JS thread). Same approach
// as sharp's input buffers. The pointer is taken on the JS thread; no Napi value is touched off it. The value, not its
// memory: an ArrayBuffer transferred away takes its memory along (intact() tells).
//
// Views are read with napi_get_typedarray_info / napi_get_dataview_info, which give the data pointer of views over a
// SharedArrayBuffer too (napi_get_arraybuffer_info, behind TypedArray::ArrayBuffer().Data(), rejects those with
// "Invalid argument").
#pragma once

#include <napi.h>

#include <cstddef>
#include <cstdint>
#include <string>

namespace trt_node {

class HeldBytes {
 public:
  HeldBytes() = default;
  // JS thread. Throws Napi::TypeError when `value` is not an ArrayBuffer view or ArrayBuffer.
  static HeldBytes hold(Napi::Value value, char const* what) {
    HeldBytes held;
    void* data = nullptr;
    if (!view(value, &data, &held.size_)) {
      throw Napi::TypeError::New(value.Env(), std::string("Expected a Buffer or typed array for ") + what);
    }
    held.data_ = static_cast<uint8_t const*>(data);
    held.ref_ = Napi::Persistent(value.As<Napi::Object>());
    return held;
  }

  // JS thread. Whether the memory is still where it was held: the reference keeps the JS object, not its memory, so
  // an ArrayBuffer transferred away (postMessage, structuredClone with `transfer`) or resized leaves the held pointer
  // dangling. The object then reports another pointer or length (a detached buffer: none).
  bool intact() const {
    if (ref_.IsEmpty()) return data_ == nullptr;
    void* data = nullptr;
    size_t size = 0;
    return view(ref_.Value(), &data, &size) && data == data_ && size == size_;
  }

  uint8_t const* data() const noexcept { return data_; }
  size_t size() const noexcept { return size_; }
  bool empty() const noexcept { return size_ == 0; }

 private:
  // The data pointer and byte length of an ArrayBuffer view or ArrayBuffer; false for anything else.
  static bool view(Napi::Value value, void** data, size_t* length) {
    Napi::Env env = value.Env();
    if (value.IsTypedArray()) {
      napi_typedarray_type type;
      size_t elements = 0;
      NAPI_THROW_IF_FAILED(env, napi_get_typedarray_info(env, value, &type, &elements, data, nullptr, nullptr), false);
      *length = value.As<Napi::TypedArray>().ByteLength();
    } else if (value.IsDataView()) {
      NAPI_THROW_IF_FAILED(env, napi_get_dataview_info(env, value, length, data, nullptr, nullptr), false);
    } else if (value.IsArrayBuffer()) {
      Napi::ArrayBuffer buffer = value.As<Napi::ArrayBuffer>();
      *data = buffer.Data();
      *length = buffer.ByteLength();
    } else {
      return false;
    }
    return true;
  }

  uint8_t const* data_ = nullptr;
  size_t size_ = 0;
  Napi::ObjectReference ref_;
};

}  // namespace trt_node
