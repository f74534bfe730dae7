#include "napi_error.h"

namespace trt_node {

Napi::Error makeJsError(Napi::Env env, char const* code, std::string const& message) {
  Napi::Error error = Napi::Error::New(env, message);
  error.Set("code", Napi::String::New(env, code));
  return error;
}

Napi::Array logArray(Napi::Env env, std::vector<LogRecord> const& records) {
  Napi::Array log = Napi::Array::New(env, records.size());
  for (size_t i = 0; i < records.size(); ++i) {
    Napi::Object o = Napi::Object::New(env);
    o.Set("severity", Napi::Number::New(env, records[i].severity));
    o.Set("message", Napi::String::New(env, records[i].message));
    o.Set("foreign", Napi::Boolean::New(env, records[i].foreign));
    log.Set(static_cast<uint32_t>(i), o);
  }
  return log;
}

Napi::Error makeJsError(Napi::Env env, Failure const& failure) {
  Napi::Error error = makeJsError(env, failure.code, failure.message);
  if (!failure.parserErrors.empty()) {
    Napi::Array list = Napi::Array::New(env, failure.parserErrors.size());
    for (size_t i = 0; i < failure.parserErrors.size(); ++i) {
      ParserErrorInfo const& p = failure.parserErrors[i];
      Napi::Object o = Napi::Object::New(env);
      o.Set("code", Napi::Number::New(env, p.code));
      o.Set("codeName", Napi::String::New(env, p.codeName));
      o.Set("description", Napi::String::New(env, p.description));
      o.Set("node", Napi::Number::New(env, p.node));
      o.Set("nodeName", Napi::String::New(env, p.nodeName));
      o.Set("nodeOperator", Napi::String::New(env, p.nodeOperator));
      o.Set("file", Napi::String::New(env, p.file));
      o.Set("line", Napi::Number::New(env, p.line));
      o.Set("function", Napi::String::New(env, p.function));
      list.Set(static_cast<uint32_t>(i), o);
    }
    error.Set("parserErrors", list);
  }
  error.Set("log", logArray(env, failure.log));
  Napi::Array recorded = Napi::Array::New(env, failure.recorded.size());
  for (size_t i = 0; i < failure.recorded.size(); ++i) {
    Napi::Object o = Napi::Object::New(env);
    o.Set("code", Napi::Number::New(env, failure.recorded[i].code));
    o.Set("codeName", Napi::String::New(env, failure.recorded[i].codeName));
    o.Set("description", Napi::String::New(env, failure.recorded[i].description));
    recorded.Set(static_cast<uint32_t>(i), o);
  }
  error.Set("recordedErrors", recorded);
  return error;
}

Napi::Promise rejectedPromise(Napi::Env env, Napi::Error const& error) {
  Napi::Promise::Deferred deferred = Napi::Promise::Deferred::New(env);
  deferred.Reject(error.Value());
  return deferred.Promise();
}

}  // namespace trt_node
