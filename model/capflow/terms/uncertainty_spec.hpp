#pragma once
// The validated "uncertainty" section (docs/scenario-format.md): named random inputs
// with distributions, yearly processes, correlations (a Gaussian copula) and events.

#include <optional>
#include <string>
#include <vector>

#include "capflow/io/json_reader.hpp"
#include "capflow/terms/projection_spec.hpp"

namespace capflow {

struct DistributionSpec {
  enum class Kind { fixed, uniform, normal, lognormal, triangular, pert, bernoulli, discrete };
  Kind kind = Kind::fixed;
  // Parameters, by kind: fixed {a = value}; uniform {a = min, b = max};
  // normal {a = mean, b = sd}; lognormal {a = mu, b = sigma of log}; triangular and pert
  // {a = min, c = mode, b = max, lambda (pert)}; bernoulli {a = p}.
  double a = 0, b = 0, c = 0, lambda = 4;
  std::vector<double> values, probabilities;  // discrete
  std::optional<double> truncate_min, truncate_max;
};

// Where a random input's value goes on each path (the supported targets are listed in
// docs/scenario-format.md; any other pointer is an error).
struct InputTarget {
  enum class Kind {
    none,                  // a named input only used through correlations or reports
    revenue_growth,        // rate in force from `year` (replaces the scenario's entry)
    revenue_amount,        // fixed revenue of `year`
    cost_ratio,            // ratio entry of cost line `line` from `year`
    cost_amount,           // fixed amount of cost line `line` in `year`
    cost_growth,           // growth entry of cost line `line` from `year`
    terminal_multiple,     // /projection/terminal_value/multiple
    cap_amount,            // /holders/<id>/cap (absolute)
    cap_multiple,          // /holders/<id>/cap/multiple
    cap_growth_rate,       // /projection/cap_growth/rate
    conversion_year,       // /conversion/date: the year the conversion takes effect
    payout_ratio,          // /projection/distribution/payout_ratio
    conversion_valuation,  // /conversion[/outcomes/K]/equity_from_claims/valuation
    conversion_stake,      // /conversion[/outcomes/K]/equity/<holder>
  };
  Kind kind = Kind::none;
  std::string pointer;
  Year year = 0;
  std::size_t line = 0;
  HolderIndex holder = 0;
  std::size_t outcome = 0;  // conversion_valuation, conversion_stake
};

struct RandomInputSpec {
  std::string name;
  DistributionSpec distribution;
  InputTarget target;
};

struct ProcessSpec {
  enum class Kind { revenue_log_growth, cost_ratio_shock };
  std::string name;
  Kind kind = Kind::revenue_log_growth;
  double volatility = 0;        // sd of the yearly shock (log growth, or ratio points)
  double mean_reversion = 1;    // 1: independent years; k < 1: shock_t = (1-k) shock_{t-1} + sd z_t
  std::size_t line = 0;         // cost line (cost_ratio_shock)
  double min = 0, max = 1e300;  // clamp of the shocked ratio
  Year from_year = 0;           // first year shocked
};

struct ConversionEventSpec {
  double probability_per_year = 0;
  Year from_year = 0, until_year = 0;
  int month = 12, day = 31;  // when in its year a random conversion takes effect
};

struct CrashEventSpec {
  double probability_per_year = 0;
  Year from_year = 0, until_year = 0;
  double growth_cut = 0;  // revenue growth factor × (1 + cut) in each crash year
  int years = 1;
  bool stops_new_rounds = false;  // financing dries up for the rest of the path
};

struct UncertaintySpec {
  std::vector<RandomInputSpec> inputs;
  std::vector<ProcessSpec> processes;
  // Correlation matrices (row-major), one over the inputs and one over the processes,
  // validated positive semi-definite.
  std::vector<double> input_correlation;
  std::vector<double> process_correlation;
  std::optional<ConversionEventSpec> conversion;
  std::optional<CrashEventSpec> crash;
};

// Reads "uncertainty" (nullptr: no uncertainty, every path is the base case).
std::optional<UncertaintySpec> read_uncertainty_spec(const JsonNode* uncertainty,
                                                     const ProjectionSpec& projection,
                                                     const WaterfallSpec& waterfall,
                                                     const JsonNode& document, JsonReader& reader);

}  // namespace capflow
