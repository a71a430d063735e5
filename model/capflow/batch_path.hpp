#pragma once
// LeanPath (lean_path.hpp) for several paths at once, one per SIMD lane: the Monte Carlo
// hot loop for scenarios without funding mechanics. Each lane does the operations
// LeanPath does for its path, in the same order, so every lane's summary has the bits
// LeanPath's has (tests/unit/batch_path_test.cpp). Inputs are lane-major: element i of a
// yearly array holds year i of every lane's path.

#include <algorithm>
#include <vector>

#include "capflow/lanes.hpp"
#include "capflow/lean_path.hpp"
#include "capflow/waterfall_lanes.hpp"

namespace capflow {

// PathInputs<double> of kWidth paths, lane-major. Only what LeanPath reads.
struct LaneInputs {
  using Real = lanes::Real;
  lanes::MaskVector revenue_has_fixed;        // per year
  lanes::RealVector revenue_fixed;            // per year
  lanes::RealVector revenue_growth_factor;    // per year
  std::vector<lanes::RealVector> cost_value;  // per line, per year
  lanes::RealVector cap_amount;               // per holder
  lanes::RealVector cap_multiple;             // per holder
  lanes::RealVector cap_growth;               // per year
  Real terminal_multiple{};

  // Every lane set to `in`.
  explicit LaneInputs(const PathInputs<double>& in) {
    auto fill = [](const std::vector<double>& from, lanes::RealVector& to) {
      to.resize(from.size());
      for (std::size_t i = 0; i < from.size(); ++i) to[i] = lanes::splat(from[i]);
    };
    revenue_has_fixed.resize(in.revenue_has_fixed.size());
    for (std::size_t i = 0; i < in.revenue_has_fixed.size(); ++i)
      revenue_has_fixed[i] = lanes::Mask{} - (in.revenue_has_fixed[i] ? 1 : 0);
    fill(in.revenue_fixed, revenue_fixed);
    fill(in.revenue_growth_factor, revenue_growth_factor);
    cost_value.resize(in.cost_value.size());
    for (std::size_t k = 0; k < in.cost_value.size(); ++k) fill(in.cost_value[k], cost_value[k]);
    fill(in.cap_amount, cap_amount);
    fill(in.cap_multiple, cap_multiple);
    fill(in.cap_growth, cap_growth);
    terminal_multiple = lanes::splat(in.terminal_multiple);
  }

  // Lane `lane` set to `in` (all of it).
  void set_lane(std::size_t lane, const PathInputs<double>& in) {
    for (std::size_t i = 0; i < revenue_has_fixed.size(); ++i) {
      revenue_has_fixed[i][lane] = in.revenue_has_fixed[i] ? -1 : 0;
      revenue_fixed[i][lane] = in.revenue_fixed[i];
      revenue_growth_factor[i][lane] = in.revenue_growth_factor[i];
      cap_growth[i][lane] = in.cap_growth[i];
    }
    for (std::size_t k = 0; k < cost_value.size(); ++k) {
      for (std::size_t i = 0; i < cost_value[k].size(); ++i)
        cost_value[k][i][lane] = in.cost_value[k][i];
    }
    for (std::size_t h = 0; h < cap_amount.size(); ++h) {
      cap_amount[h][lane] = in.cap_amount[h];
      cap_multiple[h][lane] = in.cap_multiple[h];
    }
    terminal_multiple[lane] = in.terminal_multiple;
  }
};

class BatchPath {
 public:
  using Real = lanes::Real;
  using Mask = lanes::Mask;
  static constexpr std::size_t kWidth = lanes::kWidth;

