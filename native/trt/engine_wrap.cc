#include "engine_wrap.h"

#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "../common/array_buffers.h"
#include "../common/napi_error.h"
#include "build_options.h"
#include "dtype.h"
#include "promise_worker.h"
#include "run_delivery.h"

namespace trt_node {
namespace {

// Per-environment state (no process globals): the Engine constructor, for creating instances from OnOK, and the
// engine a LoadWorker hands to it. Nothing from JS reaches the constructor's core: `new NativeEngine(...)` finds no
// pending engine and throws, and the core has one owner at every moment (the load job, then the wrap).
struct EngineClassData {
  Napi::FunctionReference constructor;
  std::unique_ptr<EngineCore> pending;
};

Napi::Array dimsArray(Napi::Env env, std::vector<int64_t> const& dims) {
  Napi::Array out = Napi::Array::New(env, dims.size());
  for (size_t i = 0; i < dims.size(); ++i) out.Set(static_cast<uint32_t>(i), Napi::Number::New(env, static_cast<double>(dims[i])));
  return out;
}

class LoadWorker final : public PromiseWorker {
 public:
  LoadWorker(Napi::Env env, HeldBytes plan, LoadOptions options, int32_t logLevel, std::shared_ptr<JsChannel> logChannel)
      : PromiseWorker(env, "trt-node:loadEngine", codes::kEngine, logLevel, std::move(logChannel)),
        plan_(std::move(plan)),
        options_(options) {}

 private:
  void work() override { core_ = EngineCore::load(plan_, options_); }

  Napi::Value result(Napi::Env env) override {
    EngineClassData* data = env.GetInstanceData<EngineClassData>();
    data->pending = std::move(core_);
    // A constructor that fails before taking the engine leaves it pending: it is freed here, once.
    struct Unclaimed {
      std::unique_ptr<EngineCore>& pending;
      ~Unclaimed() { pending.reset(); }
    } unclaimed{data->pending};
    return data->constructor.New({});
  }

