#pragma once
// Waterfall<double> (waterfall.hpp/.cpp) for several paths at once, one per SIMD lane.
// Same state, same segments, same floating-point operations in the same order: each
// lane ends with the bits the scalar engine gives for its path (tests/unit/
// batch_path_test.cpp checks it). Lanes may stand in different tiers, so every per-tier
// value is selected per lane; a lane with nothing left to distribute keeps its state
// while the others take more passes. Only what a Monte Carlo path reads is kept:
// receipts, caps, tier and the profit that entered it.

#include <stdexcept>
#include <string>
#include <vector>

#include "capflow/lanes.hpp"
#include "capflow/waterfall.hpp"

namespace capflow {

class WaterfallLanes {
 public:
  using Real = lanes::Real;
  using Mask = lanes::Mask;

  // REQUIRES: terms came from a validated WaterfallSpec.
  explicit WaterfallLanes(const WaterfallTerms<double>& terms)
      : terms_(terms),
        tiers_(static_cast<double>(terms.tiers.size())),
        cap_(terms.holder_count),
        received_(terms.holder_count),
        marginal_(terms.holder_count),
        room_(terms.holder_count),
        room_valid_(terms.holder_count) {
    reset();
  }
  explicit WaterfallLanes(WaterfallTerms<double>&&) = delete;

  void reset() {
    for (std::size_t h = 0; h < terms_.holder_count; ++h) {
      cap_[h] = lanes::splat(terms_.cap[h]);
      received_[h] = Real{};
    }
    used_ = Real{};
    tier_ = Real{};
  }

  void set_caps(const Real* caps) { std::copy(caps, caps + terms_.holder_count, cap_.begin()); }

  const lanes::RealVector& received() const { return received_; }

  Mask at_cap(HolderIndex h) const {
    if (!terms_.has_cap[h]) return Mask{};
    return received_[h] >= cap_[h];
  }

  // Waterfall<double>::distribute, lane by lane. A lane whose amount is 0 is untouched
  // (the scalar path does not call distribute for it).
  void distribute(Real amount) {
    if (lanes::any(amount < 0.0))
      throw std::logic_error("WaterfallLanes::distribute: negative amount");
    Mask active = amount > 0.0;
    const Mask called = active;
    const std::size_t n = terms_.holder_count;
    const std::size_t max_passes = 2 * (terms_.tiers.size() + n) + 4;
    for (std::size_t pass = 0; lanes::any(active); ++pass) {
      if (pass > max_passes)
        throw std::logic_error("WaterfallLanes::distribute: no progress after " +
                               std::to_string(pass) + " passes");
      skip_finished_tiers(active);
      Real length{};
      const Mask bounded = segment(length);
      const Mask whole = bounded & ~(amount < length);
      const Real step = lanes::select(whole, length, amount);
      for (std::size_t h = 0; h < n; ++h)
        received_[h] = lanes::select(active, received_[h] + marginal_[h] * step, received_[h]);
      used_ = lanes::select(active, used_ + step, used_);
      amount = lanes::select(active, amount - step, amount);
      const Mask snap = active & whole;
      if (lanes::any(snap)) {
        // As the scalar engine: constraints that ended the segment are set exactly.
        used_ = lanes::select(snap & size_valid_ & (size_room_ == step), size_, used_);
        for (std::size_t t = 0; t < terms_.tiers.size(); ++t) {
          const auto& tt = terms_.tiers[t];
          if (!tt.has_until) continue;
          const Mask m =
              snap & (tier_ == static_cast<double>(t)) & until_valid_ & (until_room_ == step);
          received_[tt.until_holder] =
              lanes::select(m, until_target(tt), received_[tt.until_holder]);
        }
        for (std::size_t h = 0; h < n; ++h) {
          if (!terms_.has_cap[h]) continue;
          received_[h] =
              lanes::select(snap & room_valid_[h] & (room_[h] == step), cap_[h], received_[h]);
        }
      }
      active = snap & (amount > 0.0);
    }
    skip_finished_tiers(called);
  }

 private:
  using Tier = WaterfallTerms<double>::TierTerms;

  Real until_target(const Tier& t) const {
    const HolderIndex u = t.until_holder;
    const Real target = lanes::splat(t.until_received);
    if (!terms_.has_cap[u]) return target;
    return lanes::select(cap_[u] < target, cap_[u], target);
  }

