#pragma once
// The year step of the projection, as a class so a Monte Carlo worker can reuse its
// buffers from path to path. Included by projection.cpp (exact instantiation) and the
// Monte Carlo engine (double); docs/model.md states every equation in this order.

#include <algorithm>

#include "capflow/projection/projection.hpp"

namespace capflow {

template <class Num>
class ProjectionEngine {
 public:
  explicit ProjectionEngine(const ProjectionTerms<Num>& terms)
      : t_(terms),
        waterfall_(terms.waterfall),
        caps_(terms.holders),
        invested_(terms.holders),
        equity_(terms.holders),
        before_(terms.holders),
        terminal_before_(terms.holders),
        contributed_(terms.tranche_holder.size()),
        prev_cost_(terms.cost_kind.size()),
        revenue_share_paid_(terms.revenue_shares.size()),
        refund_due_(terms.holders) {
    rec_.costs.resize(terms.cost_kind.size());
    rec_.received.resize(terms.holders);
    rec_.other.resize(terms.holders);
    rec_.invested.resize(terms.holders);
    rec_.caps.resize(terms.holders);
    rec_.at_cap.resize(terms.holders);
    summary_.resize(terms.holders);
  }

  // Runs one path, calling visit(const YearRecord<Num>&) after each year.
  template <class Visit>
  void run(const PathInputs<Num>& in, Visit&& visit) {
    start(in);
    for (int i = 0; i < t_.years; ++i) {
      step(i, in);
      visit(rec_);
    }
  }

  const PathSummary<Num>& summary() const { return summary_; }

 private:
  struct Debt {
    HolderIndex holder;
    Num balance;
    Num rate;
    bool converts = false;  // a new round's convertible note
  };

  static Num max0(const Num& x) { return x > Num{} ? x : Num{}; }
  static Num min_of(const Num& a, const Num& b) { return b < a ? b : a; }

  void start(const PathInputs<Num>& in) {
    waterfall_.reset();
    std::copy(t_.initial_invested.begin(), t_.initial_invested.end(), invested_.begin());
    std::fill(contributed_.begin(), contributed_.end(), Num{});
    std::fill(revenue_share_paid_.begin(), revenue_share_paid_.end(), Num{});
    std::copy(t_.base_cost.begin(), t_.base_cost.end(), prev_cost_.begin());
    debts_.clear();
    prev_revenue_ = t_.revenue_base;
    cumulative_ = t_.opening_cumulative;
    high_water_ = max0(t_.opening_cumulative);
    cash_ = t_.opening_cash;
    shadow_cash_ = t_.opening_cash;
    credit_balance_ = Num{};
    carried_shortfall_ = max0(t_.cash_floor - t_.opening_cash);
    conversion_index_ = -1;
    defaulted_ = false;
    if (in.conversion) {
      conversion_index_ = std::max(0, in.conversion->year - t_.first_year);
      if (in.conversion->year > t_.first_year + t_.years - 1) conversion_index_ = -1;
    }
    summary_.reset(t_.initial_invested, t_.opening_cumulative);
  }

  // Pushes amount to the holders: by equity once converted, else through the waterfall.
  void pay_holders(const Num& amount, bool converted) {
    if (amount == Num{}) return;
    if (converted) {
      for (std::size_t h = 0; h < t_.holders; ++h) rec_.received[h] += equity_[h] * amount;
      return;
    }
    const auto& r = waterfall_.received();
    std::copy(r.begin(), r.end(), before_.begin());
    waterfall_.distribute(amount);
    for (std::size_t h = 0; h < t_.holders; ++h) rec_.received[h] += r[h] - before_[h];
  }

  // Debts are senior: principal is repaid before anything reaches the holders.
  Num repay_debts(Num amount) {
    for (auto& d : debts_) {
      Num pay = min_of(d.balance, amount);
      if (pay == Num{}) continue;
      d.balance -= pay;
      amount -= pay;
      rec_.other[d.holder] += pay;
      rec_.debt_repaid += pay;
    }
    return amount;
  }

