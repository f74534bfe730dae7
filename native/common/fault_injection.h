// Test only: named points where a test makes an operation fail that nothing outside the process can make fail (a
// thread-safe function that cannot be created, say), to prove the failure path. Compiled in only with the CMake
// setting TRT_NODE_FAULT_INJECTION (npm run test:standin turns it on); a point then fails when its name is in the
// comma-separated TRT_NODE_FAULTS. Elsewhere faultInjected() is a constant false.
#pragma once

#ifndef TRT_NODE_FAULT_INJECTION
#define TRT_NODE_FAULT_INJECTION 0
#endif

#if TRT_NODE_FAULT_INJECTION
#include <cstdlib>
#include <string>
#endif

namespace trt_node {

inline bool faultInjected(char const* point) {
#if TRT_NODE_FAULT_INJECTION
  char const* faults = std::getenv("TRT_NODE_FAULTS");
  return faults != nullptr && ("," + std::string(faults) + ",").find("," + std::string(point) + ",") != std::string::npos;
#else
  (void)point;
  return false;
#endif
}

}  // namespace trt_node
