#pragma once
// The --seed check every Monte Carlo command shares.

#include <CLI/CLI.hpp>

namespace capflow::cli {

// Accepts a whole number from 0 to 2^64 - 1 written in digits. CLI11 alone would read
// "-1" into an unsigned as 2^64 - 1 and saturate larger numbers to it: a typo must not
// become a seed.
CLI::Validator seed_check();

}  // namespace capflow::cli
