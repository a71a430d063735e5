#pragma once
// Splitting an exact total into cents that still add up.

#include <vector>

#include "capflow/io/number.hpp"

namespace capflow {

// Rounds each exact part to whole cents so that the rounded parts sum to the total
// rounded to cents (round_to_cents of the exact sum). Largest-remainder method: every
// part first gets its cents rounded down, then the cents still missing go one each to
// the parts with the largest dropped remainders; ties go to the part listed first.
// REQUIRES: every part is >= 0.
std::vector<Integer> allocate_cents(const std::vector<Rational>& parts);

}  // namespace capflow
