// The CUDA runtime calls trt-node and the TensorRT stand-in make, done in host memory, for machines without a GPU
// (CI, sanitizer runs). Compiled against CUDA's own cuda_runtime_api.h, so it has the runtime's ABI; linked instead of
// libcudart when CMake is given TRT_NODE_CUDART_LIBRARY (see test/tensorrt-standin/README.md).
//
// It is faithful where the addon's correctness depends on it, and says so where it simplifies:
// - A stream is a worker thread running its queued operations in order, asynchronously to the caller, so work that
//   is read or freed before the stream was synchronized shows up (as wrong data, or as an AddressSanitizer report).
// - Copies follow CUDA's documented synchronization rules: page-locked (cudaMallocHost) host memory is copied
//   asynchronously; pageable host memory is staged at the call (host to device) or copied once the stream has
//   drained (device to host).
// - cudaMalloc, cudaFree, cudaMallocHost and cudaFreeHost wait for every stream, as the CUDA Programming Guide lists
//   "page-locked host memory allocation" and "device memory allocation" among the operations that implicitly
//   synchronize; cudaMallocAsync/cudaFreeAsync are stream-ordered and do not.
// - Device memory is host memory with 256-byte alignment; every copy is checked against the allocation it touches
//   and fails with cudaErrorInvalidValue (as CUDA does for an invalid pointer) when it leaves it.
// - cudaHostRegister makes the caller's memory page-locked (copies to and from it become asynchronous) and refuses a
//   range on a page that is registered already, as CUDA does (it locks whole pages).
// - Events take the host clock when their stream reaches them, so cudaEventElapsedTime measures what ran between.
// - TRT_STANDIN_CUDA_DEVICES devices (default 1, at most 8), named as the stand-in they are. The current device is
//   per thread (device 0 until cudaSetDevice); streams, events and device memory belong to the device current when
//   they were made; cudaMemGetInfo reports the bytes of device memory alive on the current device. Each device's
//   primary context is created by the first call that needs one (cudaSetDevice, allocations, streams, events,
//   cudaMemGetInfo), as CUDA 12 and later do; the queries cudaGetDeviceCount, cudaGetDevice, cudaGetDeviceProperties
//   and cudaDeviceGetAttribute create none.
// - Stream capture (cudaStreamBeginCapture .. cudaStreamEndCapture) records the operations issued to the capturing
//   stream instead of running them: copies between device and page-locked memory, host functions, event records and
//   waits. cudaGraphLaunch issues them again, in order, on the stream it is given. What CUDA refuses while a stream
//   captures is refused the same way (cudaErrorStreamCaptureUnsupported) and invalidates the capture, so that
//   cudaStreamEndCapture returns cudaErrorStreamCaptureInvalidated and no graph: synchronizing or querying the stream,
//   a copy to or from pageable memory; cudaMallocAsync/cudaFreeAsync too (CUDA makes memory nodes of them: a
//   simplification). TRT_STANDIN_CUDA_GRAPHS=0 makes cudaStreamBeginCapture itself fail with
//   cudaErrorStreamCaptureUnsupported, as on a platform without graph support.
// TRT_STANDIN_CUDA_ALLOC_DELAY_US adds a delay to each synchronizing allocation or free (to make their cost visible).
// TRT_STANDIN_CUDA_TRACE=1 prints to stderr, as they happen, every primary context created ("CUDA stand-in: trace:
// primary context on device N (cudaX)") and every call that synchronizes the whole device ("CUDA stand-in: trace:
// cudaX synchronizes the device"), so tests can check which devices a process touched and what its runs wait for.
#include <cuda_runtime_api.h>

#include <chrono>
#include <vector>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>

// An operation recorded by stream capture: issues it again on the stream a graph is launched on.
using CapturedNode = std::function<cudaError_t(cudaStream_t)>;

struct CUgraph_st {
  std::vector<CapturedNode> nodes;
};

struct CUgraphExec_st {
  std::vector<CapturedNode> nodes;
};

struct CUstream_st {
  int device = 0;
  // Stream capture: the graph being recorded (null when not capturing), whether a refused call invalidated it, and
  // the thread that began it (cudaStreamEndCapture must come from it unless the mode is relaxed).
  CUgraph_st* capture = nullptr;
  bool captureInvalidated = false;
  cudaStreamCaptureMode captureMode = cudaStreamCaptureModeGlobal;
  std::thread::id captureThread;
  std::mutex mutex;
  std::condition_variable wake;
  std::condition_variable idle;
  std::deque<std::function<void()>> queue;
  bool busy = false;
  bool destroying = false;
};

struct CUevent_st {
  int device = 0;
  std::mutex mutex;
  std::condition_variable done;
  unsigned int flags = 0;
  bool recorded = false;
  bool complete = true;
  uint64_t generation = 0;
  std::chrono::steady_clock::time_point time;
};

