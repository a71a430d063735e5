#include "capflow/whatif/paired_run.hpp"

#include <algorithm>
#include <functional>

#include "capflow/montecarlo/parallel.hpp"
#include "capflow/montecarlo/statistics.hpp"

namespace capflow {
namespace {

// The exact accumulators of one metric: A, B and the per-path difference.
struct PairedMoments {
  Moments a, b, d;
  explicit PairedMoments(double scale) : a(scale), b(scale), d(scale) {}
  void add(double x, double y) {
    a.add(x);
    b.add(y);
    d.add(y - x);
  }
  void merge(const PairedMoments& o) {
    a.merge(o.a);
    b.merge(o.b);
    d.merge(o.d);
  }
};

// Dollars are summed to the dollar, ratios and indicators to 1e-9 (Moments quantizes).
constexpr double kDollarScale = 1;
constexpr double kFineScale = 1e9;

// One metric: where it lives in the result shape, how it is read off a pair of paths.
struct MetricDef {
  std::string pointer;
  Unit unit;
  double scale;
  // Adds the path's values if the metric is defined on both sides of this path.
  std::function<void(const PathSummary<double>&, const PathSummary<double>&, PairedMoments&)> add;
};

double nominal(const PathSummary<double>& s, std::size_t h) {
  return s.total_received[h] + s.total_other[h];
}

std::vector<MetricDef> metric_defs(const Scenario& a, const Scenario& b, Year first_a,
                                   Year first_b) {
  std::vector<MetricDef> defs;
  for (std::size_t ha = 0; ha < a.waterfall.holders.size(); ++ha) {
    const Holder& holder = a.waterfall.holders[ha];
    const auto found = b.waterfall.find(holder.id);
    if (!found) continue;
    const std::size_t hb = *found;
    const std::string base = "/holders/" + pointer_token(holder.id);
    defs.push_back({base + "/nominal/mean", Unit::money, kDollarScale,
                    [=](const auto& x, const auto& y, PairedMoments& m) {
                      m.add(nominal(x, ha), nominal(y, hb));
                    }});
    defs.push_back(
        {base + "/pv/mean", Unit::money, kDollarScale,
         [=](const auto& x, const auto& y, PairedMoments& m) { m.add(x.pv[ha], y.pv[hb]); }});
    defs.push_back({base + "/moic/mean", Unit::ratio, kFineScale,
                    [=](const auto& x, const auto& y, PairedMoments& m) {
                      if (x.invested_total[ha] > 0 && y.invested_total[hb] > 0) {
                        m.add(nominal(x, ha) / x.invested_total[ha],
                              nominal(y, hb) / y.invested_total[hb]);
                      }
                    }});
    if (holder.cap || b.waterfall.holders[hb].cap) {
      defs.push_back({base + "/p_cap", Unit::probability, kFineScale,
                      [=](const auto& x, const auto& y, PairedMoments& m) {
                        m.add(x.ended_at_cap[ha] ? 1 : 0, y.ended_at_cap[hb] ? 1 : 0);
                      }});
    }
    defs.push_back({base + "/p_received_any", Unit::probability, kFineScale,
                    [=](const auto& x, const auto& y, PairedMoments& m) {
                      m.add(nominal(x, ha) > 0 ? 1 : 0, nominal(y, hb) > 0 ? 1 : 0);
                    }});
  }
  defs.push_back({"/company/cumulative_loss/mean", Unit::money, kDollarScale,
                  [](const auto& x, const auto& y, PairedMoments& m) {
                    m.add(-std::min(0.0, x.worst_cumulative_result),
                          -std::min(0.0, y.worst_cumulative_result));
                  }});
  defs.push_back({"/company/peak_funding_need/mean", Unit::money, kDollarScale,
                  [](const auto& x, const auto& y, PairedMoments& m) {
                    m.add(x.peak_funding_need, y.peak_funding_need);
                  }});
  defs.push_back({"/company/refund_owed/mean", Unit::money, kDollarScale,
                  [](const auto& x, const auto& y, PairedMoments& m) {
                    m.add(x.refund_owed, y.refund_owed);
                  }});
  defs.push_back({"/company/p_deadline_missed", Unit::probability, kFineScale,
                  [](const auto& x, const auto& y, PairedMoments& m) {
                    m.add(x.deadline_missed ? 1 : 0, y.deadline_missed ? 1 : 0);
                  }});
  defs.push_back({"/company/p_profitable", Unit::probability, kFineScale,
                  [](const auto& x, const auto& y, PairedMoments& m) {
                    m.add(x.first_profit_index >= 0 ? 1 : 0, y.first_profit_index >= 0 ? 1 : 0);
                  }});
  defs.push_back({"/company/first_profit_year/mean", Unit::year, kFineScale,
                  [=](const auto& x, const auto& y, PairedMoments& m) {
                    if (x.first_profit_index >= 0 && y.first_profit_index >= 0) {
                      m.add(static_cast<double>(first_a + x.first_profit_index),
                            static_cast<double>(first_b + y.first_profit_index));
                    }
                  }});
  return defs;
}

// Paths are handed out in fixed chunks; the accumulators are exact, so which thread
// ran which chunk does not change the result.
constexpr std::uint64_t kChunk = 256;

}  // namespace

std::vector<Comparison> run_paired(const Scenario& a, const MonteCarlo& mc_a, const Scenario& b,
                                   const MonteCarlo& mc_b, const PairedRequest& request) {
  const std::vector<MetricDef> defs = metric_defs(a, b, mc_a.first_year(), mc_b.first_year());
  auto fresh = [&] {
    std::vector<PairedMoments> acc;
    for (const auto& d : defs) acc.emplace_back(d.scale);
    return acc;
  };
  const unsigned threads = std::max(1u, request.threads);
  std::vector<std::vector<PairedMoments>> partial(threads);
  for (auto& p : partial) p = fresh();
  const std::uint64_t chunks = (request.paths + kChunk - 1) / kChunk;
  for_each_chunk(threads, chunks, [&](unsigned t, std::uint64_t c) {
    std::vector<PairedMoments>& acc = partial[t];
    const std::uint64_t end = request.first_path + std::min(request.paths, (c + 1) * kChunk);
    for (std::uint64_t path = request.first_path + c * kChunk; path < end; ++path) {
      const PathSummary<double> x = mc_a.simulate_one(request.seed, path);
      const PathSummary<double> y = mc_b.simulate_one(request.seed, path);
      for (std::size_t i = 0; i < defs.size(); ++i) defs[i].add(x, y, acc[i]);
    }
    if (request.progress) *request.progress += end - request.first_path - c * kChunk;
  });
  std::vector<PairedMoments> total = fresh();
  for (const auto& p : partial) {
    for (std::size_t i = 0; i < defs.size(); ++i) total[i].merge(p[i]);
  }
  if (request.gather) {
    // The other processes' paths: exact sums, so the merge gives one process's bits.
    nlohmann::json mine = nlohmann::json::array();
    for (const auto& m : total) {
      mine.push_back({m.a.to_json(), m.b.to_json(), m.d.to_json()});
    }
    for (const auto& other : request.gather(mine)) {
      for (std::size_t i = 0; i < defs.size(); ++i) {
        PairedMoments m(defs[i].scale);
        m.a = Moments::from_json(other.at(i).at(0));
        m.b = Moments::from_json(other.at(i).at(1));
        m.d = Moments::from_json(other.at(i).at(2));
        total[i].merge(m);
      }
    }
  }
  std::vector<Comparison> out;
  for (std::size_t i = 0; i < defs.size(); ++i) {
    const PairedMoments& m = total[i];
    Comparison c;
    c.pointer = defs[i].pointer;
    c.unit = defs[i].unit;
    c.n = m.d.count();
    if (c.n == 0) continue;  // undefined on every path (a MOIC where nothing was invested)
    c.a = m.a.mean();
    c.b = m.b.mean();
    c.se_a = m.a.se();
    c.se_b = m.b.se();
    c.se_paired = m.d.se();
    out.push_back(std::move(c));
  }
  return out;
}

}  // namespace capflow
