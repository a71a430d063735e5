#pragma once
// The tornado: each input moved to LO and to HI alone (the others at base), ranked by
// the swing it causes in one metric. Shared by `capflow tornado` and `capflow report`.

#include <iosfwd>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "capflow/terms/scenario.hpp"
#include "capflow/whatif/explore.hpp"

namespace capflow {

struct TornadoInput {
  Vary vary;
  std::string source;  // "--vary", or where a default came from
};

struct TornadoRow {
  TornadoInput input;
  MetricValue at_lo, at_hi;
  double swing = 0;  // |at_hi - at_lo|
};

struct Tornado {
  std::string metric;
  MetricValue base;
  std::vector<TornadoRow> rows;  // largest swing first
};

// The inputs used when none is given: each uncertainty input's p10 and p90 (its
// distribution's quantiles, on numeric targets); failing those, each cap at 0.5x and
// 1.5x its value and the terminal multiple at 0.5x and 1.5x. note says which.
std::vector<TornadoInput> default_tornado_inputs(const Scenario& s, std::string& note);

// The default metric: the residual holder's headline amount (holder_metric).
std::string default_tornado_metric(const Scenario& s, const EvalSettings& settings);

// Runs base + 2 per input. On bad input prints to err and returns nullopt.
std::optional<Tornado> compute_tornado(const Scenario& base, const std::string& file,
                                       const std::vector<std::string>& sets,
                                       const std::vector<TornadoInput>& inputs,
                                       const std::string& metric, const EvalSettings& settings,
                                       std::ostream& err,
                                       const PointRunner& runner = run_points_in_order);

// What `capflow tornado` runs once its flags are read: checks the projection the mode
// needs and each varied path, takes the default inputs when varies is empty (note says
// which inputs were used) and the default metric when metric is empty, then computes.
// On bad input prints to err ("capflow tornado: ..." as the CLI says it), returns nullopt.
std::optional<Tornado> tornado_for(const Scenario& base, const std::string& file,
                                   const std::vector<std::string>& sets,
                                   const std::vector<Vary>& varies, const std::string& metric,
                                   const EvalSettings& settings, std::ostream& err,
                                   std::string& note,
                                   const PointRunner& runner = run_points_in_order);

// The document of `capflow tornado --format json`: result_header, metric, base, note and
// the inputs, largest swing first.
nlohmann::ordered_json tornado_document(const std::string& file, const Scenario& base,
                                        const EvalSettings& settings, const std::string& note,
                                        const Tornado& t);

// |at HI - at LO| as text: exact cents when both ends are exact, else the double.
std::string tornado_swing_text(const TornadoRow& r);

}  // namespace capflow
