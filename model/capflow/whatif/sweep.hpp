#pragma once
// A sweep: a grid over scenario values (each --vary's STEPS values, row-major: the first
// varies slowest), every point evaluated with explore.hpp's evaluate() on common random
// numbers, and its JSON document (`capflow sweep --format json`; the same for Python).

#include <cstddef>
#include <iosfwd>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "capflow/terms/scenario.hpp"
#include "capflow/whatif/explore.hpp"

namespace capflow {

// A grid this large is a typo (each point is a whole run).
inline constexpr std::size_t kMaxSweepPoints = 10000;

struct Sweep {
  std::vector<Vary> varies;
  std::vector<std::string> metrics;
  std::vector<std::vector<std::string>> values;  // per point, each vary's value as --set text
  std::vector<PointResult> results;              // per point
};

// Checks the varied paths, the grid's size and the projection the mode needs, then
// evaluates every point of file + sets. metrics empty: default_metrics. On bad input
// prints the problem to err ("capflow sweep: ..." as the CLI says it) and returns nullopt.
std::optional<Sweep> compute_sweep(const Scenario& base, const std::string& file,
                                   const std::vector<std::string>& sets,
                                   const std::vector<Vary>& varies,
                                   const std::vector<std::string>& metrics,
                                   const EvalSettings& settings, std::ostream& err,
                                   const PointRunner& runner = run_points_in_order);

// The document: result_header, vary, metrics and the points.
nlohmann::ordered_json sweep_document(const std::string& file, const Scenario& base,
                                      const EvalSettings& settings, const Sweep& sweep);

}  // namespace capflow
