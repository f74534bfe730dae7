// The build options as C++ receives them: already validated and defaulted by lib/trt/build-options.ts, so reading
// them only checks them as a backstop for direct callers of the addon.
#pragma once

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

struct BuildOptions {
  // Exactly one of modelPath / modelBytes is set. With bytes, modelPath may still name the model's file so that
  // external data files are found next to it.
  std::string modelPath;
  bool fromBytes = false;
  HeldBytes modelBytes;

  std::vector<std::vector<ProfileInput>> profiles;
  bool hasWorkspaceBytes = false;
  uint64_t workspaceBytes = 0;
  bool hasOptimizationLevel = false;
  int32_t optimizationLevel = 3;

  bool useTimingCache = false;
  HeldBytes timingCache;  // may be empty: start a new cache

  bool fp16 = false;
  bool bf16 = false;
  bool int8 = false;
  // BuilderFlag::kTF32 is on by default (TensorRT: "Enabled by default"); false clears it, so float32 layers are built
  // without TF32 and TF32 noise can be told from a real disagreement.
  bool tf32 = true;
  bool stronglyTyped = false;
  // BuilderFlag::kVERSION_COMPATIBLE: the plan embeds the lean runtime and loads on later TensorRT versions (with
  // IRuntime::setEngineHostCodeAllowed(true)).
  bool versionCompatible = false;

  int32_t logLevel = -1;  // forward TensorRT messages up to this severity to onLog; -1: none
  int32_t device = 0;     // the CUDA device to build on
};

// JS thread. Backstops for direct callers of the addon: Napi::TypeError / RangeError on a malformed object, on values
// C++ cannot take as they are (a workspace that is no byte count: casting it would be undefined behaviour), and on
// precision flags with a strongly typed network (TensorRT fails such a build with a parameter check).
BuildOptions readBuildOptions(Napi::Object options);

// JS thread: `options.device` (loadEngine and saveTimingCache read it too): 0 when absent; a Napi::RangeError unless it
// is a device the CUDA runtime sees.
int32_t readDevice(Napi::Object options);

}  // namespace trt_node
