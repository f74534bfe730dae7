#pragma once

#include <napi.h>

#include <string>

namespace trt_node {

// buildInfo(): what this addon was compiled with (TensorRT/CUDA found or not, paths searched, reasons).
Napi::Value BuildInfo(Napi::CallbackInfo const& info);

// tensorrtVersion(): the libnvinfer loaded now ({major, minor, patch, build, encoded, standIn: the test stand-in's
// description of itself, else null}), or null without TensorRT. Loads nothing.
Napi::Value TensorRTVersion(Napi::CallbackInfo const& info);

// The sentence every TensorRT entry point of a build without TensorRT rejects with (the TS side words its own from
// buildInfo(); this is the backstop for callers of the raw addon).
std::string tensorrtUnavailableMessage();

}  // namespace trt_node
