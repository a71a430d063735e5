#pragma once
// What every libFuzzer harness of tests/fuzz/ shares.

#ifndef CAPFLOW_SOURCE_DIR
#error "CAPFLOW_SOURCE_DIR must name the source tree (tests/fuzz/CMakeLists.txt sets it)"
#endif

namespace capflow::fuzz {

// Stops the run with a report: a broken promise of the code under test (a diagnostic
// without a place, a value that does not read back), not a crash it caused.
inline void require(bool ok) {
  if (!ok) __builtin_trap();
}

}  // namespace capflow::fuzz
