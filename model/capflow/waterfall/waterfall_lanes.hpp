#pragma once
// Waterfall<double> (waterfall.hpp/.cpp) for several paths at once, one per SIMD lane.
// Same state, same segments, same floating-point operations in the same order: each
// lane ends with the bits the scalar engine gives for its path (tests/unit/
// batch_path_test.cpp checks it). Only what a Monte Carlo path reads is kept:
// receipts, caps, tier and the profit that entered it.
//
// Each lane takes its own passes, those of the scalar engine; a lane with nothing left
// to distribute keeps its state. When every tier before an open last one ends at a size
// (the common shape), each lane reads its own tier's terms from small tables, so lanes
// in different tiers pass together. Otherwise every pass is one tier's: the lanes in
// the lowest tier take it alone and the others wait. After the first tiers every path
// stands in the last one; when that tier never ends (no size, no until target) its
// passes skip the tier bookkeeping. Lanes not distributing may hold anything in the
// scratch: nothing reads it for them.
//
// For up to kMaxFixed holders the holder count is a template argument: the loops over
// holders unroll and one call's state (receipts, caps, shares, rooms) stays in
// registers instead of going through memory at every step; a holder picked at run time
// (the residual, an until holder) is found by a scan the branch predictor learns. More
// holders run the same code on the arrays in memory. The call is out of line, so that
// the register allocator sees it apart from the rest of a Monte Carlo batch.

#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "capflow/simd/lanes.hpp"
#include "capflow/waterfall/waterfall.hpp"

namespace capflow {

class WaterfallLanes {
 public:
  using Real = lanes::Real;
  using Mask = lanes::Mask;
  // Holder counts up to this run with their state in registers (see above).
  static constexpr std::size_t kMaxFixed = 8;