  // REQUIRES: LeanPath::applies(terms), and no path converts.
  explicit BatchPath(const ProjectionTerms<double>& terms)
      : t_(terms),
        waterfall_(terms.waterfall),
        caps_(terms.holders),
        before_(terms.holders),
        terminal_before_(terms.holders),
        year_received_(terms.holders),
        prev_cost_(terms.cost_kind.size()),
        total_received_(terms.holders),
        terminal_claim_(terms.holders),
        pv_(terms.holders),
        cap_year_index_(terms.holders),
        ended_at_cap_(terms.holders) {
    // What no lean path changes is set once: invested, other receipts, refunds.
    for (auto& s : summaries_) {
      s.resize(terms.holders);
      s.reset(terms.initial_invested, terms.opening_cumulative);
    }
  }

  // Runs kWidth paths, calling visit(year_index, received) after each year with what
  // each holder received that year, received[h] holding every lane.
  template <class Visit>
  CAPFLOW_LANES_INLINE void run(const LaneInputs& in, Visit&& visit) {
    using lanes::splat;
    const std::size_t n = t_.holders;
    const std::size_t lines = t_.cost_kind.size();
    start();
    Real prev_revenue = splat(t_.revenue_base);
    Real cumulative = splat(t_.opening_cumulative);
    Real high_water = splat(std::max(0.0, t_.opening_cumulative));
    Real cash = splat(t_.opening_cash);
    Real carried_shortfall = splat(std::max(0.0, t_.cash_floor - t_.opening_cash));
    const Real zero{};
    for (int i = 0; i < t_.years; ++i) {
      const auto iu = static_cast<std::size_t>(i);
      const Real year = lanes::splat(static_cast<double>(i));
      year_received_.zero();

      const Real revenue = lanes::select(in.revenue_has_fixed[iu], in.revenue_fixed[iu],
                                         prev_revenue * in.revenue_growth_factor[iu]);
      prev_revenue = revenue;
      Real costs{};
      for (std::size_t k = 0; k < lines; ++k) {
        Real c{};
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
      const Real ni = revenue - costs - 0.0 - 0.0;
      cumulative += ni;
      first_profit_ = lanes::select((ni > 0.0) & (first_profit_ < 0.0), year, first_profit_);
      worst_ = lanes::min(worst_, cumulative);
      cash += ni;

      for (std::size_t h = 0; h < n; ++h) {
        const Real base =
            t_.cap_is_multiple[h] ? in.cap_multiple[h] * t_.initial_invested[h] : in.cap_amount[h];
        caps_[h] = base * in.cap_growth[iu];
      }
      waterfall_.set_caps(caps_);

      const Real fresh = lanes::max(zero, cumulative - high_water);
      high_water = lanes::select(cumulative > high_water, cumulative, high_water);
      const Real distributable = t_.payout_ratio * fresh;
      pay_holders(distributable);
      cash -= distributable;

      const Real need = lanes::max(zero, t_.cash_floor - cash);
      total_funding_need_ += lanes::max(zero, need - carried_shortfall);
      carried_shortfall = need;
      peak_funding_need_ = lanes::select(need > peak_funding_need_, need, peak_funding_need_);

      const bool last = i == t_.years - 1;
      if (last) {
        Real tv{};
        if (t_.terminal == TerminalValueSpec::Method::multiple) {
          tv = in.terminal_multiple * lanes::max(zero, ni);
        } else if (t_.terminal == TerminalValueSpec::Method::perpetuity) {
          tv = lanes::max(zero, ni) * (1 + t_.terminal_growth) /
               (t_.discount_rate - t_.terminal_growth);
        }
        terminal_before_ = year_received_;
        pay_holders(tv);
        for (std::size_t h = 0; h < n; ++h)
          terminal_claim_[h] += year_received_[h] - terminal_before_[h];
      }

      const double discount = t_.discount[iu];
      for (std::size_t h = 0; h < n; ++h) {
        const Mask capped = waterfall_.at_cap(h) & (caps_[h] > 0.0);
        cap_year_index_[h] =
            lanes::select(capped & (cap_year_index_[h] < 0.0), year, cap_year_index_[h]);
        total_received_[h] += year_received_[h];
        pv_[h] += (year_received_[h] + 0.0) * discount;
        if (last) ended_at_cap_[h] = capped;
      }
      visit(i, year_received_.data());
    }
  }

  // The summary of lane `lane` of the last run.
  const PathSummary<double>& summary(std::size_t lane) const {
    fill_summary(lane);
    return summaries_[lane];
  }

  // The same, every lane at once (the fields a Monte Carlo run accumulates; what the
  // summary does not hold here, invested and other receipts, is the same on every
  // lean path).
  const lanes::RealVector& total_received() const { return total_received_; }
  const lanes::RealVector& pv() const { return pv_; }
  const lanes::RealVector& cap_year_index() const { return cap_year_index_; }  // -1: never
  const lanes::MaskVector& ended_at_cap() const { return ended_at_cap_; }
  CAPFLOW_LANES_INLINE Real first_profit_index() const { return first_profit_; }  // -1: never
  CAPFLOW_LANES_INLINE Real worst_cumulative_result() const { return worst_; }
  CAPFLOW_LANES_INLINE Real peak_funding_need() const { return peak_funding_need_; }

 private:
  CAPFLOW_LANES_INLINE void start() {
    waterfall_.reset();
    for (std::size_t k = 0; k < prev_cost_.size(); ++k)
      prev_cost_[k] = lanes::splat(t_.base_cost[k]);
    for (std::size_t h = 0; h < t_.holders; ++h) {
      total_received_[h] = terminal_claim_[h] = pv_[h] = Real{};
      cap_year_index_[h] = lanes::splat(-1.0);
      ended_at_cap_[h] = Mask{};
    }
    first_profit_ = lanes::splat(-1.0);
    worst_ = lanes::splat(t_.opening_cumulative < 0 ? t_.opening_cumulative : 0.0);
    total_funding_need_ = peak_funding_need_ = Real{};
  }

  void fill_summary(std::size_t l) const {
    PathSummary<double>& s = summaries_[l];
    for (std::size_t h = 0; h < t_.holders; ++h) {
      s.total_received[h] = total_received_[h][l];
      s.terminal_claim[h] = terminal_claim_[h][l];
      s.pv[h] = pv_[h][l];
      s.cap_year_index[h] = static_cast<int>(cap_year_index_[h][l]);
      s.ended_at_cap[h] = ended_at_cap_[h][l] ? 1 : 0;
    }
    s.first_profit_index = static_cast<int>(first_profit_[l]);
    s.worst_cumulative_result = worst_[l];
    s.total_funding_need = total_funding_need_[l];
    s.peak_funding_need = peak_funding_need_[l];
  }

  CAPFLOW_LANES_INLINE void pay_holders(Real amount) {
    if (!lanes::any(amount != 0.0)) return;
    const auto& r = waterfall_.received();
    before_ = r;
    waterfall_.distribute(amount);
    // As the one-path engine, which does not get here for a path with nothing to pay.
    const Mask paying = amount != 0.0;
    for (std::size_t h = 0; h < t_.holders; ++h)
      year_received_[h] =
          lanes::select(paying, year_received_[h] + (r[h] - before_[h]), year_received_[h]);
  }

  const ProjectionTerms<double>& t_;
  WaterfallLanes waterfall_;
  lanes::RealVector caps_;
  lanes::RealVector before_;
  lanes::RealVector terminal_before_;
  lanes::RealVector year_received_;
  lanes::RealVector prev_cost_;
  // The summary, per lane.
  lanes::RealVector total_received_, terminal_claim_, pv_;
  lanes::RealVector cap_year_index_;  // -1: not yet
  lanes::MaskVector ended_at_cap_;
  Real first_profit_{};  // -1: not yet
  Real worst_{}, total_funding_need_{}, peak_funding_need_{};
  mutable PathSummary<double> summaries_[kWidth];  // filled when asked for
};

}  // namespace capflow
