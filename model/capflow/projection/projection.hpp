#pragma once
// Layer projection/ — the year-by-year model and its engine, IRR. Uses io/, terms/, simd/,
// waterfall/.
// (docs/architecture.md; scripts/check-layers enforces it.)
//
// The year-by-year model (docs/model.md): revenue, costs, partner revenue share, net
// income, cumulative result, cash, funding (rounds, credit line, new rounds), the
// rounds' conversion deadlines and remedies, distributions through the waterfall (or by
// equity after the conversion), terminal value, and what each holder receives.
//
// Written once for two number types, like the waterfall: Rational for `capflow project`
// (exact to the cent), double for each Monte Carlo path. The per-path inputs that
// uncertainty may change (growth, cost ratios, the conversion year) are kept apart in
// PathInputs so a path changes them without copying the rest of the terms.

#include <optional>
#include <vector>

#include "capflow/terms/projection_spec.hpp"
#include "capflow/waterfall/waterfall.hpp"

namespace capflow {

// The numbers of one path that random inputs, processes and events may change; the
// rest of the terms are shared by all paths.
template <class Num>
struct PathInputs {
  // Revenue in year i: revenue_fixed[i] if revenue_has_fixed[i], else the previous
  // year's × revenue_growth_factor[i].
  std::vector<char> revenue_has_fixed;
  std::vector<Num> revenue_fixed;
  std::vector<Num> revenue_growth_factor;
  // Cost line k in year i: a ratio of revenue, an amount, or a growth factor on the
  // previous year's cost (ProjectionTerms::cost_kind says which).
  std::vector<std::vector<Num>> cost_value;
  std::vector<Num> cap_amount;    // per holder: absolute cap (where not a multiple)
  std::vector<Num> cap_multiple;  // per holder: multiple of invested (where a multiple)
  std::vector<Num> cap_growth;    // per year: multiplier on caps
  Num terminal_multiple{};
  // When the for-profit conversion takes effect on this path; nullopt = never.
  std::optional<Date> conversion;
  // Which of the conversion's outcomes (ProjectionTerms::outcomes) this path takes, the
  // claims valuation of each outcome (0 for given stakes), and drawn stakes: a drawn
  // stake replaces its holder's stake in that outcome, the others scaled to keep 100%.
  std::size_t conversion_outcome = 0;
  std::vector<Num> claims_valuation;
  struct StakeDraw {
    std::size_t outcome = 0;
    HolderIndex holder = 0;
    Num stake{};
  };
  std::vector<StakeDraw> stakes;
  Num payout_ratio{1};
  // Year index from which no new rounds can be raised (a crash dries financing up).
  int new_rounds_until = 1 << 30;
};

template <class Num>
struct ProjectionTerms {
  enum class CostKind : unsigned char { ratio, amount, growth };
  struct RoundEvent {
    std::size_t round = 0;  // index in spec.rounds (or options: see is_option)
    bool is_option = false;
    std::size_t option = 0;
    Num amount{};
    Num post_money{};  // of the round (0 when not given): the stake bought after conversion
    HolderIndex joins = 0;
    std::size_t tranche = 0;  // the (round, holder) part its money counts toward
    // After the conversion a round buys amount / post-money for each of its parts; the
    // others are diluted once, by the round's whole stake, at its first part.
    Num dilute_others{};
    std::optional<Num> revenue_at_least;
  };
  struct DeadlineEvent {
    std::size_t round = 0;
    std::vector<std::size_t> tranches;  // the round's parts (and its options'), refunded each
    RemedySpec::Kind remedy = RemedySpec::Kind::refund;
    Num interest_rate{};
    Date deadline;
  };

  int years = 0;
  Year first_year = 0;
  std::size_t holders = 0;
  WaterfallTerms<Num> waterfall;
  std::vector<char> cap_is_multiple;  // per holder
  std::vector<Num> discount;          // per year: 1 / (1 + r)^(t − valuation_year)
  Num revenue_base{};                 // the year before the first, when growth starts at once
  std::vector<std::vector<CostKind>> cost_kind;  // per line, per year
  std::vector<Num> base_cost;                    // per line: the year before the first
  struct RevenueShareTerms {
    HolderIndex to = 0;
    std::vector<Num> rate;  // per year (0 after until_year)
    bool has_cap = false;
    Num cap{};
  };
  std::vector<RevenueShareTerms> revenue_shares;
  Num payout_ratio{1};
  Num opening_cash{};
  Num opening_cumulative{};
  Num cash_floor{};
  bool has_credit_line = false;
  Num credit_size{};
  Num credit_rate{};
  int credit_from = 0, credit_until = -1;  // year indices
  bool has_new_rounds = false;
  Num new_round_multiple{};
  HolderIndex new_round_holder = 0;
  bool new_rounds_debt_before_conversion = false;  // a loan at new_rounds_debt_rate
  Num new_rounds_debt_rate{};
  bool new_rounds_notes_convert = false;  // notes still owed become equity at the conversion
  bool default_on_shortfall = false;      // else outside money covers what funding cannot
  TerminalValueSpec::Method terminal = TerminalValueSpec::Method::none;
  Num terminal_growth{};
  Num discount_rate{};
  std::vector<std::vector<RoundEvent>> round_events;        // per year
  std::vector<std::vector<DeadlineEvent>> deadline_events;  // per year
  // Per conversion outcome: equity per holder, empty when from claims (then
  // PathInputs::claims_valuation says at which valuation).
  std::vector<std::vector<Num>> outcome_equity;
  std::optional<Date> conversion_date;
  std::vector<Num> initial_invested;        // per holder, before any round
  std::vector<HolderIndex> tranche_holder;  // per (round, holder) part: the holder