  // REQUIRES: terms came from a validated WaterfallSpec.
  explicit WaterfallLanes(const WaterfallTerms<double>& terms)
      : terms_(terms),
        n_(terms.holder_count),
        tier_count_(terms.tiers.size()),
        split_(tier_count_ * n_),
        payee_(tier_count_ * n_, 0),
        has_cap_(n_),
        capped_(n_, 0),
        cap_(n_),
        received_(n_),
        marginal_(n_),
        room_(n_),
        room_valid_(n_) {
    for (std::size_t t = 0; t < tier_count_; ++t) {
      for (std::size_t h = 0; h < n_; ++h) {
        split_[t * n_ + h] = lanes::splat(terms.tiers[t].split[h]);
        payee_[t * n_ + h] = terms.tiers[t].split[h] != 0 ? 1 : 0;
      }
    }
    if (tier_count_ > 0 && !terms.tiers.back().has_size && !terms.tiers.back().has_until)
      open_tier_ = static_cast<long>(tier_count_) - 1;
    sized_tiers_ = open_tier_ >= 0 && tier_count_ <= lanes::kWidth;
    for (const Tier& tt : terms.tiers) sized_tiers_ = sized_tiers_ && !tt.has_until;
    if (sized_tiers_) {
      tier_split_.resize(n_);
      payee_any_.assign(n_, 0);
      for (std::size_t t = 0; t < tier_count_; ++t) {
        const Tier& tt = terms.tiers[t];
        for (std::size_t h = 0; h < n_; ++h) {
          tier_split_[h][t] = tt.split[h];
          if (tt.split[h] != 0) payee_any_[h] = 1;
        }
        tier_size_[t] = tt.has_size ? tt.size : 0.0;
        tier_sized_[t] = tt.has_size ? 1.0 : 0.0;
      }
    }
    for (std::size_t h = 0; h < n_; ++h) {
      has_cap_[h] = terms.has_cap[h] ? ~Mask{} : Mask{};
      capped_[h] = terms.has_cap[h] ? 1 : 0;
    }
    distribute_ = distributor(n_, std::make_index_sequence<kMaxFixed>{});
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

  // The caps in force, set in place (Waterfall::set_caps without the copy).
  lanes::RealVector& caps() { return cap_; }

  const lanes::RealVector& received() const { return received_; }

  CAPFLOW_LANES_INLINE Mask at_cap(HolderIndex h) const {
    return has_cap_[h] & (received_[h] >= cap_[h]);
  }

  // Waterfall<double>::distribute, lane by lane. A lane whose amount is 0 is untouched
  // (the scalar path does not call distribute for it). With `paid`, also adds to
  // paid[h] what holder h received, in the lanes whose amount is not 0, as
  // paid[h] + (received after - received before).
  CAPFLOW_LANES_INLINE void distribute(Real amount, Real* paid = nullptr) {
    if (lanes::any(amount < 0.0))
      throw std::logic_error("WaterfallLanes::distribute: negative amount");
    (this->*distribute_)(amount, paid);
  }

 private:
  using Tier = WaterfallTerms<double>::TierTerms;

  // distribute_in<n> for n holders up to kMaxFixed, else distribute_in<0>.
  using Distribute = void (WaterfallLanes::*)(const Real&, Real*);
  template <std::size_t... N>
  static Distribute distributor(std::size_t n, std::index_sequence<N...>) {
    const Distribute fixed[] = {&WaterfallLanes::distribute_in<0>,
                                &WaterfallLanes::distribute_in<N + 1>...};
    return fixed[n <= kMaxFixed ? n : 0];
  }

  // What one call works on. With N holders (N > 0) it is all local, so that the
  // compiler keeps it in registers; with N = 0 (more than kMaxFixed holders) the
  // per-holder arrays are the members'.
  template <std::size_t N, class = void>
  struct Holders {
    Real received[N], cap[N], marginal[N], room[N];
    Mask room_valid[N];
  };
  template <class Unused>
  struct Holders<0, Unused> {
    Real *received, *cap, *marginal, *room;
    Mask* room_valid;
  };
  template <std::size_t N>
  struct State : Holders<N> {
    Real passes{};  // per lane, as the scalar engine counts them
    Real used{}, tier{};
    Real size{}, size_room{}, until_room{};
    Mask size_valid{}, until_valid{};
  };

  template <std::size_t N>
  CAPFLOW_LANES_INLINE std::size_t holders() const {
    return N > 0 ? N : n_;
  }
  // a[i] for a holder known only at run time. With N fixed, a scan: indexing the arrays
  // by a run-time value would move them out of the registers.
  template <std::size_t N, class A>
  CAPFLOW_LANES_INLINE static auto get(const A& a, std::size_t i) {
    if constexpr (N == 0) {
      return a[i];
    } else {
      auto v = a[0];
#pragma GCC unroll 8
      for (std::size_t h = 1; h < N; ++h) {
        if (h == i) v = a[h];
      }
      return v;
    }
  }
  template <std::size_t N, class A, class V>
  CAPFLOW_LANES_INLINE static void set(A& a, std::size_t i, V v) {
    if constexpr (N == 0) {
      a[i] = v;
    } else {
#pragma GCC unroll 8
      for (std::size_t h = 0; h < N; ++h) {
        if (h == i) a[h] = v;
      }
    }
  }

  // Out of line, so that the register allocator sees this loop on its own rather than
  // inside the whole Monte Carlo batch; compiled for AVX2, hence the reference.
  template <std::size_t N>
  [[gnu::noinline]] CAPFLOW_LANES_AVX2 void distribute_in(const Real& amount_in, Real* paid) {
    Real amount = amount_in;
    const std::size_t n = holders<N>();
    State<N> s;
    if constexpr (N > 0) {
#pragma GCC unroll 8
      for (std::size_t h = 0; h < N; ++h) {
        s.received[h] = received_[h];
        s.cap[h] = cap_[h];
        s.marginal[h] = s.room[h] = Real{};
        s.room_valid[h] = Mask{};
      }
    } else {
      s.received = received_.data();
      s.cap = cap_.data();
      s.marginal = marginal_.data();
      s.room = room_.data();
      s.room_valid = room_valid_.data();
      // The receipts change in place: keep what they were.
      if (paid) before_ = received_;
    }
    s.used = used_;
    s.tier = tier_;

    Mask active = amount > 0.0;
    const Mask called = amount != 0.0;  // the scalar engine is called for NaN too
    const auto max_passes = static_cast<double>(2 * (tier_count_ + n) + 4);
    if (open_tier_ >= 0 && !lanes::any(called & (s.tier != static_cast<double>(open_tier_)))) {
      // Every lane called stands in the open tier already (the common case after the
      // first profitable years): it never ends, so there are no tiers to skip before or
      // after the passes.
      if (lanes::any(active)) open_tier_passes(s, amount, active, max_passes);
    } else if (sized_tiers_) {
      // Each lane reads its own tier's terms, so lanes in different tiers take their
      // passes together.
      sized_tier_passes(s, amount, active, max_passes);
      // As the scalar engine ends a call. No result depends on it (a size does not
      // depend on the caps, and every pass skips finished tiers first), but a lane whose
      // tier is used up then stands in the next one, and the next call finds its lanes
      // in the open tier one call sooner.
      Real size;
      Mask sized;
      skip_sized_tiers(s, called, size, sized);
    } else {
      while (lanes::any(active)) {
        long tier = skip_finished_tiers(s, active);
        if (tier == open_tier_) {
          // The lanes stay in this tier for good: the rest of the call is simpler passes.
          open_tier_passes(s, amount, active, max_passes);
          break;
        }
        // Lanes in different tiers: those in the lowest take this pass alone while the
        // others keep their state, so that every pass is one tier's. A lane's own passes
        // are the same either way; choosing every term lane by lane, `until` targets
        // included, cost several times one tier's pass.
        Mask group = active;
        if (tier < 0) {
          tier = static_cast<long>(lowest_tier(s.tier, active));
          group = active & (s.tier == static_cast<double>(tier));
        }
        count_pass(s, group, max_passes);
        active = (active & ~group) | pass_in(s, static_cast<std::size_t>(tier), amount, group);
      }
      skip_finished_tiers(s, called);
    }

    if (paid) {
      const Mask paying = amount_in != 0.0;
      const Real* const before = N > 0 ? received_.data() : before_.data();
#pragma GCC unroll 8
      for (std::size_t h = 0; h < n; ++h)
        paid[h] = lanes::select(paying, paid[h] + (s.received[h] - before[h]), paid[h]);
    }
    if constexpr (N > 0) {
#pragma GCC unroll 8
      for (std::size_t h = 0; h < N; ++h) received_[h] = s.received[h];
    }
    used_ = s.used;
    tier_ = s.tier;
  }

  // The scalar engine's guard, lane by lane: a lane's pass past max_passes (2 (tiers +
  // holders) + 4, more than any waterfall takes) means the engine makes no progress.
  template <std::size_t N>
  CAPFLOW_LANES_INLINE static void count_pass(State<N>& s, Mask passing, double max_passes) {
    if (lanes::any(passing & (s.passes > max_passes)))
      throw std::logic_error("WaterfallLanes::distribute: no progress after " +
                             std::to_string(static_cast<long>(max_passes) + 1) + " passes");
    s.passes = lanes::select(passing, s.passes + 1.0, s.passes);
  }

  // One pass of distribute_in for the lanes of `active`, all standing in tier t: a
  // segment, as far as it goes or as the amount left. Returns the lanes that have an
  // amount left.
  template <std::size_t N>
  CAPFLOW_LANES_INLINE Mask pass_in(State<N>& s, std::size_t tier, Real& amount,
                                    Mask active) const {
    Real length{};
    const Mask bounded = segment_in(s, tier, length);
    Mask snap;
    const Real step = take_step(s, amount, active, length, bounded, snap);
    // As the scalar engine: constraints that ended the segment are set exactly.
    s.used = lanes::select(snap & s.size_valid & (s.size_room == step), s.size, s.used);
    const Tier* const tt = tier < tier_count_ ? &terms_.tiers[tier] : nullptr;
    if (tt && tt->has_until) {
      const Mask m = snap & s.until_valid & (s.until_room == step);
      const HolderIndex u = tt->until_holder;
      set<N>(s.received, u, lanes::select(m, until_target(s, *tt), get<N>(s.received, u)));
    }
    snap_to_caps(s, snap, step);
    return snap & (amount > 0.0);
  }

  // A pass's step for the lanes of `active`: the whole segment (`length`, in the lanes
  // of `bounded`) or else the amount left; receipts, the tier's use and the amount move
  // by it. Sets `snap` to the lanes whose segment was filled.
  template <std::size_t N>
  CAPFLOW_LANES_INLINE Real take_step(State<N>& s, Real& amount, Mask active, Real length,
                                      Mask bounded, Mask& snap) const {
    const std::size_t n = holders<N>();
    const Mask whole = bounded & ~(amount < length);
    const Real step = lanes::select(whole, length, amount);
#pragma GCC unroll 8
    for (std::size_t h = 0; h < n; ++h)
      s.received[h] = lanes::select(active, s.received[h] + s.marginal[h] * step, s.received[h]);
    s.used = lanes::select(active, s.used + step, s.used);
    amount = lanes::select(active, amount - step, amount);
    snap = active & whole;
    return step;
  }

  // As the scalar engine: a holder whose cap ended the segment gets its cap exactly.
  template <std::size_t N>
  CAPFLOW_LANES_INLINE void snap_to_caps(State<N>& s, Mask snap, Real step) const {
    const std::size_t n = holders<N>();
#pragma GCC unroll 8
    for (std::size_t h = 0; h < n; ++h) {
      if (!capped_[h]) continue;
      s.received[h] =
          lanes::select(snap & s.room_valid[h] & (s.room[h] == step), s.cap[h], s.received[h]);
    }
  }

  // The passes of distribute_in for lanes that all stand in the last tier when it has
  // neither a size nor an until target (the open tier): what segment_in and the pass
  // do there, without the tier bookkeeping, which such a tier never needs (it never
  // ends). Most passes of a long projection are these.
  template <std::size_t N>
  CAPFLOW_LANES_INLINE void open_tier_passes(State<N>& s, Real& amount, Mask active,
                                             double max_passes) const {
    const auto t = static_cast<std::size_t>(open_tier_);
    for (;;) {
      count_pass(s, active, max_passes);
      tier_shares(s, t);
      Real length{};
      Mask bounded{};
      cap_limits(s, length, bounded);

      Mask snap;
      const Real step = take_step(s, amount, active, length, bounded, snap);
      snap_to_caps(s, snap, step);
      active = snap & (amount > 0.0);
      if (!lanes::any(active)) return;
    }
  }

  // The passes of distribute_in when every tier before the open one ends at a size
  // (sized_tiers_): each lane reads its own tier's share, size and whether it has one
  // (lanes::Lookup), so one pass serves lanes in different tiers and each lane still
  // takes its own passes, the scalar engine's. The first profitable years of a path
  // cross the first tiers, at different years in different lanes.
  template <std::size_t N>
  CAPFLOW_LANES_INLINE void sized_tier_passes(State<N>& s, Real& amount, Mask active,
                                              double max_passes) const {
    while (lanes::any(active)) {
      Real size;
      Mask sized;
      const lanes::Lookup at = skip_sized_tiers(s, active, size, sized);
      count_pass(s, active, max_passes);
      lane_tier_shares(s, at);
      Real length{};
      Mask bounded{};
      const Real size_room = size - s.used;
      limit(size_room, sized, length, bounded);
      cap_limits(s, length, bounded);

      Mask snap;
      const Real step = take_step(s, amount, active, length, bounded, snap);
      s.used = lanes::select(snap & sized & (size_room == step), size, s.used);
      snap_to_caps(s, snap, step);
      active = snap & (amount > 0.0);
    }
  }

  // skip_finished_tiers when tiers end at a size only (sized_tiers_; the open tier never
  // ends): the lanes of `which` whose tier is used up move on. Leaves each lane's tier
  // size in `size`, and in `sized` whether it has one; returns the lookup of the tiers.
  template <std::size_t N>
  CAPFLOW_LANES_INLINE lanes::Lookup skip_sized_tiers(State<N>& s, Mask which, Real& size,
                                                      Mask& sized) const {
    lane_tier_terms(lanes::Lookup(s.tier), size, sized);
    Mask finished = which & sized & (s.used >= size);
    // A first step without a branch: whether a lane has just ended its tier is a coin
    // toss for the branch predictor. A second tier ends at once only if its size is 0.
    for (;;) {
      s.tier = lanes::select(finished, s.tier + 1.0, s.tier);
      s.used = lanes::select(finished, Real{}, s.used);
      const lanes::Lookup at(s.tier);
      lane_tier_terms(at, size, sized);
      finished &= sized & (s.used >= size);
      if (!lanes::any(finished)) return at;
    }
  }
  CAPFLOW_LANES_INLINE void lane_tier_terms(const lanes::Lookup& at, Real& size,
                                            Mask& sized) const {
    size = at(tier_size_);
    sized = at(tier_sized_) != 0.0;
  }

  // The tier every lane of `which` stands in (tier count: past the last), or -1 when
  // they differ. REQUIRES: some lane in `which`.
  CAPFLOW_LANES_INLINE static long common_tier(Real tiers, Mask which) {
    // The lowest tier among them; then whether any differs.
    const double first = lowest_tier(tiers, which);
    if (lanes::any(which & (tiers != first))) return -1;
    return static_cast<long>(first);
  }
  // The lowest tier among the lanes of `which`, without a branch per lane.
  // REQUIRES: some lane in `which`.
  CAPFLOW_LANES_INLINE static double lowest_tier(Real tiers, Mask which) {
    static_assert(lanes::kWidth == 4);
    const Real t = lanes::select(which, tiers, lanes::splat(1e300));
    const double a = t[0], b = t[1], c = t[2], d = t[3];
    return std::min(std::min(a, b), std::min(c, d));
  }

  template <std::size_t N>
  CAPFLOW_LANES_INLINE Real until_target(const State<N>& s, const Tier& t) const {
    const HolderIndex u = t.until_holder;
    const Real target = lanes::splat(t.until_received);
    if (!terms_.has_cap[u]) return target;
    const Real cap = get<N>(s.cap, u);
    return lanes::select(cap < target, cap, target);
  }

  // Waterfall<double>::tier_finished for lanes standing in tier t.
  template <std::size_t N>
  CAPFLOW_LANES_INLINE Mask finished_in(const State<N>& s, std::size_t t) const {
    const Tier& tt = terms_.tiers[t];
    Mask f{};
    if (tt.has_size) f |= s.used >= tt.size;
    if (tt.has_until) f |= get<N>(s.received, tt.until_holder) >= until_target(s, tt);
    return f;
  }

  // Returns common_tier(which) as the lanes stand after it.
  template <std::size_t N>
  CAPFLOW_LANES_INLINE long skip_finished_tiers(State<N>& s, Mask which) const {
    // A lane that is not finished now stays so while others move on (its state does not
    // change), so each round needs to look only at the lanes the last one moved.
    const Mask all = which;
    bool moved = false;
    long first = -1;
    while (lanes::any(which)) {
      const long tier = common_tier(s.tier, which);
      if (!moved) first = tier;
      Mask finished{};
      if (tier >= 0) {
        if (static_cast<std::size_t>(tier) < tier_count_)
          finished = finished_in(s, static_cast<std::size_t>(tier));
      } else {
        for (std::size_t t = 0; t < tier_count_; ++t)
          finished |= (s.tier == static_cast<double>(t)) & finished_in(s, t);
      }
      which &= finished;
      if (!lanes::any(which)) break;
      moved = true;
      s.tier = lanes::select(which, s.tier + 1.0, s.tier);
      s.used = lanes::select(which, Real{}, s.used);
    }
    return moved ? common_tier(s.tier, all) : first;
  }

  // The shares of the segment for lanes standing in tier t (< tier count): each
  // holder's share of the tier, 0 for a capped holder, whose share goes where the
  // overflow rule sends it. Summed in holder order, as the scalar engine sums, and with
  // no branch on the lanes: an uncapped holder's mask is never set.
  template <std::size_t N>
  CAPFLOW_LANES_INLINE void tier_shares(State<N>& s, std::size_t t) const {
    const Real* const split = &split_[t * n_];
    shares(s, &payee_[t * n_], [&](std::size_t h) { return split[h]; });
  }
  // tier_shares for lanes each in its own tier (sized_tiers_), `at` their tiers'
  // lookup. A holder with no share in a lane's tier reads 0 there, which adds nothing:
  // the same bits as skipping it.
  template <std::size_t N>
  CAPFLOW_LANES_INLINE void lane_tier_shares(State<N>& s, const lanes::Lookup& at) const {
    shares(s, payee_any_.data(), [&](std::size_t h) { return at(tier_split_[h]); });
  }
  // What the two above share: payee[h] says whether holder h may have a share, and
  // share_of(h) gives it.
  template <std::size_t N, class ShareOf>
  CAPFLOW_LANES_INLINE void shares(State<N>& s, const char* payee, ShareOf share_of) const {
    const std::size_t n = holders<N>();
    Real blocked{}, open{};
#pragma GCC unroll 8
    for (std::size_t h = 0; h < n; ++h) {
      if (!payee[h]) {
        s.marginal[h] = Real{};
        continue;
      }
      const Real share = share_of(h);
      const Mask capped = has_cap_[h] & (s.received[h] >= s.cap[h]);
      blocked = lanes::select(capped, blocked + share, blocked);
      open = lanes::select(capped, open, open + share);
      s.marginal[h] = lanes::select(capped, Real{}, share);
    }
    overflow(s, blocked, open);
  }

  // Waterfall<double>::segment for lanes all standing in tier t: fills the shares, the
  // rooms and their validity; returns the lanes whose segment ends (`length` set).
  template <std::size_t N>
  CAPFLOW_LANES_INLINE Mask segment_in(State<N>& s, std::size_t t, Real& length) const {
    const std::size_t n = holders<N>();
    const HolderIndex r = terms_.residual;
    if (t == tier_count_) {
      // Past the last tier everything goes to the residual holder, without end.
#pragma GCC unroll 8
      for (std::size_t h = 0; h < n; ++h) s.marginal[h] = lanes::splat(h == r ? 1.0 : 0.0);
      return Mask{};
    }
    const Tier& tt = terms_.tiers[t];
    tier_shares(s, t);

    Mask bounded{};
    s.size_valid = Mask{};
    s.until_valid = Mask{};
    if (tt.has_size) {
      s.size = lanes::splat(tt.size);
      s.size_room = s.size - s.used;
      s.size_valid = ~Mask{};
      limit(s.size_room, s.size_valid, length, bounded);
    }
    if (tt.has_until) {
      const HolderIndex u = tt.until_holder;
      const Real mu = get<N>(s.marginal, u);
      s.until_valid = mu != 0.0;
      s.until_room = (until_target(s, tt) - get<N>(s.received, u)) / mu;
      limit(s.until_room, s.until_valid, length, bounded);
    }
    cap_limits(s, length, bounded);
    return bounded;
  }

  // Shares of capped holders: to the residual holder, or re-divided pro rata.
  template <std::size_t N>
  CAPFLOW_LANES_INLINE void overflow(State<N>& s, Real blocked, Real open) const {
    const Mask any_blocked = blocked != 0.0;
    Mask to_residual = any_blocked;
    if (terms_.overflow == CapOverflow::pro_rata) {
      const Mask pro_rata = any_blocked & (open != 0.0);
      if (lanes::any(pro_rata)) {
        const std::size_t n = holders<N>();
        const Real scale = (open + blocked) / open;
#pragma GCC unroll 8
        for (std::size_t h = 0; h < n; ++h)
          s.marginal[h] = lanes::select(pro_rata, s.marginal[h] * scale, s.marginal[h]);
      }
      to_residual = any_blocked & ~pro_rata;
    }
    const HolderIndex r = terms_.residual;
    const Real m = get<N>(s.marginal, r);
    set<N>(s.marginal, r, lanes::select(to_residual, m + blocked, m));
  }

  // The scalar engine's limit(): the shortest room so far bounds the segment.
  CAPFLOW_LANES_INLINE static void limit(Real v, Mask m, Real& length, Mask& bounded) {
    const Mask take = m & (~bounded | (v < length));
    length = lanes::select(take, v, length);
    bounded |= m;
  }

  // Room until each capped holder with a share reaches its cap.
  template <std::size_t N>
  CAPFLOW_LANES_INLINE void cap_limits(State<N>& s, Real& length, Mask& bounded) const {
    const std::size_t n = holders<N>();
#pragma GCC unroll 8
    for (std::size_t h = 0; h < n; ++h) {
      if (!capped_[h]) continue;
      s.room_valid[h] = s.marginal[h] != 0.0;
      s.room[h] = (s.cap[h] - s.received[h]) / s.marginal[h];
      limit(s.room[h], s.room_valid[h], length, bounded);
    }
  }

  const WaterfallTerms<double>& terms_;
  std::size_t n_;
  std::size_t tier_count_;
  lanes::RealVector split_;    // tier t, holder h at t * n_ + h, in every lane
  std::vector<char> payee_;    // tier t, holder h at t * n_ + h: whether split_ is not 0
  lanes::MaskVector has_cap_;  // per holder: all lanes set if capped
  std::vector<char> capped_;   // per holder: whether it has a cap
  long open_tier_ = -2;        // the last tier if it never ends (no size, no until)
  // An open last tier, before it tiers that end at a size only, kWidth tiers at most:
  // then the tables below, each indexed by tier, serve lanes in different tiers at once.
  bool sized_tiers_ = false;
  lanes::RealVector tier_split_;  // holder h: its share in each tier
  std::vector<char> payee_any_;   // holder h: whether it has a share in some tier
  Real tier_size_{};              // each tier's size (0 if none)
  Real tier_sized_{};             // 1 if the tier has a size, else 0
  Distribute distribute_ = nullptr;
  lanes::RealVector cap_;
  lanes::RealVector received_;
  Real used_{};  // profit that has entered the current tier
  Real tier_{};  // index of the tier the next dollar enters
  // Scratch of a call with more than kMaxFixed holders.
  lanes::RealVector marginal_;
  lanes::RealVector room_;
  lanes::MaskVector room_valid_;
  lanes::RealVector before_;
};

}  // namespace capflow
