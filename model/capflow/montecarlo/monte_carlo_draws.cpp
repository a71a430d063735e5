#include <algorithm>
#include <cmath>

#include "capflow/montecarlo/events.hpp"
#include "capflow/montecarlo/monte_carlo.hpp"
#include "capflow/montecarlo/monte_carlo_processes.hpp"
#include "capflow/montecarlo/monte_carlo_worker.hpp"
#include "capflow/montecarlo/random.hpp"

// What a path draws: the scenario's uncertain inputs, its yearly processes and events.
// (draw_lanes in monte_carlo_lanes.cpp does the same for kWidth paths side by side.)

namespace capflow {

void MonteCarlo::reset_inputs(PathInputs<double>& in) const {
  // Start from the scenario's own values: only the arrays some draw changes (the others
  // were copied once, when the worker was made, and nothing writes them).
  if (resets_.revenue_fixed) {
    std::copy(base_.revenue_has_fixed.begin(), base_.revenue_has_fixed.end(),
              in.revenue_has_fixed.begin());
    std::copy(base_.revenue_fixed.begin(), base_.revenue_fixed.end(), in.revenue_fixed.begin());
  }
  if (resets_.revenue_growth) {
    std::copy(base_.revenue_growth_factor.begin(), base_.revenue_growth_factor.end(),
              in.revenue_growth_factor.begin());
  }
  for (std::size_t k = 0; k < base_.cost_value.size(); ++k) {
    if (resets_.cost_line[k]) {
      std::copy(base_.cost_value[k].begin(), base_.cost_value[k].end(), in.cost_value[k].begin());
    }
  }
  if (resets_.caps) {
    std::copy(base_.cap_amount.begin(), base_.cap_amount.end(), in.cap_amount.begin());
    std::copy(base_.cap_multiple.begin(), base_.cap_multiple.end(), in.cap_multiple.begin());
  }
  if (resets_.cap_growth)
    std::copy(base_.cap_growth.begin(), base_.cap_growth.end(), in.cap_growth.begin());
  in.terminal_multiple = base_.terminal_multiple;
  in.conversion = base_conversion_;
  in.new_rounds_until = base_.new_rounds_until;
  in.conversion_outcome = base_.conversion_outcome;
  in.payout_ratio = base_.payout_ratio;
  in.stakes.clear();
  if (resets_.claims_valuation) {
    std::copy(base_.claims_valuation.begin(), base_.claims_valuation.end(),
              in.claims_valuation.begin());
  }
}

void MonteCarlo::draw_inputs(std::uint64_t seed, std::uint64_t path, Worker& w) const {
  PathInputs<double>& in = w.inputs;
  reset_inputs(in);
  if (samplers_.empty() && processes_.empty() && !conversion_event_ && !crash_event_ &&
      outcome_cdf_.size() < 2)
    return;
  const PathRandom rng(seed, path);
  draw_named(rng, w, in);
  draw_processes(rng, w);
  draw_events(rng, in);
}

void MonteCarlo::draw_named(const PathRandom& rng, Worker& w, PathInputs<double>& in) const {
  const int years = terms_.years;
  // Named inputs: one uniform each, through the Gaussian copula when correlated.
  const std::size_t ni = samplers_.size();
  if (ni > 0) {
    w.z.resize(ni);
    w.y.resize(ni);
    for (std::size_t k = 0; k < ni; ++k) w.z[k] = rng.uniform(input_streams_[k], 0);
    if (!input_chol_.empty()) {
      for (std::size_t k = 0; k < ni; ++k) w.z[k] = normal_quantile(w.z[k]);
      for (std::size_t r = 0; r < ni; ++r) {
        double acc = 0;
        for (std::size_t c = 0; c <= r; ++c) acc += input_chol_[r * ni + c] * w.z[c];
        w.y[r] = std::clamp(normal_cdf(acc), 1e-300, std::nextafter(1.0, 0.0));
      }
      std::swap(w.z, w.y);
    }
    for (std::size_t k = 0; k < ni; ++k) {
      const double v = samplers_[k].quantile(w.z[k]);
      const Effect& e = effects_[k];
      using K = InputTarget::Kind;
      switch (e.kind) {
        case K::none:
          break;
        case K::revenue_growth:
          for (auto i : e.years) in.revenue_growth_factor[i] = 1 + v;
          break;
        case K::revenue_amount:
          for (auto i : e.years) {
            in.revenue_has_fixed[i] = 1;
            in.revenue_fixed[i] = v;
          }
          break;
        case K::cost_ratio:
        case K::cost_amount:
          for (auto i : e.years) in.cost_value[e.line][i] = v;
          break;
        case K::cost_growth:
          for (auto i : e.years) in.cost_value[e.line][i] = 1 + v;
          break;
        case K::terminal_multiple:
          in.terminal_multiple = v;
          break;
        case K::cap_amount:
          in.cap_amount[e.holder] = v;
          break;
        case K::cap_multiple:
          in.cap_multiple[e.holder] = v;
          break;
        case K::cap_growth_rate:
          for (int i = 0; i < years; ++i) {
            const Year t = terms_.first_year + i;
            in.cap_growth[static_cast<std::size_t>(i)] =
                t >= e.cap_growth_from ? std::pow(1 + v, t - e.cap_growth_from + 1) : 1.0;
          }
          break;
        case K::conversion_year: {
          const long year = std::lround(v);
          Date d = base_conversion_ ? *base_conversion_ : Date{};
          d.year = static_cast<Year>(year);
          in.conversion = d;
          break;
        }
        // Shares are clamped to [0, 1] and a valuation to above zero: a distribution's
        // tail must not make a payout ratio of 120% or a negative stake.
        case K::payout_ratio:
          in.payout_ratio = std::clamp(v, 0.0, 1.0);
          break;
        case K::conversion_valuation:
          in.claims_valuation[e.outcome] = std::max(v, 1.0);
          break;
        case K::conversion_stake:
          in.stakes.push_back({e.outcome, e.holder, std::clamp(v, 0.0, 1.0)});
          break;
      }
    }
  }
}

void MonteCarlo::draw_processes(const PathRandom& rng, Worker& w) const {
  PathInputs<double>& in = w.inputs;
  const int years = terms_.years;
  // Yearly processes: correlated normal shocks, optionally mean-reverting.
  const std::size_t np = processes_.size();
  if (np > 0) {
    // All of a process's yearly normals, four years per Philox call.
    const std::size_t stride = static_cast<std::size_t>((years + 3) / 4 * 4);
    w.z.resize(np);
    w.y.resize(np);
    w.normals.resize(np * stride);
    std::fill(w.shock.begin(), w.shock.end(), 0.0);
    for (std::size_t k = 0; k < np; ++k) {
      double* out = &w.normals[k * stride];
      for (std::size_t j = 0; j < stride; j += 4) {
        rng.uniform4(process_streams_[k], static_cast<std::uint32_t>(j / 4), out + j);
        for (std::size_t m = 0; m < 4; ++m) out[j + m] = normal_quantile(out[j + m]);
      }
    }
    for (int i = 0; i < years; ++i)
      process_year(i, w.normals.data(), stride, w.z.data(), w.y.data(), w.shock.data(), in);
  }
}

void MonteCarlo::draw_events(const PathRandom& rng, PathInputs<double>& in) const {
  // Which terms the conversion takes, when it has several outcomes: one uniform from a
  // stream of its own, so adding outcomes changes no other draw.
  if (outcome_cdf_.size() > 1) {
    const double u = rng.uniform(stream_id("event:conversion-outcome"), 0);
    std::size_t k = 0;
    while (k + 1 < outcome_cdf_.size() && !(u < outcome_cdf_[k])) ++k;
    in.conversion_outcome = k;
  }
  // Events with a probability per year.
  if (conversion_event_) {
    const auto& ev = *conversion_event_;
    in.conversion.reset();
    for (Year t = ev.from_year; t <= ev.until_year; ++t) {
      if (rng.uniform(stream_id("event:conversion"), static_cast<std::uint32_t>(t - ev.from_year)) <
          ev.probability_per_year) {
        in.conversion = Date{t, ev.month, ev.day};
        break;
      }
    }
  }
  if (crash_event_) {
    for_each_crash(*crash_event_, rng, [&](Year t, int crash_years) {
      for (int j = 0; j < crash_years; ++j) {
        const int i = t - terms_.first_year + j;
        if (i >= 0 && i < terms_.years)
          in.revenue_growth_factor[static_cast<std::size_t>(i)] *= 1 + crash_event_->growth_cut;
      }
      if (crash_event_->stops_new_rounds)
        in.new_rounds_until = std::min(in.new_rounds_until, t - terms_.first_year);
    });
  }
}

}  // namespace capflow
