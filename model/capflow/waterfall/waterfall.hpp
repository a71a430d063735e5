#pragma once
// Layer waterfall/ — the exact and double waterfall engine (this file), its SIMD lanes,
// breakpoints, solve, rounding to cents. Uses io/, terms/, simd/.
// (docs/architecture.md; scripts/check-layers enforces it.)
//
// The capped-profit waterfall engine (SPEC §2), written once for two number types:
// Rational for exact allocations, breakpoints and audits; double for Monte Carlo.
//
// A Waterfall is the state of one distribution: what each holder has received, which
// tier profit is flowing through and how much has entered it. distribute(x) pushes x
// more profit through, so distributing 10 then 20 equals distributing 30. Caps may be
// changed between calls (yearly cap growth); nothing already paid is taken back.
//
// Profit moves in *segments*: stretches over which every holder's marginal share is
// constant. A segment ends when the tier ends (its size is used up, or its `until`
// holder reaches its target) or when some holder reaches its cap. Each step of
// distribute() fills one segment or stops inside it, so the work per call is bounded by
// (tiers + holders) segments, whatever the amount.

#include <cstddef>
#include <optional>
#include <span>
#include <vector>

#include "capflow/terms/waterfall_spec.hpp"

namespace capflow {

// A WaterfallSpec in number type Num, flattened for the engine.
template <class Num>
struct WaterfallTerms {
  struct TierTerms {
    std::vector<Num> split;  // per holder
    bool has_size = false;
    Num size{};
    bool has_until = false;
    HolderIndex until_holder = 0;
    Num until_received{};
  };
  std::size_t holder_count = 0;
  HolderIndex residual = 0;
  CapOverflow overflow = CapOverflow::residual;
  std::vector<TierTerms> tiers;
  std::vector<char> has_cap;  // per holder
  std::vector<Num> cap;       // per holder; meaningful where has_cap

  static WaterfallTerms from(const WaterfallSpec& spec);
};

template <class Num>
class Waterfall {
 public:
  // REQUIRES: terms came from a validated WaterfallSpec (WaterfallTerms::from).
  explicit Waterfall(const WaterfallTerms<Num>& terms);
  // The engine keeps a reference to the terms: a temporary would dangle.
  explicit Waterfall(WaterfallTerms<Num>&&) = delete;

  // Back to nothing distributed, with the caps of the terms. Allocates nothing.
  void reset();

  // Replaces the caps in force (e.g. grown for a new year). Holders already above a new
  // cap keep what they have and receive nothing more while it binds.
  // REQUIRES: caps.size() == holder count; has_cap as in the terms.
  void set_caps(std::span<const Num> caps);

  // Pushes `amount` more profit through the waterfall. REQUIRES: amount >= 0.
  void distribute(Num amount);

  // Cumulative receipts per holder, in holder order.
  const std::vector<Num>& received() const { return received_; }
  // Total distributed so far.
  const Num& distributed() const { return distributed_; }
  // Index of the tier the next dollar enters; tier count when past the last tier.
  std::size_t current_tier() const { return tier_; }
  // Tier in which the last positive amount landed; nullopt before any profit.
  // Equals tier count when it went to the residual holder after the last tier.
  std::optional<std::size_t> last_tier() const { return last_tier_; }
  bool at_cap(HolderIndex h) const { return terms_.has_cap[h] && received_[h] >= cap_[h]; }
  const std::vector<Num>& caps() const { return cap_; }
  const WaterfallTerms<Num>& terms() const { return terms_; }

  // The segment the next dollar enters: fills `marginal` (per holder, summing to 1) and
  // returns how much profit the segment still takes, or nullopt if it never ends.
  std::optional<Num> next_segment(std::vector<Num>& marginal);

 private:
  void skip_finished_tiers();
  bool tier_finished() const;
  Num until_target(const typename WaterfallTerms<Num>::TierTerms& t) const;
  // Fills marginal_ and room_ for the current tier. Returns whether the segment ends,
  // and if so sets `length` to the profit it still takes. A bool and an out-parameter
  // rather than std::optional<Num>: GCC returns optional<double> through the stack, and
  // the store-to-load stall was a tenth of the double hot path.
  bool segment(Num& length);

  const WaterfallTerms<Num>& terms_;
  std::vector<Num> cap_;
  std::vector<Num> received_;
  std::vector<Num> marginal_;      // scratch: shares of the current segment
  std::vector<Num> room_;          // scratch: profit until holder h reaches its cap
  std::optional<Num> size_room_;   // scratch: profit until the tier's size is used up
  std::optional<Num> until_room_;  // scratch: profit until the until-holder's target
  Num distributed_{};
  Num used_{};  // profit that has entered the current tier
  std::size_t tier_ = 0;
  std::optional<std::size_t> last_tier_;
};

// The pure allocation of a cumulative profit under the caps of the terms.
template <class Num>
std::vector<Num> allocate(const WaterfallTerms<Num>& terms, const Num& profit) {
  Waterfall<Num> w(terms);
  w.distribute(profit);
  return w.received();
}

extern template struct WaterfallTerms<Rational>;
extern template struct WaterfallTerms<double>;
extern template class Waterfall<Rational>;
extern template class Waterfall<double>;

}  // namespace capflow
