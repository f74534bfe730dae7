#include "logger.h"

#include <algorithm>
#include <cstdio>
#include <string>

namespace trt_node {
namespace {

// The sink of the operation running on this thread (set by LogHub::Scope).
thread_local LogSink* tCurrentSink = nullptr;

}  // namespace

LogSink::LogSink(int32_t forwardUpTo, std::shared_ptr<JsChannel> channel)
    : forwardUpTo_(forwardUpTo), channel_(std::move(channel)) {}

void LogSink::write(nvinfer1::ILogger::Severity severity, char const* message, bool foreign) {
  int32_t level = static_cast<int32_t>(severity);
  std::string text = message != nullptr ? message : "";
  if (level <= static_cast<int32_t>(nvinfer1::ILogger::Severity::kWARNING)) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (kept_.size() < kMaxKept) {
      kept_.push_back(LogRecord{level, text, foreign});
    } else {
      ++dropped_;
    }
  }
  if (channel_ && level <= forwardUpTo_) {
    channel_->post([level, text](Napi::Env env, Napi::Function callback) {
      callback.Call({Napi::Number::New(env, level), Napi::String::New(env, text)});
    });
  }
}

std::vector<LogRecord> LogSink::records() const {
  std::lock_guard<std::mutex> lock(mutex_);
  std::vector<LogRecord> out = kept_;
  if (dropped_ > 0) {
    out.push_back(LogRecord{static_cast<int32_t>(nvinfer1::ILogger::Severity::kWARNING),
                            "(" + std::to_string(dropped_) + " more warnings/errors not kept)"});
  }
  return out;
}

std::vector<LogRecord> LogSink::ownRecords() const {
  std::vector<LogRecord> out = records();
  out.erase(std::remove_if(out.begin(), out.end(), [](LogRecord const& r) { return r.foreign; }), out.end());
  return out;
}

std::string LogSink::lastError() const {
  std::lock_guard<std::mutex> lock(mutex_);
  for (auto it = kept_.rbegin(); it != kept_.rend(); ++it) {
    if (!it->foreign && it->severity <= static_cast<int32_t>(nvinfer1::ILogger::Severity::kERROR)) return it->message;
  }
  return "";
}

void LogSink::printErrors(char const* context) const noexcept {
  try {
    for (LogRecord const& r : records()) {
      if (r.severity <= static_cast<int32_t>(nvinfer1::ILogger::Severity::kERROR)) {
        std::fprintf(stderr, "trt-node: TensorRT error %s: %s\n", context, r.message.c_str());
      }
    }
  } catch (...) {
    // nothing more can be done for a log line
  }
}

LogHub& LogHub::instance() {
  // Deliberately leaked: TensorRT may call log() from its own threads until the process exits.
  static LogHub* hub = new LogHub();
  return *hub;
}

void LogHub::log(Severity severity, nvinfer1::AsciiChar const* message) noexcept {
  try {
    if (tCurrentSink != nullptr) {
      tCurrentSink->write(severity, message, false);
      return;
    }
    std::lock_guard<std::mutex> lock(mutex_);
    if (!attached_.empty()) {
      for (LogSink* sink : attached_) sink->write(severity, message, true);
      return;
    }
    // Nobody is listening (e.g. an engine being freed): keep errors visible rather than lose them.
    if (severity <= Severity::kERROR) std::fprintf(stderr, "trt-node: TensorRT: %s\n", message);
  } catch (...) {
    // A log line is never worth an exception inside TensorRT.
  }
}

void LogHub::attach(LogSink* sink) {
  std::lock_guard<std::mutex> lock(mutex_);
  attached_.push_back(sink);
}

void LogHub::detach(LogSink* sink) {
  std::lock_guard<std::mutex> lock(mutex_);
  attached_.erase(std::remove(attached_.begin(), attached_.end(), sink), attached_.end());
}

LogHub::Scope::Scope(LogSink& sink) : sink_(&sink), previous_(tCurrentSink) {
  LogHub::instance().attach(sink_);
  tCurrentSink = sink_;
}

LogHub::Scope::~Scope() {
  tCurrentSink = previous_;
  LogHub::instance().detach(sink_);
}

}  // namespace trt_node
