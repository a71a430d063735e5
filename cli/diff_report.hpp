#pragma once
// What `capflow diff` found, and its table, Markdown, CSV and JSON views.

#include <cstdint>
#include <string>
#include <vector>

#include "capflow/whatif/diff.hpp"
#include "output.hpp"

namespace capflow::cli {

// The report as `--format` asks: table and md list the differing values (all with --all;
// every Monte Carlo metric), json and csv everything.
std::string render_diff(const DiffReport& r, Format format);

}  // namespace capflow::cli
