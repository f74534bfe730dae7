#include "engine_wrap.h"

#include <string>
#include <vector>

#include "../common/napi_error.h"
#include "dtype.h"
#include "promise_worker.h"
#include "run_delivery.h"

namespace trt_node {
namespace {

// Per-environment state (no process globals): the Engine constructor, for creating instances from OnOK.
struct EngineClassData {
  Napi::FunctionReference constructor;
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
    Napi::External<EngineCore> handle = Napi::External<EngineCore>::New(env, core_.get());
    Napi::Object engine = data->constructor.New({handle});
    core_.release();  // now owned by the EngineWrap
    return engine;
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
  if (info.Length() != 1 || !info[0].IsExternal()) {
    throw Napi::TypeError::New(info.Env(), "NativeEngine cannot be constructed directly: use loadEngine(plan)");
  }
  core_.reset(info[0].As<Napi::External<EngineCore>>().Data());
  delivery_ = RunDelivery::open(info.Env());
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

// run(profile: number, data: ArrayBufferView[], dims: number[]) -> Promise: one data view per engine
// input in input order, and their dims one after the other. Shapes and the profile were checked in TS. The run goes to
// the profile's slot, whose thread runs it; the promise settles when the delivery brings it back (run_delivery.h).
Napi::Value EngineWrap::Run(Napi::CallbackInfo const& info) {
  Napi::Env env = info.Env();
  if (!core_) return rejectedPromise(env, makeJsError(env, codes::kDisposed, "this engine was disposed; load it again to use it"));
  if (info.Length() < 3 || !info[0].IsNumber() || !info[1].IsArray() || !info[2].IsArray()) {
    throw Napi::TypeError::New(env, "Expected run(profile: number, data: ArrayBufferView[], dims: number[])");
  }
  int32_t profile = info[0].As<Napi::Number>().Int32Value();
  Napi::Array data = info[1].As<Napi::Array>();
  Napi::Array dims = info[2].As<Napi::Array>();
  std::vector<RunFeed> feeds(data.Length());
  uint32_t d = 0;
  uint32_t input = 0;
  for (TensorInfo const& tensor : core_->tensors()) {
    if (!tensor.isInput || input >= feeds.size()) continue;
    RunFeed& feed = feeds[input];
    feed.data = HeldBytes::hold(data.Get(input), "feed data");
    feed.dims.resize(tensor.dims.size());
    for (int64_t& v : feed.dims) {
      if (d >= dims.Length()) throw Napi::TypeError::New(env, "Expected the feeds' dims one after the other");
      v = dims.Get(d++).As<Napi::Number>().Int64Value();
    }
    ++input;
  }
  ExecutionSlot* slot = nullptr;
  try {
    slot = &core_->slot(profile);
  } catch (NativeError const& e) {
    return rejectedPromise(env, makeJsError(env, e.code(), e.what()));
  }
  auto run = std::make_unique<PendingRun>(env, core_, delivery_, std::move(feeds));
  Napi::Promise promise = run->promise();
  delivery_->submitted(env);
  try {
    slot->submit(std::move(run));
  } catch (NativeError const& e) {
    delivery_->withdrawn(env);
    return rejectedPromise(env, makeJsError(env, e.code(), e.what()));
  }
  return promise;
}

// poll(): settles the runs that have finished, without waiting for the event loop to be woken for them.
Napi::Value EngineWrap::Poll(Napi::CallbackInfo const& info) {
  delivery_->drain(info.Env());
  return info.Env().Undefined();
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
