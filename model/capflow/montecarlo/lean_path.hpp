#pragma once
// The lean year step: a Monte Carlo path (or kWidth of them) for scenarios without
// funding mechanics.

#include <algorithm>
#include <type_traits>
#include <vector>

#include "capflow/projection/projection.hpp"
#include "capflow/simd/fast_math.hpp"
#include "capflow/simd/lanes.hpp"
#include "capflow/waterfall/waterfall.hpp"
#include "capflow/waterfall/waterfall_lanes.hpp"

namespace capflow {

// Whether the terms use nothing the lean path leaves out. The caller must also know
// that no path converts (no conversion date, no conversion event or input).
inline bool lean_path_applies(const ProjectionTerms<double>& t) {
  if (!t.revenue_shares.empty() || t.has_credit_line || t.has_new_rounds) return false;
  if (t.default_on_shortfall) return false;
  if (t.conversion_date) return false;
  for (const auto& y : t.round_events) {
    if (!y.empty()) return false;
  }
  for (const auto& y : t.deadline_events) {
    if (!y.empty()) return false;
  }
  return true;
}

// The lean year step for one path (LeanPath: T is double) or for kWidth paths side by
// side, one per SIMD lane (BatchPath, batch_path.hpp: T is lanes::Real). Written once:
// each scalar branch is a fast_math::pick (both sides computed), so a lane does the
// operations the one-path step does for its path, in the same order, and gets the same
// bits (tests/unit/batch_path_test.cpp).
//
// The types come from a specialization rather than from std::conditional_t: GCC drops
// the lane types' alignment attribute from template arguments (lanes.hpp).
template <bool InLanes>
struct LeanTypes;
template <>
struct LeanTypes<false> {
  typedef double T;
  typedef bool Mask;
  typedef std::vector<double> Array;
  typedef std::vector<char> MaskArray;
  typedef Waterfall<double> Engine;
  static constexpr std::size_t kWidth = 1;
};
template <>
struct LeanTypes<true> {
  typedef lanes::Real T;
  typedef lanes::Mask Mask;
  typedef lanes::RealVector Array;
  typedef lanes::MaskVector MaskArray;
  typedef WaterfallLanes Engine;
  static constexpr std::size_t kWidth = lanes::kWidth;
};

template <bool InLanes>
class LeanPathOf {
  static constexpr bool kOne = !InLanes;

 public:
  typedef typename LeanTypes<InLanes>::T T;
  typedef typename LeanTypes<InLanes>::Mask Mask;
  typedef typename LeanTypes<InLanes>::Array Array;
  typedef typename LeanTypes<InLanes>::MaskArray MaskArray;
  static constexpr std::size_t kWidth = LeanTypes<InLanes>::kWidth;

  static bool applies(const ProjectionTerms<double>& t) { return lean_path_applies(t); }

  // REQUIRES: applies(terms), and no path converts.
  explicit LeanPathOf(const ProjectionTerms<double>& terms)
      : t_(terms),
        waterfall_(terms.waterfall),
        caps_(terms.holders),
        cap_base_(terms.holders),
        before_(terms.holders),
        terminal_before_(terms.holders),
        year_received_(terms.holders),
        prev_cost_(terms.cost_kind.size()),
        total_received_(terms.holders),
        terminal_claim_(terms.holders),
        pv_(terms.holders),
        cap_year_index_(terms.holders),
        ended_at_cap_(terms.holders),
        original_cap_(terms.holders) {
    // What no lean path changes is set once: invested, other receipts, refunds.
    for (auto& s : summaries_) {
      s.resize(terms.holders);
      s.reset(terms.initial_invested, terms.opening_cumulative);
    }
  }

