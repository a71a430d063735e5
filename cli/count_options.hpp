#pragma once
// The --paths and --threads checks every command shares: one parser and one limit, so that
// `sweep --paths 1e3` is accepted wherever `run --paths 1e3` is. Their help shows no
// validator text ("N", not "UINT:UINT in [1 - 1024]").

#include <CLI/CLI.hpp>
#include <cstdint>

namespace capflow::cli {

// A run longer than this many paths is a typo, not an analysis (about a day of CPU).
inline constexpr std::uint64_t kMaxPaths = 10'000'000'000ull;
inline constexpr unsigned kMaxThreads = 1024;

// --paths: a whole number from 1 to kMaxPaths, also written "1e6"; rewritten to its
// digits. CLI11 alone would wrap "-5" around to 2^64 - 5 and refuse "1e6".
CLI::Validator path_count();

// --threads: a whole number from 1 to kMaxThreads.
CLI::Validator thread_count();

}  // namespace capflow::cli
