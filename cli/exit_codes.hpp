#pragma once

namespace capflow::cli {

// SPEC §1: the exit codes every command keeps.
inline constexpr int kExitOk = 0;
inline constexpr int kExitDifferences = 1;  // diff found differences beyond tolerance
inline constexpr int kExitBadInput = 2;     // bad file, flag or scenario
inline constexpr int kExitInternal = 3;     // a bug: an invariant of capflow itself broke

}  // namespace capflow::cli
