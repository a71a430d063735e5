#pragma once
// The validated year-by-year terms of a scenario: projection lines, funding rounds and
// their terms, and the for-profit conversion (scenario sections "projection", "rounds"
// and "conversion"; docs/scenario-format.md). Built only by read_projection_spec.

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "capflow/io/json_reader.hpp"
#include "capflow/io/number.hpp"
#include "capflow/terms/waterfall_spec.hpp"

namespace capflow {

using Year = int;

// A calendar date as scenario files write it ("2024-10-02"); ordering is chronological.
struct Date {
  Year year = 0;
  int month = 12;
  int day = 31;
  auto operator<=>(const Date&) const = default;
  std::string str() const;
};

// A money line per year (revenue, a cost): each year is either a fixed amount, the
// previous year's value grown by a rate, or a ratio of the same year's revenue.
// Rates and ratios are step functions: a value given for year Y holds from Y on,
// until the next year given.
struct LineSpec {
  std::string id;
  std::string name;
  std::map<Year, Money> amounts;    // fixed values; may include first_year - 1 as the base
  std::map<Year, Rational> growth;  // step series of growth rates (0.2 = +20 %)
  std::map<Year, Rational> ratio;   // step series of ratios of revenue (costs only)
};

struct RevenueShareSpec {
  HolderIndex to = 0;              // the partner, a holder (paid outside the waterfall)
  Rational rate = 0;               // of revenue
  std::optional<Year> until_year;  // last year paid (inclusive)
  std::optional<Money> total_cap;  // cumulative limit
};

struct CapGrowthSpec {
  Rational rate = 0;   // per year
  Year from_year = 0;  // cap in year t >= from_year is cap × (1 + rate)^(t − from_year + 1)
};

struct TerminalValueSpec {
  enum class Method { none, multiple, perpetuity };
  Method method = Method::none;
  Rational multiple = 0;  // × max(0, net income of the last year)
  Rational growth = 0;    // perpetuity: NI_T × (1 + g) / (r − g), REQUIRES r > g
};

struct RemedySpec {
  enum class Kind { refund, debt };
  Kind kind = Kind::refund;
  Rational interest_rate = 0;  // debt only
};

struct OptionSpec {
  std::string investor;
  HolderIndex joins = 0;  // the investor's holder when the round lists it, else the round's
  Money amount = 0;
  Year year = 0;                          // exercised in this year, at the round's price
  std::optional<Money> revenue_at_least;  // exercise rule: that year's revenue >= this
};

struct RoundSpec {
  std::string name;
  Date date;
  Money amount = 0;
  std::optional<Money> pre_money;
  std::optional<Money> post_money;  // always set after validation (pre + amount if needed)
  HolderIndex joins = 0;            // the holder whose invested amount the money raises
  std::vector<std::pair<std::string, Money>> investors;  // sums to amount when given
  // Where the money goes: one part per holder it joins (an investor listed with its own
  // "joins" puts its amount into that holder, the rest joins `joins`), in order of first
  // mention. Sums to amount.
  struct Part {
    HolderIndex holder = 0;
    Money amount = 0;
  };
  std::vector<Part> parts;
  std::optional<Date> conversion_deadline;
  std::optional<RemedySpec> if_missed;
  std::vector<OptionSpec> options;
  std::string exclusivity;  // recorded and reported, no cash effect
};

struct CreditLineSpec {
  Money size = 0;
  Rational rate = 0;  // interest per year on the drawn balance
  Year from_year = 0;
  Year until_year = 0;  // last year it can be drawn; the balance is repaid when cash allows
};

struct FundingSpec {
  Money cash_floor = 0;  // cash below this at year end is a funding need
  std::optional<CreditLineSpec> credit_line;
  // Needs the credit line does not cover are met by a generic round at
  // pre-money = revenue × valuation_revenue_multiple, joining `holder`.
  std::optional<Rational> valuation_revenue_multiple;
  std::optional<HolderIndex> holder;
  // New rounds raised before the conversion, when the terms say so, are a loan from
  // `holder` at this rate (repaid before distributions) instead of a participation.
  std::optional<Rational> new_rounds_debt_rate;
  // ... and, as convertible notes, what is still owed converts into equity at the new
  // rounds' price when the conversion takes effect.
  bool new_rounds_notes_convert = false;
  // A cash need that the credit line and new rounds cannot meet: the company defaults
  // (the default when a funding section is given), or outside money the model does not
  // follow covers it (SPEC §5's benchmark model; the default without a funding section).
  enum class OnShortfall { default_, external };
  OnShortfall on_shortfall = OnShortfall::external;
};

// How the equity is split when the conversion takes effect: given stakes, or claims.
struct ConversionOutcomeSpec {
  std::string name;
  Rational probability = 1;
  // Equity per holder (sums to 1); empty when derived from claims.
  std::vector<Share> equity;
  // When set, equity = each holder's share of this valuation pushed through the
  // waterfall from its state at conversion (the "claims" rule).
  std::optional<Money> claims_valuation;
};

struct ConversionSpec {
  Date date;  // from date.year on, distributions follow equity and caps stop applying
  // One outcome (given as "equity" or "equity_from_claims"), or several named outcomes
  // with probabilities summing to 1, one drawn per Monte Carlo path.
  std::vector<ConversionOutcomeSpec> outcomes;
  std::size_t base_outcome = 0;  // what `project` uses: "base": true, else the most likely
  const ConversionOutcomeSpec& base() const { return outcomes[base_outcome]; }
};

struct ProjectionSpec {
  Year first_year = 0;
  Year last_year = 0;
  Year valuation_year = 0;  // PVs are as of the end of this year
  Rational discount_rate = 0;
  Money opening_cash = 0;
  Money opening_cumulative_result = 0;  // losses before first_year (negative), recovered first
  LineSpec revenue;
  std::vector<LineSpec> costs;
  std::vector<RevenueShareSpec> revenue_shares;
  Rational payout_ratio = 1;
  std::optional<CapGrowthSpec> cap_growth;
  TerminalValueSpec terminal_value;
  // Dated investments per holder for IRR: (year, amount); the amounts sum to invested.
  std::vector<std::vector<std::pair<Year, Money>>> investments;
  FundingSpec funding;
  std::vector<RoundSpec> rounds;
  std::optional<ConversionSpec> conversion;

  int years() const { return last_year - first_year + 1; }
};

// Value of a step series in year t: the entry of the latest year <= t (nullptr if none).
const Rational* step_value(const std::map<Year, Rational>& series, Year t);

// Reads "projection", "rounds" and "conversion" (each may be null: absent). Returns
// nullopt when there is no "projection" or after recording every problem found.
std::optional<ProjectionSpec> read_projection_spec(const JsonNode* projection,
                                                   const JsonNode* rounds,
                                                   const JsonNode* conversion,
                                                   const WaterfallSpec& waterfall,
                                                   JsonReader& reader);

}  // namespace capflow
