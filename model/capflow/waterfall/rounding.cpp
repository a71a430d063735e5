#include "capflow/waterfall/rounding.hpp"

#include <algorithm>
#include <numeric>
#include <stdexcept>

namespace capflow {

std::vector<Integer> allocate_cents(const std::vector<Rational>& parts) {
  std::vector<Integer> floors(parts.size());
  std::vector<Rational> remainders(parts.size());
  Rational total = 0;
  Integer floor_sum = 0;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    if (parts[i] < 0) {
      throw std::logic_error("allocate_cents: negative part " + parts[i].str());
    }
    Rational cents = parts[i] * 100;
    floors[i] = numerator(cents) / denominator(cents);
    remainders[i] = cents - Rational(floors[i]);
    total += parts[i];
    floor_sum += floors[i];
  }
  Integer missing = round_to_cents(total) - floor_sum;
  std::vector<std::size_t> order(parts.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  // stable_sort keeps the listed order among equal remainders: ties to the first listed.
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return remainders[a] > remainders[b]; });
  for (std::size_t k = 0; k < order.size() && missing > 0; ++k, --missing) {
    ++floors[order[k]];
  }
  return floors;
}

}  // namespace capflow
