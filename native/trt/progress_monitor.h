// Build progress to JS (phase start/step/finish) and cancellation: stepComplete() returns false once the operation's
// AbortSignal has fired, which makes TensorRT stop the build early.
#pragma once

#include <NvInfer.h>

#include <atomic>
#include <memory>

#include "js_channel.h"

namespace trt_node {

class ProgressMonitor final : public nvinfer1::IProgressMonitor {
 public:
  // `channel` may be null (no progress callback); `cancelled` is shared with the JS-side cancel() function.
  ProgressMonitor(std::shared_ptr<JsChannel> channel, std::shared_ptr<std::atomic<bool>> cancelled);

  void phaseStart(char const* phaseName, char const* parentPhase, int32_t nbSteps) noexcept override;
  bool stepComplete(char const* phaseName, int32_t step) noexcept override;
  void phaseFinish(char const* phaseName) noexcept override;

 private:
  void post(char const* kind, char const* phase, char const* parent, int32_t step, int32_t steps) noexcept;
  std::shared_ptr<JsChannel> channel_;
  std::shared_ptr<std::atomic<bool>> cancelled_;
};

}  // namespace trt_node
