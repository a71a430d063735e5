#pragma once
// The --seed check every Monte Carlo command shares.

#include <CLI/CLI.hpp>

namespace capflow::cli {

// Accepts a whole number from 0 to 2^64 - 1 written in digits. CLI11 alone would read
// "-1" into an unsigned as 2^64 - 1 and saturate larger numbers to it: a typo must not
// become a seed.
CLI::Validator seed_check();

// Accepts decimal digits only (at most 19, so any value fits 64 bits): CLI11 alone reads
// "0x10" as 16, "0b11" as 3 and " 5" as 5. For --paths and --threads; a range check
// follows it where there is one.
CLI::Validator digits_check();

}  // namespace capflow::cli