namespace {

constexpr size_t kTotalDeviceBytes = size_t{16} << 30;
constexpr size_t kAlignment = 256;
constexpr int kMaxDevices = 8;

enum class Kind { kDevice, kDeviceAsync, kPinned };

struct Allocation {
  size_t size;
  Kind kind;
  bool registered = false;  // cudaHostRegister: the caller's memory, page-locked; never freed here
  int device = 0;           // device memory: the device it is on
};

// Process-wide state of the stand-in devices. Deliberately leaked: streams' threads may still run while static
// destructors do at exit.
struct Device {
  std::mutex mutex;
  std::map<uintptr_t, Allocation> allocations;
  size_t deviceBytes[kMaxDevices] = {};
  std::set<CUstream_st*> streams;
  std::set<int> contexts;  // devices whose primary context exists
};

Device& device() {
  static Device* d = new Device();
  return *d;
}

int deviceCount() {
  static int const count = [] {
    char const* v = std::getenv("TRT_STANDIN_CUDA_DEVICES");
    int n = v != nullptr ? std::atoi(v) : 1;
    return n < 1 ? 1 : (n > kMaxDevices ? kMaxDevices : n);
  }();
  return count;
}

thread_local cudaError_t tLastError = cudaSuccess;
thread_local int tDevice = 0;  // "If no call to cudaSetDevice is made, the current device is device 0"

void trace(std::string const& what) {
  static bool const on = std::getenv("TRT_STANDIN_CUDA_TRACE") != nullptr;
  if (on) std::fprintf(stderr, "CUDA stand-in: trace: %s\n", what.c_str());
}

// The current device's primary context, created by the first call that needs one.
void needContext(char const* call) {
  bool created = false;
  {
    std::lock_guard<std::mutex> lock(device().mutex);
    created = device().contexts.insert(tDevice).second;
  }
  if (created) trace("primary context on device " + std::to_string(tDevice) + " (" + call + ")");
}

cudaError_t fail(cudaError_t status, char const* call, char const* why) {
  tLastError = status;
  if (std::getenv("TRT_STANDIN_CUDA_QUIET") == nullptr) std::fprintf(stderr, "CUDA stand-in: %s: %s\n", call, why);
  return status;
}

void allocDelay() {
  static long const us = [] {
    char const* v = std::getenv("TRT_STANDIN_CUDA_ALLOC_DELAY_US");
    return v != nullptr ? std::atol(v) : 0L;
  }();
  if (us > 0) std::this_thread::sleep_for(std::chrono::microseconds(us));
}

bool isSpecialStream(cudaStream_t s) {
  return s == nullptr || s == cudaStreamLegacy || s == cudaStreamPerThread;
}

void waitIdle(CUstream_st* s) {
  std::unique_lock<std::mutex> lock(s->mutex);
  s->idle.wait(lock, [s] { return s->queue.empty() && !s->busy; });
}

void synchronizeAll() {
  std::set<CUstream_st*> streams;
  {
    std::lock_guard<std::mutex> lock(device().mutex);
    streams = device().streams;
  }
  for (CUstream_st* s : streams) waitIdle(s);
}

void runStream(CUstream_st* s) {
  std::unique_lock<std::mutex> lock(s->mutex);
  for (;;) {
    s->wake.wait(lock, [s] { return !s->queue.empty() || s->destroying; });
    if (s->queue.empty()) break;  // destroying, and drained
    std::function<void()> op = std::move(s->queue.front());
    s->queue.pop_front();
    s->busy = true;
    lock.unlock();
    op();
    lock.lock();
    s->busy = false;
    if (s->queue.empty()) s->idle.notify_all();
  }
  lock.unlock();
  // cudaStreamDestroy: "the resources associated with stream will be released automatically once the device has
  // completed all work in stream".
  delete s;
}

// Runs `op` in stream order: queued on a real stream, at once on the default stream (after all other work, as the
// legacy default stream synchronizes with blocking streams; trt-node only uses non-blocking streams).
void enqueue(cudaStream_t stream, std::function<void()> op) {
  if (isSpecialStream(stream)) {
    trace("an operation on the default stream synchronizes the device");
    synchronizeAll();
    op();
    return;
  }
  CUstream_st* s = stream;
  std::lock_guard<std::mutex> lock(s->mutex);
  s->queue.push_back(std::move(op));
  s->wake.notify_one();
}

bool knownStream(cudaStream_t stream) {
  if (isSpecialStream(stream)) return true;
  std::lock_guard<std::mutex> lock(device().mutex);
  return device().streams.count(stream) != 0;
}

bool capturing(cudaStream_t stream) {
  if (isSpecialStream(stream)) return false;
  std::lock_guard<std::mutex> lock(stream->mutex);
  return stream->capture != nullptr;
}

// A call CUDA does not permit on a capturing stream: it fails and invalidates the capture.
cudaError_t refuseWhileCapturing(cudaStream_t stream, char const* call, char const* why) {
  {
    std::lock_guard<std::mutex> lock(stream->mutex);
    stream->captureInvalidated = true;
  }
  return fail(cudaErrorStreamCaptureUnsupported, call, why);
}

// Records `node` when `stream` is capturing (true), else leaves the call to run (false).
bool captured(cudaStream_t stream, CapturedNode node) {
  if (isSpecialStream(stream)) return false;
  std::lock_guard<std::mutex> lock(stream->mutex);
  if (stream->capture == nullptr) return false;
  if (!stream->captureInvalidated) stream->capture->nodes.push_back(std::move(node));
  return true;
}

// The allocation holding [p, p + size), or null.
Allocation const* findRange(void const* p, size_t size, uintptr_t* base = nullptr) {
  auto& allocs = device().allocations;
  uintptr_t a = reinterpret_cast<uintptr_t>(p);
  auto it = allocs.upper_bound(a);
  if (it == allocs.begin()) return nullptr;
  --it;
  if (a < it->first || a + size > it->first + (it->second.size == 0 ? 1 : it->second.size)) return nullptr;
  if (base != nullptr) *base = it->first;
  return &it->second;
}

bool isDevice(Allocation const* a) { return a != nullptr && a->kind != Kind::kPinned; }

cudaError_t allocate(void** out, size_t size, Kind kind, char const* call, int on) {
  if (out == nullptr) return fail(cudaErrorInvalidValue, call, "null output pointer");
  void* p = nullptr;
  if (posix_memalign(&p, kAlignment, size == 0 ? 1 : size) != 0) return fail(cudaErrorMemoryAllocation, call, "out of host memory");
  std::lock_guard<std::mutex> lock(device().mutex);
  if (kind != Kind::kPinned) {
    if (device().deviceBytes[on] + size > kTotalDeviceBytes) {
      std::free(p);
      return fail(cudaErrorMemoryAllocation, call, "out of stand-in device memory");
    }
    device().deviceBytes[on] += size;
  }
  device().allocations[reinterpret_cast<uintptr_t>(p)] = Allocation{size, kind, false, on};
  *out = p;
  return cudaSuccess;
}

cudaError_t release(void* p, bool pinned, char const* call) {
  if (p == nullptr) return cudaSuccess;
  std::lock_guard<std::mutex> lock(device().mutex);
  auto it = device().allocations.find(reinterpret_cast<uintptr_t>(p));
  if (it == device().allocations.end() || (it->second.kind == Kind::kPinned) != pinned || it->second.registered) {
    return fail(cudaErrorInvalidValue, call, "not an allocation of this kind (or freed twice)");
  }
  if (!pinned) device().deviceBytes[it->second.device] -= it->second.size;
  device().allocations.erase(it);
  std::free(p);
  return cudaSuccess;
}

}  // namespace

