// Bytes owned by a JS ArrayBuffer view (Buffer, typed array), readable from a worker thread without copying: the
// reference keeps the view alive until the worker is destroyed (on the JS thread). Same approach as sharp's input
// buffers. The pointer is taken on the JS thread; no Napi value is touched off it.
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
    if (value.IsTypedArray() || value.IsDataView() || value.IsBuffer()) {
      void* data = nullptr;
      size_t length = 0;
      if (value.IsDataView()) {
        Napi::DataView view = value.As<Napi::DataView>();
        data = static_cast<uint8_t*>(view.ArrayBuffer().Data()) + view.ByteOffset();
        length = view.ByteLength();
      } else {
        Napi::TypedArray view = value.As<Napi::TypedArray>();
        data = static_cast<uint8_t*>(view.ArrayBuffer().Data()) + view.ByteOffset();
        length = view.ByteLength();
      }
      held.data_ = static_cast<uint8_t const*>(data);
      held.size_ = length;
    } else if (value.IsArrayBuffer()) {
      Napi::ArrayBuffer buffer = value.As<Napi::ArrayBuffer>();
      held.data_ = static_cast<uint8_t const*>(buffer.Data());
      held.size_ = buffer.ByteLength();
    } else {
      throw Napi::TypeError::New(value.Env(), std::string("Expected a Buffer or typed array for ") + what);
    }
    held.ref_ = Napi::Persistent(value.As<Napi::Object>());
    return held;
  }

  uint8_t const* data() const noexcept { return data_; }
  size_t size() const noexcept { return size_; }
  bool empty() const noexcept { return size_ == 0; }

 private:
  uint8_t const* data_ = nullptr;
  size_t size_ = 0;
  Napi::ObjectReference ref_;
};

}  // namespace trt_node
