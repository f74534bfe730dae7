// The native side of an IOBinding (lib/trt/io-binding.ts): one set of feeds and outputs, fixed in shape, that runs
// read and write in place. It holds the arrays' JS memory for the binding's lifetime, and page-locks it where CUDA
// allows, so a run copies straight between that memory and the GPU: no per-run validation, staging copy or output
// allocation. A binding and its runs in flight share it; it goes on the JS thread (it holds references).
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "../common/held_bytes.h"
#include "cuda_resources.h"
#include "device.h"
#include "engine_core.h"

namespace trt_node {

class BoundIO {
 public:
  // JS thread. `held` keeps the memory of `feeds` and `outputs` alive; each is page-locked here where CUDA allows (on
  // the engine's device). Throws NativeError when that device cannot be used.
  BoundIO(EngineCore const& engine, int32_t profile, std::vector<HeldBytes> held, std::vector<HostTensor> feeds,
          std::vector<HostTensor> outputs)
      : engine_(engine.id()),
        device_(engine.device()),
        profile_(profile),
        held_(std::move(held)),
        feeds_(std::move(feeds)),
        outputs_(std::move(outputs)) {
    onDevice(device_, [this] {
      for (std::vector<HostTensor>* tensors : {&feeds_, &outputs_}) {
        for (HostTensor& tensor : *tensors) {
          registrations_.push_back(std::make_unique<HostRegistration>(tensor.data, tensor.size));
          tensor.pinned = registrations_.back()->active();
        }
      }
    });
  }
  ~BoundIO() {
    // Before the references to the memory go.
    onDeviceOrHere(device_, [this]() noexcept { registrations_.clear(); });
  }
  BoundIO(BoundIO const&) = delete;
  BoundIO& operator=(BoundIO const&) = delete;

  // The engine that bound it (EngineCore::id()).
  uint64_t engine() const noexcept { return engine_; }
  int32_t profile() const noexcept { return profile_; }
  std::vector<HostTensor> const& feeds() const noexcept { return feeds_; }
  std::vector<HostTensor> const& outputs() const noexcept { return outputs_; }
  RunRequest request(bool timed) const noexcept { return RunRequest{&feeds_, &outputs_, timed}; }
  // JS thread: every bound array's memory is still where it was bound (none was transferred away or resized).
  bool intact() const {
    for (HeldBytes const& h : held_) {
      if (!h.intact()) return false;
    }
    return true;
  }

 private:
  uint64_t engine_;
  int32_t device_;
  int32_t profile_;
  std::vector<HeldBytes> held_;
  std::vector<HostTensor> feeds_;
  std::vector<HostTensor> outputs_;
  std::vector<std::unique_ptr<HostRegistration>> registrations_;
};

}  // namespace trt_node
