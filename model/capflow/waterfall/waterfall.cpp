#include "capflow/waterfall/waterfall.hpp"

#include <algorithm>
#include <sstream>
#include <stdexcept>
#include <type_traits>

namespace capflow {
namespace {

template <class Num>
std::string show(const Num& v) {
  std::ostringstream out;
  out.precision(17);
  out << v;
  return out.str();
}

}  // namespace

template <class Num>
WaterfallTerms<Num> WaterfallTerms<Num>::from(const WaterfallSpec& spec) {
  WaterfallTerms t;
  t.holder_count = spec.holders.size();
  t.residual = spec.residual;
  t.overflow = spec.overflow;
  for (const Holder& h : spec.holders) {
    t.has_cap.push_back(h.cap.has_value() ? 1 : 0);
    t.cap.push_back(h.cap ? to_num<Num>(*h.cap) : Num{});
  }
  for (const Tier& tier : spec.tiers) {
    TierTerms tt;
    for (const Share& s : tier.split) tt.split.push_back(to_num<Num>(s));
    if (tier.size) {
      tt.has_size = true;
      tt.size = to_num<Num>(*tier.size);
    }
    if (tier.until) {
      tt.has_until = true;
      tt.until_holder = tier.until->holder;
      tt.until_received = to_num<Num>(tier.until->received);
    }
    t.tiers.push_back(std::move(tt));
  }
  return t;
}

template <class Num>
Waterfall<Num>::Waterfall(const WaterfallTerms<Num>& terms)
    : terms_(terms),
      cap_(terms.cap),
      received_(terms.holder_count, Num{}),
      marginal_(terms.holder_count, Num{}),
      room_(terms.holder_count, Num{}) {}

template <class Num>
void Waterfall<Num>::reset() {
  std::copy(terms_.cap.begin(), terms_.cap.end(), cap_.begin());
  std::fill(received_.begin(), received_.end(), Num{});
  distributed_ = Num{};
  used_ = Num{};
  tier_ = 0;
  last_tier_.reset();
}

template <class Num>
void Waterfall<Num>::set_caps(std::span<const Num> caps) {
  if (caps.size() != cap_.size()) {
    throw std::logic_error("Waterfall::set_caps: " + std::to_string(caps.size()) + " caps for " +
                           std::to_string(cap_.size()) + " holders");
  }
  std::copy(caps.begin(), caps.end(), cap_.begin());
}

template <class Num>
Num Waterfall<Num>::until_target(const typename WaterfallTerms<Num>::TierTerms& t) const {
  // The tier ends when the holder reaches the amount, or its cap if that is lower.
  HolderIndex u = t.until_holder;
  if (terms_.has_cap[u] && cap_[u] < t.until_received) return cap_[u];
  return t.until_received;
}

template <class Num>
bool Waterfall<Num>::tier_finished() const {
  const auto& t = terms_.tiers[tier_];
  if (t.has_size && used_ >= t.size) return true;
  if (t.has_until && received_[t.until_holder] >= until_target(t)) return true;
  return false;
}

template <class Num>
void Waterfall<Num>::skip_finished_tiers() {
  while (tier_ < terms_.tiers.size() && tier_finished()) {
    ++tier_;
    used_ = Num{};
  }
}

template <class Num>
bool Waterfall<Num>::segment(Num& length) {
  const std::size_t n = terms_.holder_count;
  std::fill(marginal_.begin(), marginal_.end(), Num{});
  if (tier_ == terms_.tiers.size()) {
    marginal_[terms_.residual] = Num{1};
    return false;
  }
  const auto& t = terms_.tiers[tier_];
  Num blocked{};  // shares of holders at their cap
  Num open{};     // shares of holders below their cap
  for (std::size_t h = 0; h < n; ++h) {
    if (t.split[h] == Num{}) continue;
    if (at_cap(h)) {
      blocked += t.split[h];
    } else {
      open += t.split[h];
      marginal_[h] = t.split[h];
    }
  }
  if (blocked != Num{}) {
    if (terms_.overflow == CapOverflow::pro_rata && open != Num{}) {
      const Num scale = (open + blocked) / open;
      for (std::size_t h = 0; h < n; ++h) marginal_[h] *= scale;
    } else {
      marginal_[terms_.residual] += blocked;
    }
  }
  bool bounded = false;
  auto limit = [&](const Num& v) {
    if (!bounded || v < length) {
      length = v;
      bounded = true;
    }
  };
  size_room_.reset();
  until_room_.reset();
  if (t.has_size) {
    size_room_ = t.size - used_;
    limit(*size_room_);
  }
  if (t.has_until && marginal_[t.until_holder] != Num{}) {
    until_room_ = (until_target(t) - received_[t.until_holder]) / marginal_[t.until_holder];
    limit(*until_room_);
  }
  for (std::size_t h = 0; h < n; ++h) {
    if (terms_.has_cap[h] && marginal_[h] != Num{}) {
      room_[h] = (cap_[h] - received_[h]) / marginal_[h];
      limit(room_[h]);
    }
  }
  return bounded;
}

template <class Num>
std::optional<Num> Waterfall<Num>::next_segment(std::vector<Num>& marginal) {
  skip_finished_tiers();
  Num length{};
  const bool bounded = segment(length);
  marginal = marginal_;
  if (!bounded) return std::nullopt;
  return length;
}

template <class Num>
void Waterfall<Num>::distribute(Num amount) {
  if (amount < Num{}) {
    throw std::logic_error("Waterfall::distribute: negative amount " + show(amount));
  }
  distributed_ += amount;
  const std::size_t n = terms_.holder_count;
  // Each pass fills a segment (ending a tier or capping a holder) or uses up the
  // amount, so more passes than this means the engine is broken, not the input.
  const std::size_t max_passes = 2 * (terms_.tiers.size() + n) + 4;
  for (std::size_t pass = 0; amount > Num{}; ++pass) {
    if (pass > max_passes) {
      throw std::logic_error("Waterfall::distribute: no progress in tier " + std::to_string(tier_) +
                             " with " + show(amount) + " left");
    }
    skip_finished_tiers();
    Num length{};
    const bool whole_segment = segment(length) && !(amount < length);
    const Num step = whole_segment ? length : amount;
    for (std::size_t h = 0; h < n; ++h) {
      if constexpr (std::is_floating_point_v<Num>) {
        // Adding 0 changes nothing, and an unpredictable branch costs more than a multiply.
        received_[h] += marginal_[h] * step;
      } else if (marginal_[h] != Num{}) {
        received_[h] += marginal_[h] * step;
      }
    }
    used_ += step;
    amount -= step;
    if (step > Num{}) last_tier_ = tier_;
    if (!whole_segment) break;
    // The segment is full: set the constraints that ended it exactly where they end,
    // so that rounding in double cannot leave a holder a hair below its cap forever.
    if (tier_ < terms_.tiers.size()) {
      const auto& t = terms_.tiers[tier_];
      if (size_room_ && *size_room_ == step) used_ = t.size;
      if (until_room_ && *until_room_ == step) received_[t.until_holder] = until_target(t);
      for (std::size_t h = 0; h < n; ++h) {
        if (terms_.has_cap[h] && marginal_[h] != Num{} && room_[h] == step) received_[h] = cap_[h];
      }
    }
  }
  // A tier whose end was reached exactly has ended now, under the caps in force now:
  // raising a cap before the next call must not reopen it (until target = cap).
  skip_finished_tiers();
}

template struct WaterfallTerms<Rational>;
template struct WaterfallTerms<double>;
template class Waterfall<Rational>;
template class Waterfall<double>;

}  // namespace capflow