  void set_equity_at_conversion(const PathInputs<Num>& in) {
    const std::size_t k = in.conversion_outcome;
    const auto& given = t_.outcome_equity[k];
    if (!given.empty()) {
      std::copy(given.begin(), given.end(), equity_.begin());
    } else {
      // The claims rule: each holder's share of the valuation pushed through the
      // waterfall from where it stands now.
      const Num v = in.claims_valuation[k];
      Waterfall<Num> probe = waterfall_;
      const auto& r = probe.received();
      std::copy(r.begin(), r.end(), before_.begin());
      probe.distribute(v);
      for (std::size_t h = 0; h < t_.holders; ++h) equity_[h] = (r[h] - before_[h]) / v;
    }
    // A drawn stake replaces its holder's; the others keep their proportions.
    for (const auto& d : in.stakes) {
      if (d.outcome != k) continue;
      const Num others = Num{1} - equity_[d.holder];
      for (std::size_t h = 0; h < t_.holders; ++h) {
        if (h == d.holder) continue;
        equity_[h] = others > Num{} ? equity_[h] * (Num{1} - d.stake) / others : Num{};
      }
      equity_[d.holder] = d.stake;
    }
  }

  // New money after the conversion buys `stake` of the company: everyone else is
  // scaled by (1 - stake).
  void dilute(HolderIndex to, const Num& stake) {
    for (std::size_t h = 0; h < t_.holders; ++h) equity_[h] *= Num{1} - stake;
    equity_[to] += stake;
  }

  // The company cannot find the cash it needs this year: it stops. What it has (its cash
  // before this year's refunds) goes by seniority: the credit line, then the refunds
  // due, then other debts; the holders get nothing more. Nothing happens after.
  void default_now(int i, const Num& hole) {
    defaulted_ = true;
    summary_.default_index = i;
    rec_.unfunded = hole;
    Num assets = max0(cash_ + rec_.refunds);
    const Num to_line = min_of(assets, credit_balance_);
    assets -= to_line;
    rec_.credit_repaid += to_line;
    credit_balance_ = Num{};
    const Num due = rec_.refunds;
    const Num paid = min_of(assets, due);
    assets -= paid;
    if (due > Num{}) {
      const Num unpaid = due - paid;
      for (std::size_t h = 0; h < t_.holders; ++h) {
        if (refund_due_[h] == Num{}) continue;
        const Num short_h = refund_due_[h] * unpaid / due;
        rec_.other[h] -= short_h;
      }
      rec_.refunds = paid;
      rec_.refund_unpaid = unpaid;
      summary_.refund_unpaid += unpaid;
    }
    assets = repay_debts(assets);
    debts_.clear();
    rec_.cash = cash_;  // the hole: the one year cash may show below zero
    rec_.defaulted = true;
    cash_ = assets;
  }

  // A year after the default: the company no longer exists.
  void record_defaulted_year() {
    rec_.revenue = rec_.revenue_share = rec_.interest = rec_.net_income = Num{};
    for (auto& c : rec_.costs) c = Num{};
    rec_.cumulative_result = cumulative_;
    rec_.cash = cash_;
    rec_.credit_balance = Num{};
    rec_.debt_balance = Num{};
    rec_.defaulted = true;
    rec_.converted = summary_.conversion_index >= 0;
    for (std::size_t h = 0; h < t_.holders; ++h) {
      rec_.caps[h] = caps_[h];
      rec_.at_cap[h] = 0;
    }
  }

  bool deadline_met(const Date& deadline, const PathInputs<Num>& in) const {
    return in.conversion && !(deadline < *in.conversion);
  }

