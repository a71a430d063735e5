#pragma once
// Layer whatif/ — comparing and exploring: scenario and result diffs, paired runs, sweep and
// tornado evaluation (this file, tornado.hpp), templates, value formatting. May use
// every other layer of model/; never cli/ or report/.
// (docs/architecture.md; scripts/check-layers enforces it.)
//
// What sweeps, tornados and reports share: varied inputs (--vary), checking them
// against the resolved scenario, and evaluating metrics (JSON pointers into a `run` or
// `project` result) for the scenario with extra overrides. Callable from any front end;
// errors go to the stream the caller gives (the CLI's stderr, a string elsewhere).

#include <cstdint>
#include <functional>
#include <iosfwd>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "capflow/io/number.hpp"
#include "capflow/terms/scenario.hpp"

namespace capflow {

// One --vary PATH=LO:HI[:STEPS].
struct Vary {
  std::string path;  // JSON pointer or dotted path, as for --set
  std::string lo_text, hi_text;
  Rational lo, hi;
  int steps = 2;
  // The value of grid point k of steps (LO + (HI - LO) k / (steps - 1)) as --set text.
  std::string value_text(int k) const;
};

// Parses "PATH=LO:HI:STEPS" (with_steps) or "PATH=LO:HI". LO and HI are money ("92B",
// "1.5e9") or shares ("30%", "0.3"). Returns the error text on failure.
std::optional<std::string> parse_vary(const std::string& text, bool with_steps, Vary& out);
// Every --vary of a command (capflow COMMAND), parsed, a path given twice refused. On a problem
// prints "capflow COMMAND: --vary ...: why" to err and returns nullopt.
std::optional<std::vector<Vary>> parse_varies(const std::vector<std::string>& texts,
                                              bool with_steps, const std::string& command,
                                              std::ostream& err);

// An error text if path names no number (or numeric string) in the resolved document.
std::optional<std::string> check_varied_value(const JsonNode& document, const std::string& path);

// How each point is evaluated.
enum class EvalMode {
  monte_carlo,    // capflow run: the metrics are pointers into its JSON result
  deterministic,  // the exact projection: into project's per-holder and company totals
  waterfall,      // the exact waterfall at one total profit: into {profit, holders}
};
const char* mode_name(EvalMode mode);

struct EvalSettings {
  EvalMode mode = EvalMode::monte_carlo;
  Money profit = 0;  // waterfall mode
  std::uint64_t seed = 42;
  std::uint64_t paths = 10000;
  unsigned threads = 1;
};

// Whether the mode needs a projection section, and the message when it is missing.
bool needs_projection(const EvalSettings& settings);
std::string no_projection_message();
// "Monte Carlo, 2000 paths, seed 42 (common random numbers)" and the like, for headers.
std::string describe(const EvalSettings& settings);

// The head of a sweep or tornado JSON result: schema, scenario, its hash, the mode and
// what reproduces it (seed and paths, or the profit), capflow's version.
nlohmann::ordered_json result_header(const std::string& schema, const std::string& file,
                                     const Scenario& scenario, const EvalSettings& settings);

// The --set overrides that put `path` at `value`: path=value itself, and in Monte Carlo
// mode, for every uncertainty input whose target is path, that input made fixed at value
// (otherwise each path's draw would overwrite the value and the change would show nothing).
std::vector<std::string> overrides_for(const Scenario& s, const std::string& path,
                                       const std::string& value, const EvalSettings& settings);

// A metric value: a JSON number (Monte Carlo, as `run` prints it), a cents string
// (deterministic, as `project` prints it), or null (undefined on this point).
using MetricValue = nlohmann::ordered_json;
// A metric's value as CSV/plain text: strings bare, null empty, numbers as JSON writes them.
std::string raw_text(const MetricValue& v);

struct PointResult {
  std::string scenario_sha256;
  std::vector<MetricValue> values;  // one per metric
};

// The metrics for file + sets + extra. On bad input prints the problem to err and
// returns nullopt (exit 2); *bad_metric tells whether a metric was the problem.
std::optional<PointResult> evaluate(const std::string& file, const std::vector<std::string>& sets,
                                    const std::vector<std::string>& extra,
                                    const std::vector<std::string>& metrics,
                                    const EvalSettings& settings, std::ostream& err,
                                    bool* bad_metric = nullptr);

// One point of a sweep or tornado: its metrics, or nullopt after writing why to err.
using PointEvaluation =
    std::function<std::optional<PointResult>(std::size_t point, std::ostream& err)>;
// Evaluates points 0..n-1 and stops at the first that fails, returning the results of
// the points before it; every message goes to err in the order of the points.
using PointRunner = std::function<std::vector<PointResult>(
    std::size_t n, const PointEvaluation& point, std::ostream& err)>;
// The runner of one process: the points one after another. (A front end may pass one
// that spreads them over processes, to the same results and messages: cli/spread.hpp.)
std::vector<PointResult> run_points_in_order(std::size_t n, const PointEvaluation& point,
                                             std::ostream& err);

// Default metrics: every holder's mean nominal payout (Monte Carlo), total (exact
// projection) or receipts (waterfall).
std::vector<std::string> default_metrics(const Scenario& s, const EvalSettings& settings);
// The metric key of a holder's headline amount in this mode ("/nominal/mean", ...).
std::string holder_metric(const Scenario& s, std::size_t holder, const EvalSettings& settings);

// A metric value as a double (NaN for null).
double metric_number(const MetricValue& v);
// For tables: money as $1.23B, probabilities as percentages, multiples as numbers.
std::string metric_text(const std::string& metric, const MetricValue& v);
// Whether a metric is an amount of money (by its last key).
bool metric_is_money(const std::string& metric);

// "46B" style for a grid value on a path that holds money, the decimal otherwise.
std::string value_label(const std::string& value_text);

}  // namespace capflow
