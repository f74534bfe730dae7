#include "js_channel.h"

namespace trt_node {

struct JsChannel::Event {
  Deliver deliver;
  Undeliverable onUndeliverable;
};

std::shared_ptr<JsChannel> JsChannel::open(Napi::Env env, Napi::Function callback, char const* name,
                                           Undeliverable onUndeliverable) {
  std::shared_ptr<JsChannel> channel(new JsChannel());
  channel->onUndeliverable_ = std::move(onUndeliverable);
  channel->tsfn_ = Napi::ThreadSafeFunction::New(env, callback, name, 0 /* unlimited queue */, 1 /* thread */);
  channel->open_ = true;
  return channel;
}

JsChannel::~JsChannel() { close(); }

void JsChannel::post(Deliver deliver) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (!open_) return;
  // The event carries the hook (a copy): the channel itself may be gone by the time it is delivered.
  auto* payload = new Event{std::move(deliver), onUndeliverable_};
  napi_status status = tsfn_.NonBlockingCall(payload, [](Napi::Env env, Napi::Function callback, Event* data) {
    std::unique_ptr<Event> owned(data);
    bool delivered = false;
    if (env != nullptr && callback != nullptr) {  // null while the environment tears down
      try {
        owned->deliver(env, callback);
        delivered = true;
      } catch (...) {
        // The call failed because JS can no longer run here. The event is dropped: an exception escaping this
        // callback would end the process (node-addon-api can only rethrow it, and there is no JS to throw into).
      }
    }
    if (!delivered && owned->onUndeliverable) owned->onUndeliverable();
  });
  if (status != napi_ok) delete payload;  // queue closing: the callback will never run
}

void JsChannel::close() {
  std::lock_guard<std::mutex> lock(mutex_);
  if (!open_) return;
  open_ = false;
  tsfn_.Release();
}

}  // namespace trt_node
