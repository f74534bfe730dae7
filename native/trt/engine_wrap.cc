#include "engine_wrap.h"

#include <string>
#include <vector>

#include "../common/napi_error.h"
#include "dtype.h"
#include "promise_worker.h"

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

class RunWorker final : public PromiseWorker {
 public:
  RunWorker(Napi::Env env, Napi::Object engine, std::shared_ptr<EngineCore> core, int32_t profile,
            std::vector<RunFeed> feeds)
      : PromiseWorker(env, "trt-node:run", codes::kEngine, -1, nullptr),
        engineRef_(Napi::Persistent(engine)),  // keeps the Engine alive while the run is in flight
        core_(std::move(core)),
        profile_(profile),
        feeds_(std::move(feeds)) {}

 private:
  // The slot attaches its recorded errors to a failure itself, while it still holds its lock.
  void work() override { core_->slot(profile_).run(feeds_, outputs_, timings_); }

  Napi::Value result(Napi::Env env) override {
    Napi::Array outputs = Napi::Array::New(env, outputs_.size());
    for (size_t i = 0; i < outputs_.size(); ++i) {
      RunOutput& out = outputs_[i];
      Napi::Object o = Napi::Object::New(env);
      o.Set("name", Napi::String::New(env, out.name));
      o.Set("type", Napi::String::New(env, dataTypeName(out.type)));
      o.Set("dims", dimsArray(env, out.dims));
      // The output bytes move into the ArrayBuffer without a copy; V8 frees them with the buffer.
      uint8_t* bytes = out.bytes.release();
      Napi::ArrayBuffer data = Napi::ArrayBuffer::New(
          env, bytes, out.size, [](Napi::Env, void* p) { delete[] static_cast<uint8_t*>(p); });
      o.Set("data", data);
      outputs.Set(static_cast<uint32_t>(i), o);
    }
    Napi::Object timings = Napi::Object::New(env);
    timings.Set("h2dMs", Napi::Number::New(env, timings_.h2dMs));
    timings.Set("computeMs", Napi::Number::New(env, timings_.computeMs));
    timings.Set("d2hMs", Napi::Number::New(env, timings_.d2hMs));
    timings.Set("wallMs", Napi::Number::New(env, workMs_));
    timings.Set("hostPrepareMs", Napi::Number::New(env, timings_.hostPrepareMs));
    timings.Set("hostFinishMs", Napi::Number::New(env, timings_.hostFinishMs));
    Napi::Object result = Napi::Object::New(env);
    result.Set("outputs", outputs);
    result.Set("timings", timings);
    return result;
  }

  Napi::ObjectReference engineRef_;
  std::shared_ptr<EngineCore> core_;
  int32_t profile_;
  std::vector<RunFeed> feeds_;
  std::vector<RunOutput> outputs_;
  RunTimings timings_;
};

}  // namespace

Napi::Function EngineWrap::define(Napi::Env env) {
  Napi::Function ctor = DefineClass(env, "NativeEngine",
                                    {
                                        InstanceMethod<&EngineWrap::Info>("info"),
                                        InstanceMethod<&EngineWrap::Run>("run"),
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

// run(profile: number, feeds: {name, dims, data: ArrayBufferView}[]) -> Promise. Shapes were checked in TS.
Napi::Value EngineWrap::Run(Napi::CallbackInfo const& info) {
  Napi::Env env = info.Env();
  if (!core_) return rejectedPromise(env, makeJsError(env, codes::kDisposed, "this engine was disposed; load it again to use it"));
  if (info.Length() < 2 || !info[0].IsNumber() || !info[1].IsArray()) {
    throw Napi::TypeError::New(env, "Expected run(profile: number, feeds: Array)");
  }
  int32_t profile = info[0].As<Napi::Number>().Int32Value();
  Napi::Array list = info[1].As<Napi::Array>();
  std::vector<RunFeed> feeds;
  for (uint32_t i = 0; i < list.Length(); ++i) {
    Napi::Value entry = list.Get(i);
    if (!entry.IsObject()) throw Napi::TypeError::New(env, "Expected {name, dims, data} feeds");
    Napi::Object o = entry.As<Napi::Object>();
    RunFeed feed;
    Napi::Value name = o.Get("name");
    Napi::Value dims = o.Get("dims");
    if (!name.IsString() || !dims.IsArray()) throw Napi::TypeError::New(env, "Expected {name, dims, data} feeds");
    feed.name = name.As<Napi::String>().Utf8Value();
    Napi::Array d = dims.As<Napi::Array>();
    for (uint32_t k = 0; k < d.Length(); ++k) feed.dims.push_back(d.Get(k).As<Napi::Number>().Int64Value());
    feed.data = HeldBytes::hold(o.Get("data"), "feed data");
    feeds.push_back(std::move(feed));
  }
  auto* worker = new RunWorker(env, Value(), core_, profile, std::move(feeds));
  Napi::Promise promise = worker->promise();
  worker->Queue();
  return promise;
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
