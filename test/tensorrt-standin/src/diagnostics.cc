#include "diagnostics.h"

#include <condition_variable>
#include <cstdio>
#include <deque>
#include <cstring>
#include <functional>
#include <memory>
#include <mutex>
#include <sstream>

namespace trt_standin {
namespace {

std::atomic<nvinfer1::ILogger*> gLogger{nullptr};

// A thread that logs on behalf of callers (TensorRT's "worker threads"). Leaked: it may log until the process ends.
class LogThread {
 public:
  LogThread() { std::thread([this] { loop(); }).detach(); }

  void logAndWait(nvinfer1::ILogger* logger, nvinfer1::ILogger::Severity severity, std::string const& message) {
    std::mutex doneMutex;
    std::condition_variable doneCv;
    bool done = false;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      queue_.push_back([&] {
        logger->log(severity, message.c_str());
        std::lock_guard<std::mutex> d(doneMutex);
        done = true;
        doneCv.notify_one();
      });
      wake_.notify_one();
    }
    std::unique_lock<std::mutex> d(doneMutex);
    doneCv.wait(d, [&] { return done; });
  }

 private:
  void loop() {
    std::unique_lock<std::mutex> lock(mutex_);
    for (;;) {
      wake_.wait(lock, [this] { return !queue_.empty(); });
      std::function<void()> job = std::move(queue_.front());
      queue_.pop_front();
      lock.unlock();
      job();
      lock.lock();
    }
  }

  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::function<void()>> queue_;
};

LogThread& logThread() {
  static LogThread* t = new LogThread();
  return *t;
}

// The stand-in keeps its own copies of such tables rather than sharing trt-node's (native/trt/error_recorder.cc): a
// test double that reuses the code under test would hide that code's mistakes.
char const* codeName(nvinfer1::ErrorCode code) {
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
  return "?";
}

}  // namespace

void useLogger(nvinfer1::ILogger* logger) noexcept {
  if (logger == nullptr) return;
  nvinfer1::ILogger* expected = nullptr;
  if (!gLogger.compare_exchange_strong(expected, logger) && expected != logger) {
    log(nvinfer1::ILogger::Severity::kWARNING,
        "a different ILogger was passed; the first one is kept (TensorRT keeps one logger per process)");
  }
}

nvinfer1::ILogger* currentLogger() noexcept { return gLogger.load(); }

void log(nvinfer1::ILogger::Severity severity, std::string const& message) noexcept {
  nvinfer1::ILogger* logger = gLogger.load();
  if (logger == nullptr) {
    std::fprintf(stderr, "[stand-in, no logger yet] %s\n", message.c_str());
    return;
  }
  try {
    std::string text = "[stand-in] " + message;
    if (choose(Choice::kLogFromWorkerThread)) {
      logThread().logAndWait(logger, severity, text);
    } else {
      logger->log(severity, text.c_str());
    }
  } catch (...) {
    std::fprintf(stderr, "[stand-in] (log failed) %s\n", message.c_str());
  }
}

void reportError(nvinfer1::IErrorRecorder* recorder, nvinfer1::ErrorCode code, std::string const& message) noexcept {
  std::string text = "[stand-in] " + message;
  if (recorder != nullptr) {
    // "The implementation must not store the desc pointer in the ErrorRecorder object or otherwise access the data
    // from desc after reportError returns": the description lives in its own heap block, freed right after the call,
    // so a recorder that keeps the pointer reads freed memory (an AddressSanitizer report).
    std::unique_ptr<char[]> desc(new char[text.size() + 1]);
    std::memcpy(desc.get(), text.c_str(), text.size() + 1);
    // The result ("True if the error is determined to be fatal") only ends the current function, which fails anyway.
    (void)recorder->reportError(code, desc.get());
    return;
  }
  std::ostringstream line;
  line << codeName(code) << ": " << message;
  log(nvinfer1::ILogger::Severity::kERROR, line.str());
}

void RecorderRef::set(nvinfer1::IErrorRecorder* recorder) noexcept {
  if (recorder != nullptr) {
    nvinfer1::IErrorRecorder::RefCount count = recorder->incRefCount();
    require(count > 0, "IErrorRecorder::incRefCount must return the count after the increment (> 0)",
            "got " + std::to_string(count));
  }
  nvinfer1::IErrorRecorder* previous = recorder_.exchange(recorder);
  if (previous != nullptr) {
    nvinfer1::IErrorRecorder::RefCount count = previous->decRefCount();
    require(count >= 0, "IErrorRecorder::decRefCount: \"TensorRT guarantees that every call to decRefCount() will be "
                        "preceded by a call to incRefCount()\"; the count went negative",
            "got " + std::to_string(count));
  }
}

ExclusiveUse::Scope::Scope(ExclusiveUse& use, char const* contract) : use_(use), outer_(false) {
  std::thread::id none{};
  std::thread::id self = std::this_thread::get_id();
  if (use_.owner_.compare_exchange_strong(none, self)) {
    outer_ = true;
    return;
  }
  // Re-entry from the same thread (a method calling another) is allowed.
  require(none == self, contract, "two threads used the object at the same time");
}

ExclusiveUse::Scope::~Scope() {
  if (outer_) use_.owner_.store(std::thread::id{});
}

}  // namespace trt_standin