  static ProjectionTerms from(const ProjectionSpec& p, const WaterfallSpec& w);
  // The scenario's own values: what `capflow project` runs and each path starts from.
  PathInputs<Num> base_inputs(const ProjectionSpec& p, const WaterfallSpec& w) const;
};

// What happened in one year.
template <class Num>
struct YearRecord {
  Year year = 0;
  Num revenue{};
  std::vector<Num> costs;  // per line
  Num revenue_share{};     // paid to partners
  Num interest{};          // on debt and the credit line
  Num net_income{};
  Num cumulative_result{};
  Num raised_rounds{};      // scenario rounds and options
  Num raised_new_rounds{};  // rounds raised to meet a funding need
  Num external_funding{};   // a need covered by outside money the model does not follow
  Num credit_drawn{};
  Num credit_repaid{};
  Num credit_balance{};
  Num debt_balance{};
  Num refunds{};
  Num funding_need{};   // shortfall below the cash floor before funding
  Num unfunded{};       // shortfall left after the credit line and new rounds
  Num refund_unpaid{};  // refunds due this year that a default left unpaid
  Num distributable{};  // new distributable profit × payout ratio
  Num debt_repaid{};
  Num distributed{};     // to holders, through the waterfall or by equity
  Num terminal_value{};  // last year only
  Num cash{};            // end of year
  bool converted = false;
  bool defaulted = false;     // the company defaulted this year or before: nothing happens after
  std::vector<Num> received;  // per holder, this year: waterfall/equity incl. terminal
  std::vector<Num> other;     // per holder, this year: revenue share, refunds, interest, principal
  std::vector<Num> invested;  // per holder, this year: money put in (rounds, options, new rounds)
  std::vector<Num> caps;      // per holder, caps in force (meaningful where capped)
  std::vector<char> at_cap;   // per holder, at its cap at year end
};

// Per-path totals, accumulated as the years run.
template <class Num>
struct PathSummary {
  std::vector<Num> total_received;  // per holder: waterfall/equity incl. terminal
  std::vector<Num> terminal_claim;  // per holder: the part from terminal value
  std::vector<Num> total_other;     // per holder: revenue share, refunds, interest, principal
  std::vector<Num> pv;              // per holder: PV of received + other
  std::vector<Num> invested_total;  // per holder: initial + rounds + options + new rounds
  std::vector<int> cap_year_index;  // per holder: first year index at cap, -1 never
  std::vector<char> ended_at_cap;   // per holder: at its cap at the horizon
  // Per holder: its cap when first positive (the cap "as it stood at the start"); 0 if
  // it never had one.
  std::vector<Num> original_cap;
  bool deadline_missed = false;
  Num refund_owed{};
  Num refund_unpaid{};
  int default_index = -1;         // year index of the default, -1 never
  int conversion_index = -1;      // year index the conversion took effect, -1 never
  int first_profit_index = -1;    // first year with net income > 0
  Num worst_cumulative_result{};  // lowest cumulative result over the years (<= 0 part)
  Num total_funding_need{};       // sum of yearly shortfalls below the cash floor
  Num peak_funding_need{};        // largest cumulative shortfall so far

  // Sized for `holders`; the engines allocate once and reset() per path.
  void resize(std::size_t holders) {
    total_received.resize(holders);
    terminal_claim.resize(holders);
    total_other.resize(holders);
    pv.resize(holders);
    invested_total.resize(holders);
    cap_year_index.resize(holders);
    ended_at_cap.resize(holders);
    original_cap.resize(holders);
  }
  // The start of a path: nothing received yet, `invested` put in before the first year.
  void reset(const std::vector<Num>& invested, const Num& opening_cumulative) {
    for (std::size_t h = 0; h < pv.size(); ++h) {
      total_received[h] = terminal_claim[h] = total_other[h] = pv[h] = Num{};
      invested_total[h] = invested[h];
      cap_year_index[h] = -1;
      ended_at_cap[h] = 0;
      original_cap[h] = Num{};
    }
    deadline_missed = false;
    refund_owed = Num{};
    refund_unpaid = Num{};
    default_index = -1;
    conversion_index = -1;
    first_profit_index = -1;
    worst_cumulative_result = opening_cumulative < Num{} ? opening_cumulative : Num{};
    total_funding_need = Num{};
    peak_funding_need = Num{};
  }
};

template <class Num>
struct ProjectionResult {
  std::vector<YearRecord<Num>> years;
  PathSummary<Num> summary;
};

// Runs the model for one path. REQUIRES: inputs shaped like terms.base_inputs().
template <class Num>
ProjectionResult<Num> project(const ProjectionTerms<Num>& terms, const PathInputs<Num>& inputs);

extern template struct ProjectionTerms<Rational>;
extern template struct ProjectionTerms<double>;
extern template ProjectionResult<Rational> project(const ProjectionTerms<Rational>&,
                                                   const PathInputs<Rational>&);
extern template ProjectionResult<double> project(const ProjectionTerms<double>&,
                                                 const PathInputs<double>&);

}  // namespace capflow
