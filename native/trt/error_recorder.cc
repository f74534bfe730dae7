#include "error_recorder.h"

namespace trt_node {

char const* trtErrorCodeName(nvinfer1::ErrorCode code) noexcept {
  switch (code) {
    case nvinfer1::ErrorCode::kSUCCESS: return "kSUCCESS";
    case nvinfer1::ErrorCode::kUNSPECIFIED_ERROR: return "kUNSPECIFIED_ERROR";
    case nvinfer1::ErrorCode::kINTERNAL_ERROR: return "kINTERNAL_ERROR";
    case nvinfer1::ErrorCode::kINVALID_ARGUMENT: return "kINVALID_ARGUMENT";
    case nvinfer1::ErrorCode::kINVALID_CONFIG: return "kINVALID_CONFIG";
    case nvinfer1::ErrorCode::kFAILED_ALLOCATION: return "kFAILED_ALLOCATION";
    case nvinfer1::ErrorCode::kFAILED_INITIALIZATION: return "kFAILED_INITIALIZATION";
    case nvinfer1::ErrorCode::kFAILED_EXECUTION: return "kFAILED_EXECUTION";
    case nvinfer1::ErrorCode::kFAILED_COMPUTATION: return "kFAILED_COMPUTATION";
    case nvinfer1::ErrorCode::kINVALID_STATE: return "kINVALID_STATE";
    case nvinfer1::ErrorCode::kUNSUPPORTED_STATE: return "kUNSUPPORTED_STATE";
  }
  return "kUNKNOWN";
}

int32_t ErrorRecorder::getNbErrors() const noexcept {
  std::lock_guard<std::mutex> lock(mutex_);
  return static_cast<int32_t>(errors_.size());
}

nvinfer1::ErrorCode ErrorRecorder::getErrorCode(int32_t errorIdx) const noexcept {
  std::lock_guard<std::mutex> lock(mutex_);
  // The interface requires kUNSPECIFIED_ERROR for an index out of range.
  if (errorIdx < 0 || static_cast<size_t>(errorIdx) >= errors_.size()) return nvinfer1::ErrorCode::kUNSPECIFIED_ERROR;
  return static_cast<nvinfer1::ErrorCode>(errors_[static_cast<size_t>(errorIdx)].code);
}

nvinfer1::IErrorRecorder::ErrorDesc ErrorRecorder::getErrorDesc(int32_t errorIdx) const noexcept {
  std::lock_guard<std::mutex> lock(mutex_);
  if (errorIdx < 0 || static_cast<size_t>(errorIdx) >= errors_.size()) return "";  // as the interface requires
  // The string lives until clear(), as the interface requires: errors_ never reallocates (see reportError), so a
  // short (SSO) string is never moved.
  return errors_[static_cast<size_t>(errorIdx)].description.c_str();
}

bool ErrorRecorder::hasOverflowed() const noexcept {
  std::lock_guard<std::mutex> lock(mutex_);
  return overflowed_;
}

void ErrorRecorder::clear() noexcept {
  std::lock_guard<std::mutex> lock(mutex_);
  errors_.clear();
  overflowed_ = false;
}

bool ErrorRecorder::reportError(nvinfer1::ErrorCode val, ErrorDesc desc) noexcept {
  try {
    std::lock_guard<std::mutex> lock(mutex_);
    if (errors_.size() >= kMaxErrors) {
      overflowed_ = true;
    } else {
      // Room for every error up front: a reallocation would move the strings getErrorDesc() handed out.
      if (errors_.capacity() < kMaxErrors) errors_.reserve(kMaxErrors);
      errors_.push_back(RecordedError{static_cast<int32_t>(val), trtErrorCodeName(val), desc != nullptr ? desc : ""});
    }
  } catch (...) {
    std::lock_guard<std::mutex> lock(mutex_);  // the first lock was released when the exception left its scope
    overflowed_ = true;
  }
  // false: the error is not fatal to the process; TensorRT reports the failure through the API's return value.
  return false;
}

nvinfer1::IErrorRecorder::RefCount ErrorRecorder::incRefCount() noexcept { return ++refCount_; }

nvinfer1::IErrorRecorder::RefCount ErrorRecorder::decRefCount() noexcept { return --refCount_; }

std::vector<RecordedError> ErrorRecorder::snapshot() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return errors_;
}

std::string ErrorRecorder::lastError() const {
  std::lock_guard<std::mutex> lock(mutex_);
  if (errors_.empty()) return "";
  return errors_.back().codeName + ": " + errors_.back().description;
}

}  // namespace trt_node
