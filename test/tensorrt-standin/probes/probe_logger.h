// The logger the probes give TensorRT: messages at `threshold` or more severe go to stderr, where the tests read them.
#pragma once

#include <NvInfer.h>

#include <cstdio>

class ProbeLogger final : public nvinfer1::ILogger {
 public:
  explicit ProbeLogger(Severity threshold) : threshold_(threshold) {}
  void log(Severity severity, char const* msg) noexcept override {
    if (severity <= threshold_) std::fprintf(stderr, "%s\n", msg);
  }

 private:
  Severity threshold_;
};
