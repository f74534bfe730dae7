// The stand-in's libnvinfer_builder_resource.so.<version>: libnvinfer loads it by soname when it builds (see
// builder.cc), which only works when the loader finds it; what it contains does not matter.
extern "C" int trt_node_standin_builder_resource() { return 1; }