  // Runs one path (kWidth paths), calling visit(year_index, received) after each year
  // with what each holder received that year (waterfall and terminal value; nothing
  // else exists here). Inputs: PathInputs<double>, or LaneInputs for lanes.
  template <class Inputs, class Visit>
  CAPFLOW_LANES_INLINE void run(const Inputs& in, Visit&& visit) {
    using fast_math::constant;
    using fast_math::pick;
    const std::size_t n = t_.holders;
    const std::size_t lines = t_.cost_kind.size();
    start();
    // A cap's base is the same every year (only its growth changes).
    for (std::size_t h = 0; h < n; ++h) {
      cap_base_[h] =
          t_.cap_is_multiple[h] ? in.cap_multiple[h] * t_.initial_invested[h] : in.cap_amount[h];
      // The cap as it stood at the start: the first year's (nothing invested later here).
      original_cap_[h] = cap_base_[h] * in.cap_growth[0];
    }
    const T zero{};
    T prev_revenue = constant<T>(t_.revenue_base);
    T cumulative = constant<T>(t_.opening_cumulative);
    T high_water = constant<T>(std::max(0.0, t_.opening_cumulative));
    // Outside money covers every shortfall (the general step's external funding, as no
    // lean scenario defaults); the shadow account is cash without it.
    T cash = constant<T>(t_.opening_cash);
    T shadow = cash;
    T carried_shortfall = constant<T>(std::max(0.0, t_.cash_floor - t_.opening_cash));
    for (int i = 0; i < t_.years; ++i) {
      const auto iu = static_cast<std::size_t>(i);
      const T year = constant<T>(static_cast<double>(i));
      clear(year_received_);

      const T revenue = pick(in.revenue_has_fixed[iu], in.revenue_fixed[iu],
                             prev_revenue * in.revenue_growth_factor[iu]);
      prev_revenue = revenue;
      T costs{};
      for (std::size_t k = 0; k < lines; ++k) {
        T c{};
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
      const T ni = revenue - costs - 0.0 - 0.0;
      cumulative += ni;
      first_profit_ = pick((ni > 0.0) & (first_profit_ < 0.0), year, first_profit_);
      worst_ = pick(cumulative < worst_, cumulative, worst_);  // std::min(worst_, cumulative)
      cash += ni;
      shadow += ni;

      // In lanes, straight into the waterfall's caps (a copy per year was a visible cost).
      Array& caps = caps_in_force();
      for (std::size_t h = 0; h < n; ++h) caps[h] = cap_base_[h] * in.cap_growth[iu];
      if constexpr (kOne) waterfall_.set_caps(caps_);

      const T fresh = max_of(zero, cumulative - high_water);
      high_water = pick(cumulative > high_water, cumulative, high_water);
      const T distributable = t_.payout_ratio * fresh;
      pay_holders(distributable);
      cash -= distributable;
      shadow -= distributable;

      const T need = max_of(zero, t_.cash_floor - cash);
      total_funding_need_ += max_of(zero, need - carried_shortfall);
      cash += need;
      carried_shortfall = max_of(zero, t_.cash_floor - cash);
      const T shadow_need = max_of(zero, t_.cash_floor - shadow);
      peak_funding_need_ = pick(shadow_need > peak_funding_need_, shadow_need, peak_funding_need_);

      const bool last = i == t_.years - 1;
      if (last) {
        T tv{};
        if (t_.terminal == TerminalValueSpec::Method::multiple) {
          tv = in.terminal_multiple * max_of(zero, ni);
        } else if (t_.terminal == TerminalValueSpec::Method::perpetuity) {
          tv =
              max_of(zero, ni) * (1 + t_.terminal_growth) / (t_.discount_rate - t_.terminal_growth);
        }
        terminal_before_ = year_received_;
        pay_holders(tv);
        for (std::size_t h = 0; h < n; ++h)
          terminal_claim_[h] += year_received_[h] - terminal_before_[h];
      }

      const double discount = t_.discount[iu];
      for (std::size_t h = 0; h < n; ++h) {
        // Operands named first: `&` keeps this branch-free on lanes, and clang's
        // -Wbitwise-instead-of-logical objects to a call inside a bool `&`.
        const Mask at_cap = waterfall_.at_cap(h);
        const Mask has_cap = caps[h] > 0.0;
        const Mask capped = at_cap & has_cap;
        cap_year_index_[h] = pick(capped & (cap_year_index_[h] < 0.0), year, cap_year_index_[h]);
        total_received_[h] += year_received_[h];
        pv_[h] += (year_received_[h] + 0.0) * discount;
        if (last) ended_at_cap_[h] = capped;
      }
      visit(i, year_received_.data());
    }
    // One path's summary is always read; a lane's only by tests (the Monte Carlo run
    // reads the lanes directly).
    if constexpr (kOne) fill_summary(0);
  }

  // The summary of the last run (of its lane `lane`).
  const PathSummary<double>& summary(std::size_t lane = 0) const {
    if constexpr (!kOne) fill_summary(lane);
    return summaries_[lane];
  }

  // The same, every lane at once (the fields a Monte Carlo run accumulates; what the
  // summary does not hold here, invested and other receipts, is the same on every
  // lean path).
  const Array& total_received() const { return total_received_; }
  const Array& pv() const { return pv_; }
  const Array& cap_year_index() const { return cap_year_index_; }  // -1: never
  const MaskArray& ended_at_cap() const { return ended_at_cap_; }
  const Array& original_cap() const { return original_cap_; }
  CAPFLOW_LANES_INLINE T first_profit_index() const { return first_profit_; }  // -1: never
  CAPFLOW_LANES_INLINE T worst_cumulative_result() const { return worst_; }
  CAPFLOW_LANES_INLINE T peak_funding_need() const { return peak_funding_need_; }

 private:
  typedef typename LeanTypes<InLanes>::Engine Engine;

  // std::max(a, b): (a < b) ? b : a.
  CAPFLOW_LANES_INLINE static T max_of(T a, T b) { return fast_math::pick(a < b, b, a); }
  static void clear(Array& a) {
    if constexpr (kOne) {
      std::fill(a.begin(), a.end(), 0.0);
    } else {
      a.zero();
    }
  }
  // Lane l of a value (the value itself for one path).
  template <class V>
  static auto lane(const V& v, std::size_t l) {
    if constexpr (kOne) {
      return v;
    } else {
      return v[l];
    }
  }

  CAPFLOW_LANES_INLINE void start() {
    waterfall_.reset();
    for (std::size_t k = 0; k < prev_cost_.size(); ++k)
      prev_cost_[k] = fast_math::constant<T>(t_.base_cost[k]);
    for (std::size_t h = 0; h < t_.holders; ++h) {
      total_received_[h] = terminal_claim_[h] = pv_[h] = T{};
      cap_year_index_[h] = fast_math::constant<T>(-1.0);
      ended_at_cap_[h] = Mask{};
    }
    first_profit_ = fast_math::constant<T>(-1.0);
    worst_ = fast_math::constant<T>(t_.opening_cumulative < 0 ? t_.opening_cumulative : 0.0);
    total_funding_need_ = peak_funding_need_ = T{};
  }

  void fill_summary(std::size_t l) const {
    PathSummary<double>& s = summaries_[l];
    for (std::size_t h = 0; h < t_.holders; ++h) {
      s.total_received[h] = lane(total_received_[h], l);
      s.terminal_claim[h] = lane(terminal_claim_[h], l);
      s.pv[h] = lane(pv_[h], l);
      s.cap_year_index[h] = static_cast<int>(lane(cap_year_index_[h], l));
      s.ended_at_cap[h] = lane(ended_at_cap_[h], l) ? 1 : 0;
      s.original_cap[h] = lane(original_cap_[h], l);
    }
    s.first_profit_index = static_cast<int>(lane(first_profit_, l));
    s.worst_cumulative_result = lane(worst_, l);
    s.total_funding_need = lane(total_funding_need_, l);
    s.peak_funding_need = lane(peak_funding_need_, l);
  }

  CAPFLOW_LANES_INLINE void pay_holders(T amount) {
    // The waterfall is not called for a path with nothing to pay.
    if (!fast_math::any(amount != 0.0)) return;
    if constexpr (kOne) {
      const auto& r = waterfall_.received();
      before_ = r;
      waterfall_.distribute(amount);
      const Mask paying = amount != 0.0;
      for (std::size_t h = 0; h < t_.holders; ++h)
        year_received_[h] =
            fast_math::pick(paying, year_received_[h] + (r[h] - before_[h]), year_received_[h]);
    } else {
      // The same sums, made by the waterfall as it writes back its receipts.
      waterfall_.distribute(amount, year_received_.data());
    }
  }

  // The caps the year step sets for the waterfall: in lanes its own, else caps_.
  Array& caps_in_force() {
    if constexpr (kOne) {
      return caps_;
    } else {
      return waterfall_.caps();
    }
  }

  const ProjectionTerms<double>& t_;
  Engine waterfall_;
  Array caps_;  // one path only: in lanes the year step sets the waterfall's caps
  Array cap_base_;
  Array before_;  // one path only: in lanes the waterfall sums the year's receipts
  Array terminal_before_;
  Array year_received_;
  Array prev_cost_;
  // The summary, per lane.
  Array total_received_, terminal_claim_, pv_;
  Array cap_year_index_;  // -1: not yet
  MaskArray ended_at_cap_;
  Array original_cap_;
  T first_profit_{};  // -1: not yet
  T worst_{}, total_funding_need_{}, peak_funding_need_{};
  mutable PathSummary<double> summaries_[kWidth];  // filled when asked for
};

// The Monte Carlo path for scenarios without funding mechanics: no rounds or options,
// no conversion, no credit line, no new rounds, no partner revenue share. For those the
// general year step (projection_engine.hpp) spends most of its time keeping records
// nobody reads; this one keeps only what a path's summary needs, in the same order of
// floating-point operations, so it gives bit for bit the summary ProjectionEngine<double>
// gives (tests/unit/lean_path_test.cpp checks that on every eligible preset and on
// random scenarios). MonteCarlo picks it when LeanPath::applies says so.
using LeanPath = LeanPathOf<false>;

}  // namespace capflow
