#pragma once
// The exact waterfall's answers as a document: allocations at given profits, the
// breakpoints, and solved profits (`capflow waterfall --format json`; the same document
// for every front end). Money is in exact cents (strings), shares are exact decimals.

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "capflow/terms/scenario.hpp"
#include "capflow/waterfall/breakpoints.hpp"
#include "capflow/waterfall/solve.hpp"

namespace capflow {

// One --solve HOLDER=AMOUNT and its answer.
struct Solved {
  HolderIndex holder = 0;
  Money amount;
  SolveResult result;
  Money ceiling_profit;  // where the holder reaches its ceiling (when there is one)
  std::optional<std::size_t> last_tier;
};

struct Allocation {
  Money profit;
  std::vector<Money> received;
  std::vector<bool> at_cap;
  std::optional<std::size_t> last_tier;
};

// The allocation of a cumulative profit (exact).
Allocation allocate(const WaterfallTerms<Rational>& terms, const Money& profit);

// The profit at which holder first receives amount, read off the breakpoints and checked
// against the engine (throws std::logic_error if the two disagree: an internal fault).
Solved solve(const WaterfallTerms<Rational>& terms, const BreakpointTable& table,
             HolderIndex holder, const Money& amount);

// share of whole as an exact 12-place decimal; "" when whole is 0.
std::string share_text(const Money& part, const Money& whole);
// Exact text of a rational: a decimal when it terminates, else "numerator/denominator".
std::string exact_text(const Rational& v);
// Why a solved amount is never reached, in words.
std::string never_text(const WaterfallSpec& spec, const Solved& x);

// The document: meta (documents/provenance.hpp, with the --set overrides), scenario, then
// allocations, initial + breakpoints and solve, each when given (empty vectors / nullopt leave its
// key out).
nlohmann::ordered_json waterfall_document(const Scenario& s,
                                          const std::vector<Allocation>& allocations,
                                          const std::optional<BreakpointTable>& bps,
                                          const std::vector<Solved>& solved,
                                          const std::vector<std::string>& overrides = {});

}  // namespace capflow
