#include "js_channel.h"

namespace trt_node {

std::shared_ptr<JsChannel> JsChannel::open(Napi::Env env, Napi::Function callback, char const* name) {
  std::shared_ptr<JsChannel> channel(new JsChannel());
  channel->tsfn_ = Napi::ThreadSafeFunction::New(env, callback, name, 0 /* unlimited queue */, 1 /* thread */);
  channel->open_ = true;
  return channel;
}

JsChannel::~JsChannel() { close(); }

void JsChannel::post(Deliver deliver) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (!open_) return;
  auto* payload = new Deliver(std::move(deliver));
  napi_status status = tsfn_.NonBlockingCall(payload, [](Napi::Env env, Napi::Function callback, Deliver* data) {
    std::unique_ptr<Deliver> owned(data);
    // env/callback are null while the environment tears down: then the event is dropped.
    if (env != nullptr && callback != nullptr) (*owned)(env, callback);
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
