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
#include "engine_core.h"

namespace trt_node {

class BoundIO {
 public:
  // JS thread. `held` keeps the memory of `feeds` and `outputs` alive; each is page-locked here where CUDA allows.
  BoundIO(int32_t profile, std::vector<HeldBytes> held, std::vector<HostTensor> feeds, std::vector<HostTensor> outputs)
      : profile_(profile), held_(std::move(held)), feeds_(std::move(feeds)), outputs_(std::move(outputs)) {
    for (std::vector<HostTensor>* tensors : {&feeds_, &outputs_}) {
      for (HostTensor& tensor : *tensors) {
        registrations_.push_back(std::make_unique<HostRegistration>(tensor.data, tensor.size));
        tensor.pinned = registrations_.back()->active();
      }
    }
  }
  BoundIO(BoundIO const&) = delete;
  BoundIO& operator=(BoundIO const&) = delete;

  int32_t profile() const noexcept { return profile_; }
  std::vector<HostTensor> const& feeds() const noexcept { return feeds_; }
  std::vector<HostTensor> const& outputs() const noexcept { return outputs_; }
  RunRequest request(bool timed) const noexcept { return RunRequest{&feeds_, &outputs_, timed}; }

 private:
  int32_t profile_;
  // Destroyed in reverse: the registrations end before the references to the memory go.
  std::vector<HeldBytes> held_;
  std::vector<HostTensor> feeds_;
  std::vector<HostTensor> outputs_;
  std::vector<std::unique_ptr<HostRegistration>> registrations_;
};

}  // namespace trt_node
