// What the stand-in's runtime allows, observed through TensorRT's public API alone (it would run the same against
// TensorRT): output dims after setInputShape, and two execution contexts on one optimization profile running at once,
// each on its own stream. trt-node's addon keeps one context per profile, so the addon cannot show the second; this
// program can. Driven by test/native/standin-runtime.test.ts, which reads the JSON it prints.
//
//   trt_standin_runtime_test <plan> shapes     <input>=<d0>x<d1>... ...
//       one context: each output's dims before setInputShape, after it, and after a run
//   trt_standin_runtime_test <plan> concurrent <input>=<d0>x<d1>... ...
//       two contexts on profile 0: context A's stream is held by a gate that opens only when context B's run has
//       completed, so both are in use at once; says whether that happened and whether both computed the same outputs
#include <NvInfer.h>
#include <cuda_runtime_api.h>

#include <chrono>
#include <cmath>
#include <condition_variable>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

void check(bool ok, std::string const& what) {
  if (!ok) throw std::runtime_error(what + " failed");
}

void cuda(cudaError_t status, char const* what) {
  if (status != cudaSuccess) throw std::runtime_error(std::string(what) + ": " + cudaGetErrorName(status));
}

class Logger : public nvinfer1::ILogger {
 public:
  void log(Severity severity, nvinfer1::AsciiChar const* message) noexcept override {
    if (severity <= Severity::kERROR) std::fprintf(stderr, "TensorRT: %s\n", message);
  }
};

class Allocator : public nvinfer1::IOutputAllocator {
 public:
  ~Allocator() override {
    if (memory_ != nullptr) cudaFree(memory_);
  }
  void* reallocateOutputAsync(char const*, void*, uint64_t size, uint64_t, cudaStream_t stream) noexcept override {
    if (size <= bytes_) return memory_;
    // Stream-ordered: a synchronizing cudaMalloc here would wait for the other context's held stream.
    if (memory_ != nullptr && cudaFreeAsync(memory_, stream) != cudaSuccess) return nullptr;
    memory_ = nullptr;
    bytes_ = 0;
    if (cudaMallocAsync(&memory_, size, stream) != cudaSuccess) return nullptr;
    bytes_ = size;
    return memory_;
  }
  void notifyShape(char const*, nvinfer1::Dims const& dims) noexcept override {
    dims_ = dims;
    notified_ = true;
  }
  void* memory() const { return memory_; }
  bool notified() const { return notified_; }
  nvinfer1::Dims const& dims() const { return dims_; }

 private:
  void* memory_ = nullptr;
  uint64_t bytes_ = 0;
  nvinfer1::Dims dims_{};
  bool notified_ = false;
};

// What the tests feed and read: float32 inputs, float32 and int64 outputs.
size_t elementSize(nvinfer1::DataType type) {
  if (type == nvinfer1::DataType::kFLOAT || type == nvinfer1::DataType::kINT32) return 4;
  if (type == nvinfer1::DataType::kINT64) return 8;
  throw std::runtime_error("runtime_test reads float32, int32 and int64 tensors only");
}

int64_t volume(nvinfer1::Dims const& d) {
  int64_t n = 1;
  for (int32_t i = 0; i < d.nbDims; ++i) n *= d.d[i];
  return n;
}

std::string json(nvinfer1::Dims const& d) {
  std::string s = "[";
  for (int32_t i = 0; i < d.nbDims; ++i) s += (i ? "," : "") + std::to_string(d.d[i]);
  return s + "]";
}

struct Feed {
  std::string name;
  nvinfer1::Dims dims{};
};

Feed parseFeed(std::string const& text) {
  size_t eq = text.find('=');
  if (eq == std::string::npos) throw std::runtime_error("expected <input>=<d0>x<d1>..., got " + text);
  Feed f;
  f.name = text.substr(0, eq);
  std::string rest = text.substr(eq + 1);
  size_t start = 0;
  while (start <= rest.size()) {
    size_t end = rest.find('x', start);
    if (end == std::string::npos) end = rest.size();
    f.dims.d[f.dims.nbDims++] = std::stoll(rest.substr(start, end - start));
    start = end + 1;
  }
  return f;
}

