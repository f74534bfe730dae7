// Numbers that can fail: the stand-in's emulation of reduced precision, and its seeded perturbation of a tensor.
//
// Reduced precision. TensorRT 10 builds a weakly typed network with BuilderFlag::kFP16 or kBF16 allowed to run layers
// in that type, storing their outputs in it; fp16 storage overflows to ±inf past 65504. The stand-in models the worst
// case of that permission: every float32 tensor the engine computes from its inputs is rounded to float16 (or
// bfloat16) right after the node that computes it, by rewriting the ONNX model onnxruntime runs so that each such
// node output goes through Cast(to=FLOAT16)→Cast(to=FLOAT). What it does not model: accumulation inside a layer (still
// float32 in onnxruntime), TensorRT's per-layer choice of precision (tactics; it may keep a layer in float32), fusions
// that skip a rounding between fused layers, the conversion of weights (initializers stay float32), and shape
// computations (tensors computed only from shapes and constants are left alone, as TensorRT computes them on the host).
//
// Perturbation. TRT_STANDIN_PERTURB="tensor=<name|random>,amount=<x>[,seed=<n>]" adds `amount` to every element of
// that tensor in every engine deserialized while it is set (a random one: a float32 tensor computed from the inputs,
// picked by `seed`, default TRT_STANDIN_SEED). Tests use it to prove that a check fails when an engine is wrong.
#pragma once

#include <NvInfer.h>

#include <cstdint>
#include <string>

namespace trt_standin {

enum class Precision { kFloat32, kFloat16, kBFloat16 };

char const* precisionName(Precision precision) noexcept;

// What a build asks for: kFloat16 when a weakly typed network is built with kFP16 (the narrower range, where both
// flags are set), kBFloat16 with kBF16 alone; kFloat32 otherwise (strongly typed networks compute in the model's own
// types, as onnxruntime does; TensorRT 11 has no precision flags).
Precision requestedPrecision(nvinfer1::INetworkDefinition const& network, nvinfer1::IBuilderConfig const& config) noexcept;

// The model rewritten so that every float32 tensor computed from the network inputs is rounded to `precision` after
// its node; `rounded` gets how many. Throws std::runtime_error when it cannot (bfloat16 casts need opset 13).
std::string emulatePrecision(std::string const& onnx, std::string const& modelDir, Precision precision, size_t& rounded);

// The model an engine built from `onnx` runs: with the precision the build asks for emulated, or unchanged. Says in the
// log what it did, or why it could not (the engine then computes in float32).
std::string modelForBuild(std::string const& onnx, std::string const& modelDir, nvinfer1::INetworkDefinition const& network,
                          nvinfer1::IBuilderConfig const& config);

// The model with TRT_STANDIN_PERTURB applied (unchanged when it is not set); `what` gets a description of what was
// done ("" when nothing). Throws std::runtime_error for a malformed setting or a tensor that cannot be perturbed.
std::string perturbFromEnvironment(std::string const& onnx, std::string const& modelDir, std::string& what);

}  // namespace trt_standin
