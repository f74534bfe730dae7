// The per-operation diagnostics: a log sink and an error recorder, and how they enrich a failure.
#pragma once

#include <memory>
#include <string>
#include <utility>

#include "../common/native_error.h"
#include "error_recorder.h"
#include "logger.h"

namespace trt_node {

struct Diagnostics {
  Diagnostics(int32_t forwardUpTo, std::shared_ptr<JsChannel> logChannel) : sink(forwardUpTo, std::move(logChannel)) {}

  LogSink sink;
  ErrorRecorder recorder;

  // Runs `fn` under this job's log scope (what TensorRT logs on this thread meanwhile is the job's), recording any C++
  // exception into `failure`.
  template <class Fn>
  void capture(Failure& failure, char const* code, Fn&& fn) noexcept {
    captureFailure(failure, code, [&] {
      LogHub::Scope scope(sink);
      std::forward<Fn>(fn)();
    });
  }

  // Attaches the kept log and the recorded errors, and names TensorRT's own last error in the message. A failure that
  // already carries the recorded errors of the object that failed (a run's execution context, a load's runtime) keeps
  // them: they were copied while still that object's. Otherwise this job's recorder, then the errors logged on this
  // job's own thread, give the reason (never a message from another thread: it may be another job's).
  void enrich(Failure& failure) const {
    failure.log = sink.records();
    if (!failure.recorded.empty()) return;
    failure.recorded = recorder.snapshot();
    std::string detail = recorder.lastError();
    if (detail.empty()) detail = sink.lastError();
    if (!detail.empty() && failure.message.find(detail) == std::string::npos) {
      failure.message += ". TensorRT said: " + detail;
    }
  }
};

}  // namespace trt_node
