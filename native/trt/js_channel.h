// Delivers events (log lines, build progress) from any thread to one JS callback through a ThreadSafeFunction.
// The payload is converted to JS values on the JS thread only.
#pragma once

#include <napi.h>

#include <functional>
#include <memory>
#include <mutex>
#include <string>

namespace trt_node {

class JsChannel {
 public:
  // Builds the JS arguments of one callback invocation; runs on the JS thread.
  using Deliver = std::function<void(Napi::Env env, Napi::Function callback)>;

  // Called on the JS thread when an event cannot be delivered because JS can no longer run there (the environment of
  // a terminated worker thread delivers the events still queued while it tears down).
  using Undeliverable = std::function<void()>;

  // JS thread only. `callback` must not throw (the TS layer wraps user callbacks).
  static std::shared_ptr<JsChannel> open(Napi::Env env, Napi::Function callback, char const* name,
                                         Undeliverable onUndeliverable = {});

  ~JsChannel();
  JsChannel(JsChannel const&) = delete;
  JsChannel& operator=(JsChannel const&) = delete;

  // Any thread. Dropped silently once closed (the operation has ended).
  void post(Deliver deliver);
  // Any thread, idempotent. Events already queued are still delivered.
  void close();

 private:
  struct Event;
  JsChannel() = default;
  std::mutex mutex_;
  bool open_ = false;
  Napi::ThreadSafeFunction tsfn_;
  Undeliverable onUndeliverable_;
};

}  // namespace trt_node
