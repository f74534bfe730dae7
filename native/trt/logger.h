// TensorRT's log. TensorRT keeps ONE logger pointer per process (a second, different ILogger given to
// createInferBuilder/createInferRuntime is ignored while the first one's objects live), so a single LogHub is handed
// to every builder and runtime; it is created once and never destroyed, because TensorRT may log through it until the
// process ends. Each operation (a build, an engine load, a run) has its own LogSink, attached for the duration of the
// operation: messages logged on the operation's thread go to that sink; messages from any other thread (TensorRT's
// worker threads, another job's teardown) cannot be attributed, so they go to every attached sink marked "foreign":
// kept in the record and forwarded, but never quoted as a job's own reason nor counted among its warnings. A sink keeps
// the warnings and errors (they ride on a rejected error) and forwards the messages up to a chosen severity to a JS
// callback.
#pragma once

#include <NvInfer.h>

#include <cstdint>
#include <memory>
#include <mutex>
#include <vector>

#include "../common/native_error.h"
#include "js_channel.h"

namespace trt_node {

class LogSink {
 public:
  // forwardUpTo: the least severe level forwarded to `channel` (-1: forward nothing). 0 internal error .. 4 verbose.
  LogSink(int32_t forwardUpTo, std::shared_ptr<JsChannel> channel);
  void write(nvinfer1::ILogger::Severity severity, char const* message, bool foreign);
  // The kept warnings and errors (at most kMaxKept; later ones are counted and summarised in a last record).
  std::vector<LogRecord> records() const;
  // The kept warnings and errors logged on the operation's own thread.
  std::vector<LogRecord> ownRecords() const;
  // The last kept error message of the operation's own thread, or "".
  std::string lastError() const;
  // Writes the kept errors to stderr (for work that has no JS caller to hand them to, such as freeing an engine).
  void printErrors(char const* context) const noexcept;

  static constexpr size_t kMaxKept = 200;

 private:
  int32_t forwardUpTo_;
  std::shared_ptr<JsChannel> channel_;
  mutable std::mutex mutex_;
  std::vector<LogRecord> kept_;
  size_t dropped_ = 0;
};

class LogHub final : public nvinfer1::ILogger {
 public:
  static LogHub& instance();
  void log(Severity severity, nvinfer1::AsciiChar const* message) noexcept override;

  // Attaches `sink` for the current thread (and as a listener for TensorRT's threads) while alive.
  class Scope {
   public:
    explicit Scope(LogSink& sink);
    ~Scope();
    Scope(Scope const&) = delete;
    Scope& operator=(Scope const&) = delete;

   private:
    LogSink* sink_;
    LogSink* previous_;
  };

 private:
  LogHub() = default;
  void attach(LogSink* sink);
  void detach(LogSink* sink);
  std::mutex mutex_;
  std::vector<LogSink*> attached_;
};

}  // namespace trt_node
