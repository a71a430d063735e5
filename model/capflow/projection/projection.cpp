#include "capflow/projection/projection.hpp"

#include "capflow/projection/projection_engine.hpp"

namespace capflow {
namespace {

Rational power(const Rational& base, int exponent) {
  Rational r = 1;
  for (int k = 0; k < (exponent < 0 ? -exponent : exponent); ++k) r *= base;
  return exponent < 0 ? Rational(1 / r) : r;
}

}  // namespace

template <class Num>
ProjectionTerms<Num> ProjectionTerms<Num>::from(const ProjectionSpec& p, const WaterfallSpec& w) {
  ProjectionTerms t;
  t.years = p.years();
  t.first_year = p.first_year;
  t.holders = w.holders.size();
  t.waterfall = WaterfallTerms<Num>::from(w);
  const auto years = static_cast<std::size_t>(t.years);
  for (const Holder& h : w.holders) {
    t.cap_is_multiple.push_back(h.cap_multiple ? 1 : 0);
    t.initial_invested.push_back(to_num<Num>(h.invested));
  }
  for (int i = 0; i < t.years; ++i) {
    const Year y = p.first_year + i;
    t.discount.push_back(to_num<Num>(1 / power(1 + p.discount_rate, y - p.valuation_year)));
  }
  if (auto base = p.revenue.amounts.find(p.first_year - 1); base != p.revenue.amounts.end()) {
    t.revenue_base = to_num<Num>(base->second);
  }
  for (const LineSpec& line : p.costs) {
    std::vector<CostKind> kinds;
    for (int i = 0; i < t.years; ++i) {
      const Year y = p.first_year + i;
      if (line.amounts.count(y)) {
        kinds.push_back(CostKind::amount);
      } else if (step_value(line.ratio, y)) {
        kinds.push_back(CostKind::ratio);
      } else {
        kinds.push_back(CostKind::growth);
      }
    }
    t.cost_kind.push_back(std::move(kinds));
    auto base = line.amounts.find(p.first_year - 1);
    t.base_cost.push_back(base != line.amounts.end() ? to_num<Num>(base->second) : Num{});
  }
  for (const auto& rs : p.revenue_shares) {
    RevenueShareTerms r;
    r.to = rs.to;
    for (int i = 0; i < t.years; ++i) {
      bool active = !rs.until_year || p.first_year + i <= *rs.until_year;
      r.rate.push_back(active ? to_num<Num>(rs.rate) : Num{});
    }
    r.has_cap = rs.total_cap.has_value();
    if (rs.total_cap) r.cap = to_num<Num>(*rs.total_cap);
    t.revenue_shares.push_back(std::move(r));
  }
  t.payout_ratio = to_num<Num>(p.payout_ratio);
  t.opening_cash = to_num<Num>(p.opening_cash);
  t.opening_cumulative = to_num<Num>(p.opening_cumulative_result);
  t.cash_floor = to_num<Num>(p.funding.cash_floor);
  if (const auto& c = p.funding.credit_line) {
    t.has_credit_line = true;
    t.credit_size = to_num<Num>(c->size);
    t.credit_rate = to_num<Num>(c->rate);
    t.credit_from = c->from_year - p.first_year;
    t.credit_until = c->until_year - p.first_year;
  }
  if (p.funding.valuation_revenue_multiple && p.funding.holder) {
    t.has_new_rounds = true;
    t.new_round_multiple = to_num<Num>(*p.funding.valuation_revenue_multiple);
    t.new_round_holder = *p.funding.holder;
    if (p.funding.new_rounds_debt_rate) {
      t.new_rounds_debt_before_conversion = true;
      t.new_rounds_debt_rate = to_num<Num>(*p.funding.new_rounds_debt_rate);
      t.new_rounds_notes_convert = p.funding.new_rounds_notes_convert;
    }
  }
  t.default_on_shortfall = p.funding.on_shortfall == FundingSpec::OnShortfall::default_;
  t.terminal = p.terminal_value.method;
  t.terminal_growth = to_num<Num>(p.terminal_value.growth);
  t.discount_rate = to_num<Num>(p.discount_rate);
  t.round_events.resize(years);
  t.deadline_events.resize(years);
  for (std::size_t r = 0; r < p.rounds.size(); ++r) {
    const RoundSpec& round = p.rounds[r];
    // One tranche per holder the round's money (or an option's) joins: a refund goes
    // back to each in proportion to what it put in.
    std::vector<std::size_t> tranches;
    auto tranche_of = [&](HolderIndex h) {
      for (std::size_t k : tranches) {
        if (t.tranche_holder[k] == h) return k;
      }
      tranches.push_back(t.tranche_holder.size());
      t.tranche_holder.push_back(h);
      return tranches.back();
    };
    const Num post = round.post_money ? to_num<Num>(*round.post_money) : Num{};
    auto& events = t.round_events[static_cast<std::size_t>(round.date.year - p.first_year)];
    for (std::size_t k = 0; k < round.parts.size(); ++k) {
      RoundEvent e;
      e.round = r;
      e.amount = to_num<Num>(round.parts[k].amount);
      e.post_money = post;
      e.joins = round.parts[k].holder;
      e.tranche = tranche_of(e.joins);
      if (k == 0 && round.post_money) e.dilute_others = to_num<Num>(round.amount) / post;
      events.push_back(e);
    }
    for (std::size_t o = 0; o < round.options.size(); ++o) {
      // An option is exercised at the round's price: it buys amount / post-money.
      const OptionSpec& opt = round.options[o];
      RoundEvent oe;
      oe.round = r;
      oe.is_option = true;
      oe.option = o;
      oe.amount = to_num<Num>(opt.amount);
      oe.post_money = post;
      oe.joins = opt.joins;
      oe.tranche = tranche_of(opt.joins);
      if (round.post_money) oe.dilute_others = oe.amount / post;
      if (opt.revenue_at_least) oe.revenue_at_least = to_num<Num>(*opt.revenue_at_least);
      t.round_events[static_cast<std::size_t>(opt.year - p.first_year)].push_back(oe);
    }
    if (round.conversion_deadline && round.if_missed &&
        round.conversion_deadline->year <= p.last_year) {
      DeadlineEvent d;
      d.round = r;
      d.tranches = tranches;
      d.remedy = round.if_missed->kind;
      d.interest_rate = to_num<Num>(round.if_missed->interest_rate);
      d.deadline = *round.conversion_deadline;
      t.deadline_events[static_cast<std::size_t>(round.conversion_deadline->year - p.first_year)]
          .push_back(d);
    }
  }
  if (p.conversion) {
    t.conversion_date = p.conversion->date;
    for (const auto& o : p.conversion->outcomes) {
      std::vector<Num> equity;
      for (const Share& x : o.equity) equity.push_back(to_num<Num>(x));
      t.outcome_equity.push_back(std::move(equity));
    }
  }
  return t;
}

template <class Num>
PathInputs<Num> ProjectionTerms<Num>::base_inputs(const ProjectionSpec& p,
                                                  const WaterfallSpec& w) const {
  PathInputs<Num> in;
  for (int i = 0; i < years; ++i) {
    const Year y = p.first_year + i;
    auto fixed = p.revenue.amounts.find(y);
    in.revenue_has_fixed.push_back(fixed != p.revenue.amounts.end() ? 1 : 0);
    in.revenue_fixed.push_back(fixed != p.revenue.amounts.end() ? to_num<Num>(fixed->second)
                                                                : Num{});
    Rational growth = 1;
    if (p.cap_growth && y >= p.cap_growth->from_year) {
      growth = power(1 + p.cap_growth->rate, y - p.cap_growth->from_year + 1);
    }
    in.cap_growth.push_back(to_num<Num>(growth));
  }
  for (const Holder& h : w.holders) {
    in.cap_multiple.push_back(h.cap_multiple ? to_num<Num>(*h.cap_multiple) : Num{});
    in.cap_amount.push_back(h.cap && !h.cap_multiple ? to_num<Num>(*h.cap) : Num{});
  }
  in.terminal_multiple = to_num<Num>(p.terminal_value.multiple);
  for (int i = 0; i < years; ++i) {
    const Rational* g = step_value(p.revenue.growth, p.first_year + i);
    in.revenue_growth_factor.push_back(to_num<Num>(g ? Rational(1 + *g) : Rational(1)));
  }
  for (std::size_t k = 0; k < p.costs.size(); ++k) {
    const LineSpec& line = p.costs[k];
    std::vector<Num> values;
    for (int i = 0; i < years; ++i) {
      const Year y = p.first_year + i;
      const auto iu = static_cast<std::size_t>(i);
      switch (cost_kind[k][iu]) {
        case CostKind::amount:
          values.push_back(to_num<Num>(line.amounts.at(y)));
          break;
        case CostKind::ratio:
          values.push_back(to_num<Num>(*step_value(line.ratio, y)));
          break;
        case CostKind::growth: {
          const Rational* g = step_value(line.growth, y);
          values.push_back(to_num<Num>(g ? Rational(1 + *g) : Rational(1)));
          break;
        }
      }
    }
    in.cost_value.push_back(std::move(values));
  }
  in.conversion = conversion_date;
  in.payout_ratio = payout_ratio;
  if (p.conversion) {
    in.conversion_outcome = p.conversion->base_outcome;
    for (const auto& o : p.conversion->outcomes) {
      in.claims_valuation.push_back(o.claims_valuation ? to_num<Num>(*o.claims_valuation) : Num{});
    }
  }
  return in;
}

template <class Num>
ProjectionResult<Num> project(const ProjectionTerms<Num>& terms, const PathInputs<Num>& inputs) {
  ProjectionResult<Num> result;
  ProjectionEngine<Num> engine(terms);
  engine.run(inputs, [&](const YearRecord<Num>& r) { result.years.push_back(r); });
  result.summary = engine.summary();
  return result;
}

template struct ProjectionTerms<Rational>;
template struct ProjectionTerms<double>;
template ProjectionResult<Rational> project(const ProjectionTerms<Rational>&,
                                            const PathInputs<Rational>&);
template ProjectionResult<double> project(const ProjectionTerms<double>&,
                                          const PathInputs<double>&);

}  // namespace capflow