// One execution context with its stream, input memory and output allocators.
struct Runner {
  nvinfer1::ICudaEngine& engine;
  std::unique_ptr<nvinfer1::IExecutionContext> context;
  cudaStream_t stream = nullptr;
  std::vector<void*> inputs;
  std::vector<std::unique_ptr<Allocator>> allocators;  // by IO tensor index (null for inputs)

  explicit Runner(nvinfer1::ICudaEngine& e) : engine(e), context(e.createExecutionContext()) {
    check(context != nullptr, "createExecutionContext");
    cuda(cudaStreamCreate(&stream), "cudaStreamCreate");
    check(context->setOptimizationProfileAsync(0, stream), "setOptimizationProfileAsync(0)");
    cuda(cudaStreamSynchronize(stream), "cudaStreamSynchronize");
    allocators.resize(static_cast<size_t>(engine.getNbIOTensors()));
  }
  ~Runner() {
    if (stream != nullptr) cudaStreamSynchronize(stream);
    context.reset();
    for (void* p : inputs) cudaFree(p);
    if (stream != nullptr) cudaStreamDestroy(stream);
  }

  std::string outputDims(bool afterRun) const {
    std::string s = "{";
    bool first = true;
    for (int32_t i = 0; i < engine.getNbIOTensors(); ++i) {
      char const* name = engine.getIOTensorName(i);
      if (engine.getTensorIOMode(name) != nvinfer1::TensorIOMode::kOUTPUT) continue;
      Allocator const* a = allocators[static_cast<size_t>(i)].get();
      nvinfer1::Dims d = afterRun && a->notified() ? a->dims() : context->getTensorShape(name);
      s += std::string(first ? "" : ",") + "\"" + name + "\":" + json(d);
      first = false;
    }
    return s + "}";
  }

  // Input shapes, input data (the same pattern in every runner), addresses and allocators.
  void prepare(std::vector<Feed> const& feeds) {
    for (Feed const& f : feeds) {
      check(context->setInputShape(f.name.c_str(), f.dims), "setInputShape(" + f.name + ")");
      size_t count = static_cast<size_t>(volume(f.dims));
      size_t bytes = count * elementSize(engine.getTensorDataType(f.name.c_str()));
      std::vector<uint8_t> host(bytes == 0 ? 1 : bytes, 0);
      if (engine.getTensorDataType(f.name.c_str()) == nvinfer1::DataType::kFLOAT) {
        auto* values = reinterpret_cast<float*>(host.data());
        for (size_t k = 0; k < count; ++k) values[k] = std::sin(static_cast<float>(k));
      }
      void* device = nullptr;
      cuda(cudaMalloc(&device, host.size()), "cudaMalloc");
      inputs.push_back(device);
      cuda(cudaMemcpy(device, host.data(), host.size(), cudaMemcpyHostToDevice), "cudaMemcpy");
      check(context->setTensorAddress(f.name.c_str(), device), "setTensorAddress(" + f.name + ")");
    }
    for (int32_t i = 0; i < engine.getNbIOTensors(); ++i) {
      char const* name = engine.getIOTensorName(i);
      if (engine.getTensorIOMode(name) != nvinfer1::TensorIOMode::kOUTPUT) continue;
      allocators[static_cast<size_t>(i)].reset(new Allocator());
      check(context->setOutputAllocator(name, allocators[static_cast<size_t>(i)].get()), std::string("setOutputAllocator(") + name + ")");
    }
  }

  // Every output's bytes after a finished run.
  std::vector<std::vector<uint8_t>> outputs() const {
    std::vector<std::vector<uint8_t>> out;
    for (int32_t i = 0; i < engine.getNbIOTensors(); ++i) {
      char const* name = engine.getIOTensorName(i);
      if (engine.getTensorIOMode(name) != nvinfer1::TensorIOMode::kOUTPUT) continue;
      Allocator const& a = *allocators[static_cast<size_t>(i)];
      nvinfer1::Dims d = a.notified() ? a.dims() : context->getTensorShape(name);
      std::vector<uint8_t> bytes(static_cast<size_t>(volume(d)) * elementSize(engine.getTensorDataType(name)));
      if (!bytes.empty()) cuda(cudaMemcpy(bytes.data(), a.memory(), bytes.size(), cudaMemcpyDeviceToHost), "cudaMemcpy");
      out.push_back(std::move(bytes));
    }
    return out;
  }
};