  void step(int i, const PathInputs<Num>& in) {
    const auto iu = static_cast<std::size_t>(i);
    const std::size_t n = t_.holders;
    rec_.year = t_.first_year + i;
    for (std::size_t h = 0; h < n; ++h) {
      rec_.received[h] = rec_.other[h] = rec_.invested[h] = Num{};
    }
    rec_.raised_rounds = rec_.raised_new_rounds = rec_.credit_drawn = rec_.credit_repaid = Num{};
    rec_.refunds = rec_.funding_need = rec_.unfunded = rec_.debt_repaid = Num{};
    rec_.distributed = rec_.terminal_value = rec_.external_funding = rec_.refund_unpaid = Num{};
    rec_.defaulted = false;
    if (defaulted_) {
      record_defaulted_year();
      return;
    }

    // Revenue, costs, partner share, interest, net income.
    const Num revenue = in.revenue_has_fixed[iu] ? in.revenue_fixed[iu]
                                                 : prev_revenue_ * in.revenue_growth_factor[iu];
    prev_revenue_ = revenue;
    rec_.revenue = revenue;
    Num costs{};
    for (std::size_t k = 0; k < t_.cost_kind.size(); ++k) {
      Num c{};
      switch (t_.cost_kind[k][iu]) {
        case ProjectionTerms<Num>::CostKind::ratio:
          c = in.cost_value[k][iu] * revenue;
          break;
        case ProjectionTerms<Num>::CostKind::amount:
          c = in.cost_value[k][iu];
          break;
        case ProjectionTerms<Num>::CostKind::growth:
          c = prev_cost_[k] * in.cost_value[k][iu];
          break;
      }
      prev_cost_[k] = c;
      rec_.costs[k] = c;
      costs += c;
    }
    Num shared{};
    for (std::size_t s = 0; s < t_.revenue_shares.size(); ++s) {
      const auto& rs = t_.revenue_shares[s];
      Num pay = rs.rate[iu] * revenue;
      if (rs.has_cap) pay = min_of(pay, max0(rs.cap - revenue_share_paid_[s]));
      revenue_share_paid_[s] += pay;
      rec_.other[rs.to] += pay;
      shared += pay;
    }
    rec_.revenue_share = shared;
    Num interest = credit_balance_ * t_.credit_rate;
    for (const auto& d : debts_) {
      Num due = d.balance * d.rate;
      rec_.other[d.holder] += due;
      interest += due;
    }
    rec_.interest = interest;
    const Num ni = revenue - costs - shared - interest;
    rec_.net_income = ni;
    cumulative_ += ni;
    rec_.cumulative_result = cumulative_;
    if (ni > Num{} && summary_.first_profit_index < 0) summary_.first_profit_index = i;
    summary_.worst_cumulative_result = min_of(summary_.worst_cumulative_result, cumulative_);
    cash_ += ni;
    // Interest on the credit line is a cost of funding, which the shadow account (cash
    // without any outside funding) does not have.
    shadow_cash_ += ni + credit_balance_ * t_.credit_rate;

    // The rounds of the scenario and their options.
    // Conversion status first: money raised after it buys equity and dilutes everyone.
    const bool converted = conversion_index_ >= 0 && i >= conversion_index_;
    for (const auto& e : t_.round_events[iu]) {
      if (e.is_option && e.revenue_at_least && revenue < *e.revenue_at_least) continue;
      if (converted && i > conversion_index_ && e.post_money > Num{}) {
        if (e.dilute_others > Num{}) {
          for (std::size_t h = 0; h < n; ++h) equity_[h] *= Num{1} - e.dilute_others;
        }
        equity_[e.joins] += e.amount / e.post_money;
      }
      cash_ += e.amount;
      shadow_cash_ += e.amount;
      rec_.raised_rounds += e.amount;
      invested_[e.joins] += e.amount;
      rec_.invested[e.joins] += e.amount;
      summary_.invested_total[e.joins] += e.amount;
      contributed_[e.tranche] += e.amount;
    }

    // The deadlines that hinge on the conversion.
    rec_.converted = converted;
    if (converted && i == conversion_index_) summary_.conversion_index = i;
    std::fill(refund_due_.begin(), refund_due_.end(), Num{});
    for (const auto& d : t_.deadline_events[iu]) {
      if (deadline_met(d.deadline, in)) continue;
      summary_.deadline_missed = true;
      for (const std::size_t k : d.tranches) {
        const Num owed = contributed_[k];
        if (owed == Num{}) continue;
        contributed_[k] = Num{};
        const HolderIndex h = t_.tranche_holder[k];
        invested_[h] -= owed;  // the money no longer buys participation
        if (d.remedy == RemedySpec::Kind::refund) {
          cash_ -= owed;
          shadow_cash_ -= owed;
          rec_.refunds += owed;
          rec_.other[h] += owed;
          refund_due_[h] += owed;
          summary_.refund_owed += owed;
        } else {
          debts_.push_back({h, owed, d.interest_rate, false});
        }
      }
    }

    // Caps in force this year: a multiple follows what the holder has invested by now.
    for (std::size_t h = 0; h < n; ++h) {
      Num base = t_.cap_is_multiple[h] ? in.cap_multiple[h] * invested_[h] : in.cap_amount[h];
      caps_[h] = base * in.cap_growth[iu];
      if (summary_.original_cap[h] == Num{}) summary_.original_cap[h] = caps_[h];
    }
    waterfall_.set_caps(caps_);
    // Equity from claims is measured against the caps of the conversion year: grown, and
    // following this year's rounds and remedies.
    if (converted && i == conversion_index_) {
      set_equity_at_conversion(in);
      // Notes still owed become equity at the new rounds' price (revenue × multiple).
      for (auto& d : debts_) {
        if (!d.converts || d.balance == Num{}) continue;
        const Num pre = max0(revenue * t_.new_round_multiple);
        dilute(d.holder, d.balance / (pre + d.balance));
        invested_[d.holder] += d.balance;
        d.balance = Num{};
      }
    }

    // Distribution: losses are recovered first (the high-water mark of the cumulative
    // result), then the payout ratio of the new profit, debts first.
    const Num fresh = max0(cumulative_ - high_water_);
    if (cumulative_ > high_water_) high_water_ = cumulative_;
    Num distributable = in.payout_ratio * fresh;
    // Solvency, where a shortfall means default: with no new round to be had, the cash
    // within reach is what there is, less a credit line past its last year, plus the
    // line's room. Below zero the company defaults; a distribution never makes it so.
    if (t_.default_on_shortfall && !(t_.has_new_rounds && i < in.new_rounds_until)) {
      const bool line_due = credit_balance_ > Num{} && i > t_.credit_until;
      const bool line_open = t_.has_credit_line && i >= t_.credit_from && i <= t_.credit_until;
      const Num reach = cash_ - (line_due ? credit_balance_ : Num{}) +
                        (line_open ? max0(t_.credit_size - credit_balance_) : Num{});
      if (reach < Num{}) {
        rec_.distributable = Num{};
        rec_.funding_need = max0(max0(t_.cash_floor - cash_) - carried_shortfall_);
        summary_.total_funding_need += rec_.funding_need;
        const Num shadow_need = max0(t_.cash_floor - shadow_cash_);
        if (shadow_need > summary_.peak_funding_need) summary_.peak_funding_need = shadow_need;
        default_now(i, -reach);
        close_year(i, converted, ni, in);
        return;
      }
      distributable = min_of(distributable, reach);
    }
    rec_.distributable = distributable;
    Num to_holders = repay_debts(distributable);
    pay_holders(to_holders, converted);
    rec_.distributed = to_holders;
    cash_ -= distributable;
    shadow_cash_ -= distributable;

    // Funding: a shortfall below the floor is met by the credit line, then new rounds.
    // A line past its last year is repaid first; a shortfall left unfunded last year is
    // still owed but is not a new need.
    if (credit_balance_ > Num{} && i > t_.credit_until) {
      cash_ -= credit_balance_;
      rec_.credit_repaid = credit_balance_;
      credit_balance_ = Num{};
    }
    Num need = max0(t_.cash_floor - cash_);
    rec_.funding_need = max0(need - carried_shortfall_);
    if (need > Num{}) {
      if (t_.has_credit_line && i >= t_.credit_from && i <= t_.credit_until) {
        Num draw = min_of(need, max0(t_.credit_size - credit_balance_));
        credit_balance_ += draw;
        cash_ += draw;
        need -= draw;
        rec_.credit_drawn = draw;
      }
      if (need > Num{} && t_.has_new_rounds && i < in.new_rounds_until) {
        const HolderIndex to = t_.new_round_holder;
        if (converted) {
          const Num pre = max0(revenue * t_.new_round_multiple);
          dilute(to, need / (pre + need));
        }
        cash_ += need;
        rec_.raised_new_rounds = need;
        rec_.invested[to] += need;
        summary_.invested_total[to] += need;
        if (!converted && t_.new_rounds_debt_before_conversion) {
          // A loan, repaid before distributions (or a note that converts later).
          debts_.push_back({to, need, t_.new_rounds_debt_rate, t_.new_rounds_notes_convert});
        } else {
          invested_[to] += need;
        }
        need = Num{};
      }
      if (need > Num{} && !t_.default_on_shortfall) {
        // Outside money the model does not follow (SPEC §5's benchmark has no cash).
        cash_ += need;
        rec_.external_funding = need;
        need = Num{};
      }
      rec_.unfunded = need;
    } else if (credit_balance_ > Num{}) {
      Num repay = min_of(credit_balance_, cash_ - t_.cash_floor);
      credit_balance_ -= repay;
      cash_ -= repay;
      rec_.credit_repaid += repay;
    }
    carried_shortfall_ = max0(t_.cash_floor - cash_);
    summary_.total_funding_need += rec_.funding_need;
    Num shadow_need = max0(t_.cash_floor - shadow_cash_);
    if (shadow_need > summary_.peak_funding_need) summary_.peak_funding_need = shadow_need;

    close_year(i, converted, ni, in);
  }

