// An IErrorRecorder per operation (or per execution slot): TensorRT reports API misuse and runtime failures here,
// and the recorded errors ride on the rejected JS error. Thread-safe, as TensorRT requires.
#pragma once

#include <NvInfer.h>

#include <atomic>
#include <mutex>
#include <vector>

#include "../common/native_error.h"

namespace trt_node {

class ErrorRecorder final : public nvinfer1::IErrorRecorder {
 public:
  static constexpr size_t kMaxErrors = 64;

  int32_t getNbErrors() const noexcept override;
  nvinfer1::ErrorCode getErrorCode(int32_t errorIdx) const noexcept override;
  ErrorDesc getErrorDesc(int32_t errorIdx) const noexcept override;
  bool hasOverflowed() const noexcept override;
  void clear() noexcept override;
  bool reportError(nvinfer1::ErrorCode val, ErrorDesc desc) noexcept override;
  RefCount incRefCount() noexcept override;
  RefCount decRefCount() noexcept override;

  std::vector<RecordedError> snapshot() const;
  // "kINVALID_ARGUMENT: <desc>" of the last error, or "".
  std::string lastError() const;

 private:
  mutable std::mutex mutex_;
  std::vector<RecordedError> errors_;
  bool overflowed_ = false;
  std::atomic<int32_t> refCount_{0};
};

char const* trtErrorCodeName(nvinfer1::ErrorCode code) noexcept;

}  // namespace trt_node
