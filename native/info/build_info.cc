#include "build_info.h"

#include "../common/build_config.h"

#if TRT_NODE_HAVE_TENSORRT
#include <NvInfer.h>
#include <NvInferVersion.h>

#include "../trt/tensorrt_library.h"
#endif

namespace trt_node {
namespace {

Napi::Array splitLines(Napi::Env env, char const* text) {
  Napi::Array list = Napi::Array::New(env);
  std::string all(text);
  uint32_t n = 0;
  size_t start = 0;
  while (start < all.size()) {
    size_t end = all.find('\n', start);
    if (end == std::string::npos) end = all.size();
    if (end > start) list.Set(n++, Napi::String::New(env, all.substr(start, end - start)));
    start = end + 1;
  }
  return list;
}

Napi::Value stringOrNull(Napi::Env env, char const* text) {
  if (text == nullptr || text[0] == '\0') return env.Null();
  return Napi::String::New(env, text);
}

}  // namespace

std::string tensorrtUnavailableMessage() {
  std::string reason = TRT_NODE_TENSORRT_REASON;
  return "TensorRT is not available: this trt-node addon was built without it" +
         (reason.empty() ? std::string() : " (" + reason + ")") +
         ". Point the build at TensorRT and rebuild: TENSORRT_ROOT=/path/to/TensorRT npm rebuild trt-node"
         " (in a clone of the trt-node repository: npm run build:addon)";
}

Napi::Value BuildInfo(Napi::CallbackInfo const& info) {
  Napi::Env env = info.Env();
  Napi::Object out = Napi::Object::New(env);
  out.Set("addonVersion", Napi::String::New(env, "0.1.0"));
  out.Set("napiVersion", Napi::Number::New(env, NAPI_VERSION));
  out.Set("buildSystem", Napi::String::New(env, TRT_NODE_BUILD_SYSTEM));
#if defined(__clang__)
  out.Set("compiler", Napi::String::New(env, std::string("clang ") + __clang_version__));
#elif defined(__GNUC__)
  out.Set("compiler", Napi::String::New(env, std::string("gcc ") + __VERSION__));
#elif defined(_MSC_VER)
  out.Set("compiler", Napi::String::New(env, "msvc " + std::to_string(_MSC_VER)));
#else
  out.Set("compiler", Napi::String::New(env, "unknown"));
#endif

  Napi::Object trt = Napi::Object::New(env);
  trt.Set("available", Napi::Boolean::New(env, TRT_NODE_HAVE_TENSORRT != 0));
#if TRT_NODE_HAVE_TENSORRT
  trt.Set("headerVersion", Napi::String::New(env, std::to_string(NV_TENSORRT_MAJOR) + "." +
                                                        std::to_string(NV_TENSORRT_MINOR) + "." +
                                                        std::to_string(NV_TENSORRT_PATCH)));
  trt.Set("headerMajor", Napi::Number::New(env, NV_TENSORRT_MAJOR));
#else
  trt.Set("headerVersion", env.Null());
  trt.Set("headerMajor", env.Null());
#endif
  trt.Set("includeDir", stringOrNull(env, TRT_NODE_TENSORRT_INCLUDE_DIR));
  trt.Set("libraries", splitLines(env, TRT_NODE_TENSORRT_LIBRARIES));
  trt.Set("searched", splitLines(env, TRT_NODE_TENSORRT_SEARCHED));
  trt.Set("reason", stringOrNull(env, TRT_NODE_TENSORRT_REASON));
  out.Set("tensorrt", trt);

  Napi::Object cuda = Napi::Object::New(env);
  cuda.Set("available", Napi::Boolean::New(env, TRT_NODE_HAVE_CUDA != 0));
  cuda.Set("version", stringOrNull(env, TRT_NODE_CUDA_VERSION));
  cuda.Set("includeDir", stringOrNull(env, TRT_NODE_CUDA_INCLUDE_DIR));
  cuda.Set("library", stringOrNull(env, TRT_NODE_CUDA_LIBRARY));
  cuda.Set("reason", stringOrNull(env, TRT_NODE_CUDA_REASON));
  out.Set("cuda", cuda);
  return out;
}

Napi::Value TensorRTVersion(Napi::CallbackInfo const& info) {
  Napi::Env env = info.Env();
#if TRT_NODE_HAVE_TENSORRT
  Napi::Object out = Napi::Object::New(env);
  out.Set("major", Napi::Number::New(env, getInferLibMajorVersion()));
  out.Set("minor", Napi::Number::New(env, getInferLibMinorVersion()));
  out.Set("patch", Napi::Number::New(env, getInferLibPatchVersion()));
  out.Set("build", Napi::Number::New(env, getInferLibBuildVersion()));
  out.Set("encoded", Napi::Number::New(env, getInferLibVersion()));
  // Which library this is loads nothing (unlike tensorrtRuntimeInfo(), which loads the plugin library and builder
  // resources): requireTensorRT() calls this on the JS thread.
  std::string const& standIn = tensorrtLibrary().standIn;
  out.Set("standIn", standIn.empty() ? env.Null() : Napi::Value(Napi::String::New(env, standIn)));
  return out;
#else
  return env.Null();
#endif
}

}  // namespace trt_node
