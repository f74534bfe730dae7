#include "progress_monitor.h"

#include <string>

namespace trt_node {

ProgressMonitor::ProgressMonitor(std::shared_ptr<JsChannel> channel, std::shared_ptr<std::atomic<bool>> cancelled)
    : channel_(std::move(channel)), cancelled_(std::move(cancelled)) {}

void ProgressMonitor::post(char const* kind, char const* phase, char const* parent, int32_t step,
                           int32_t steps) noexcept {
  if (!channel_) return;
  try {
    std::string k = kind;
    std::string p = phase != nullptr ? phase : "";
    bool hasParent = parent != nullptr;
    std::string pp = hasParent ? parent : "";
    channel_->post([k, p, hasParent, pp, step, steps](Napi::Env env, Napi::Function callback) {
      Napi::Object event = Napi::Object::New(env);
      event.Set("kind", Napi::String::New(env, k));
      event.Set("phase", Napi::String::New(env, p));
      event.Set("parent", hasParent ? Napi::Value(Napi::String::New(env, pp)) : env.Null());
      event.Set("step", Napi::Number::New(env, step));
      event.Set("steps", Napi::Number::New(env, steps));
      callback.Call({event});
    });
  } catch (...) {
    // Progress is best effort: never let it break the build.
  }
}

void ProgressMonitor::phaseStart(char const* phaseName, char const* parentPhase, int32_t nbSteps) noexcept {
  post("start", phaseName, parentPhase, 0, nbSteps);
}

bool ProgressMonitor::stepComplete(char const* phaseName, int32_t step) noexcept {
  post("step", phaseName, nullptr, step, 0);
  return !cancelled_->load();
}

void ProgressMonitor::phaseFinish(char const* phaseName) noexcept { post("finish", phaseName, nullptr, 0, 0); }

}  // namespace trt_node
