// Owning pointers for TensorRT objects. TensorRT 10+ objects are released with `delete` (destroy() is gone).
// Declare them in creation order: members and locals are destroyed in reverse, which is the order TensorRT
// requires (parser before network, contexts before engine, engine before runtime).
#pragma once

#include <NvInfer.h>
#include <NvOnnxParser.h>

#include <memory>

namespace trt_node {

struct TrtDeleter {
  template <class T>
  void operator()(T* object) const noexcept {
    delete object;
  }
};

template <class T>
using TrtPtr = std::unique_ptr<T, TrtDeleter>;

using BuilderPtr = TrtPtr<nvinfer1::IBuilder>;
using NetworkPtr = TrtPtr<nvinfer1::INetworkDefinition>;
using BuilderConfigPtr = TrtPtr<nvinfer1::IBuilderConfig>;
using ParserPtr = TrtPtr<nvonnxparser::IParser>;
using RuntimePtr = TrtPtr<nvinfer1::IRuntime>;
using EnginePtr = TrtPtr<nvinfer1::ICudaEngine>;
using ContextPtr = TrtPtr<nvinfer1::IExecutionContext>;
using TimingCachePtr = TrtPtr<nvinfer1::ITimingCache>;
using HostMemoryPtr = TrtPtr<nvinfer1::IHostMemory>;

}  // namespace trt_node