  // The end of a year: terminal value at the horizon (not after a default), balances,
  // caps, and each holder's totals.
  void close_year(int i, bool converted, const Num& ni, const PathInputs<Num>& in) {
    const auto iu = static_cast<std::size_t>(i);
    const std::size_t n = t_.holders;
    // Terminal value at the horizon: the holders' remaining claim, debts first.
    if (i == t_.years - 1 && !defaulted_) {
      Num tv{};
      if (t_.terminal == TerminalValueSpec::Method::multiple) {
        tv = in.terminal_multiple * max0(ni);
      } else if (t_.terminal == TerminalValueSpec::Method::perpetuity) {
        tv = max0(ni) * (Num{1} + t_.terminal_growth) / (t_.discount_rate - t_.terminal_growth);
      }
      rec_.terminal_value = tv;
      std::copy(rec_.received.begin(), rec_.received.end(), terminal_before_.begin());
      Num rest = repay_debts(tv);
      pay_holders(rest, converted);
      for (std::size_t h = 0; h < n; ++h) {
        summary_.terminal_claim[h] += rec_.received[h] - terminal_before_[h];
      }
    }

    if (!rec_.defaulted) rec_.cash = cash_;
    rec_.defaulted = defaulted_;
    rec_.credit_balance = credit_balance_;
    Num debt{};
    for (const auto& d : debts_) debt += d.balance;
    rec_.debt_balance = debt;
    for (std::size_t h = 0; h < n; ++h) {
      rec_.caps[h] = caps_[h];
      // A holder capped at a multiple of nothing invested yet has not "reached" a cap.
      bool capped = !converted && waterfall_.at_cap(h) && caps_[h] > Num{};
      rec_.at_cap[h] = capped ? 1 : 0;
      if (capped && summary_.cap_year_index[h] < 0) summary_.cap_year_index[h] = i;
      summary_.total_received[h] += rec_.received[h];
      summary_.total_other[h] += rec_.other[h];
      summary_.pv[h] += (rec_.received[h] + rec_.other[h]) * t_.discount[iu];
      if (i == t_.years - 1) summary_.ended_at_cap[h] = rec_.at_cap[h];
    }
  }

  const ProjectionTerms<Num>& t_;
  Waterfall<Num> waterfall_;
  std::vector<Num> caps_;
  std::vector<Num> invested_;
  std::vector<Num> equity_;
  std::vector<Num> before_;
  std::vector<Num> terminal_before_;
  std::vector<Num> contributed_;  // per round: money subject to its deadline
  std::vector<Num> prev_cost_;
  std::vector<Num> revenue_share_paid_;
  std::vector<Debt> debts_;
  Num prev_revenue_{};
  Num cumulative_{};
  Num high_water_{};
  Num cash_{};
  Num shadow_cash_{};
  Num credit_balance_{};
  Num carried_shortfall_{};  // shortfall below the floor left at the end of last year
  int conversion_index_ = -1;
  bool defaulted_ = false;
  std::vector<Num> refund_due_;  // per holder: refunds falling due this year
  YearRecord<Num> rec_;
  PathSummary<Num> summary_;
};

}  // namespace capflow
