#pragma once
// The Monte Carlo path for scenarios without funding mechanics: no rounds or options,
// no conversion, no credit line, no new rounds, no partner revenue share. For those the
// general year step (projection_engine.hpp) spends most of its time keeping records
// nobody reads; this one keeps only what a path's summary needs, in the same order of
// floating-point operations, so it gives bit for bit the summary ProjectionEngine<double>
// gives (tests/unit/lean_path_test.cpp checks that on every eligible preset and on
// random scenarios). MonteCarlo picks it when LeanPath::applies says so.

#include <algorithm>
#include <vector>

#include "capflow/projection.hpp"
#include "capflow/waterfall.hpp"

namespace capflow {

class LeanPath {
 public:
  // Whether the terms use nothing the lean path leaves out. The caller must also know
  // that no path converts (no conversion date, no conversion event or input).
  static bool applies(const ProjectionTerms<double>& t) {
    if (!t.revenue_shares.empty() || t.has_credit_line || t.has_new_rounds) return false;
    if (t.conversion_date) return false;
    for (const auto& y : t.round_events) {
      if (!y.empty()) return false;
    }
    for (const auto& y : t.deadline_events) {
      if (!y.empty()) return false;
    }
    return true;
  }

  explicit LeanPath(const ProjectionTerms<double>& terms)
      : t_(terms),
        waterfall_(terms.waterfall),
        caps_(terms.holders),
        before_(terms.holders),
        terminal_before_(terms.holders),
        year_received_(terms.holders),
        prev_cost_(terms.cost_kind.size()) {
    auto& s = summary_;
    s.total_received.resize(terms.holders);
    s.terminal_claim.resize(terms.holders);
    s.total_other.resize(terms.holders);
    s.pv.resize(terms.holders);
    s.invested_total.resize(terms.holders);
    s.cap_year_index.resize(terms.holders);
    s.ended_at_cap.resize(terms.holders);
  }

  // Runs one path, calling visit(year_index, received) after each year with what each
  // holder received that year (waterfall and terminal value; nothing else exists here).
  template <class Visit>
  void run(const PathInputs<double>& in, Visit&& visit) {
    start();
    const std::size_t n = t_.holders;
    const std::size_t lines = t_.cost_kind.size();
    double prev_revenue = t_.revenue_base;
    double cumulative = t_.opening_cumulative;
    double high_water = std::max(0.0, t_.opening_cumulative);
    // Without outside funding, cash and the shadow account (cash without funding) agree.
    double cash = t_.opening_cash;
    double carried_shortfall = std::max(0.0, t_.cash_floor - t_.opening_cash);
    auto& s = summary_;
    for (int i = 0; i < t_.years; ++i) {
      const auto iu = static_cast<std::size_t>(i);
      std::fill(year_received_.begin(), year_received_.end(), 0.0);

      const double revenue = in.revenue_has_fixed[iu] ? in.revenue_fixed[iu]
                                                      : prev_revenue * in.revenue_growth_factor[iu];
      prev_revenue = revenue;
      double costs = 0;
      for (std::size_t k = 0; k < lines; ++k) {
        double c = 0;
        switch (t_.cost_kind[k][iu]) {
          case ProjectionTerms<double>::CostKind::ratio:
            c = in.cost_value[k][iu] * revenue;
            break;
          case ProjectionTerms<double>::CostKind::amount:
            c = in.cost_value[k][iu];
            break;
          case ProjectionTerms<double>::CostKind::growth:
            c = prev_cost_[k] * in.cost_value[k][iu];
            break;
        }
        prev_cost_[k] = c;
        costs += c;
      }
      // As the general step: revenue − costs − shared − interest, both zero here.
      const double ni = revenue - costs - 0.0 - 0.0;
      cumulative += ni;
      if (ni > 0 && s.first_profit_index < 0) s.first_profit_index = i;
      s.worst_cumulative_result = std::min(s.worst_cumulative_result, cumulative);
      cash += ni;

      for (std::size_t h = 0; h < n; ++h) {
        const double base =
            t_.cap_is_multiple[h] ? in.cap_multiple[h] * t_.initial_invested[h] : in.cap_amount[h];
        caps_[h] = base * in.cap_growth[iu];
      }
      waterfall_.set_caps(caps_);

      const double fresh = std::max(0.0, cumulative - high_water);
      if (cumulative > high_water) high_water = cumulative;
      const double distributable = t_.payout_ratio * fresh;
      pay_holders(distributable);
      cash -= distributable;

      const double need = std::max(0.0, t_.cash_floor - cash);
      s.total_funding_need += std::max(0.0, need - carried_shortfall);
      carried_shortfall = need;
      if (need > s.peak_funding_need) s.peak_funding_need = need;

      const bool last = i == t_.years - 1;
      if (last) {
        double tv = 0;
        if (t_.terminal == TerminalValueSpec::Method::multiple) {
          tv = in.terminal_multiple * std::max(0.0, ni);
        } else if (t_.terminal == TerminalValueSpec::Method::perpetuity) {
          tv = std::max(0.0, ni) * (1 + t_.terminal_growth) /
               (t_.discount_rate - t_.terminal_growth);
        }
        std::copy(year_received_.begin(), year_received_.end(), terminal_before_.begin());
        pay_holders(tv);
        for (std::size_t h = 0; h < n; ++h)
          s.terminal_claim[h] += year_received_[h] - terminal_before_[h];
      }

      const double discount = t_.discount[iu];
      for (std::size_t h = 0; h < n; ++h) {
        const bool capped = waterfall_.at_cap(h) && caps_[h] > 0;
        if (capped && s.cap_year_index[h] < 0) s.cap_year_index[h] = i;
        s.total_received[h] += year_received_[h];
        s.pv[h] += (year_received_[h] + 0.0) * discount;
        if (last) s.ended_at_cap[h] = capped ? 1 : 0;
      }
      visit(i, year_received_.data());
    }
  }

  const PathSummary<double>& summary() const { return summary_; }

 private:
  void start() {
    waterfall_.reset();
    std::copy(t_.base_cost.begin(), t_.base_cost.end(), prev_cost_.begin());
    auto& s = summary_;
    for (std::size_t h = 0; h < t_.holders; ++h) {
      s.total_received[h] = s.terminal_claim[h] = s.total_other[h] = s.pv[h] = 0;
      s.invested_total[h] = t_.initial_invested[h];
      s.cap_year_index[h] = -1;
      s.ended_at_cap[h] = 0;
    }
    s.deadline_missed = false;
    s.refund_owed = 0;
    s.first_profit_index = -1;
    s.worst_cumulative_result = std::min(0.0, t_.opening_cumulative);
    s.total_funding_need = 0;
    s.peak_funding_need = 0;
  }

  void pay_holders(double amount) {
    if (amount == 0) return;
    const auto& r = waterfall_.received();
    std::copy(r.begin(), r.end(), before_.begin());
    waterfall_.distribute(amount);
    for (std::size_t h = 0; h < t_.holders; ++h) year_received_[h] += r[h] - before_[h];
  }

  const ProjectionTerms<double>& t_;
  Waterfall<double> waterfall_;
  std::vector<double> caps_;
  std::vector<double> before_;
  std::vector<double> terminal_before_;
  std::vector<double> year_received_;
  std::vector<double> prev_cost_;
  PathSummary<double> summary_;
};

}  // namespace capflow
