// The stand-in's log, error reporting, error-recorder reference counting and the one-thread-at-a-time guard.
#pragma once

#include <NvInfer.h>

#include <atomic>
#include <string>
#include <thread>

#include "contract.h"

namespace trt_standin {

// TensorRT keeps one logger per process ("The TensorRT library pointer to the logger is a singleton within the
// library. If using multiple builder or runtime objects, use the same logger", Developer Guide, Thread Safety): the
// first ILogger handed to createInferBuilder/createInferRuntime/createParser is used; a different one later gets a
// warning.
void useLogger(nvinfer1::ILogger* logger) noexcept;
nvinfer1::ILogger* currentLogger() noexcept;

// Logs through the process's ILogger, prefixed "[stand-in] ". Which thread calls ILogger::log is left open by the
// headers ("TensorRT may use worker threads internally"): a seeded choice sends the message from the calling thread or
// from the stand-in's logging thread (the caller waits until it was logged, so order is kept).
void log(nvinfer1::ILogger::Severity severity, std::string const& message) noexcept;

// Reports an API error the way the headers say TensorRT does: to the object's error recorder, and only when it has
// none to the log ("If an error recorder is not set, messages will be sent to the global log stream.").
void reportError(nvinfer1::IErrorRecorder* recorder, nvinfer1::ErrorCode code, std::string const& message) noexcept;

// The error recorder of one TensorRT object, with the reference counting IErrorRecorder documents: "This function
// will call incRefCount of the registered ErrorRecorder at least once. Setting recorder to nullptr unregisters the
// recorder with the interface, resulting in a call to decRefCount if a recorder has been registered." The object's
// destruction releases its reference too, so a recorder destroyed before the object that holds it is read after free
// (AddressSanitizer reports it), as the header warns: "It is undefined behavior to destruct the ErrorRecorder when
// incRefCount() has been called without a corresponding decRefCount()".
class RecorderRef {
 public:
  RecorderRef() = default;
  explicit RecorderRef(nvinfer1::IErrorRecorder* recorder) { set(recorder); }
  ~RecorderRef() { set(nullptr); }
  RecorderRef(RecorderRef const&) = delete;
  RecorderRef& operator=(RecorderRef const&) = delete;
  void set(nvinfer1::IErrorRecorder* recorder) noexcept;
  nvinfer1::IErrorRecorder* get() const noexcept { return recorder_.load(); }

 private:
  std::atomic<nvinfer1::IErrorRecorder*> recorder_{nullptr};
};

// Aborts when two threads use one object at once. For execution contexts the rule is TensorRT's ("The TensorRT
// runtime can be used by multiple threads simultaneously, so long as each object uses a different execution context",
// Developer Guide, Thread Safety); for builders likewise ("The TensorRT builder may only be used by one thread at a
// time").
class ExclusiveUse {
 public:
  class Scope {
   public:
    Scope(ExclusiveUse& use, char const* contract);
    ~Scope();
    Scope(Scope const&) = delete;
    Scope& operator=(Scope const&) = delete;

   private:
    ExclusiveUse& use_;
    bool outer_;
  };

 private:
  std::atomic<std::thread::id> owner_{};
};

}  // namespace trt_standin
