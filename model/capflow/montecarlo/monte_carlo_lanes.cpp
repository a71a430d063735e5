// The Monte Carlo hot loop for lean scenarios, kWidth paths at a time (batch_path.hpp):
// their draws and their year steps side by side, one path per SIMD lane. Compiled for
// AVX2 (4 doubles per register) and run only where the CPU has it; elsewhere MonteCarlo
// runs the same paths one at a time, to the same bits.

#include <algorithm>
#include <cmath>
#include <cstring>

#include "capflow/montecarlo/events.hpp"
#include "capflow/montecarlo/monte_carlo.hpp"
#include "capflow/montecarlo/monte_carlo_processes.hpp"
#include "capflow/montecarlo/monte_carlo_worker.hpp"
#include "capflow/montecarlo/path_irr.hpp"
#include "capflow/montecarlo/random.hpp"
#include "capflow/montecarlo/random_lanes.hpp"
#include "capflow/montecarlo/statistics_lanes.hpp"

namespace capflow {
namespace {

__attribute__((target("avx"))) inline lanes::Real sqrt_lanes(const lanes::Real& x) {
  return __builtin_ia32_sqrtpd256(x);
}

// normal_quantile for every element of `v` (each kWidth draws): the same operations as
// the scalar's, lane by lane. The central region everywhere, with no branch between
// elements, so that the processor overlaps their long polynomial-and-division chains.
// The draws that need a tail (15 %) are gathered, kWidth to a register: taken where they
// fall, half the registers would need one, and which half is a coin toss for the branch
// predictor.
CAPFLOW_LANES_INLINE void normal_quantiles(lanes::RealVector& v, std::vector<double>& tail_p,
                                           std::vector<std::uint32_t>& tail_at) {
  constexpr std::size_t W = lanes::kWidth;
  tail_p.resize(v.size() * W);  // every draw: enough for the padding too
  tail_at.resize(v.size() * W);
  std::size_t tails = 0;
  for (std::size_t i = 0; i < v.size(); ++i) {
    const lanes::Real p = v[i];
    const lanes::Real q = p - 0.5;
    const lanes::Mask tail = (q > 0.425) | (q < -0.425);  // |q| > 0.425
    v[i] = normal_quantile_central(q);
    // Each draw is written; only a tail draw moves the end on.
    for (std::size_t l = 0; l < W; ++l) {
      tail_p[tails] = p[l];
      tail_at[tails] = static_cast<std::uint32_t>(i * W + l);
      tails += static_cast<std::size_t>(-tail[l]);
    }
  }
  // The last register's spare lanes compute a harmless p (their results are dropped).
  for (std::size_t l = tails; l % W != 0; ++l) tail_p[l] = 0.5;
  for (std::size_t j = 0; j < tails; j += W) {
    lanes::Real p;
    std::memcpy(&p, &tail_p[j], sizeof p);
    const lanes::Real x = normal_quantile_tail_of(p, sqrt_lanes);
    for (std::size_t l = 0; l < W && j + l < tails; ++l) {
      const std::uint32_t at = tail_at[j + l];
      v[at / W][at % W] = x[l];
    }
  }
}

}  // namespace

bool MonteCarlo::lanes_supported() {
#if CAPFLOW_LANES_X86
  __builtin_cpu_init();  // in case this runs before the constructors that would do it
  return __builtin_cpu_supports("avx2");
#else
  return false;
#endif
}

[[gnu::noinline]] CAPFLOW_LANES_TARGET void MonteCarlo::draw_lanes(std::uint64_t seed,
                                                                   const std::uint64_t* paths,
                                                                   Worker& w) const {
  using lanes::Real;
  constexpr std::size_t W = lanes::kWidth;
  LaneInputs& li = *w.lane_inputs;
  const LaneInputs& base = *w.lane_base;
  // Reset what draws change, as reset_inputs does for one path.
  if (resets_.revenue_fixed) {
    li.revenue_has_fixed = base.revenue_has_fixed;
    li.revenue_fixed = base.revenue_fixed;
  }
  if (resets_.revenue_growth) li.revenue_growth_factor = base.revenue_growth_factor;
  for (std::size_t k = 0; k < li.cost_value.size(); ++k) {
    if (resets_.cost_line[k]) li.cost_value[k] = base.cost_value[k];
  }
  if (resets_.caps) {
    li.cap_amount = base.cap_amount;
    li.cap_multiple = base.cap_multiple;
  }
  if (resets_.cap_growth) li.cap_growth = base.cap_growth;
  li.terminal_multiple = base.terminal_multiple;
  if (samplers_.empty() && processes_.empty() && !crash_event_) return;

  // Named inputs: path by path through the scalar code (one draw each, not worth lanes).
  if (!samplers_.empty()) {
    for (std::size_t l = 0; l < W; ++l) {
      reset_inputs(w.inputs);
      draw_named(PathRandom(seed, paths[l]), w, w.inputs);
      li.set_lane(l, w.inputs);
    }
  }

  // Yearly processes, as draw_processes, every lane at once.
  const std::size_t np = processes_.size();
  const int years = terms_.years;
  if (np > 0) {
    const std::size_t stride = static_cast<std::size_t>((years + 3) / 4 * 4);
    w.lane_normals.resize(np * stride);
    w.lane_z.resize(np);
    w.lane_y.resize(np);
    w.lane_shock.zero();
    const LanesRandom rng(seed, paths);
    for (std::size_t k = 0; k < np; ++k) {
      for (std::size_t j = 0; j < stride; j += 4)
        rng.uniform4(process_streams_[k], static_cast<std::uint32_t>(j / 4),
                     &w.lane_normals[k * stride + j]);
    }
    normal_quantiles(w.lane_normals, w.lane_tail_p, w.lane_tail_at);
    // Up to three processes, their number is a template argument (process_year).
    const auto all_years = [&]<std::size_t NP>() {
      for (int i = 0; i < years; ++i) {
        process_year<NP>(i, w.lane_normals.data(), stride, w.lane_z.data(), w.lane_y.data(),
                         w.lane_shock.data(), li);
      }
    };
    switch (np) {
      case 1:
        all_years.template operator()<1>();
        break;
      case 2:
        all_years.template operator()<2>();
        break;
      case 3:
        all_years.template operator()<3>();
        break;
      default:
        all_years.template operator()<0>();
    }
  }

  // Crashes, path by path (no conversion event here: such scenarios do not run in lanes).
  if (crash_event_) {
    for (std::size_t l = 0; l < W; ++l) {
      for_each_crash(*crash_event_, PathRandom(seed, paths[l]), [&](Year t, int crash_years) {
        for (int j = 0; j < crash_years; ++j) {
          const int i = t - terms_.first_year + j;
          if (i >= 0 && i < terms_.years)
            li.revenue_growth_factor[static_cast<std::size_t>(i)][l] *=
                1 + crash_event_->growth_cut;
        }
      });
    }
  }
}

CAPFLOW_LANES_TARGET
void MonteCarlo::run_batch(std::uint64_t seed, const std::uint64_t* paths, Worker& w) const {
  constexpr std::size_t W = lanes::kWidth;
  const std::size_t n = terms_.holders;
  const auto span = static_cast<std::size_t>(irr_span_);
  const auto first_offset = static_cast<std::size_t>(terms_.first_year - irr_origin_);
  draw_lanes(seed, paths, w);
  if (!w.stats.groups.has(MetricGroup::irr)) {
    w.batch->run(*w.lane_inputs, [](int, const lanes::Real*) {});
    return;
  }
  lanes::Real* flows = w.lane_flows.data();
  for (const HolderIndex h : investors_) {
    for (std::size_t k = 0; k < span; ++k) flows[h * span + k] = lanes::Real{};
    for (const auto& [offset, amount] : prior_investments_[h])
      flows[h * span + static_cast<std::size_t>(offset)] -= amount;
  }
  w.batch->run(*w.lane_inputs, [&](int year, const lanes::Real* received) {
    const std::size_t at = first_offset + static_cast<std::size_t>(year);
    for (const HolderIndex h : investors_) flows[h * span + at] += received[h] + 0.0 - 0.0;
  });
  // Without rounds, what a holder has invested is the same on every path, so the
  // holders with an IRR are too (irr_holders_). They go two at a time, their Newton
  // steps interleaved (path_irr.hpp).
  for (std::size_t j = 0; j < irr_holders_.size(); j += 2) {
    const std::size_t count = std::min<std::size_t>(2, irr_holders_.size() - j);
    const lanes::Real* series[2] = {flows + irr_holders_[j] * span, nullptr};
    std::optional<double> irr[2][W];
    if (count == 2) {
      series[1] = flows + irr_holders_[j + 1] * span;
      path_irr<2>(series, irr_span_, irr);
    } else {
      path_irr<1>(series, irr_span_, irr);
    }
    for (std::size_t m = 0; m < count; ++m) {
      for (std::size_t l = 0; l < W; ++l) w.lane_irr[l * n + irr_holders_[j + m]] = irr[m][l];
    }
  }
}

CAPFLOW_LANES_TARGET
void MonteCarlo::run_lanes(std::uint64_t seed, std::uint64_t begin, std::uint64_t end,
                           Worker& w) const {
  constexpr std::size_t W = lanes::kWidth;
  for (std::uint64_t first = begin; first < end; first += W) {
    // A last, partial batch repeats its last path in the spare lanes and ignores them.
    const auto count = static_cast<std::size_t>(std::min<std::uint64_t>(W, end - first));
    std::uint64_t paths[W];
    for (std::size_t l = 0; l < W; ++l) paths[l] = first + std::min(l, count - 1);
    run_batch(seed, paths, w);
    accumulate_lanes(count, w);
  }
}

[[gnu::noinline]] CAPFLOW_LANES_TARGET void MonteCarlo::accumulate_lanes(std::size_t count,
                                                                         Worker& w) const {
  using lanes::Mask;
  using lanes::Real;
  const BatchPath& b = *w.batch;
  const std::size_t n = terms_.holders;
  const MetricGroups& g = w.stats.groups;
  for (std::size_t h = 0; h < n; ++h) {
    HolderStats& hs = w.stats.holders[h];
    // Other receipts (revenue share, refunds, ...) are nil on a lean path.
    const Real total = b.total_received()[h] + 0.0;
    if (g.has(MetricGroup::nominal)) lanes::add(hs.nominal, total, count);
    if (g.has(MetricGroup::pv)) lanes::add(hs.pv, b.pv()[h], count);
    const Mask got = total > 0.0;
    const Mask ended = b.ended_at_cap()[h];
    const Real cap_year = b.cap_year_index()[h];
    const Real original_cap = b.original_cap()[h];
    for (std::size_t l = 0; l < count; ++l) {
      hs.received_any += got[l] ? 1u : 0u;
      hs.ended_at_cap += ended[l] ? 1u : 0u;
      hs.received_original_cap += original_cap[l] > 0 && total[l] >= original_cap[l] ? 1u : 0u;
      if (cap_year[l] >= 0) hs.cap_year.add(terms_.first_year + static_cast<int>(cap_year[l]));
    }
    if (!holder_invests_[h] || !(terms_.initial_invested[h] > 0)) continue;
    if (g.has(MetricGroup::moic)) lanes::add(hs.moic, total / terms_.initial_invested[h], count);
    if (!g.has(MetricGroup::irr)) continue;
    // Four at a time when every lane has an IRR (nearly always), else one by one.
    Real irr{};
    std::size_t defined = 0;
    for (std::size_t l = 0; l < count; ++l) {
      if (const auto& r = w.lane_irr[l * n + h]) {
        irr[l] = *r;
        ++defined;
      }
    }
    if (defined == lanes::kWidth) {
      lanes::add(hs.irr, irr, lanes::kWidth);
    } else {
      for (std::size_t l = 0; l < count; ++l) {
        if (const auto& r = w.lane_irr[l * n + h]) {
          hs.irr.add(*r);
        } else {
          ++hs.irr_undefined;
        }
      }
    }
  }
  w.stats.paths += count;
  if (!g.has(MetricGroup::company)) return;
  CompanyStats& c = w.stats.company;
  // -std::min(0.0, worst), which is -0.0 when worst is not negative.
  const Real worst = b.worst_cumulative_result();
  lanes::add(c.cumulative_loss, -lanes::select(worst < 0.0, worst, Real{}), count);
  lanes::add(c.peak_funding_need, b.peak_funding_need(), count);
  lanes::add(c.refund_owed, Real{}, count);  // no refunds without rounds
  const Real first_profit = b.first_profit_index();
  for (std::size_t l = 0; l < count; ++l) {
    c.first_profit_year.add(
        first_profit[l] >= 0 ? terms_.first_year + static_cast<int>(first_profit[l]) : -1);
    c.conversion_year.add(-1);  // lean scenarios never convert, nor default
    c.default_year.add(-1);
    c.conversion_outcome.add(-1);
  }
}

std::vector<MonteCarlo::PathResult> MonteCarlo::simulate_lanes(std::uint64_t seed,
                                                               const std::uint64_t* paths) const {
  if (!batch_)
    throw std::logic_error("MonteCarlo::simulate_lanes: the scenario does not run in lanes");
  Worker w(*this);
  run_batch(seed, paths, w);
  const std::size_t n = terms_.holders;
  std::vector<PathResult> out;
  for (std::size_t l = 0; l < lanes::kWidth; ++l) {
    out.push_back({w.batch->summary(l), {}});
    out.back().irr.assign(w.lane_irr.begin() + static_cast<std::ptrdiff_t>(l * n),
                          w.lane_irr.begin() + static_cast<std::ptrdiff_t>((l + 1) * n));
  }
  return out;
}

}  // namespace capflow
