#pragma once
// `capflow diff`: what it found, as data and as its JSON document, and the comparison of
// two scenarios (their inputs, then their results on common random numbers, or exactly).
// The CLI (cli/diff_command.cpp) and the Python module call this; the table, CSV and
// Markdown views stay in the CLI.

#include <atomic>
#include <cstdint>
#include <functional>
#include <iosfwd>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "capflow/io/number.hpp"
#include "capflow/whatif/comparison.hpp"
#include "capflow/whatif/scenario_diff.hpp"

namespace capflow {

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
  // Every scenario file read (each side's extends chain): a front end writes over none.
  std::vector<std::string> files_read;
};

// Results beyond the tolerance.
std::size_t beyond_count(const DiffReport& r);

// "monte_carlo", "projection", "waterfall" or "outputs".
const char* diff_mode_name(DiffMode m);

// One side of a comparison as JSON: exact money as a decimal string with cents (as the
// result files write exact money), other exact values as decimals, statistics as numbers.
nlohmann::ordered_json diff_side_json(const Comparison& c, bool is_a);

// The document of `capflow diff --format json`: meta (documents/provenance.hpp: A's
// scenario, with B's beside it; seed and paths for Monte Carlo), then the comparison.
nlohmann::ordered_json diff_document(const DiffReport& r);

// Two scenario files and what to compare them on.
struct ScenarioDiffRequest {
  std::string a, b;
  std::vector<std::string> sets_a, sets_b;  // --set PATH=VALUE texts for each
  bool deterministic = false;
  std::vector<Money> profits;  // extra profits for waterfall-only scenarios
  std::uint64_t paths = 10000, seed = 42;
  unsigned threads = 0;                            // 0: every core
  std::atomic<std::uint64_t>* progress = nullptr;  // Monte Carlo paths done, if given
  // A front end that shares the paths among processes (MPI) runs [first_path, end_path)
  // here (end_path 0: every path) and gathers the others' accumulators
  // (PairedRequest::gather).
  std::uint64_t first_path = 0, end_path = 0;
  std::function<std::vector<nlohmann::json>(const nlohmann::json&)> gather = nullptr;
};

// Loads both scenarios, compares their inputs and then their results (Monte Carlo on
// common random numbers when both have uncertainty and !deterministic, else the exact
// projections, else the exact waterfalls) into report (whose file and kind fields the
// caller sets) and each side's SHA-256 and overrides. On bad input writes the problem to err and
// returns false.
bool diff_scenarios(const ScenarioDiffRequest& o, DiffReport& report, std::ostream& err);

// Two saved outputs of the same command, key by key (whatif/result_diff.hpp), into
// report: mode, kinds, results, note and the SHA-256 each records (plain JSON: numbers
// compared as plain numbers, not money). REQUIRES: output_kind(a) == output_kind(b).
void diff_saved_outputs(const nlohmann::ordered_json& a, const nlohmann::ordered_json& b,
                        DiffReport& report);

// Sets report.beyond: per result, whether it counts and differs beyond t.
void apply_tolerance(DiffReport& report, const Tolerance& t);

}  // namespace capflow
