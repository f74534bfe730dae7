#include "build_options.h"

#include <NvInferVersion.h>
#include <cuda_runtime_api.h>

#include <array>
#include <cmath>
#include <string>

#include "../common/native_error.h"

// The precision flags are deprecated from TensorRT 10.12 on (superseded by strong typing) and gone in 11.
#if defined(__GNUC__)
#define TRT_NODE_ALLOW_DEPRECATED_BEGIN \
  _Pragma("GCC diagnostic push") _Pragma("GCC diagnostic ignored \"-Wdeprecated-declarations\"")
#define TRT_NODE_ALLOW_DEPRECATED_END _Pragma("GCC diagnostic pop")
#elif defined(_MSC_VER)
#define TRT_NODE_ALLOW_DEPRECATED_BEGIN __pragma(warning(push)) __pragma(warning(disable : 4996))
#define TRT_NODE_ALLOW_DEPRECATED_END __pragma(warning(pop))
#else
#define TRT_NODE_ALLOW_DEPRECATED_BEGIN
#define TRT_NODE_ALLOW_DEPRECATED_END
#endif

namespace trt_node {

enum class SettingKind { kBoolean, kNumber, kChoice };

// One IBuilderConfig setting, by the name lib/trt/build-options.ts gives the option.
struct ConfigSetting {
  char const* name;
  SettingKind kind;
  // Sets it on the config: a boolean as 0/1, a number as is, a choice as its index in `choices`.
  void (*apply)(nvinfer1::IBuilderConfig& config, int64_t value);
  // kChoice: the names lib/trt/build-options.ts accepts, each at the index of TensorRT's enum value; nullptr ends.
  std::array<char const*, 4> choices;
};

namespace {

// A boolean option that sets (true) or clears (false) one BuilderFlag.
template <nvinfer1::BuilderFlag kFlag>
void builderFlag(nvinfer1::IBuilderConfig& config, int64_t on) {
  if (on != 0) {
    config.setFlag(kFlag);
  } else {
    config.clearFlag(kFlag);
  }
}

#if NV_TENSORRT_MAJOR < 11
TRT_NODE_ALLOW_DEPRECATED_BEGIN
constexpr nvinfer1::BuilderFlag kFP16 = nvinfer1::BuilderFlag::kFP16;
constexpr nvinfer1::BuilderFlag kBF16 = nvinfer1::BuilderFlag::kBF16;
constexpr nvinfer1::BuilderFlag kINT8 = nvinfer1::BuilderFlag::kINT8;
TRT_NODE_ALLOW_DEPRECATED_END
#else
// lib/trt/build-options.ts refuses these first on TensorRT 11; this is the backstop for direct callers of the addon.
void precisionGone(nvinfer1::IBuilderConfig&, int64_t on) {
  if (on != 0) {
    throw NativeError(codes::kUnsupportedOption,
                      "fp16/bf16/int8 builder flags do not exist in TensorRT " + std::to_string(NV_TENSORRT_MAJOR) +
                          ": networks are strongly typed; export the model in the precision you want");
  }
}
#endif

// The C++ half of BUILD_OPTIONS: every option whose descriptor says native: 'config'.
ConfigSetting const kSettings[] = {
    {"workspaceBytes", SettingKind::kNumber,
     [](nvinfer1::IBuilderConfig& c, int64_t v) {
       c.setMemoryPoolLimit(nvinfer1::MemoryPoolType::kWORKSPACE, static_cast<std::size_t>(v));
     },
     {}},
    {"optimizationLevel", SettingKind::kNumber,
     [](nvinfer1::IBuilderConfig& c, int64_t v) { c.setBuilderOptimizationLevel(static_cast<int32_t>(v)); }, {}},
#if NV_TENSORRT_MAJOR < 11
    {"fp16", SettingKind::kBoolean, &builderFlag<kFP16>, {}},
    {"bf16", SettingKind::kBoolean, &builderFlag<kBF16>, {}},
    {"int8", SettingKind::kBoolean, &builderFlag<kINT8>, {}},
#else
    {"fp16", SettingKind::kBoolean, &precisionGone, {}},
    {"bf16", SettingKind::kBoolean, &precisionGone, {}},
    {"int8", SettingKind::kBoolean, &precisionGone, {}},
#endif
    // On by default (TensorRT: "Enabled by default"); false builds float32 layers without TF32.
    {"tf32", SettingKind::kBoolean, &builderFlag<nvinfer1::BuilderFlag::kTF32>, {}},
    // The plan embeds the lean runtime and loads on later TensorRT versions (IRuntime::setEngineHostCodeAllowed).
    {"versionCompatible", SettingKind::kBoolean, &builderFlag<nvinfer1::BuilderFlag::kVERSION_COMPATIBLE>, {}},
    {"profilingVerbosity", SettingKind::kChoice,
     [](nvinfer1::IBuilderConfig& c, int64_t v) { c.setProfilingVerbosity(static_cast<nvinfer1::ProfilingVerbosity>(v)); },
     {"layer_names_only", "none", "detailed"}},  // kLAYER_NAMES_ONLY = 0, kNONE = 1, kDETAILED = 2
};

int64_t readSetting(Napi::Env env, ConfigSetting const& setting, Napi::Value value) {
  std::string const what = std::string("config.") + setting.name;
  switch (setting.kind) {
    case SettingKind::kBoolean:
      if (!value.IsBoolean()) throw Napi::TypeError::New(env, "Expected a boolean for " + what);
      return value.As<Napi::Boolean>().Value() ? 1 : 0;
    case SettingKind::kNumber: {
      if (!value.IsNumber()) throw Napi::TypeError::New(env, "Expected a number for " + what);
      // Checked before the cast: a negative, NaN or too large double cast to an integer is undefined behaviour.
      double const number = value.As<Napi::Number>().DoubleValue();
      if (!(number >= 0 && number <= 9007199254740992.0) || std::floor(number) != number) {
        throw Napi::RangeError::New(env, "Expected " + what + " to be a whole number, 0 to 2^53");
      }
      return static_cast<int64_t>(number);
    }
    case SettingKind::kChoice: {
      std::string const text = value.IsString() ? value.As<Napi::String>().Utf8Value() : std::string();
      for (std::size_t i = 0; i < setting.choices.size() && setting.choices[i] != nullptr; ++i) {
        if (value.IsString() && text == setting.choices[i]) return static_cast<int64_t>(i);
      }
      throw Napi::TypeError::New(env, "Expected one of the names lib/trt/build-options.ts gives for " + what);
    }
  }
  throw Napi::TypeError::New(env, "Unknown kind of builder setting " + what);
}

// The settings `config` gives, in table order. A name the table lacks means the two halves disagree: a TypeError.
std::vector<ConfigValue> readConfig(Napi::Env env, Napi::Value value) {
  std::vector<ConfigValue> out;
  if (value.IsUndefined()) return out;
  if (!value.IsObject()) throw Napi::TypeError::New(env, "Expected an object of builder settings for config");
  Napi::Object object = value.As<Napi::Object>();
  for (ConfigSetting const& setting : kSettings) {
    if (object.HasOwnProperty(setting.name)) out.push_back({&setting, readSetting(env, setting, object.Get(setting.name))});
  }
  Napi::Array names = object.GetPropertyNames();
  if (names.Length() != out.size()) {
    for (uint32_t i = 0; i < names.Length(); ++i) {
      std::string name = names.Get(i).ToString().Utf8Value();
      bool known = false;
      for (ConfigSetting const& setting : kSettings) known = known || name == setting.name;
      if (!known) {
        throw Napi::TypeError::New(env, "Unknown builder setting config." + name +
                                            " (lib/trt/build-options.ts and native/trt/build_options.cc disagree)");
      }
    }
  }
  return out;
}

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

