// The stand-in's libnvinfer_plugin: initLibNvInferPlugins registers the creators of the standard plugins the stand-in
// parser and runtime ask for (ROIAlign_TRT, ModulatedDeformConv2d), as TensorRT's plugin library registers its own.
#include <NvInferPlugin.h>

#include "diagnostics.h"
#include "standin.h"

extern "C" bool initLibNvInferPlugins(void* logger, char const* libNamespace) {
  trt_standin::useLogger(static_cast<nvinfer1::ILogger*>(logger));
  std::string ns = libNamespace != nullptr ? libNamespace : "";
  trt_standin::registerPluginCreator("ROIAlign_TRT/2");
  trt_standin::registerPluginCreator("ModulatedDeformConv2d/1");
  trt_standin::log(nvinfer1::ILogger::Severity::kINFO,
                   "plugin library initialised (namespace \"" + ns + "\"): ROIAlign_TRT 2, ModulatedDeformConv2d 1");
  return true;
}