  Mask tier_finished() const {
    Mask finished{};
    for (std::size_t t = 0; t < terms_.tiers.size(); ++t) {
      const Tier& tt = terms_.tiers[t];
      Mask f{};
      if (tt.has_size) f |= used_ >= tt.size;
      if (tt.has_until) f |= received_[tt.until_holder] >= until_target(tt);
      finished |= (tier_ == static_cast<double>(t)) & f;
    }
    return finished;
  }

  void skip_finished_tiers(Mask which) {
    for (;;) {
      const Mask step = which & (tier_ < tiers_) & tier_finished();
      if (!lanes::any(step)) return;
      tier_ = lanes::select(step, tier_ + 1.0, tier_);
      used_ = lanes::select(step, Real{}, used_);
    }
  }

  // Waterfall<double>::segment per lane: fills marginal_, the rooms and their validity;
  // returns which lanes' segment ends (their `length` set).
  Mask segment(Real& length) {
    const std::size_t n = terms_.holder_count;
    const Mask in_tiers = tier_ < tiers_;
    Real blocked{}, open{};
    for (std::size_t h = 0; h < n; ++h) {
      Real share{};
      for (std::size_t t = 0; t < terms_.tiers.size(); ++t) {
        const double s = terms_.tiers[t].split[h];
        if (s != 0) share = lanes::select(tier_ == static_cast<double>(t), lanes::splat(s), share);
      }
      const Mask nonzero = share != 0.0;
      const Mask capped = at_cap(h);
      blocked = lanes::select(nonzero & capped, blocked + share, blocked);
      const Mask takes = nonzero & ~capped;
      open = lanes::select(takes, open + share, open);
      marginal_[h] = lanes::select(takes, share, Real{});
    }
    const Mask any_blocked = blocked != 0.0;
    Mask to_residual = any_blocked;
    if (terms_.overflow == CapOverflow::pro_rata) {
      const Mask pro_rata = any_blocked & (open != 0.0);
      const Real scale = (open + blocked) / open;
      for (std::size_t h = 0; h < n; ++h)
        marginal_[h] = lanes::select(pro_rata, marginal_[h] * scale, marginal_[h]);
      to_residual = any_blocked & ~pro_rata;
    }
    const HolderIndex r = terms_.residual;
    marginal_[r] = lanes::select(to_residual, marginal_[r] + blocked, marginal_[r]);
    // Past the last tier everything goes to the residual holder, without end.
    for (std::size_t h = 0; h < n; ++h)
      marginal_[h] = lanes::select(in_tiers, marginal_[h], lanes::splat(h == r ? 1.0 : 0.0));

    Mask bounded{};
    auto limit = [&](Real v, Mask m) {
      const Mask take = m & (~bounded | (v < length));
      length = lanes::select(take, v, length);
      bounded |= m;
    };
    size_valid_ = Mask{};
    size_ = Real{};
    until_valid_ = Mask{};
    until_room_ = Real{};
    for (std::size_t t = 0; t < terms_.tiers.size(); ++t) {
      const Tier& tt = terms_.tiers[t];
      const Mask here = tier_ == static_cast<double>(t);
      if (tt.has_size) {
        size_ = lanes::select(here, lanes::splat(tt.size), size_);
        size_valid_ |= here;
      }
      if (tt.has_until) {
        const Real mu = marginal_[tt.until_holder];
        const Mask m = here & (mu != 0.0);
        const Real room = (until_target(tt) - received_[tt.until_holder]) / mu;
        until_room_ = lanes::select(m, room, until_room_);
        until_valid_ |= m;
      }
    }
    size_room_ = size_ - used_;
    limit(size_room_, size_valid_);
    limit(until_room_, until_valid_);
    for (std::size_t h = 0; h < n; ++h) {
      if (!terms_.has_cap[h]) continue;
      room_valid_[h] = in_tiers & (marginal_[h] != 0.0);
      room_[h] = (cap_[h] - received_[h]) / marginal_[h];
      limit(room_[h], room_valid_[h]);
    }
    return bounded;
  }

  const WaterfallTerms<double>& terms_;
  double tiers_;
  lanes::RealVector cap_;
  lanes::RealVector received_;
  Real used_{};  // profit that has entered the current tier
  Real tier_{};  // index of the tier the next dollar enters
  // Scratch of the current segment.
  lanes::RealVector marginal_;
  lanes::RealVector room_;
  lanes::MaskVector room_valid_;
  Real size_{}, size_room_{}, until_room_{};
  Mask size_valid_{}, until_valid_{};
};

}  // namespace capflow
