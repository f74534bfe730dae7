#include "ort_model.h"

#include <onnxruntime_c_api.h>

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <cstdlib>
#include <mutex>
#include <stdexcept>

namespace trt_standin {
namespace {

constexpr int kOnnxFloat8E4M3FN = 17;  // TensorProto.FLOAT8E4M3FN (newer headers name it)

OrtApi const& api() {
  static OrtApi const* a = [] {
    OrtApi const* p = OrtGetApiBase()->GetApi(ORT_API_VERSION);
    if (p == nullptr) {
      throw std::runtime_error(std::string("onnxruntime ") + OrtGetApiBase()->GetVersionString() +
                               " does not provide C API version " + std::to_string(ORT_API_VERSION));
    }
    return p;
  }();
  return *a;
}

void check(OrtStatus* status, char const* call) {
  if (status == nullptr) return;
  std::string message = std::string(call) + ": " + api().GetErrorMessage(status);
  api().ReleaseStatus(status);
  throw std::runtime_error(message);
}

OrtEnv* env() {
  static OrtEnv* e = [] {
    OrtEnv* out = nullptr;
    check(api().CreateEnv(ORT_LOGGING_LEVEL_ERROR, "trt-node-standin", &out), "CreateEnv");
    return out;  // process-wide, deliberately never released (sessions may live until exit)
  }();
  return e;
}

bool toTrt(ONNXTensorElementDataType type, nvinfer1::DataType& out) {
  switch (static_cast<int>(type)) {
    case ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT: out = nvinfer1::DataType::kFLOAT; return true;
    case ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT16: out = nvinfer1::DataType::kHALF; return true;
    case ONNX_TENSOR_ELEMENT_DATA_TYPE_BFLOAT16: out = nvinfer1::DataType::kBF16; return true;
    case ONNX_TENSOR_ELEMENT_DATA_TYPE_INT8: out = nvinfer1::DataType::kINT8; return true;
    case ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT8: out = nvinfer1::DataType::kUINT8; return true;
    case ONNX_TENSOR_ELEMENT_DATA_TYPE_INT32: out = nvinfer1::DataType::kINT32; return true;
    case ONNX_TENSOR_ELEMENT_DATA_TYPE_INT64: out = nvinfer1::DataType::kINT64; return true;
    case ONNX_TENSOR_ELEMENT_DATA_TYPE_BOOL: out = nvinfer1::DataType::kBOOL; return true;
    case kOnnxFloat8E4M3FN: out = nvinfer1::DataType::kFP8; return true;
    default: return false;
  }
}

ONNXTensorElementDataType toOrt(nvinfer1::DataType type) {
  switch (type) {
    case nvinfer1::DataType::kFLOAT: return ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT;
    case nvinfer1::DataType::kHALF: return ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT16;
    case nvinfer1::DataType::kBF16: return ONNX_TENSOR_ELEMENT_DATA_TYPE_BFLOAT16;
    case nvinfer1::DataType::kINT8: return ONNX_TENSOR_ELEMENT_DATA_TYPE_INT8;
    case nvinfer1::DataType::kUINT8: return ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT8;
    case nvinfer1::DataType::kINT32: return ONNX_TENSOR_ELEMENT_DATA_TYPE_INT32;
    case nvinfer1::DataType::kINT64: return ONNX_TENSOR_ELEMENT_DATA_TYPE_INT64;
    case nvinfer1::DataType::kBOOL: return ONNX_TENSOR_ELEMENT_DATA_TYPE_BOOL;
    case nvinfer1::DataType::kFP8: return static_cast<ONNXTensorElementDataType>(kOnnxFloat8E4M3FN);
    default: return ONNX_TENSOR_ELEMENT_DATA_TYPE_UNDEFINED;
  }
}

template <class T, void (*Release)(T*)>
struct Releaser {
  void operator()(T* p) const noexcept {
    if (p != nullptr) Release(p);
  }
};

void releaseTypeInfo(OrtTypeInfo* p) { api().ReleaseTypeInfo(p); }
void releaseShapeInfo(OrtTensorTypeAndShapeInfo* p) { api().ReleaseTensorTypeAndShapeInfo(p); }
void releaseOptions(OrtSessionOptions* p) { api().ReleaseSessionOptions(p); }
void releaseMemoryInfo(OrtMemoryInfo* p) { api().ReleaseMemoryInfo(p); }
void releaseValue(OrtValue* p) { api().ReleaseValue(p); }
void releaseSession(OrtSession* p) { api().ReleaseSession(p); }
void releaseRunOptions(OrtRunOptions* p) { api().ReleaseRunOptions(p); }

using TypeInfoPtr = std::unique_ptr<OrtTypeInfo, Releaser<OrtTypeInfo, releaseTypeInfo>>;
using ShapeInfoPtr = std::unique_ptr<OrtTensorTypeAndShapeInfo, Releaser<OrtTensorTypeAndShapeInfo, releaseShapeInfo>>;
using OptionsPtr = std::unique_ptr<OrtSessionOptions, Releaser<OrtSessionOptions, releaseOptions>>;
using MemoryInfoPtr = std::unique_ptr<OrtMemoryInfo, Releaser<OrtMemoryInfo, releaseMemoryInfo>>;

TensorDesc describe(OrtSession* session, size_t index, bool input) {
  OrtAllocator* allocator = nullptr;
  check(api().GetAllocatorWithDefaultOptions(&allocator), "GetAllocatorWithDefaultOptions");
  char* name = nullptr;
  check(input ? api().SessionGetInputName(session, index, allocator, &name)
              : api().SessionGetOutputName(session, index, allocator, &name),
        "SessionGetInputName/SessionGetOutputName");
  TensorDesc desc;
  desc.name = name;
  check(api().AllocatorFree(allocator, name), "AllocatorFree");
  OrtTypeInfo* raw = nullptr;
  check(input ? api().SessionGetInputTypeInfo(session, index, &raw) : api().SessionGetOutputTypeInfo(session, index, &raw),
        "SessionGetInputTypeInfo/SessionGetOutputTypeInfo");
  TypeInfoPtr info(raw);
  OrtTensorTypeAndShapeInfo const* tensor = nullptr;
  check(api().CastTypeInfoToTensorInfo(info.get(), &tensor), "CastTypeInfoToTensorInfo");
  if (tensor == nullptr) throw std::runtime_error("\"" + desc.name + "\" is not a tensor (sequences and maps are not TensorRT IO)");
  ONNXTensorElementDataType type = ONNX_TENSOR_ELEMENT_DATA_TYPE_UNDEFINED;
  check(api().GetTensorElementType(tensor, &type), "GetTensorElementType");
  // onnx-tensorrt's convertDtype: "case ::ONNX_NAMESPACE::TensorProto::DOUBLE: *trt_dtype = nvinfer1::DataType::kFLOAT"
  // for network inputs and outputs alike (docs/operators.md: "TensorRT will attempt to cast DOUBLE down to FLOAT").
  if (type == ONNX_TENSOR_ELEMENT_DATA_TYPE_DOUBLE) {
    desc.type = nvinfer1::DataType::kFLOAT;
    desc.castFromDouble = true;
  } else if (!toTrt(type, desc.type)) {
    throw std::runtime_error("\"" + desc.name + "\" has ONNX element type " + std::to_string(static_cast<int>(type)) +
                             ", which TensorRT does not take as network IO");
  }
  size_t rank = 0;
  check(api().GetDimensionsCount(tensor, &rank), "GetDimensionsCount");
  desc.dims.resize(rank);
  if (rank > 0) check(api().GetDimensions(tensor, desc.dims.data(), rank), "GetDimensions");
  for (int64_t& d : desc.dims) {
    if (d < 0) d = -1;
  }
  return desc;
}

int ortThreads() {
  char const* v = std::getenv("TRT_STANDIN_ORT_THREADS");
  return v != nullptr ? std::atoi(v) : 1;
}

}  // namespace

// Its own table, not trt-node's native/trt/dtype.h: the stand-in must not share the code it tests.
size_t elementSize(nvinfer1::DataType type) noexcept {
  switch (type) {
    case nvinfer1::DataType::kINT64: return 8;
    case nvinfer1::DataType::kFLOAT:
    case nvinfer1::DataType::kINT32: return 4;
    case nvinfer1::DataType::kHALF:
    case nvinfer1::DataType::kBF16: return 2;
    case nvinfer1::DataType::kINT8:
    case nvinfer1::DataType::kUINT8:
    case nvinfer1::DataType::kBOOL:
    case nvinfer1::DataType::kFP8: return 1;
    default: return 0;
  }
}

char const* typeName(nvinfer1::DataType type) noexcept {
  switch (type) {
    case nvinfer1::DataType::kFLOAT: return "kFLOAT";
    case nvinfer1::DataType::kHALF: return "kHALF";
    case nvinfer1::DataType::kBF16: return "kBF16";
    case nvinfer1::DataType::kINT8: return "kINT8";
    case nvinfer1::DataType::kUINT8: return "kUINT8";
    case nvinfer1::DataType::kINT32: return "kINT32";
    case nvinfer1::DataType::kINT64: return "kINT64";
    case nvinfer1::DataType::kBOOL: return "kBOOL";
    case nvinfer1::DataType::kFP8: return "kFP8";
    default: return "other";
  }
}

namespace {

OptionsPtr sessionOptions(std::string const& modelDir) {
  OrtSessionOptions* rawOptions = nullptr;
  check(api().CreateSessionOptions(&rawOptions), "CreateSessionOptions");
  OptionsPtr options(rawOptions);
  check(api().SetIntraOpNumThreads(options.get(), ortThreads()), "SetIntraOpNumThreads");
  check(api().SetInterOpNumThreads(options.get(), 1), "SetInterOpNumThreads");
  if (!modelDir.empty()) {
    check(api().AddSessionConfigEntry(options.get(), "session.model_external_initializers_file_folder_path", modelDir.c_str()),
          "AddSessionConfigEntry");
  }
  return options;
}

}  // namespace

std::map<std::string, int> outputElementTypes(std::string const& bytes, std::string const& modelDir) {
  OptionsPtr options = sessionOptions(modelDir);
  check(api().SetSessionGraphOptimizationLevel(options.get(), ORT_DISABLE_ALL), "SetSessionGraphOptimizationLevel");
  OrtSession* raw = nullptr;
  check(api().CreateSessionFromArray(env(), bytes.data(), bytes.size(), options.get(), &raw), "onnxruntime CreateSessionFromArray");
  std::unique_ptr<OrtSession, Releaser<OrtSession, releaseSession>> session(raw);
  OrtAllocator* allocator = nullptr;
  check(api().GetAllocatorWithDefaultOptions(&allocator), "GetAllocatorWithDefaultOptions");
  size_t count = 0;
  check(api().SessionGetOutputCount(session.get(), &count), "SessionGetOutputCount");
  std::map<std::string, int> types;
  for (size_t i = 0; i < count; ++i) {
    char* name = nullptr;
    check(api().SessionGetOutputName(session.get(), i, allocator, &name), "SessionGetOutputName");
    std::string key = name;
    check(api().AllocatorFree(allocator, name), "AllocatorFree");
    OrtTypeInfo* rawInfo = nullptr;
    check(api().SessionGetOutputTypeInfo(session.get(), i, &rawInfo), "SessionGetOutputTypeInfo");
    TypeInfoPtr info(rawInfo);
    OrtTensorTypeAndShapeInfo const* tensor = nullptr;
    check(api().CastTypeInfoToTensorInfo(info.get(), &tensor), "CastTypeInfoToTensorInfo");
    ONNXTensorElementDataType type = ONNX_TENSOR_ELEMENT_DATA_TYPE_UNDEFINED;
    if (tensor != nullptr) check(api().GetTensorElementType(tensor, &type), "GetTensorElementType");
    types[key] = static_cast<int>(type);
  }
  return types;
}

std::shared_ptr<OrtModel> OrtModel::load(std::string const& bytes, std::string const& modelDir) {
  OptionsPtr options = sessionOptions(modelDir);
  std::shared_ptr<OrtModel> model(new OrtModel());
  check(api().CreateSessionFromArray(env(), bytes.data(), bytes.size(), options.get(), &model->session_),
        "onnxruntime CreateSessionFromArray");
  size_t count = 0;
  check(api().SessionGetInputCount(model->session_, &count), "SessionGetInputCount");
  for (size_t i = 0; i < count; ++i) model->inputs_.push_back(describe(model->session_, i, true));
  check(api().SessionGetOutputCount(model->session_, &count), "SessionGetOutputCount");
  for (size_t i = 0; i < count; ++i) model->outputs_.push_back(describe(model->session_, i, false));
  return model;
}

OrtModel::~OrtModel() {
  if (session_ != nullptr) api().ReleaseSession(session_);
}

std::vector<OrtModel::Output> OrtModel::run(std::vector<Input> const& inputs, bool quiet) const {
  OrtMemoryInfo* rawInfo = nullptr;
  check(api().CreateCpuMemoryInfo(OrtArenaAllocator, OrtMemTypeDefault, &rawInfo), "CreateCpuMemoryInfo");
  MemoryInfoPtr info(rawInfo);
  std::vector<std::unique_ptr<OrtValue, Releaser<OrtValue, releaseValue>>> values;
  std::vector<OrtValue const*> inputValues;
  std::vector<char const*> inputNames;
  std::vector<std::vector<double>> widened(inputs_.size());  // the float data of DOUBLE inputs, as the model takes it
  for (size_t i = 0; i < inputs_.size(); ++i) {
    size_t count = 1;
    for (int64_t d : inputs[i].dims) count *= static_cast<size_t>(d);
    OrtValue* value = nullptr;
    void* data = const_cast<void*>(inputs[i].data);
    size_t bytes = count * elementSize(inputs_[i].type);
    ONNXTensorElementDataType type = toOrt(inputs_[i].type);
    if (inputs_[i].castFromDouble) {
      auto const* from = static_cast<float const*>(inputs[i].data);
      widened[i].assign(from, from + count);
      data = widened[i].data();
      bytes = count * sizeof(double);
      type = ONNX_TENSOR_ELEMENT_DATA_TYPE_DOUBLE;
    }
    check(api().CreateTensorWithDataAsOrtValue(info.get(), data, bytes, inputs[i].dims.data(), inputs[i].dims.size(),
                                               type, &value),
          "CreateTensorWithDataAsOrtValue");
    values.emplace_back(value);
    inputValues.push_back(value);
    inputNames.push_back(inputs_[i].name.c_str());
  }
  std::vector<char const*> outputNames;
  for (TensorDesc const& o : outputs_) outputNames.push_back(o.name.c_str());
  std::vector<OrtValue*> results(outputs_.size(), nullptr);
  std::unique_ptr<OrtRunOptions, Releaser<OrtRunOptions, releaseRunOptions>> options;
  if (quiet) {
    OrtRunOptions* raw = nullptr;
    check(api().CreateRunOptions(&raw), "CreateRunOptions");
    options.reset(raw);
    check(api().RunOptionsSetRunLogSeverityLevel(raw, ORT_LOGGING_LEVEL_FATAL), "RunOptionsSetRunLogSeverityLevel");
  }
  check(api().Run(session_, options.get(), inputNames.data(), inputValues.data(), inputValues.size(), outputNames.data(),
                  outputNames.size(), results.data()),
        "onnxruntime Run");
  std::vector<Output> out(results.size());
  for (size_t i = 0; i < results.size(); ++i) out[i].value.reset(results[i], releaseValue);  // owned before anything can throw
  for (size_t i = 0; i < results.size(); ++i) {
    Output& o = out[i];
    OrtTensorTypeAndShapeInfo* rawShape = nullptr;
    check(api().GetTensorTypeAndShape(results[i], &rawShape), "GetTensorTypeAndShape");
    ShapeInfoPtr shape(rawShape);
    size_t rank = 0;
    check(api().GetDimensionsCount(shape.get(), &rank), "GetDimensionsCount");
    o.dims.resize(rank);
    if (rank > 0) check(api().GetDimensions(shape.get(), o.dims.data(), rank), "GetDimensions");
    size_t count = 1;
    for (int64_t d : o.dims) count *= static_cast<size_t>(d);
    o.bytes = count * elementSize(outputs_[i].type);
    void* data = nullptr;
    check(api().GetTensorMutableData(results[i], &data), "GetTensorMutableData");
    o.data = data;
    if (outputs_[i].castFromDouble) {
      // Cast down to FLOAT, "clamping values to +-FLT_MAX if necessary".
      auto const* from = static_cast<double const*>(data);
      o.narrowed = std::make_shared<std::vector<float>>(count);
      for (size_t k = 0; k < count; ++k) {
        double v = std::max(-static_cast<double>(FLT_MAX), std::min(static_cast<double>(FLT_MAX), from[k]));
        (*o.narrowed)[k] = std::isnan(from[k]) ? static_cast<float>(from[k]) : static_cast<float>(v);
      }
      o.data = o.narrowed->data();
    }
  }
  return out;
}

}  // namespace trt_standin
