// The build options as C++ receives them: already validated and defaulted by lib/trt/build-options.ts, so reading
// them only checks types as a backstop (Napi::TypeError on a malformed object from a direct caller of the addon).
// The IBuilderConfig settings come by name in `config` and are applied by one table (build_options.cc), the C++
// half of lib/trt/build-options.ts BUILD_OPTIONS.
#pragma once

#include <NvInfer.h>
#include <napi.h>

#include <cstdint>
#include <string>
#include <vector>

#include "../common/held_bytes.h"

namespace trt_node {

struct ProfileInput {
  std::string name;
  std::vector<int64_t> min;
  std::vector<int64_t> opt;
  std::vector<int64_t> max;
};

// A row of the IBuilderConfig table (build_options.cc).
struct ConfigSetting;

// One IBuilderConfig setting as read on the JS thread: a boolean as 0/1, a number as is, a choice as its index.
struct ConfigValue {
  ConfigSetting const* setting;
  int64_t value;
};

struct BuildOptions {
  // Exactly one of modelPath / modelBytes is set. With bytes, modelPath may still name the model's file so that
  // external data files are found next to it.
  std::string modelPath;
  bool fromBytes = false;
  HeldBytes modelBytes;

  std::vector<std::vector<ProfileInput>> profiles;

  bool useTimingCache = false;
  HeldBytes timingCache;  // may be empty: start a new cache

  // NetworkDefinitionCreationFlag::kSTRONGLY_TYPED (TensorRT 10; TensorRT 11 networks always are).
  bool stronglyTyped = false;

  // The settings given, in table order; one left out keeps TensorRT's default.
  std::vector<ConfigValue> config;

  // ONNX tensor names to mark as network outputs after parsing (a layer-wise comparison's `markOutputs`). A name no
  // layer of the parsed network outputs is left unmarked: the engine's outputs say what was marked.
  std::vector<std::string> markOutputs;

  int32_t logLevel = -1;  // forward TensorRT messages up to this severity to onLog; -1: none
  int32_t device = 0;     // the CUDA device to build on
};

// JS thread. Backstops for direct callers of the addon: Napi::TypeError / RangeError on a malformed object, on values
// C++ cannot take as they are (a workspace that is no byte count: casting it would be undefined behaviour), and on
// precision flags with a strongly typed network (TensorRT fails such a build with a parameter check).
BuildOptions readBuildOptions(Napi::Object options);

// Worker thread: applies every setting read to `config` (NativeError for one this TensorRT cannot honour).
void applyConfig(std::vector<ConfigValue> const& values, nvinfer1::IBuilderConfig& config);

// JS thread: `options.device` (loadEngine and saveTimingCache read it too): 0 when absent; a Napi::RangeError unless it
// is a device the CUDA runtime sees.
int32_t readDevice(Napi::Object options);

}  // namespace trt_node
