#pragma once
// Waterfall<double> (waterfall.hpp/.cpp) for several paths at once, one per SIMD lane.
// Same state, same segments, same floating-point operations in the same order: each
// lane ends with the bits the scalar engine gives for its path (tests/unit/
// batch_path_test.cpp checks it). Lanes may stand in different tiers, so every per-tier
// value is selected per lane; a lane with nothing left to distribute keeps its state
// while the others take more passes. Only what a Monte Carlo path reads is kept:
// receipts, caps, tier and the profit that entered it.
//
// Lanes usually stand in the same tier (after the first tiers, every path is in the
// last one), so each pass first asks whether the lanes still distributing share a tier;
// if so it uses that tier's terms directly instead of selecting them lane by lane.
// Lanes not distributing may hold anything in the scratch: nothing reads it for them.

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
        n_(terms.holder_count),
        tier_count_(terms.tiers.size()),
        tiers_(static_cast<double>(terms.tiers.size())),
        split_(tier_count_ * n_),
        has_cap_(n_),
        cap_(n_),
        received_(n_),
        marginal_(n_),
        room_(n_),
        room_valid_(n_) {
    for (std::size_t t = 0; t < tier_count_; ++t) {
      for (std::size_t h = 0; h < n_; ++h)
        split_[t * n_ + h] = lanes::splat(terms.tiers[t].split[h]);
    }
    payees_.resize(tier_count_);
    for (std::size_t t = 0; t < tier_count_; ++t) {
      for (std::size_t h = 0; h < n_; ++h) {
        if (terms.tiers[t].split[h] != 0) payees_[t].push_back(h);
      }
    }
    for (std::size_t h = 0; h < n_; ++h) {
      has_cap_[h] = terms.has_cap[h] ? ~Mask{} : Mask{};
      if (terms.has_cap[h]) capped_holders_.push_back(h);
    }
    reset();
  }
  explicit WaterfallLanes(WaterfallTerms<double>&&) = delete;

  void reset() {
    for (std::size_t h = 0; h < n_; ++h) {
      cap_[h] = lanes::splat(terms_.cap[h]);
      received_[h] = Real{};
    }
    used_ = Real{};
    tier_ = Real{};
  }

  void set_caps(const lanes::RealVector& caps) { cap_ = caps; }

  const lanes::RealVector& received() const { return received_; }

  CAPFLOW_LANES_INLINE Mask at_cap(HolderIndex h) const {
    return has_cap_[h] & (received_[h] >= cap_[h]);
  }

  // Waterfall<double>::distribute, lane by lane. A lane whose amount is 0 is untouched
  // (the scalar path does not call distribute for it).
  CAPFLOW_LANES_INLINE void distribute(Real amount) {
    if (lanes::any(amount < 0.0))
      throw std::logic_error("WaterfallLanes::distribute: negative amount");
    Mask active = amount > 0.0;
    const Mask called = amount != 0.0;  // the scalar engine is called for NaN too
    const std::size_t max_passes = 2 * (tier_count_ + n_) + 4;
    for (std::size_t pass = 0; lanes::any(active); ++pass) {
      if (pass > max_passes)
        throw std::logic_error("WaterfallLanes::distribute: no progress after " +
                               std::to_string(pass) + " passes");
      const long tier = skip_finished_tiers(active);
      Real length{};
      const Mask bounded =
          tier >= 0 ? segment_in(static_cast<std::size_t>(tier), length) : segment_mixed(length);
      const Mask whole = bounded & ~(amount < length);
      const Real step = lanes::select(whole, length, amount);
      for (std::size_t h = 0; h < n_; ++h)
        received_[h] = lanes::select(active, received_[h] + marginal_[h] * step, received_[h]);
      used_ = lanes::select(active, used_ + step, used_);
      amount = lanes::select(active, amount - step, amount);
      const Mask snap = active & whole;
      {
        // As the scalar engine: constraints that ended the segment are set exactly.
        used_ = lanes::select(snap & size_valid_ & (size_room_ == step), size_, used_);
        for (std::size_t t = 0; t < tier_count_; ++t) {
          const Tier& tt = terms_.tiers[t];
          if (!tt.has_until || (tier >= 0 && static_cast<std::size_t>(tier) != t)) continue;
          const Mask m =
              snap & (tier_ == static_cast<double>(t)) & until_valid_ & (until_room_ == step);
          received_[tt.until_holder] =
              lanes::select(m, until_target(tt), received_[tt.until_holder]);
        }
        for (const HolderIndex h : capped_holders_) {
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

  // The tier every lane of `which` stands in (tier count: past the last), or -1 when
  // they differ. REQUIRES: some lane in `which`.
  CAPFLOW_LANES_INLINE long common_tier(Mask which) const {
    static_assert(lanes::kWidth == 4);
    // The lowest tier among them, without a branch per lane; then whether any differs.
    const Real t = lanes::select(which, tier_, lanes::splat(1e300));
    const double a = t[0], b = t[1], c = t[2], d = t[3];
    const double first = std::min(std::min(a, b), std::min(c, d));
    if (lanes::any(which & (tier_ != first))) return -1;
    return static_cast<long>(first);
  }

  CAPFLOW_LANES_INLINE Real until_target(const Tier& t) const {
    const HolderIndex u = t.until_holder;
    const Real target = lanes::splat(t.until_received);
    if (!terms_.has_cap[u]) return target;
    return lanes::select(cap_[u] < target, cap_[u], target);
  }

  // Waterfall<double>::tier_finished for lanes standing in tier t.
  CAPFLOW_LANES_INLINE Mask finished_in(std::size_t t) const {
    const Tier& tt = terms_.tiers[t];
    Mask f{};
    if (tt.has_size) f |= used_ >= tt.size;
    if (tt.has_until) f |= received_[tt.until_holder] >= until_target(tt);
    return f;
  }

  // Returns common_tier(which) as the lanes stand after it.
  CAPFLOW_LANES_INLINE long skip_finished_tiers(Mask which) {
    // A lane that is not finished now stays so while others move on (its state does not
    // change), so each round needs to look only at the lanes the last one moved.
    const Mask all = which;
    bool moved = false;
    long first = -1;
    while (lanes::any(which)) {
      const long tier = common_tier(which);
      if (!moved) first = tier;
      Mask finished{};
      if (tier >= 0) {
        if (static_cast<std::size_t>(tier) < tier_count_)
          finished = finished_in(static_cast<std::size_t>(tier));
      } else {
        for (std::size_t t = 0; t < tier_count_; ++t)
          finished |= (tier_ == static_cast<double>(t)) & finished_in(t);
      }
      which &= finished;
      if (!lanes::any(which)) break;
      moved = true;
      tier_ = lanes::select(which, tier_ + 1.0, tier_);
      used_ = lanes::select(which, Real{}, used_);
    }
    return moved ? common_tier(all) : first;
  }

  // Waterfall<double>::segment for lanes all standing in tier t: fills marginal_, the
  // rooms and their validity; returns the lanes whose segment ends (`length` set).
  CAPFLOW_LANES_INLINE Mask segment_in(std::size_t t, Real& length) {
    const HolderIndex r = terms_.residual;
    if (t == tier_count_) {
      // Past the last tier everything goes to the residual holder, without end.
      for (std::size_t h = 0; h < n_; ++h) marginal_[h] = lanes::splat(h == r ? 1.0 : 0.0);
      return Mask{};
    }
    const Tier& tt = terms_.tiers[t];
    // The holders with a share in the tier, in holder order (the order of the sums), and
    // no branch per holder: an uncapped holder's mask is never set.
    Real blocked{}, open{};
    marginal_.zero();
    for (const HolderIndex h : payees_[t]) {
      const Real share = split_[t * n_ + h];
      const Mask capped = has_cap_[h] & (received_[h] >= cap_[h]);
      blocked = lanes::select(capped, blocked + share, blocked);
      open = lanes::select(capped, open, open + share);
      marginal_[h] = lanes::select(capped, Real{}, share);
    }
    overflow(blocked, open);

    Mask bounded{};
    size_valid_ = Mask{};
    until_valid_ = Mask{};
    if (tt.has_size) {
      size_ = lanes::splat(tt.size);
      size_room_ = size_ - used_;
      size_valid_ = ~Mask{};
      limit(size_room_, size_valid_, length, bounded);
    }
    if (tt.has_until) {
      const Real mu = marginal_[tt.until_holder];
      until_valid_ = mu != 0.0;
      until_room_ = (until_target(tt) - received_[tt.until_holder]) / mu;
      limit(until_room_, until_valid_, length, bounded);
    }
    cap_limits(~Mask{}, length, bounded);
    return bounded;
  }

  // Waterfall<double>::segment for lanes in different tiers: each per-tier term is
  // selected lane by lane.
  CAPFLOW_LANES_INLINE Mask segment_mixed(Real& length) {
    const Mask in_tiers = tier_ < tiers_;
    Real blocked{}, open{};
    for (std::size_t h = 0; h < n_; ++h) {
      Real share{};
      for (std::size_t t = 0; t < tier_count_; ++t) {
        if (terms_.tiers[t].split[h] != 0)
          share = lanes::select(tier_ == static_cast<double>(t), split_[t * n_ + h], share);
      }
      const Mask nonzero = share != 0.0;
      const Mask capped = at_cap(h);
      blocked = lanes::select(nonzero & capped, blocked + share, blocked);
      const Mask takes = nonzero & ~capped;
      open = lanes::select(takes, open + share, open);
      marginal_[h] = lanes::select(takes, share, Real{});
    }
    overflow(blocked, open);
    const HolderIndex r = terms_.residual;
    for (std::size_t h = 0; h < n_; ++h)
      marginal_[h] = lanes::select(in_tiers, marginal_[h], lanes::splat(h == r ? 1.0 : 0.0));

    Mask bounded{};
    size_valid_ = Mask{};
    size_ = Real{};
    until_valid_ = Mask{};
    until_room_ = Real{};
    for (std::size_t t = 0; t < tier_count_; ++t) {
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
    limit(size_room_, size_valid_, length, bounded);
    limit(until_room_, until_valid_, length, bounded);
    cap_limits(in_tiers, length, bounded);
    return bounded;
  }

  // Shares of capped holders: to the residual holder, or re-divided pro rata.
  CAPFLOW_LANES_INLINE void overflow(Real blocked, Real open) {
    const Mask any_blocked = blocked != 0.0;
    Mask to_residual = any_blocked;
    if (terms_.overflow == CapOverflow::pro_rata) {
      const Mask pro_rata = any_blocked & (open != 0.0);
      if (lanes::any(pro_rata)) {
        const Real scale = (open + blocked) / open;
        for (std::size_t h = 0; h < n_; ++h)
          marginal_[h] = lanes::select(pro_rata, marginal_[h] * scale, marginal_[h]);
      }
      to_residual = any_blocked & ~pro_rata;
    }
    const HolderIndex r = terms_.residual;
    marginal_[r] = lanes::select(to_residual, marginal_[r] + blocked, marginal_[r]);
  }

  // The scalar engine's limit(): the shortest room so far bounds the segment.
  CAPFLOW_LANES_INLINE static void limit(Real v, Mask m, Real& length, Mask& bounded) {
    const Mask take = m & (~bounded | (v < length));
    length = lanes::select(take, v, length);
    bounded |= m;
  }

  // Room until each capped holder with a share reaches its cap (lanes in `in_tiers`).
  CAPFLOW_LANES_INLINE void cap_limits(Mask in_tiers, Real& length, Mask& bounded) {
    for (const HolderIndex h : capped_holders_) {
      room_valid_[h] = in_tiers & (marginal_[h] != 0.0);
      room_[h] = (cap_[h] - received_[h]) / marginal_[h];
      limit(room_[h], room_valid_[h], length, bounded);
    }
  }

  const WaterfallTerms<double>& terms_;
  std::size_t n_;
  std::size_t tier_count_;
  double tiers_;
  lanes::RealVector split_;                       // tier t, holder h at t * n_ + h, in every lane
  lanes::MaskVector has_cap_;                     // per holder: all lanes set if capped
  std::vector<std::vector<HolderIndex>> payees_;  // per tier: holders with a share
  std::vector<HolderIndex> capped_holders_;
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
