// How the stand-in enforces TensorRT's contracts and decides what the headers leave open.
//
// A contract violation is a bug in the caller (trt-node's addon), never a user error: the stand-in prints the contract
// by name and aborts, so the test run fails loudly at the exact call. The sentence of the header (or NVIDIA document)
// each check comes from is quoted in a comment at the check.
//
// Where TensorRT's documentation leaves a behaviour open, the stand-in chooses with a seeded generator
// (TRT_STANDIN_SEED, default 1): every run with the same seed makes the same choices, and `npm run test:standin` runs
// the suites under several seeds so the addon is exercised against each possibility. Choices are logged at kVERBOSE.
#pragma once

#include <cstdint>
#include <string>

namespace trt_standin {

// The name the stand-in gives itself wherever it shows (doctor, engine names, logs).
constexpr char const* kIdentity = "trt-node TensorRT stand-in (computes with onnxruntime; NOT TensorRT)";

[[noreturn]] void notImplemented(char const* method) noexcept;
[[noreturn]] void contractViolated(char const* contract, std::string const& detail) noexcept;

// Aborts with `contract` when `ok` is false.
inline void require(bool ok, char const* contract, std::string const& detail = std::string()) noexcept {
  if (!ok) contractViolated(contract, detail);
}

// The behaviours the headers leave open, each decided per call by the seeded generator.
enum class Choice : uint32_t {
  kNotifyStaticShape,      // call IOutputAllocator::notifyShape for an output whose shape was known up front
  kLogFromWorkerThread,    // log from a stand-in worker thread instead of the calling thread
  kProgressFromWorker,     // call IProgressMonitor from a worker thread instead of the builder's thread
  kProgressChildrenFirst,  // report a child phase before the parent phase's own steps
  kReallocateEveryRun,     // call reallocateOutputAsync on every enqueueV3, not only when the size grows
  kSynchronousEnqueue,     // finish the work inside enqueueV3 even when output sizes are known up front
  kCount
};

bool choose(Choice choice) noexcept;
uint64_t seed() noexcept;
char const* choiceName(Choice choice) noexcept;

// Milliseconds to spend per build step (TRT_STANDIN_BUILD_STEP_MS, default 1): makes progress and cancellation
// observable without a real optimizer.
int buildStepMs() noexcept;

}  // namespace trt_standin
