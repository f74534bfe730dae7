// The per-operation diagnostics: a log sink and an error recorder, and how they enrich a failure.
#pragma once

#include <memory>
#include <string>

#include "../common/native_error.h"
#include "error_recorder.h"
#include "logger.h"

namespace trt_node {

struct Diagnostics {
  Diagnostics(int32_t forwardUpTo, std::shared_ptr<JsChannel> logChannel) : sink(forwardUpTo, std::move(logChannel)) {}

  LogSink sink;
  ErrorRecorder recorder;

  // Attaches the kept log and recorded errors, and names TensorRT's own last error in the message when the message
  // only says to look at the log.
  void enrich(Failure& failure) const {
    failure.log = sink.records();
    failure.recorded = recorder.snapshot();
    std::string detail = recorder.lastError();
    if (detail.empty()) detail = sink.lastError();
    if (!detail.empty() && failure.message.find(detail) == std::string::npos) {
      failure.message += ". TensorRT said: " + detail;
    }
  }
};

}  // namespace trt_node
