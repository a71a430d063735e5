#pragma once
// The lean year step (lean_path.hpp) for several paths at once, one per SIMD lane: the
// Monte Carlo hot loop for scenarios without funding mechanics, and its inputs. Inputs
// are lane-major: element i of a yearly array holds year i of every lane's path.

#include <algorithm>
#include <vector>

#include "capflow/montecarlo/lean_path.hpp"
#include "capflow/simd/lanes.hpp"

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

// kWidth paths side by side, one per lane.
using BatchPath = LeanPathOf<true>;

}  // namespace capflow
