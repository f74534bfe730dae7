// A caller that gets TensorRT's parser lifetime wrong on purpose: it destroys the ONNX parser and then builds the
// network the parser filled. onnx-tensorrt's parser owns the weights that network refers to (ImporterContext.hpp:
// "WeightsContext object to hold ownership of ONNX weights and any temporary weights created by the Parser"), so with
// TensorRT this build reads freed memory; the stand-in must abort naming the contract instead of building.
// test/native/standin-strict.test.ts runs it; it prints "built" (and exits 0) only if the stand-in let it through.
//
//   parser_lifetime <model.onnx>
#include <NvInfer.h>
#include <NvOnnxParser.h>

#include <cstdio>
#include <memory>

#include "probe_logger.h"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: parser_lifetime <model.onnx>\n");
    return 2;
  }
  ProbeLogger logger(nvinfer1::ILogger::Severity::kWARNING);
  std::unique_ptr<nvinfer1::IBuilder> builder(nvinfer1::createInferBuilder(logger));
  if (!builder) return 3;
  std::unique_ptr<nvinfer1::INetworkDefinition> network(builder->createNetworkV2(0));
  std::unique_ptr<nvinfer1::IBuilderConfig> config(builder->createBuilderConfig());
  std::unique_ptr<nvonnxparser::IParser> parser(nvonnxparser::createParser(*network, logger));
  if (!network || !config || !parser || !parser->parseFromFile(argv[1], static_cast<int>(nvinfer1::ILogger::Severity::kWARNING))) {
    std::fprintf(stderr, "parse failed\n");
    return 4;
  }
  parser.reset();  // the mistake: the parser (and the weights it owns) goes before the build
  std::unique_ptr<nvinfer1::IHostMemory> plan(builder->buildSerializedNetwork(*network, *config));
  std::printf("%s\n", plan ? "built" : "build failed");
  return plan ? 0 : 5;
}