extern "C" {

cudaError_t cudaGetLastError(void) {
  cudaError_t e = tLastError;
  tLastError = cudaSuccess;
  return e;
}

cudaError_t cudaPeekAtLastError(void) { return tLastError; }

char const* cudaGetErrorName(cudaError_t error) {
  switch (error) {
    case cudaSuccess: return "cudaSuccess";
    case cudaErrorInvalidValue: return "cudaErrorInvalidValue";
    case cudaErrorMemoryAllocation: return "cudaErrorMemoryAllocation";
    case cudaErrorInvalidDevice: return "cudaErrorInvalidDevice";
    case cudaErrorInvalidResourceHandle: return "cudaErrorInvalidResourceHandle";
    case cudaErrorNotReady: return "cudaErrorNotReady";
    case cudaErrorNoDevice: return "cudaErrorNoDevice";
    case cudaErrorStreamCaptureUnsupported: return "cudaErrorStreamCaptureUnsupported";
    case cudaErrorStreamCaptureInvalidated: return "cudaErrorStreamCaptureInvalidated";
    case cudaErrorStreamCaptureUnmatched: return "cudaErrorStreamCaptureUnmatched";
    case cudaErrorStreamCaptureWrongThread: return "cudaErrorStreamCaptureWrongThread";
    default: return "cudaErrorUnknown";
  }
}

char const* cudaGetErrorString(cudaError_t error) {
  switch (error) {
    case cudaSuccess: return "no error";
    case cudaErrorInvalidValue: return "invalid argument (CUDA stand-in)";
    case cudaErrorMemoryAllocation: return "out of memory (CUDA stand-in)";
    case cudaErrorInvalidDevice: return "invalid device ordinal (CUDA stand-in)";
    case cudaErrorInvalidResourceHandle: return "invalid resource handle (CUDA stand-in)";
    case cudaErrorNotReady: return "device not ready (CUDA stand-in)";
    case cudaErrorNoDevice: return "no CUDA-capable device is detected (CUDA stand-in)";
    case cudaErrorStreamCaptureUnsupported: return "operation not permitted when stream is capturing (CUDA stand-in)";
    case cudaErrorStreamCaptureInvalidated: return "operation failed due to a previous error during capture (CUDA stand-in)";
    case cudaErrorStreamCaptureUnmatched: return "capture was not initiated in this stream (CUDA stand-in)";
    case cudaErrorStreamCaptureWrongThread: return "attempt to terminate a thread-local capture sequence from another thread (CUDA stand-in)";
    default: return "unknown error (CUDA stand-in)";
  }
}

cudaError_t cudaRuntimeGetVersion(int* version) {
  if (version == nullptr) return fail(cudaErrorInvalidValue, "cudaRuntimeGetVersion", "null pointer");
  *version = CUDART_VERSION;
  return cudaSuccess;
}

cudaError_t cudaDriverGetVersion(int* version) {
  if (version == nullptr) return fail(cudaErrorInvalidValue, "cudaDriverGetVersion", "null pointer");
  *version = CUDART_VERSION;
  return cudaSuccess;
}

cudaError_t cudaGetDeviceCount(int* count) {
  if (count == nullptr) return fail(cudaErrorInvalidValue, "cudaGetDeviceCount", "null pointer");
  *count = deviceCount();
  return cudaSuccess;
}

cudaError_t cudaGetDevice(int* dev) {
  if (dev == nullptr) return fail(cudaErrorInvalidValue, "cudaGetDevice", "null pointer");
  *dev = tDevice;
  return cudaSuccess;
}

// CUDA 12 and later: "this function will now immediately initialize the runtime state on the primary context".
cudaError_t cudaSetDevice(int dev) {
  if (dev < 0 || dev >= deviceCount()) return fail(cudaErrorInvalidDevice, "cudaSetDevice", "no such stand-in device");
  tDevice = dev;
  needContext("cudaSetDevice");
  return cudaSuccess;
}

cudaError_t cudaGetDeviceProperties(struct cudaDeviceProp* prop, int dev) {
  if (prop == nullptr) return fail(cudaErrorInvalidValue, "cudaGetDeviceProperties", "null pointer");
  if (dev < 0 || dev >= deviceCount()) return fail(cudaErrorInvalidDevice, "cudaGetDeviceProperties", "no such stand-in device");
  std::memset(prop, 0, sizeof(*prop));
  // Device 0 keeps the name the stand-in always had (plans and timing caches record it).
  std::string name = dev == 0 ? "trt-node CUDA stand-in (host memory, no GPU)"
                              : "trt-node CUDA stand-in #" + std::to_string(dev) + " (host memory, no GPU)";
  std::snprintf(prop->name, sizeof(prop->name), "%s", name.c_str());
  // TRT_STANDIN_CUDA_COMPUTE_CAPABILITY="8.6" makes the device another GPU generation (tests of plans from other GPUs).
  prop->major = 9;
  prop->minor = 0;
  if (char const* cc = std::getenv("TRT_STANDIN_CUDA_COMPUTE_CAPABILITY")) {
    int major = 0;
    int minor = 0;
    if (std::sscanf(cc, "%d.%d", &major, &minor) == 2) {
      prop->major = major;
      prop->minor = minor;
    }
  }
  prop->totalGlobalMem = kTotalDeviceBytes;
  prop->multiProcessorCount = 1;
  prop->textureAlignment = kAlignment;
  return cudaSuccess;
}

cudaError_t cudaDeviceGetAttribute(int* value, enum cudaDeviceAttr attr, int dev) {
  if (value == nullptr) return fail(cudaErrorInvalidValue, "cudaDeviceGetAttribute", "null pointer");
  if (dev < 0 || dev >= deviceCount()) return fail(cudaErrorInvalidDevice, "cudaDeviceGetAttribute", "no such stand-in device");
  switch (attr) {
    case cudaDevAttrComputeCapabilityMajor: *value = 9; return cudaSuccess;
    case cudaDevAttrComputeCapabilityMinor: *value = 0; return cudaSuccess;
    case cudaDevAttrMultiProcessorCount: *value = 1; return cudaSuccess;
    default: return fail(cudaErrorInvalidValue, "cudaDeviceGetAttribute", "an attribute the stand-in does not model");
  }
}

cudaError_t cudaMemGetInfo(size_t* free, size_t* total) {
  if (free == nullptr || total == nullptr) return fail(cudaErrorInvalidValue, "cudaMemGetInfo", "null pointer");
  needContext("cudaMemGetInfo");
  std::lock_guard<std::mutex> lock(device().mutex);
  *total = kTotalDeviceBytes;
  *free = kTotalDeviceBytes - device().deviceBytes[tDevice];
  return cudaSuccess;
}

cudaError_t cudaDeviceSynchronize(void) {
  needContext("cudaDeviceSynchronize");
  trace("cudaDeviceSynchronize synchronizes the device");
  synchronizeAll();
  return cudaSuccess;
}

cudaError_t cudaStreamCreateWithFlags(cudaStream_t* stream, unsigned int /*flags*/) {
  if (stream == nullptr) return fail(cudaErrorInvalidValue, "cudaStreamCreateWithFlags", "null pointer");
  needContext("cudaStreamCreateWithFlags");
  auto* s = new CUstream_st();
  s->device = tDevice;
  {
    std::lock_guard<std::mutex> lock(device().mutex);
    device().streams.insert(s);
  }
  std::thread(runStream, s).detach();
  *stream = s;
  return cudaSuccess;
}

cudaError_t cudaStreamCreate(cudaStream_t* stream) { return cudaStreamCreateWithFlags(stream, cudaStreamDefault); }

cudaError_t cudaStreamGetDevice(cudaStream_t stream, int* dev) {
  if (dev == nullptr) return fail(cudaErrorInvalidValue, "cudaStreamGetDevice", "null pointer");
  if (!knownStream(stream)) return fail(cudaErrorInvalidResourceHandle, "cudaStreamGetDevice", "unknown stream");
  *dev = isSpecialStream(stream) ? tDevice : stream->device;
  return cudaSuccess;
}

cudaError_t cudaStreamDestroy(cudaStream_t stream) {
  if (isSpecialStream(stream) || !knownStream(stream)) return fail(cudaErrorInvalidResourceHandle, "cudaStreamDestroy", "unknown stream");
  {
    std::lock_guard<std::mutex> lock(device().mutex);
    device().streams.erase(stream);
  }
  std::lock_guard<std::mutex> lock(stream->mutex);
  stream->destroying = true;
  stream->wake.notify_one();
  return cudaSuccess;
}

cudaError_t cudaStreamSynchronize(cudaStream_t stream) {
  if (!knownStream(stream)) return fail(cudaErrorInvalidResourceHandle, "cudaStreamSynchronize", "unknown stream");
  if (capturing(stream)) return refuseWhileCapturing(stream, "cudaStreamSynchronize", "the stream is capturing");
  if (isSpecialStream(stream)) {
    synchronizeAll();
  } else {
    waitIdle(stream);
  }
  return cudaSuccess;
}

cudaError_t cudaStreamQuery(cudaStream_t stream) {
  if (isSpecialStream(stream)) return cudaSuccess;
  if (!knownStream(stream)) return fail(cudaErrorInvalidResourceHandle, "cudaStreamQuery", "unknown stream");
  if (capturing(stream)) return refuseWhileCapturing(stream, "cudaStreamQuery", "the stream is capturing");
  std::lock_guard<std::mutex> lock(stream->mutex);
  return stream->queue.empty() && !stream->busy ? cudaSuccess : cudaErrorNotReady;
}

cudaError_t cudaEventCreateWithFlags(cudaEvent_t* event, unsigned int flags) {
  if (event == nullptr) return fail(cudaErrorInvalidValue, "cudaEventCreateWithFlags", "null pointer");
  needContext("cudaEventCreateWithFlags");
  auto* e = new CUevent_st();
  e->device = tDevice;
  e->flags = flags;
  *event = e;
  return cudaSuccess;
}

cudaError_t cudaEventCreate(cudaEvent_t* event) { return cudaEventCreateWithFlags(event, cudaEventDefault); }

cudaError_t cudaEventDestroy(cudaEvent_t event) {
  if (event == nullptr) return fail(cudaErrorInvalidResourceHandle, "cudaEventDestroy", "null event");
  {
    // "resources associated with event will be released asynchronously upon completion": wait for the pending record
    // (a queued record still points at the event).
    std::unique_lock<std::mutex> lock(event->mutex);
    event->done.wait(lock, [event] { return event->complete; });
  }
  delete event;
  return cudaSuccess;
}

cudaError_t cudaEventRecord(cudaEvent_t event, cudaStream_t stream) {
  if (event == nullptr) return fail(cudaErrorInvalidResourceHandle, "cudaEventRecord", "null event");
  if (!knownStream(stream)) return fail(cudaErrorInvalidResourceHandle, "cudaEventRecord", "unknown stream");
  // CUDA C++ Programming Guide, Stream and Event Behavior: "cudaEventRecord() will fail if the input event and input
  // stream are associated to different devices."
  if ((isSpecialStream(stream) ? tDevice : stream->device) != event->device) {
    return fail(cudaErrorInvalidResourceHandle, "cudaEventRecord", "the event and the stream are on different devices");
  }
  if (captured(stream, [event](cudaStream_t s) { return cudaEventRecord(event, s); })) return cudaSuccess;
  uint64_t generation = 0;
  {
    std::lock_guard<std::mutex> lock(event->mutex);
    generation = ++event->generation;
    event->recorded = true;
    event->complete = false;
  }
  enqueue(stream, [event, generation] {
    std::lock_guard<std::mutex> lock(event->mutex);
    if (event->generation != generation) return;  // recorded again since: the later record counts
    event->time = std::chrono::steady_clock::now();
    event->complete = true;
    event->done.notify_all();
  });
  return cudaSuccess;
}

cudaError_t cudaEventSynchronize(cudaEvent_t event) {
  if (event == nullptr) return fail(cudaErrorInvalidResourceHandle, "cudaEventSynchronize", "null event");
  std::unique_lock<std::mutex> lock(event->mutex);
  event->done.wait(lock, [event] { return event->complete; });
  return cudaSuccess;
}

cudaError_t cudaEventQuery(cudaEvent_t event) {
  if (event == nullptr) return fail(cudaErrorInvalidResourceHandle, "cudaEventQuery", "null event");
  std::lock_guard<std::mutex> lock(event->mutex);
  return event->complete ? cudaSuccess : cudaErrorNotReady;
}

cudaError_t cudaEventElapsedTime(float* ms, cudaEvent_t start, cudaEvent_t end) {
  if (ms == nullptr || start == nullptr || end == nullptr) return fail(cudaErrorInvalidValue, "cudaEventElapsedTime", "null argument");
  std::unique_lock<std::mutex> a(start->mutex, std::defer_lock);
  std::unique_lock<std::mutex> b(end->mutex, std::defer_lock);
  if (start == end) {
    a.lock();
  } else {
    std::lock(a, b);
  }
  if ((start->flags & cudaEventDisableTiming) != 0 || (end->flags & cudaEventDisableTiming) != 0 || !start->recorded ||
      !end->recorded) {
    return fail(cudaErrorInvalidResourceHandle, "cudaEventElapsedTime", "an event was not recorded or has timing disabled");
  }
  if (!start->complete || !end->complete) return cudaErrorNotReady;
  *ms = std::chrono::duration<float, std::milli>(end->time - start->time).count();
  return cudaSuccess;
}

cudaError_t cudaStreamWaitEvent(cudaStream_t stream, cudaEvent_t event, unsigned int /*flags*/) {
  if (event == nullptr || !knownStream(stream)) return fail(cudaErrorInvalidResourceHandle, "cudaStreamWaitEvent", "bad handle");
  if (captured(stream, [event](cudaStream_t s) { return cudaStreamWaitEvent(s, event, 0); })) return cudaSuccess;
  enqueue(stream, [event] {
    std::unique_lock<std::mutex> lock(event->mutex);
    event->done.wait(lock, [event] { return event->complete; });
  });
  return cudaSuccess;
}

// The allocations and frees that synchronize the device (CUDA C++ Programming Guide, Implicit Synchronization).
void synchronizingCall(char const* call) {
  needContext(call);
  trace(std::string(call) + " synchronizes the device");
  synchronizeAll();
  allocDelay();
}

cudaError_t cudaMalloc(void** devPtr, size_t size) {
  synchronizingCall("cudaMalloc");
  return allocate(devPtr, size, Kind::kDevice, "cudaMalloc", tDevice);
}

cudaError_t cudaFree(void* devPtr) {
  synchronizingCall("cudaFree");
  return release(devPtr, false, "cudaFree");
}

cudaError_t cudaMallocHost(void** ptr, size_t size) {
  synchronizingCall("cudaMallocHost");
  return allocate(ptr, size, Kind::kPinned, "cudaMallocHost", tDevice);
}

cudaError_t cudaFreeHost(void* ptr) {
  synchronizingCall("cudaFreeHost");
  return release(ptr, true, "cudaFreeHost");
}

cudaError_t cudaHostRegister(void* ptr, size_t size, unsigned int /*flags*/) {
  char const* call = "cudaHostRegister";
  if (ptr == nullptr || size == 0) return fail(cudaErrorInvalidValue, call, "null pointer or empty range");
  needContext(call);
  constexpr uintptr_t kPage = 4096;
  uintptr_t first = reinterpret_cast<uintptr_t>(ptr) / kPage;
  uintptr_t last = (reinterpret_cast<uintptr_t>(ptr) + size - 1) / kPage;
  std::lock_guard<std::mutex> lock(device().mutex);
  for (auto const& [base, a] : device().allocations) {
    if (!a.registered) continue;
    // "cudaErrorHostMemoryAlreadyRegistered: the memory range passed to cudaHostRegister() has already been
    // registered": CUDA locks whole pages, so a range sharing a page with a registered one counts.
    if (base / kPage <= last && (base + a.size - 1) / kPage >= first) {
      tLastError = cudaErrorHostMemoryAlreadyRegistered;
      return cudaErrorHostMemoryAlreadyRegistered;
    }
  }
  if (findRange(ptr, 0) != nullptr) return fail(cudaErrorInvalidValue, call, "the range lies in memory CUDA allocated");
  device().allocations[reinterpret_cast<uintptr_t>(ptr)] = Allocation{size, Kind::kPinned, true};
  return cudaSuccess;
}

cudaError_t cudaHostUnregister(void* ptr) {
  std::lock_guard<std::mutex> lock(device().mutex);
  auto it = device().allocations.find(reinterpret_cast<uintptr_t>(ptr));
  // "Base address must be the same one specified to cudaHostRegister()".
  if (it == device().allocations.end() || !it->second.registered) {
    return fail(cudaErrorHostMemoryNotRegistered, "cudaHostUnregister", "not the base address of a registered range");
  }
  device().allocations.erase(it);
  return cudaSuccess;
}

cudaError_t cudaMallocAsync(void** devPtr, size_t size, cudaStream_t stream) {
  if (!knownStream(stream)) return fail(cudaErrorInvalidResourceHandle, "cudaMallocAsync", "unknown stream");
  if (capturing(stream)) return refuseWhileCapturing(stream, "cudaMallocAsync", "the stand-in records no memory nodes");
  // From the stream's device's pool ("the memory pool of the device associated with the stream").
  return allocate(devPtr, size, Kind::kDeviceAsync, "cudaMallocAsync", isSpecialStream(stream) ? tDevice : stream->device);
}

cudaError_t cudaFreeAsync(void* devPtr, cudaStream_t stream) {
  if (!knownStream(stream)) return fail(cudaErrorInvalidResourceHandle, "cudaFreeAsync", "unknown stream");
  if (capturing(stream)) return refuseWhileCapturing(stream, "cudaFreeAsync", "the stand-in records no memory nodes");
  if (devPtr == nullptr) return cudaSuccess;
  {
    std::lock_guard<std::mutex> lock(device().mutex);
    uintptr_t base = 0;
    Allocation const* a = findRange(devPtr, 0, &base);
    if (a == nullptr || a->kind != Kind::kDeviceAsync || base != reinterpret_cast<uintptr_t>(devPtr)) {
      return fail(cudaErrorInvalidValue, "cudaFreeAsync", "not an allocation of cudaMallocAsync (or freed twice)");
    }
  }
  // Stream-ordered: the memory goes when the stream reaches this point.
  enqueue(stream, [devPtr] { (void)release(devPtr, false, "cudaFreeAsync"); });
  return cudaSuccess;
}

cudaError_t cudaPointerGetAttributes(struct cudaPointerAttributes* attributes, void const* ptr) {
  if (attributes == nullptr) return fail(cudaErrorInvalidValue, "cudaPointerGetAttributes", "null pointer");
  std::memset(attributes, 0, sizeof(*attributes));
  std::lock_guard<std::mutex> lock(device().mutex);
  Allocation const* a = findRange(ptr, 0);
  attributes->device = a != nullptr ? a->device : 0;
  if (a == nullptr) {
    attributes->type = cudaMemoryTypeUnregistered;
  } else {
    attributes->type = a->kind == Kind::kPinned ? cudaMemoryTypeHost : cudaMemoryTypeDevice;
    attributes->devicePointer = const_cast<void*>(ptr);
    attributes->hostPointer = a->kind == Kind::kPinned ? const_cast<void*>(ptr) : nullptr;
  }
  return cudaSuccess;
}

cudaError_t cudaMemcpyAsync(void* dst, void const* src, size_t count, enum cudaMemcpyKind kind, cudaStream_t stream) {
  char const* call = "cudaMemcpyAsync";
  if (!knownStream(stream)) return fail(cudaErrorInvalidResourceHandle, call, "unknown stream");
  if (count == 0) return cudaSuccess;
  if (dst == nullptr || src == nullptr) return fail(cudaErrorInvalidValue, call, "null pointer");
  bool srcDevice = false;
  bool dstDevice = false;
  bool srcPinned = false;
  bool dstPinned = false;
  {
    std::lock_guard<std::mutex> lock(device().mutex);
    Allocation const* s = findRange(src, count);
    Allocation const* d = findRange(dst, count);
    srcDevice = isDevice(s);
    dstDevice = isDevice(d);
    srcPinned = s != nullptr && s->kind == Kind::kPinned;
    dstPinned = d != nullptr && d->kind == Kind::kPinned;
    // A pointer into device memory whose range runs past its allocation is found by neither lookup.
    bool srcInsideSomething = findRange(src, 0) != nullptr && findRange(src, 0)->kind != Kind::kPinned;
    bool dstInsideSomething = findRange(dst, 0) != nullptr && findRange(dst, 0)->kind != Kind::kPinned;
    if ((srcInsideSomething && !srcDevice) || (dstInsideSomething && !dstDevice)) {
      return fail(cudaErrorInvalidValue, call, "the copy runs past the end of a device allocation");
    }
  }
  bool wantSrcDevice = kind == cudaMemcpyDeviceToHost || kind == cudaMemcpyDeviceToDevice;
  bool wantDstDevice = kind == cudaMemcpyHostToDevice || kind == cudaMemcpyDeviceToDevice;
  if (kind != cudaMemcpyDefault && (wantSrcDevice != srcDevice || wantDstDevice != dstDevice)) {
    return fail(cudaErrorInvalidValue, call, "a pointer is not where the copy kind says (device vs host memory)");
  }
  if (capturing(stream)) {
    // A graph's copy reads and writes its memory when the graph runs: CUDA cannot stage pageable memory for it.
    if ((!srcDevice && !srcPinned) || (!dstDevice && !dstPinned)) {
      return refuseWhileCapturing(stream, call, "a copy to or from pageable host memory while the stream is capturing");
    }
    captured(stream, [=](cudaStream_t s) { return cudaMemcpyAsync(dst, src, count, kind, s); });
    return cudaSuccess;
  }
  if (!srcDevice && !dstDevice) {
    enqueue(stream, [dst, src, count] { std::memcpy(dst, src, count); });
    return cudaSuccess;
  }
  if (!srcDevice && !srcPinned) {
    // Pageable source: "the function will return once the pageable buffer has been copied to the staging memory".
    std::shared_ptr<uint8_t> staged(new uint8_t[count], std::default_delete<uint8_t[]>());
    std::memcpy(staged.get(), src, count);
    enqueue(stream, [dst, staged, count] { std::memcpy(dst, staged.get(), count); });
    return cudaSuccess;
  }
  if (!dstDevice && !dstPinned) {
    // Pageable destination: "the function will return only once the copy has completed".
    enqueue(stream, [dst, src, count] { std::memcpy(dst, src, count); });
    if (!isSpecialStream(stream)) waitIdle(stream);
    return cudaSuccess;
  }
  enqueue(stream, [dst, src, count] { std::memcpy(dst, src, count); });
  return cudaSuccess;
}

cudaError_t cudaMemcpy(void* dst, void const* src, size_t count, enum cudaMemcpyKind kind) {
  cudaError_t status = cudaMemcpyAsync(dst, src, count, kind, nullptr);
  return status;
}

cudaError_t cudaLaunchHostFunc(cudaStream_t stream, cudaHostFn_t fn, void* userData) {
  if (fn == nullptr || !knownStream(stream)) return fail(cudaErrorInvalidValue, "cudaLaunchHostFunc", "bad argument");
  if (captured(stream, [fn, userData](cudaStream_t s) { return cudaLaunchHostFunc(s, fn, userData); })) return cudaSuccess;
  enqueue(stream, [fn, userData] { fn(userData); });
  return cudaSuccess;
}

// Stream capture and graphs (see the top of this file).
cudaError_t cudaStreamBeginCapture(cudaStream_t stream, enum cudaStreamCaptureMode mode) {
  char const* call = "cudaStreamBeginCapture";
  // "Capture may not be initiated if stream is cudaStreamLegacy."
  if (isSpecialStream(stream)) return fail(cudaErrorStreamCaptureUnsupported, call, "the default stream cannot be captured");
  if (!knownStream(stream)) return fail(cudaErrorInvalidResourceHandle, call, "unknown stream");
  if (char const* graphs = std::getenv("TRT_STANDIN_CUDA_GRAPHS"); graphs != nullptr && std::strcmp(graphs, "0") == 0) {
    return fail(cudaErrorStreamCaptureUnsupported, call, "stream capture is turned off (TRT_STANDIN_CUDA_GRAPHS=0)");
  }
  std::lock_guard<std::mutex> lock(stream->mutex);
  // "it may only be initiated if the stream is not already in capture mode"
  if (stream->capture != nullptr) return fail(cudaErrorIllegalState, call, "the stream is capturing already");
  stream->capture = new CUgraph_st();
  stream->captureInvalidated = false;
  stream->captureMode = mode;
  stream->captureThread = std::this_thread::get_id();
  return cudaSuccess;
}

cudaError_t cudaStreamEndCapture(cudaStream_t stream, cudaGraph_t* graph) {
  char const* call = "cudaStreamEndCapture";
  if (graph == nullptr) return fail(cudaErrorInvalidValue, call, "null pointer");
  if (isSpecialStream(stream) || !knownStream(stream)) return fail(cudaErrorStreamCaptureUnmatched, call, "not a capturing stream");
  std::unique_ptr<CUgraph_st> recorded;
  bool invalidated = false;
  {
    std::lock_guard<std::mutex> lock(stream->mutex);
    if (stream->capture == nullptr) return fail(cudaErrorStreamCaptureUnmatched, call, "capture was not initiated in this stream");
    if (stream->captureMode != cudaStreamCaptureModeRelaxed && stream->captureThread != std::this_thread::get_id()) {
      return fail(cudaErrorStreamCaptureWrongThread, call, "capture began on another thread");
    }
    recorded.reset(stream->capture);
    stream->capture = nullptr;
    invalidated = stream->captureInvalidated;
    stream->captureInvalidated = false;
  }
  // "If capture was invalidated, due to a violation of the rules of stream capture, then a NULL graph will be returned."
  *graph = invalidated ? nullptr : recorded.release();
  if (invalidated) return fail(cudaErrorStreamCaptureInvalidated, call, "a refused call invalidated the capture");
  return cudaSuccess;
}

cudaError_t cudaStreamIsCapturing(cudaStream_t stream, enum cudaStreamCaptureStatus* status) {
  if (status == nullptr) return fail(cudaErrorInvalidValue, "cudaStreamIsCapturing", "null pointer");
  if (!knownStream(stream)) return fail(cudaErrorInvalidResourceHandle, "cudaStreamIsCapturing", "unknown stream");
  *status = cudaStreamCaptureStatusNone;
  if (isSpecialStream(stream)) return cudaSuccess;
  std::lock_guard<std::mutex> lock(stream->mutex);
  if (stream->capture != nullptr) *status = stream->captureInvalidated ? cudaStreamCaptureStatusInvalidated : cudaStreamCaptureStatusActive;
  return cudaSuccess;
}

cudaError_t cudaGraphInstantiateWithFlags(cudaGraphExec_t* exec, cudaGraph_t graph, unsigned long long /*flags*/) {
  if (exec == nullptr || graph == nullptr) return fail(cudaErrorInvalidValue, "cudaGraphInstantiateWithFlags", "null argument");
  *exec = new CUgraphExec_st{graph->nodes};
  return cudaSuccess;
}

cudaError_t cudaGraphInstantiate(cudaGraphExec_t* exec, cudaGraph_t graph, unsigned long long flags) {
  return cudaGraphInstantiateWithFlags(exec, graph, flags);
}

cudaError_t cudaGraphLaunch(cudaGraphExec_t exec, cudaStream_t stream) {
  char const* call = "cudaGraphLaunch";
  if (exec == nullptr) return fail(cudaErrorInvalidValue, call, "null graph");
  if (!knownStream(stream)) return fail(cudaErrorInvalidResourceHandle, call, "unknown stream");
  if (capturing(stream)) return refuseWhileCapturing(stream, call, "the stand-in does not capture graph launches");
  for (CapturedNode const& node : exec->nodes) {
    cudaError_t status = node(stream);
    if (status != cudaSuccess) return status;
  }
  return cudaSuccess;
}

cudaError_t cudaGraphDestroy(cudaGraph_t graph) {
  if (graph == nullptr) return fail(cudaErrorInvalidValue, "cudaGraphDestroy", "null graph");
  delete graph;
  return cudaSuccess;
}

cudaError_t cudaGraphExecDestroy(cudaGraphExec_t exec) {
  if (exec == nullptr) return fail(cudaErrorInvalidValue, "cudaGraphExecDestroy", "null graph");
  delete exec;
  return cudaSuccess;
}

}  // extern "C"