  out.useTimingCache = readBool(options, "useTimingCache");
  Napi::Value cache = field(options, "timingCache");
  if (out.useTimingCache && !cache.IsUndefined() && !cache.IsNull()) {
    out.timingCache = HeldBytes::hold(cache, "timingCache");
  }

  out.stronglyTyped = readBool(options, "stronglyTyped");
  out.config = readConfig(env, field(options, "config"));
  if (out.stronglyTyped) {
    for (ConfigValue const& value : out.config) {
      std::string const name = value.setting->name;
      if (value.value != 0 && (name == "fp16" || name == "bf16" || name == "int8")) {
        throw Napi::RangeError::New(env, "Expected no precision flag with stronglyTyped: " + name +
                                             " was given, but a strongly typed network takes its precision from the model");
      }
    }
  }
  out.device = readDevice(options);

  Napi::Value mark = field(options, "markOutputs");
  if (!mark.IsUndefined() && !mark.IsNull()) {
    if (!mark.IsArray()) throw Napi::TypeError::New(env, "Expected an array of tensor names for markOutputs");
    Napi::Array names = mark.As<Napi::Array>();
    for (uint32_t i = 0; i < names.Length(); ++i) {
      Napi::Value name = names.Get(i);
      if (!name.IsString()) throw Napi::TypeError::New(env, "Expected an array of tensor names for markOutputs");
      out.markOutputs.push_back(name.As<Napi::String>().Utf8Value());
    }
  }

  Napi::Value logLevel = field(options, "logLevel");
  if (logLevel.IsNumber()) out.logLevel = logLevel.As<Napi::Number>().Int32Value();
  return out;
}

void applyConfig(std::vector<ConfigValue> const& values, nvinfer1::IBuilderConfig& config) {
  for (ConfigValue const& value : values) value.setting->apply(config, value.value);
}

}  // namespace trt_node
