#include "build_options.h"

#include <cuda_runtime_api.h>

#include <cmath>
#include <string>

namespace trt_node {
namespace {

Napi::Value field(Napi::Object object, char const* name) { return object.Get(name); }

bool readBool(Napi::Object object, char const* name) {
  Napi::Value value = field(object, name);
  if (value.IsUndefined()) return false;
  if (!value.IsBoolean()) throw Napi::TypeError::New(object.Env(), std::string("Expected a boolean for ") + name);
  return value.As<Napi::Boolean>().Value();
}

std::vector<int64_t> readDims(Napi::Value value, std::string const& what) {
  if (!value.IsArray()) throw Napi::TypeError::New(value.Env(), "Expected an array of integers for " + what);
  Napi::Array array = value.As<Napi::Array>();
  std::vector<int64_t> dims;
  dims.reserve(array.Length());
  for (uint32_t i = 0; i < array.Length(); ++i) {
    Napi::Value d = array.Get(i);
    if (!d.IsNumber()) throw Napi::TypeError::New(value.Env(), "Expected an array of integers for " + what);
    dims.push_back(d.As<Napi::Number>().Int64Value());
  }
  return dims;
}

}  // namespace

int32_t readDevice(Napi::Object options) {
  Napi::Value value = options.Get("device");
  if (value.IsUndefined()) return 0;
  int count = 0;
  if (cudaGetDeviceCount(&count) != cudaSuccess) {
    cudaGetLastError();
    count = 0;
  }
  double device = value.IsNumber() ? value.As<Napi::Number>().DoubleValue() : -1;
  if (!(device >= 0 && device < count) || std::floor(device) != device) {
    throw Napi::RangeError::New(options.Env(), "Expected device to be a CUDA device number below " + std::to_string(count) +
                                                   " (the devices the CUDA runtime sees)");
  }
  return static_cast<int32_t>(device);
}

BuildOptions readBuildOptions(Napi::Object options) {
  Napi::Env env = options.Env();
  BuildOptions out;

  Napi::Value path = field(options, "modelPath");
  Napi::Value bytes = field(options, "modelBytes");
  if (path.IsString()) out.modelPath = path.As<Napi::String>().Utf8Value();
  if (!bytes.IsUndefined() && !bytes.IsNull()) {
    out.fromBytes = true;
    out.modelBytes = HeldBytes::hold(bytes, "modelBytes");
  } else if (out.modelPath.empty()) {
    throw Napi::TypeError::New(env, "Expected modelPath (string) or modelBytes (Buffer)");
  }

  Napi::Value profiles = field(options, "profiles");
  if (!profiles.IsArray()) throw Napi::TypeError::New(env, "Expected an array for profiles");
  Napi::Array profileArray = profiles.As<Napi::Array>();
  for (uint32_t p = 0; p < profileArray.Length(); ++p) {
    Napi::Value profile = profileArray.Get(p);
    if (!profile.IsArray()) throw Napi::TypeError::New(env, "Expected an array of inputs for each profile");
    Napi::Array inputs = profile.As<Napi::Array>();
    std::vector<ProfileInput> list;
    for (uint32_t i = 0; i < inputs.Length(); ++i) {
      Napi::Value entry = inputs.Get(i);
      if (!entry.IsObject()) throw Napi::TypeError::New(env, "Expected {name, min, opt, max} in profiles");
      Napi::Object o = entry.As<Napi::Object>();
      Napi::Value name = o.Get("name");
      if (!name.IsString()) throw Napi::TypeError::New(env, "Expected a string for a profile input's name");
      ProfileInput input;
      input.name = name.As<Napi::String>().Utf8Value();
      input.min = readDims(o.Get("min"), "profile " + std::to_string(p) + " input " + input.name + " min");
      input.opt = readDims(o.Get("opt"), "profile " + std::to_string(p) + " input " + input.name + " opt");
      input.max = readDims(o.Get("max"), "profile " + std::to_string(p) + " input " + input.name + " max");
      list.push_back(std::move(input));
    }
    out.profiles.push_back(std::move(list));
  }

  Napi::Value workspace = field(options, "workspaceBytes");
  if (workspace.IsNumber()) {
    // Checked before the cast: a negative, NaN or too large double cast to an integer is undefined behaviour.
    double bytes = workspace.As<Napi::Number>().DoubleValue();
    if (!(bytes >= 0 && bytes <= 9007199254740992.0) || std::floor(bytes) != bytes) {
      throw Napi::RangeError::New(env, "Expected workspaceBytes to be a whole number of bytes, 0 to 2^53");
    }
    out.hasWorkspaceBytes = true;
    out.workspaceBytes = static_cast<uint64_t>(bytes);
  }
  Napi::Value level = field(options, "optimizationLevel");
  if (level.IsNumber()) {
    out.hasOptimizationLevel = true;
    out.optimizationLevel = level.As<Napi::Number>().Int32Value();
  }

  out.useTimingCache = readBool(options, "useTimingCache");
  Napi::Value cache = field(options, "timingCache");
  if (out.useTimingCache && !cache.IsUndefined() && !cache.IsNull()) {
    out.timingCache = HeldBytes::hold(cache, "timingCache");
  }

  out.fp16 = readBool(options, "fp16");
  out.bf16 = readBool(options, "bf16");
  out.int8 = readBool(options, "int8");
  out.tf32 = field(options, "tf32").IsUndefined() ? true : readBool(options, "tf32");  // TensorRT's default: on
  out.stronglyTyped = readBool(options, "stronglyTyped");
  out.versionCompatible = readBool(options, "versionCompatible");
  if (out.stronglyTyped && (out.fp16 || out.bf16 || out.int8)) {
    char const* flag = out.fp16 ? "fp16" : out.bf16 ? "bf16" : "int8";
    throw Napi::RangeError::New(env, std::string("Expected no precision flag with stronglyTyped: ") + flag +
                                         " was given, but a strongly typed network takes its precision from the model");
  }
  out.device = readDevice(options);

  Napi::Value logLevel = field(options, "logLevel");
  if (logLevel.IsNumber()) out.logLevel = logLevel.As<Napi::Number>().Int32Value();
  return out;
}

}  // namespace trt_node
