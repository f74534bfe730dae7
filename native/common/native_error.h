// A C++ exception that carries a stable trt-node error code (the same strings as lib/errors ErrorCode) and the
// diagnostics collected while the failing operation ran. Workers catch it in Execute() and turn it into a JS error
// on the JS thread (see napi_error.h); nothing else crosses N-API.
#pragma once

#include <exception>
#include <new>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace trt_node {

namespace codes {
constexpr char const* kTensorRTUnavailable = "ERR_TRT_NODE_TENSORRT_UNAVAILABLE";
constexpr char const* kCuda = "ERR_TRT_NODE_CUDA";
constexpr char const* kParse = "ERR_TRT_NODE_PARSE";
constexpr char const* kBuild = "ERR_TRT_NODE_BUILD";
constexpr char const* kEngine = "ERR_TRT_NODE_ENGINE";
constexpr char const* kDisposed = "ERR_TRT_NODE_DISPOSED";
constexpr char const* kAborted = "ERR_TRT_NODE_ABORTED";
constexpr char const* kInvalidValue = "ERR_TRT_NODE_INVALID_VALUE";
constexpr char const* kShape = "ERR_TRT_NODE_SHAPE";
constexpr char const* kUnsupportedOption = "ERR_TRT_NODE_UNSUPPORTED_OPTION";
}  // namespace codes

// One ONNX parser error (nvonnxparser::IParserError), copied out of the parser before it is destroyed.
struct ParserErrorInfo {
  int32_t code = 0;
  std::string codeName;
  std::string description;
  int32_t node = -1;
  std::string nodeName;
  std::string nodeOperator;
  std::string file;
  int32_t line = 0;
  std::string function;
};

// One message of TensorRT's log, kept with the operation that produced it.
struct LogRecord {
  int32_t severity = 0;  // nvinfer1::ILogger::Severity as an int: 0 internal error .. 4 verbose
  std::string message;
  // Logged on a thread other than the operation's own (one of TensorRT's worker threads, or another job's teardown):
  // it may belong to a different job, so it is kept for the record but never quoted as this job's reason.
  bool foreign = false;
};

// One error reported through nvinfer1::IErrorRecorder.
struct RecordedError {
  int32_t code = 0;
  std::string codeName;
  std::string description;
};

class NativeError : public std::runtime_error {
 public:
  NativeError(char const* code, std::string const& message) : std::runtime_error(message), code_(code) {}
  char const* code() const noexcept { return code_; }

  std::vector<ParserErrorInfo> parserErrors;
  // The errors TensorRT recorded for the failing object (its IErrorRecorder), copied while they were still its own.
  std::vector<RecordedError> recorded;

 private:
  char const* code_;  // points at one of the string literals in trt_node::codes
};

// Everything a worker needs to reject its promise with a structured error. Filled in Execute(), read in OnOK().
struct Failure {
  bool failed = false;
  char const* code = codes::kEngine;
  std::string message;
  std::vector<ParserErrorInfo> parserErrors;
  std::vector<LogRecord> log;
  std::vector<RecordedError> recorded;

  void set(char const* errorCode, std::string text) {
    failed = true;
    code = errorCode;
    message = std::move(text);
  }
};

// Runs `fn` and records any C++ exception into `failure` (for work off the JS thread: nothing may escape it).
template <class Fn>
void captureFailure(Failure& failure, char const* defaultCode, Fn&& fn) noexcept {
  try {
    std::forward<Fn>(fn)();
  } catch (NativeError const& e) {
    failure.set(e.code(), e.what());
    failure.parserErrors = e.parserErrors;
    failure.recorded = e.recorded;
  } catch (std::bad_alloc const&) {
    failure.set(defaultCode, "out of host memory");
  } catch (std::exception const& e) {
    failure.set(defaultCode, std::string("unexpected C++ exception: ") + e.what());
  } catch (...) {
    failure.set(defaultCode, "unexpected non-standard C++ exception");
  }
}

}  // namespace trt_node
