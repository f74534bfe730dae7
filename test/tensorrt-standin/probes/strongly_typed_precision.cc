// A caller that sets a precision flag on a strongly typed network, past trt-node's own checks (lib/trt/build-options.ts
// and the addon's backstop in native/trt/build_options.cc refuse it before TensorRT sees it). TensorRT 10 refuses the
// build (NVIDIA/TensorRT#4253: "Parameter check failed, condition: !config.getFlag(BuilderFlag::kFP16)"); the stand-in
// must refuse it the same way. TensorRT 11 has no such flags: the probe then only builds. test/native/standin-strict.test.ts
// runs it; it prints "built" or "build failed" and the logged errors on stderr.
//
//   strongly_typed_precision <model.onnx>
#include <NvInfer.h>
#include <NvOnnxParser.h>

#include <cstdio>
#include <memory>

#include "probe_logger.h"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: strongly_typed_precision <model.onnx>\n");
    return 2;
  }
  ProbeLogger logger(nvinfer1::ILogger::Severity::kERROR);
  std::unique_ptr<nvinfer1::IBuilder> builder(nvinfer1::createInferBuilder(logger));
  if (!builder) return 3;
#if NV_TENSORRT_MAJOR < 11
  auto const flags = 1U << static_cast<uint32_t>(nvinfer1::NetworkDefinitionCreationFlag::kSTRONGLY_TYPED);
#else
  auto const flags = 0U;  // every TensorRT 11 network is strongly typed
#endif
  std::unique_ptr<nvinfer1::INetworkDefinition> network(builder->createNetworkV2(flags));
  std::unique_ptr<nvinfer1::IBuilderConfig> config(builder->createBuilderConfig());
  std::unique_ptr<nvonnxparser::IParser> parser(nvonnxparser::createParser(*network, logger));
  if (!network || !config || !parser || !parser->parseFromFile(argv[1], static_cast<int>(nvinfer1::ILogger::Severity::kWARNING))) {
    std::fprintf(stderr, "parse failed\n");
    return 4;
  }
#if NV_TENSORRT_MAJOR < 11
  config->setFlag(nvinfer1::BuilderFlag::kFP16);
#endif
  std::unique_ptr<nvinfer1::IHostMemory> plan(builder->buildSerializedNetwork(*network, *config));
  std::printf("%s\n", plan ? "built" : "build failed");
  return plan ? 0 : 5;
}
