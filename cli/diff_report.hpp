#pragma once
// What `capflow diff` found, and its table, Markdown, CSV and JSON views.

#include <cstdint>
#include <string>
#include <vector>

#include "capflow/whatif/comparison.hpp"
#include "capflow/whatif/scenario_diff.hpp"
#include "output.hpp"

namespace capflow::cli {

enum class DiffMode { monte_carlo, projection, waterfall, outputs };

// Everything the renderers need.
struct DiffReport {
  std::string file_a, file_b;
  std::string kind_a, kind_b;
  std::string sha_a, sha_b;  // the scenarios' SHA-256 (of saved outputs: as they record it)
  std::vector<std::string> overrides_a, overrides_b;  // --set (and --set-a/-b) per side
  DiffMode mode = DiffMode::outputs;
  std::string note;  // why this mode, in words
  bool inputs_compared = false;
  InputDiff inputs;
  std::vector<Comparison> results;
  std::vector<char> beyond;  // per result: differs beyond the tolerance
  std::string tolerance;
  bool all = false;
  std::uint64_t paths = 0, seed = 0;
};

// Results beyond the tolerance.
std::size_t beyond_count(const DiffReport& r);

// The report as `--format` asks: table and md list the differing values (all with --all;
// every Monte Carlo metric), json and csv everything.
std::string render_diff(const DiffReport& r, Format format);

}  // namespace capflow::cli
