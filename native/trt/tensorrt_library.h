// The TensorRT libraries this process loaded, and the ones libnvinfer only finds at run time:
// - the standard plugin library (libnvinfer_plugin.so.<major>): TensorRT's ONNX parser builds some operators
//   (RoiAlign, DeformConv) from registry plugins, and plans built with plugins need their creators to deserialize. It
//   is loaded from libnvinfer's own folder and initLibNvInferPlugins is called once, before the first builder or
//   runtime, as trtexec does;
// - the builder resources (libnvinfer_builder_resource*.so*): libnvinfer dlopens them by soname when it builds, which
//   fails for pip and tar installs that are not on the loader's path. Loading them first by full path, RTLD_GLOBAL,
//   makes that later soname lookup find the loaded library.
// Both happen once per process (std::call_once): the loaded libraries are process-wide by nature. What was found is
// reported by tensorrtRuntimeInfo() (doctor prints it).
#pragma once

#include <napi.h>

#include <string>
#include <vector>

namespace trt_node {

struct TensorRTLibrary {
  std::string path;     // the libnvinfer this process uses, or "" when unknown
  std::string folder;   // its folder
  std::string standIn;  // the library's self-description when it is trt-node's test stand-in, else ""
};

struct PluginLibrary {
  bool loaded = false;
  std::string path;   // the file tried
  std::string error;  // why it is not loaded, or ""
};

struct BuilderResources {
  std::vector<std::string> loaded;  // full paths
  std::vector<std::string> errors;
};

TensorRTLibrary const& tensorrtLibrary();
// Loads and initialises the plugin library the first time; later calls return the first outcome.
PluginLibrary const& ensurePlugins();
BuilderResources const& ensureBuilderResources();

// Everything a builder or runtime needs loaded first. Any thread.
inline void prepareTensorRT() {
  ensurePlugins();
  ensureBuilderResources();
}

// tensorrtRuntimeInfo(): {library, folder, standIn, plugins: {loaded, path, error}, builderResources: {loaded, errors}}.
Napi::Value TensorRTRuntimeInfo(Napi::CallbackInfo const& info);

// probeBuilder(): creates a builder, a network and a builder config and destroys them: null when that works, else the
// reason (doctor uses it to prove a builder can be created here).
Napi::Value ProbeBuilder(Napi::CallbackInfo const& info);

}  // namespace trt_node