  HeldBytes plan_;
  LoadOptions options_;
  std::unique_ptr<EngineCore> core_;
};

}  // namespace

Napi::Function EngineWrap::define(Napi::Env env) {
  Napi::Function ctor = DefineClass(env, "NativeEngine",
                                    {
                                        InstanceMethod<&EngineWrap::Info>("info"),
                                        InstanceMethod<&EngineWrap::Run>("run"),
                                        InstanceMethod<&EngineWrap::Bind>("bind"),
                                        InstanceMethod<&EngineWrap::RunBound>("runBound"),
                                        InstanceMethod<&EngineWrap::Unbind>("unbind"),
                                        InstanceMethod<&EngineWrap::Poll>("poll"),
                                        InstanceMethod<&EngineWrap::Dispose>("dispose"),
                                        InstanceAccessor<&EngineWrap::Disposed>("disposed"),
                                    });
  auto* data = new EngineClassData();
  data->constructor = Napi::Persistent(ctor);
  env.SetInstanceData<EngineClassData>(data);
  return ctor;
}

EngineWrap::EngineWrap(Napi::CallbackInfo const& info) : Napi::ObjectWrap<EngineWrap>(info) {
  EngineClassData* data = info.Env().GetInstanceData<EngineClassData>();
  if (info.Length() != 0 || !data->pending) {
    throw Napi::TypeError::New(info.Env(), "NativeEngine cannot be constructed directly: use loadEngine(plan)");
  }
  delivery_ = RunDelivery::open(info.Env());  // may throw: the engine is still the load job's then
  core_ = std::move(data->pending);
}

EngineWrap::~EngineWrap() {
  if (delivery_) delivery_->close();
}

std::shared_ptr<EngineCore> EngineWrap::requireCore(Napi::Env env) const {
  if (!core_) throw makeJsError(env, codes::kDisposed, "this engine was disposed; load it again to use it");
  return core_;
}

Napi::Value EngineWrap::Info(Napi::CallbackInfo const& info) {
  Napi::Env env = info.Env();
  std::shared_ptr<EngineCore> core = requireCore(env);
  Napi::Object out = Napi::Object::New(env);
  out.Set("profileCount", Napi::Number::New(env, core->profileCount()));
  out.Set("device", Napi::Number::New(env, core->device()));
  out.Set("contexts", Napi::Number::New(env, core->contexts()));
  out.Set("cudaGraph", Napi::Boolean::New(env, core->cudaGraph()));
  out.Set("deviceMemoryBytes", Napi::Number::New(env, static_cast<double>(core->deviceMemoryBytes())));
  out.Set("library", Napi::String::New(env, core->library()));
  out.Set("name", Napi::String::New(env, core->name()));
  std::vector<TensorInfo> const& tensors = core->tensors();
  Napi::Array list = Napi::Array::New(env, tensors.size());
  for (size_t i = 0; i < tensors.size(); ++i) {
    TensorInfo const& t = tensors[i];
    Napi::Object o = Napi::Object::New(env);
    o.Set("name", Napi::String::New(env, t.name));
    o.Set("mode", Napi::String::New(env, t.isInput ? "input" : "output"));
    o.Set("type", Napi::String::New(env, dataTypeName(t.type)));
    o.Set("dims", dimsArray(env, t.dims));
    o.Set("location", Napi::String::New(env, t.onHost ? "host" : "device"));
    Napi::Array profiles = Napi::Array::New(env, t.profiles.size());
    for (size_t p = 0; p < t.profiles.size(); ++p) {
      Napi::Object shape = Napi::Object::New(env);
      shape.Set("min", dimsArray(env, t.profiles[p].min));
      shape.Set("opt", dimsArray(env, t.profiles[p].opt));
      shape.Set("max", dimsArray(env, t.profiles[p].max));
      profiles.Set(static_cast<uint32_t>(p), shape);
    }
    o.Set("profiles", profiles);
    list.Set(static_cast<uint32_t>(i), o);
  }
  out.Set("tensors", list);
  return out;
}

namespace {

// The feeds of run() and bind(): one data view per engine input in input order, their dims one after the other.
// Shapes were checked in TS.
RunIO heldFeeds(Napi::Env env, EngineCore const& core, Napi::Array data, Napi::Array dims) {
  RunIO io;
  io.held.reserve(data.Length());
  io.feeds.reserve(data.Length());
  uint32_t d = 0;
  for (TensorInfo const& tensor : core.tensors()) {
    if (!tensor.isInput || io.feeds.size() >= data.Length()) continue;
    io.held.push_back(HeldBytes::hold(data.Get(static_cast<uint32_t>(io.feeds.size())), "feed data"));
    HostTensor feed;
    // Feeds are only read (cudaMemcpy sources); HostTensor serves outputs too.
    feed.data = const_cast<uint8_t*>(io.held.back().data());
    feed.size = io.held.back().size();
    feed.dims.resize(tensor.dims.size());
    for (int64_t& v : feed.dims) {
      if (d >= dims.Length()) throw Napi::TypeError::New(env, "Expected the feeds' dims one after the other");
      v = dims.Get(d++).As<Napi::Number>().Int64Value();
    }
    io.feeds.push_back(std::move(feed));
  }
  return io;
}

// An IOBinding's output memory: page-aligned and a whole number of pages, so that registering it page-locks no other
// memory and no other registration overlaps it (cudaHostRegister works on whole pages). Where external buffers are
// not allowed (a V8 sandbox, as in Electron), a plain ArrayBuffer: it may then stay pageable.
Napi::ArrayBuffer pageAlignedArrayBuffer(Napi::Env env, size_t bytes) {
  constexpr size_t kPage = 4096;
  size_t rounded = bytes == 0 ? kPage : (bytes + kPage - 1) / kPage * kPage;
  void* memory = std::aligned_alloc(kPage, rounded);
  if (memory == nullptr) throw Napi::Error::New(env, "out of memory for an IOBinding's outputs");
  std::memset(memory, 0, rounded);
  return arrayBufferOwning(env, memory, bytes, std::free);
}

// A binding's handle: an External tagged as trt-node's, so that no other External (another addon's, a forged one) is
// taken for a binding.
using BoundHandle = Napi::External<std::shared_ptr<BoundIO>>;
constexpr napi_type_tag kBindingTag = {0x7472742d6e6f6465ULL, 0x62696e64696e6731ULL};  // "trt-node" "binding1"

std::shared_ptr<BoundIO>& boundOf(Napi::Env env, Napi::Value value, char const* call) {
  bool tagged = false;
  if (value.IsExternal() && napi_check_object_type_tag(env, value, &kBindingTag, &tagged) != napi_ok) tagged = false;
  if (!tagged) throw Napi::TypeError::New(env, std::string("Expected ") + call + "(binding, ...) with a binding from bind()");
  return *value.As<BoundHandle>().Data();
}

}  // namespace

Napi::Value EngineWrap::submit(Napi::Env env, int32_t profile, RunIO io, bool timed) {
  ProfileQueue* queue = nullptr;
  try {
    queue = &core_->profile(profile);
  } catch (NativeError const& e) {
    return rejectedPromise(env, makeJsError(env, e.code(), e.what()));
  }
  auto run = std::make_unique<PendingRun>(env, core_, delivery_, std::move(io), timed);
  Napi::Promise promise = run->promise();
  delivery_->submitted(env);
  try {
    queue->submit(std::move(run));
  } catch (NativeError const& e) {
    delivery_->withdrawn(env);
    return rejectedPromise(env, makeJsError(env, e.code(), e.what()));
  }
  return promise;
}

// run(profile: number, data: ArrayBufferView[], dims: number[], timed: boolean) -> Promise. The run goes to the
// profile's queue, whose first free slot runs it; the promise settles when the delivery brings it back (run_delivery.h).
Napi::Value EngineWrap::Run(Napi::CallbackInfo const& info) {
  Napi::Env env = info.Env();
  if (!core_) return rejectedPromise(env, makeJsError(env, codes::kDisposed, "this engine was disposed; load it again to use it"));
  if (info.Length() < 4 || !info[0].IsNumber() || !info[1].IsArray() || !info[2].IsArray() || !info[3].IsBoolean()) {
    throw Napi::TypeError::New(env, "Expected run(profile: number, data: ArrayBufferView[], dims: number[], timed: boolean)");
  }
  RunIO io = heldFeeds(env, *core_, info[1].As<Napi::Array>(), info[2].As<Napi::Array>());
  return submit(env, info[0].As<Napi::Number>().Int32Value(), std::move(io), info[3].As<Napi::Boolean>().Value());
}

// bind(profile: number, data: ArrayBufferView[], dims: number[], outputDims: number[])
//   -> [binding, pageLocked: boolean[], ...ArrayBuffer]:
// the feeds as run() takes them, and every output's dims one after the other (ranks are the engine's). Returns the
// binding's handle, whether each feed and output was page-locked, and one ArrayBuffer per output, which its runs fill.
Napi::Value EngineWrap::Bind(Napi::CallbackInfo const& info) {
  Napi::Env env = info.Env();
  std::shared_ptr<EngineCore> core = requireCore(env);
  if (info.Length() < 4 || !info[0].IsNumber() || !info[1].IsArray() || !info[2].IsArray() || !info[3].IsArray()) {
    throw Napi::TypeError::New(env, "Expected bind(profile: number, data: ArrayBufferView[], dims: number[], outputDims: number[])");
  }
  RunIO io = heldFeeds(env, *core, info[1].As<Napi::Array>(), info[2].As<Napi::Array>());
  Napi::Array outputDims = info[3].As<Napi::Array>();
  std::vector<HostTensor> outputs;
  Napi::Array packed = Napi::Array::New(env);
  uint32_t d = 0;
  for (TensorInfo const& tensor : core->tensors()) {
    if (tensor.isInput) continue;
    HostTensor output;
    output.dims.resize(tensor.dims.size());
    for (int64_t& v : output.dims) {
      if (d >= outputDims.Length()) throw Napi::TypeError::New(env, "Expected every output's dims one after the other");
      v = outputDims.Get(d++).As<Napi::Number>().Int64Value();
    }
    output.size = tensorBytes(output.dims, tensor.type);
    Napi::ArrayBuffer buffer = pageAlignedArrayBuffer(env, output.size);
    io.held.push_back(HeldBytes::hold(buffer, "output"));
    output.data = static_cast<uint8_t*>(buffer.Data());
    packed.Set(static_cast<uint32_t>(outputs.size() + 2), buffer);
    outputs.push_back(std::move(output));
  }
  std::shared_ptr<BoundIO> bound;
  try {
    bound = std::make_shared<BoundIO>(*core, info[0].As<Napi::Number>().Int32Value(), std::move(io.held), std::move(io.feeds),
                                      std::move(outputs));
  } catch (NativeError const& e) {
    throw makeJsError(env, e.code(), e.what());
  }
  Napi::Array pageLocked = Napi::Array::New(env);
  for (std::vector<HostTensor> const* tensors : {&bound->feeds(), &bound->outputs()}) {
    for (HostTensor const& tensor : *tensors) pageLocked.Set(pageLocked.Length(), Napi::Boolean::New(env, tensor.pinned));
  }
  BoundHandle handle = BoundHandle::New(env, new std::shared_ptr<BoundIO>(std::move(bound)),
                                        [](Napi::Env, std::shared_ptr<BoundIO>* h) { delete h; });
  NAPI_THROW_IF_FAILED(env, napi_type_tag_object(env, handle, &kBindingTag), Napi::Value());
  packed.Set(0u, handle);
  packed.Set(1u, pageLocked);
  return packed;
}

// runBound(binding, timed: boolean) -> Promise: one run of a binding; it settles with its timings if timed.
Napi::Value EngineWrap::RunBound(Napi::CallbackInfo const& info) {
  Napi::Env env = info.Env();
  if (!core_) return rejectedPromise(env, makeJsError(env, codes::kDisposed, "this engine was disposed; load it again to use it"));
  if (info.Length() < 2 || !info[1].IsBoolean()) throw Napi::TypeError::New(env, "Expected runBound(binding, timed: boolean)");
  std::shared_ptr<BoundIO> const& bound = boundOf(env, info[0], "runBound");
  if (!bound) return rejectedPromise(env, makeJsError(env, codes::kDisposed, "this IOBinding was disposed; bind again to use it"));
  if (bound->engine() != core_->id()) {
    // Its tensors are another engine's: their count and shapes need not match this one's.
    return rejectedPromise(env, makeJsError(env, codes::kInvalidValue, "this IOBinding belongs to another engine: run it with the engine that bound it"));
  }
  if (!bound->intact()) {
    // A run would read or write memory that is gone (or now another buffer's).
    return rejectedPromise(env, makeJsError(env, codes::kDisposed,
                                            "an array of this IOBinding was detached (transferred with postMessage or "
                                            "structuredClone) or resized since it was bound; bind again to use it"));
  }
  RunIO io;
  io.bound = bound;
  return submit(env, bound->profile(), std::move(io), info[1].As<Napi::Boolean>().Value());
}

// unbind(binding): its memory is released once its runs in flight have settled.
Napi::Value EngineWrap::Unbind(Napi::CallbackInfo const& info) {
  if (info.Length() < 1) throw Napi::TypeError::New(info.Env(), "Expected unbind(binding)");
  boundOf(info.Env(), info[0], "unbind").reset();
  return info.Env().Undefined();
}

// poll(waitMicros?) -> number: settles the runs that have finished, without waiting for the event loop to be woken
// for them; with waitMicros, and none finished, it first waits up to that long for one (run_delivery.h).
Napi::Value EngineWrap::Poll(Napi::CallbackInfo const& info) {
  Napi::Env env = info.Env();
  double wait = info.Length() > 0 && info[0].IsNumber() ? info[0].As<Napi::Number>().DoubleValue() : 0;
  // At most a millisecond: this blocks the JS thread.
  auto micros = std::chrono::microseconds(static_cast<int64_t>(wait > 0 ? (wait < 1000 ? wait : 1000) : 0));
  return Napi::Number::New(env, static_cast<double>(delivery_->drain(env, micros)));
}

Napi::Value EngineWrap::Dispose(Napi::CallbackInfo const& info) {
  // Runs in flight share the core: the GPU memory goes when the last of them finishes.
  core_.reset();
  return info.Env().Undefined();
}

Napi::Value EngineWrap::Disposed(Napi::CallbackInfo const& info) { return Napi::Boolean::New(info.Env(), !core_); }

Napi::Value LoadEngine(Napi::CallbackInfo const& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 1) throw Napi::TypeError::New(env, "Expected loadEngine(plan: Buffer, options?, onLog?)");
  HeldBytes plan = HeldBytes::hold(info[0], "plan");
  int32_t logLevel = -1;
  LoadOptions options;
  if (info.Length() > 1 && info[1].IsObject()) {
    Napi::Object o = info[1].As<Napi::Object>();
    Napi::Value level = o.Get("logLevel");
    if (level.IsNumber()) logLevel = level.As<Napi::Number>().Int32Value();
    Napi::Value hostCode = o.Get("allowHostCode");
    if (hostCode.IsBoolean()) options.allowHostCode = hostCode.As<Napi::Boolean>().Value();
    options.device = readDevice(o);
    // Checked in TS (Engine.load's contexts and cudaGraph).
    Napi::Value contexts = o.Get("contexts");
    if (contexts.IsNumber()) options.contexts = contexts.As<Napi::Number>().Int32Value();
    Napi::Value cudaGraph = o.Get("cudaGraph");
    if (cudaGraph.IsBoolean()) options.cudaGraph = cudaGraph.As<Napi::Boolean>().Value();
  }
  std::shared_ptr<JsChannel> logChannel;
  if (info.Length() > 2 && info[2].IsFunction()) {
    logChannel = JsChannel::open(env, info[2].As<Napi::Function>(), "trt-node:load-log");
  }
  auto* worker = new LoadWorker(env, std::move(plan), options, logLevel, logChannel);
  Napi::Promise promise = worker->promise();
  worker->Queue();
  return promise;
}

}  // namespace trt_node
