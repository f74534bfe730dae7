#include "tensorrt_library.h"

#include <NvInfer.h>
#include <NvInferVersion.h>
#include <dirent.h>
#include <dlfcn.h>

#include <algorithm>
#include <mutex>

#include "logger.h"
#include "trt_ptr.h"

namespace trt_node {
namespace {

std::string dlError() {
  char const* e = dlerror();
  return e != nullptr ? e : "unknown dynamic loader error";
}

TensorRTLibrary findLibrary() {
  TensorRTLibrary out;
  Dl_info info{};
  if (dladdr(reinterpret_cast<void*>(&getInferLibVersion), &info) == 0 || info.dli_fname == nullptr) return out;
  out.path = info.dli_fname;
  size_t slash = out.path.find_last_of('/');
  out.folder = slash == std::string::npos ? "." : out.path.substr(0, slash);
  // trt-node's test stand-in (test/tensorrt-standin) says what it is through this symbol; TensorRT has no such symbol.
  if (void* handle = dlopen(out.path.c_str(), RTLD_LAZY | RTLD_NOLOAD)) {
    using Identity = char const* (*)();
    auto identity = reinterpret_cast<Identity>(dlsym(handle, "trt_node_standin_identity"));
    if (identity != nullptr && identity() != nullptr) out.standIn = identity();
    dlclose(handle);
  }
  return out;
}

}  // namespace

TensorRTLibrary const& tensorrtLibrary() {
  static TensorRTLibrary const library = findLibrary();
  return library;
}

PluginLibrary const& ensurePlugins() {
  static PluginLibrary result;
  static std::once_flag once;
  std::call_once(once, [] {
    TensorRTLibrary const& lib = tensorrtLibrary();
    result.path = (lib.folder.empty() ? std::string() : lib.folder + "/") + "libnvinfer_plugin.so." +
                  std::to_string(NV_TENSORRT_MAJOR);
    // Kept loaded for the life of the process: registered creators point into it.
    void* handle = dlopen(result.path.c_str(), RTLD_NOW | RTLD_GLOBAL);
    if (handle == nullptr) {
      result.error = dlError();
      return;
    }
    using Init = bool (*)(void*, char const*);
    auto init = reinterpret_cast<Init>(dlsym(handle, "initLibNvInferPlugins"));
    if (init == nullptr) {
      result.error = result.path + " has no initLibNvInferPlugins";
      return;
    }
    nvinfer1::ILogger* logger = &LogHub::instance();
    if (!init(logger, "")) {
      result.error = "initLibNvInferPlugins returned false";
      return;
    }
    result.loaded = true;
  });
  return result;
}

BuilderResources const& ensureBuilderResources() {
  static BuilderResources result;
  static std::once_flag once;
  std::call_once(once, [] {
    std::string folder = tensorrtLibrary().folder;
    if (folder.empty()) return;
    DIR* dir = opendir(folder.c_str());
    if (dir == nullptr) {
      result.errors.push_back("cannot list " + folder);
      return;
    }
    std::vector<std::string> names;
    while (dirent* entry = readdir(dir)) {
      std::string name = entry->d_name;
      if (name.rfind("libnvinfer_builder_resource", 0) == 0 && name.find(".so") != std::string::npos) names.push_back(name);
    }
    closedir(dir);
    std::sort(names.begin(), names.end());
    for (std::string const& name : names) {
      std::string path = folder + "/" + name;
      // RTLD_GLOBAL and kept for the life of the process: libnvinfer's later dlopen by soname finds this object.
      if (dlopen(path.c_str(), RTLD_NOW | RTLD_GLOBAL) != nullptr) {
        result.loaded.push_back(path);
      } else {
        result.errors.push_back(dlError());
      }
    }
  });
  return result;
}

Napi::Value TensorRTRuntimeInfo(Napi::CallbackInfo const& info) {
  Napi::Env env = info.Env();
  prepareTensorRT();
  TensorRTLibrary const& lib = tensorrtLibrary();
  PluginLibrary const& plugins = ensurePlugins();
  BuilderResources const& resources = ensureBuilderResources();
  auto strings = [env](std::vector<std::string> const& list) {
    Napi::Array out = Napi::Array::New(env, list.size());
    for (size_t i = 0; i < list.size(); ++i) out.Set(static_cast<uint32_t>(i), Napi::String::New(env, list[i]));
    return out;
  };
  auto orNull = [env](std::string const& s) { return s.empty() ? env.Null() : Napi::Value(Napi::String::New(env, s)); };
  Napi::Object out = Napi::Object::New(env);
  out.Set("library", orNull(lib.path));
  out.Set("folder", orNull(lib.folder));
  out.Set("standIn", orNull(lib.standIn));
  Napi::Object p = Napi::Object::New(env);
  p.Set("loaded", Napi::Boolean::New(env, plugins.loaded));
  p.Set("path", orNull(plugins.path));
  p.Set("error", orNull(plugins.error));
  out.Set("plugins", p);
  Napi::Object r = Napi::Object::New(env);
  r.Set("loaded", strings(resources.loaded));
  r.Set("errors", strings(resources.errors));
  out.Set("builderResources", r);
  return out;
}

Napi::Value ProbeBuilder(Napi::CallbackInfo const& info) {
  Napi::Env env = info.Env();
  prepareTensorRT();
  LogSink sink(-1, nullptr);
  LogHub::Scope scope(sink);
  BuilderPtr builder(nvinfer1::createInferBuilder(LogHub::instance()));
  if (!builder) {
    std::string detail = sink.lastError();
    return Napi::String::New(env, "nvinfer1::createInferBuilder returned null" + (detail.empty() ? "" : ": " + detail));
  }
  NetworkPtr network(builder->createNetworkV2(0));
  BuilderConfigPtr config(builder->createBuilderConfig());
  if (!network || !config) return Napi::String::New(env, "IBuilder::createNetworkV2/createBuilderConfig returned null");
  return env.Null();
}

}  // namespace trt_node
