// Turning C++ failures into JS errors. Only called on the JS thread (OnOK of a worker, or a synchronous binding).
#pragma once

#include <napi.h>

#include <string>
#include <utility>
#include <vector>

#include "native_error.h"

namespace trt_node {

// TensorRT log records as a JS array of {severity, message, foreign}.
Napi::Array logArray(Napi::Env env, std::vector<LogRecord> const& records);

// A JS Error with `code`, and the collected diagnostics as `parserErrors`, `log` and `recordedErrors` arrays.
Napi::Error makeJsError(Napi::Env env, Failure const& failure);

// Same for a bare code + message (synchronous bindings).
Napi::Error makeJsError(Napi::Env env, char const* code, std::string const& message);

// A settled promise, for entry points that fail before any work is queued.
Napi::Promise rejectedPromise(Napi::Env env, Napi::Error const& error);

// JS thread: rejects `deferred` with `failure`, or resolves it with result(env) (a Napi::Error that throws rejects it
// instead). Never throws: if settling itself fails, the environment is going away (a terminated worker thread finishes
// the work in flight while it tears down) and nobody is left to settle for.
template <class Result>
void settlePromise(Napi::Env env, Napi::Promise::Deferred& deferred, Failure const& failure, Result&& result) noexcept {
  try {
    Napi::HandleScope scope(env);
    if (failure.failed) {
      deferred.Reject(makeJsError(env, failure).Value());
      return;
    }
    try {
      deferred.Resolve(std::forward<Result>(result)(env));
    } catch (Napi::Error const& e) {
      deferred.Reject(e.Value());
    }
  } catch (...) {
  }
}

}  // namespace trt_node