// A host function that holds a stream until another opens it (or a generous deadline passes: a deadlock then shows as
// "overlapped": false instead of a hang).
struct Gate {
  std::mutex mutex;
  std::condition_variable opened;
  bool open = false;
  bool timedOut = false;

  static void CUDART_CB wait(void* p) {
    Gate& g = *static_cast<Gate*>(p);
    std::unique_lock<std::mutex> lock(g.mutex);
    if (!g.opened.wait_for(lock, std::chrono::seconds(30), [&] { return g.open; })) g.timedOut = true;
  }
  static void CUDART_CB release(void* p) {
    Gate& g = *static_cast<Gate*>(p);
    std::lock_guard<std::mutex> lock(g.mutex);
    g.open = true;
    g.opened.notify_all();
  }
};

std::string shapes(nvinfer1::ICudaEngine& engine, std::vector<Feed> const& feeds) {
  Runner r(engine);
  std::string before = r.outputDims(false);
  r.prepare(feeds);
  std::string after = r.outputDims(false);
  check(r.context->enqueueV3(r.stream), "enqueueV3");
  cuda(cudaStreamSynchronize(r.stream), "cudaStreamSynchronize");
  return "{\"before\":" + before + ",\"after\":" + after + ",\"ran\":" + r.outputDims(true) + "}";
}

std::string concurrent(nvinfer1::ICudaEngine& engine, std::vector<Feed> const& feeds) {
  Runner a(engine);
  Runner b(engine);
  for (Runner* r : {&a, &b}) {
    r->prepare(feeds);
    // A first run each: output memory and the stand-in's staging exist before the overlapping runs.
    check(r->context->enqueueV3(r->stream), "enqueueV3 (first run)");
    cuda(cudaStreamSynchronize(r->stream), "cudaStreamSynchronize");
  }
  Gate gate;
  cuda(cudaLaunchHostFunc(a.stream, Gate::wait, &gate), "cudaLaunchHostFunc");
  bool enqueuedA = a.context->enqueueV3(a.stream);
  bool enqueuedB = b.context->enqueueV3(b.stream);
  cuda(cudaLaunchHostFunc(b.stream, Gate::release, &gate), "cudaLaunchHostFunc");
  cuda(cudaStreamSynchronize(b.stream), "cudaStreamSynchronize");
  cuda(cudaStreamSynchronize(a.stream), "cudaStreamSynchronize");
  bool same = a.outputs() == b.outputs();
  return std::string("{\"profiles\":[") + std::to_string(a.context->getOptimizationProfile()) + "," +
         std::to_string(b.context->getOptimizationProfile()) + "],\"enqueued\":[" + (enqueuedA ? "true" : "false") + "," +
         (enqueuedB ? "true" : "false") + "],\"overlapped\":" + (gate.timedOut ? "false" : "true") +
         ",\"same\":" + (same ? "true" : "false") + ",\"dims\":" + a.outputDims(true) + "}";
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: %s <plan> shapes|concurrent <input>=<d0>x<d1>... ...\n", argv[0]);
    return 2;
  }
  try {
    std::ifstream file(argv[1], std::ios::binary);
    std::vector<char> plan((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
    check(!plan.empty(), std::string("reading ") + argv[1]);
    std::vector<Feed> feeds;
    for (int i = 3; i < argc; ++i) feeds.push_back(parseFeed(argv[i]));
    Logger logger;
    std::unique_ptr<nvinfer1::IRuntime> runtime(nvinfer1::createInferRuntime(logger));
    check(runtime != nullptr, "createInferRuntime");
    std::unique_ptr<nvinfer1::ICudaEngine> engine(runtime->deserializeCudaEngine(plan.data(), plan.size()));
    check(engine != nullptr, "deserializeCudaEngine");
    std::string mode = argv[2];
    std::string out;
    if (mode == "shapes") out = shapes(*engine, feeds);
    else if (mode == "concurrent") out = concurrent(*engine, feeds);
    else throw std::runtime_error("unknown mode " + mode);
    std::printf("%s\n", out.c_str());
    return 0;
  } catch (std::exception const& e) {
    std::fprintf(stderr, "trt_standin_runtime_test: %s\n", e.what());
    return 1;
  }
}
