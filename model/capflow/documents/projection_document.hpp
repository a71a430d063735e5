#pragma once
// The result document of the exact base case: what `capflow project --format json`
// writes and every other front end returns. Money is in exact cents (strings).

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "capflow/projection/irr.hpp"
#include "capflow/projection/projection.hpp"
#include "capflow/terms/scenario.hpp"

namespace capflow {

// Per-holder results derived from the exact projection.
struct HolderOutcome {
  Money invested = 0;
  Money received = 0;  // waterfall / equity, terminal claim included
  Money terminal = 0;
  Money other = 0;  // revenue share, refunds, interest, principal
  Money pv = 0;
  std::optional<Rational> moic;
  IrrResult irr;
  std::optional<Year> cap_year;
};

// Each holder's totals, PV, MOIC, IRR and cap year in the exact projection r of s.
// REQUIRES: s.projection
std::vector<HolderOutcome> holder_outcomes(const Scenario& s, const ProjectionResult<Rational>& r);

// The document: meta (documents/provenance.hpp, with the --set overrides), scenario, years,
// holders, company, rounds.
nlohmann::ordered_json projection_document(const Scenario& s, const ProjectionResult<Rational>& r,
                                           const std::vector<HolderOutcome>& outs,
                                           const std::vector<std::string>& overrides = {});

}  // namespace capflow
