#include "contract.h"

#include <cstdio>
#include <cstdlib>
#include <mutex>

namespace trt_standin {
namespace {

uint64_t readSeed() {
  char const* v = std::getenv("TRT_STANDIN_SEED");
  if (v == nullptr || *v == '\0') return 1;
  return std::strtoull(v, nullptr, 10);
}

// splitmix64: small, and the same sequence on every platform for a given seed.
struct Generator {
  std::mutex mutex;
  uint64_t state;
  explicit Generator(uint64_t s) : state(s) {}
  uint64_t next() {
    std::lock_guard<std::mutex> lock(mutex);
    uint64_t z = (state += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }
};

Generator& generator() {
  static Generator* g = new Generator(readSeed());  // leaked: used by threads that may outlive static destruction
  return *g;
}

}  // namespace

void notImplemented(char const* method) noexcept {
  std::fprintf(stderr,
               "\n%s: %s is not part of the stand-in. trt-node called a TensorRT method the stand-in does not "
               "implement; add it to test/tensorrt-standin (with the contract its header states) or stop calling it.\n",
               kIdentity, method);
  std::fflush(stderr);
  std::abort();
}

void contractViolated(char const* contract, std::string const& detail) noexcept {
  std::fprintf(stderr, "\n%s: CONTRACT VIOLATED: %s%s%s\n", kIdentity, contract, detail.empty() ? "" : ": ",
               detail.c_str());
  std::fflush(stderr);
  std::abort();
}

uint64_t seed() noexcept { return readSeed(); }

char const* choiceName(Choice choice) noexcept {
  switch (choice) {
    case Choice::kNotifyStaticShape: return "notifyStaticShape";
    case Choice::kLogFromWorkerThread: return "logFromWorkerThread";
    case Choice::kProgressFromWorker: return "progressFromWorker";
    case Choice::kProgressChildrenFirst: return "progressChildrenFirst";
    case Choice::kReallocateEveryRun: return "reallocateEveryRun";
    case Choice::kSynchronousEnqueue: return "synchronousEnqueue";
    case Choice::kCount: break;
  }
  return "?";
}

namespace {

// TRT_STANDIN_CHOICES="logFromWorkerThread=1,synchronousEnqueue=0" pins choices (tests that need one branch);
// -1 leaves a choice to the seeded generator.
struct Pinned {
  int value[static_cast<size_t>(Choice::kCount)];
  Pinned() {
    for (int& v : value) v = -1;
    char const* env = std::getenv("TRT_STANDIN_CHOICES");
    std::string text = env != nullptr ? env : "";
    size_t start = 0;
    while (start < text.size()) {
      size_t end = text.find(',', start);
      if (end == std::string::npos) end = text.size();
      std::string item = text.substr(start, end - start);
      size_t eq = item.find('=');
      for (size_t c = 0; eq != std::string::npos && c < static_cast<size_t>(Choice::kCount); ++c) {
        if (item.substr(0, eq) == choiceName(static_cast<Choice>(c))) value[c] = item.substr(eq + 1) == "1" ? 1 : 0;
      }
      start = end + 1;
    }
  }
};

}  // namespace

bool choose(Choice choice) noexcept {
  static Pinned const* pinned = new Pinned();
  int v = pinned->value[static_cast<size_t>(choice)];
  if (v >= 0) return v == 1;
  return (generator().next() & 1U) != 0;
}

int buildStepMs() noexcept {
  static int const ms = [] {
    char const* v = std::getenv("TRT_STANDIN_BUILD_STEP_MS");
    return v != nullptr ? std::atoi(v) : 1;
  }();
  return ms;
}

}  // namespace trt_standin
