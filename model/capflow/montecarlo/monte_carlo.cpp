#include "capflow/montecarlo/monte_carlo.hpp"

#include <Eigen/Dense>
#include <algorithm>
#include <cmath>

#include "capflow/montecarlo/lean_path.hpp"
#include "capflow/montecarlo/monte_carlo_worker.hpp"
#include "capflow/montecarlo/parallel.hpp"
#include "capflow/montecarlo/path_irr.hpp"
#include "capflow/montecarlo/random.hpp"
#include "capflow/projection/projection_engine.hpp"

namespace capflow {
namespace {

// Paths are handed to threads in chunks; results do not depend on which thread ran which.
constexpr std::uint64_t kChunk = 2048;

std::vector<double> cholesky(const std::vector<double>& m, std::size_t n) {
  if (n == 0) return {};
  Eigen::MatrixXd a(static_cast<Eigen::Index>(n), static_cast<Eigen::Index>(n));
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t j = 0; j < n; ++j) {
      a(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(j)) = m[i * n + j];
    }
  }
  // The paths use only the lower triangle (correlated z_r = sum over c <= r of L_rc z_c),
  // so the factor must be lower-triangular. A semi-definite matrix (perfect
  // correlations) has no LLT; the Cholesky recurrence still gives one when a zero pivot
  // leaves its column zero, which is what positive semi-definiteness guarantees.
  Eigen::LLT<Eigen::MatrixXd> llt(a);
  Eigen::MatrixXd l;
  if (llt.info() == Eigen::Success) {
    l = llt.matrixL();
  } else {
    const auto ni = static_cast<Eigen::Index>(n);
    l = Eigen::MatrixXd::Zero(ni, ni);
    for (Eigen::Index j = 0; j < ni; ++j) {
      const double pivot = a(j, j) - l.row(j).head(j).squaredNorm();
      if (pivot <= 1e-12) continue;  // dependent on the earlier variables: column stays 0
      l(j, j) = std::sqrt(pivot);
      for (Eigen::Index i = j + 1; i < ni; ++i) {
        l(i, j) = (a(i, j) - l.row(i).head(j).dot(l.row(j).head(j))) / l(j, j);
      }
    }
  }
  std::vector<double> out(n * n);
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t j = 0; j < n; ++j)
      out[i * n + j] = l(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(j));
  }
  return out;
}

bool is_identity(const std::vector<double>& m, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t j = 0; j < n; ++j) {
      if (m[i * n + j] != (i == j ? 1.0 : 0.0)) return false;
    }
  }
  return true;
}

}  // namespace

MonteCarlo::MonteCarlo(const Scenario& s)
    : terms_(ProjectionTerms<double>::from(*s.projection, s.waterfall)),
      base_(terms_.base_inputs(*s.projection, s.waterfall)) {
  const ProjectionSpec& p = *s.projection;
  base_conversion_ = base_.conversion;
  // IRR origin: the earliest dated investment, or the valuation year for undated ones.
  irr_origin_ = std::min(p.first_year, p.valuation_year);
  for (const auto& dated : p.investments) {
    for (const auto& [y, a] : dated) irr_origin_ = std::min(irr_origin_, y);
  }
  irr_span_ = p.last_year - irr_origin_ + 1;
  prior_investments_.resize(terms_.holders);
  holder_invests_.assign(terms_.holders, 0);
  for (std::size_t h = 0; h < terms_.holders; ++h) {
    Money dated = 0;
    for (const auto& [y, a] : p.investments[h]) {
      prior_investments_[h].emplace_back(y - irr_origin_, to_double(a));
      dated += a;
    }
    Money undated = s.waterfall.holders[h].invested - dated;
    if (undated > 0)
      prior_investments_[h].emplace_back(p.valuation_year - irr_origin_, to_double(undated));
    holder_invests_[h] = s.waterfall.holders[h].invested > 0 ? 1 : 0;
  }
  for (const auto& r : p.rounds) holder_invests_[r.joins] = 1;
  if (p.funding.holder) holder_invests_[*p.funding.holder] = 1;
  for (std::size_t h = 0; h < terms_.holders; ++h) {
    if (holder_invests_[h]) investors_.push_back(h);
    if (holder_invests_[h] && terms_.initial_invested[h] > 0) irr_holders_.push_back(h);
  }

  if (p.conversion) {
    double cumulative = 0;
    for (const auto& o : p.conversion->outcomes) {
      cumulative += to_double(o.probability);
      outcome_cdf_.push_back(cumulative);
      outcome_names_.push_back(o.name);
    }
    outcome_cdf_.back() = 1.0;  // the last outcome takes what rounding left
  }
  choose_path_engine(base_conversion_.has_value());
  resets_.cost_line.assign(base_.cost_value.size(), 0);
  if (!s.uncertainty) return;
  const UncertaintySpec& u = *s.uncertainty;
  auto step_end = [&](const auto& series, Year y) {
    auto it = series.upper_bound(y);
    return it == series.end() ? p.last_year + 1 : it->first;
  };
  for (const auto& in : u.inputs) {
    samplers_.emplace_back(in.distribution);
    input_streams_.push_back(stream_id("input:" + in.name));
    Effect e;
    e.kind = in.target.kind;
    e.line = in.target.line;
    e.holder = in.target.holder;
    using K = InputTarget::Kind;
    const Year y = in.target.year;
    auto index = [&](Year t) { return static_cast<std::size_t>(t - p.first_year); };
    switch (e.kind) {
      case K::revenue_growth:
        for (Year t = y; t < step_end(p.revenue.growth, y); ++t) {
          if (!base_.revenue_has_fixed[index(t)]) e.years.push_back(index(t));
        }
        break;
      case K::revenue_amount:
        e.years.push_back(index(y));
        break;
      case K::cost_ratio:
        for (Year t = y; t < step_end(p.costs[e.line].ratio, y); ++t) {
          if (terms_.cost_kind[e.line][index(t)] == ProjectionTerms<double>::CostKind::ratio)
            e.years.push_back(index(t));
        }
        break;
      case K::cost_amount:
      case K::cost_growth: {
        auto want = e.kind == K::cost_amount ? ProjectionTerms<double>::CostKind::amount
                                             : ProjectionTerms<double>::CostKind::growth;
        if (e.kind == K::cost_amount) {
          if (terms_.cost_kind[e.line][index(y)] == want) e.years.push_back(index(y));
        } else {
          for (Year t = y; t < step_end(p.costs[e.line].growth, y); ++t) {
            if (terms_.cost_kind[e.line][index(t)] == want) e.years.push_back(index(t));
          }
        }
        if (e.years.empty()) {
          throw MonteCarloInputError("/uncertainty/inputs/" + in.name +
                                     "/target: " + in.target.pointer +
                                     ": that year of the line is not given as " +
                                     (e.kind == K::cost_amount ? "an amount" : "growth"));
        }
        break;
      }
      case K::cap_growth_rate:
        e.cap_growth_from = p.cap_growth->from_year;
        break;
      case K::conversion_valuation:
      case K::conversion_stake:
        e.outcome = in.target.outcome;
        break;
      default:
        break;
    }
    effects_.push_back(std::move(e));
  }
  const std::size_t ni = u.inputs.size();
  if (!is_identity(u.input_correlation, ni)) input_chol_ = cholesky(u.input_correlation, ni);
  processes_ = u.processes;
  for (const auto& pr : processes_) process_streams_.push_back(stream_id("process:" + pr.name));
  const std::size_t np = processes_.size();
  if (!is_identity(u.process_correlation, np)) process_chol_ = cholesky(u.process_correlation, np);
  conversion_event_ = u.conversion;
  crash_event_ = u.crash;
  // Which per-path arrays a draw may change, and so must be reset before each path.
  for (const auto& e : effects_) {
    using K = InputTarget::Kind;
    switch (e.kind) {
      case K::revenue_amount:
        resets_.revenue_fixed = true;
        break;
      case K::revenue_growth:
        resets_.revenue_growth = true;
        break;
      case K::cost_ratio:
      case K::cost_amount:
      case K::cost_growth:
        resets_.cost_line[e.line] = 1;
        break;
      case K::cap_amount:
      case K::cap_multiple:
        resets_.caps = true;
        break;
      case K::cap_growth_rate:
        resets_.cap_growth = true;
        break;
      case K::conversion_valuation:
        resets_.claims_valuation = true;
        break;
      default:
        break;
    }
  }
  for (const auto& pr : processes_) {
    if (pr.kind == ProcessSpec::Kind::revenue_log_growth) {
      resets_.revenue_growth = true;
    } else {
      resets_.cost_line[pr.line] = 1;
    }
  }
  if (crash_event_) resets_.revenue_growth = true;
  bool converts = conversion_event_.has_value() || base_conversion_.has_value();
  // The lean step knows no conversion and reads the scenario's payout ratio.
  for (const auto& e : effects_)
    converts = converts || e.kind == InputTarget::Kind::conversion_year ||
               e.kind == InputTarget::Kind::payout_ratio;
  choose_path_engine(converts);
}

void MonteCarlo::choose_path_engine(bool converts) {
  lean_ = LeanPath::applies(terms_) && !converts;
  batch_ = lean_ && lanes_supported();
}

void MonteCarlo::simulate(std::uint64_t seed, std::uint64_t path, Worker& w) const {
  draw_inputs(seed, path, w);
  const std::size_t n = terms_.holders;
  const auto span = static_cast<std::size_t>(irr_span_);
  // Cash flows for the IRR, kept only for the holders that put money in.
  for (std::size_t h = 0; h < n; ++h) {
    if (!holder_invests_[h]) continue;
    std::fill_n(w.flows.begin() + static_cast<std::ptrdiff_t>(h * span), span, 0.0);
    for (const auto& [offset, amount] : prior_investments_[h])
      w.flows[h * span + static_cast<std::size_t>(offset)] -= amount;
  }
  const auto first_offset = static_cast<std::size_t>(terms_.first_year - irr_origin_);
  if (w.lean) {
    w.lean->run(w.inputs, [&](int year, const double* received) {
      for (std::size_t h = 0; h < n; ++h) {
        if (holder_invests_[h])
          w.flows[h * span + first_offset + static_cast<std::size_t>(year)] +=
              received[h] + 0.0 - 0.0;
      }
    });
    return;
  }
  std::size_t year = 0;
  w.engine.run(w.inputs, [&](const YearRecord<double>& r) {
    for (std::size_t h = 0; h < n; ++h) {
      if (holder_invests_[h])
        w.flows[h * span + first_offset + year] += r.received[h] + r.other[h] - r.invested[h];
    }
    ++year;
  });
}

void MonteCarlo::accumulate(const PathSummary<double>& s, const std::optional<double>* irr,
                            std::size_t outcome, RunStats& st) const {
  const std::size_t n = terms_.holders;
  const bool converted = s.conversion_index >= 0;
  const MetricGroups& g = st.groups;
  for (std::size_t h = 0; h < n; ++h) {
    HolderStats& hs = st.holders[h];
    const double total = s.total_received[h] + s.total_other[h];
    if (g.has(MetricGroup::nominal)) hs.nominal.add(total);
    if (g.has(MetricGroup::pv)) hs.pv.add(s.pv[h]);
    // Counted without branches: the outcomes are as good as random.
    hs.received_any += total > 0 ? 1u : 0u;
    hs.ended_at_cap += s.ended_at_cap[h] ? 1u : 0u;
    hs.received_original_cap +=
        s.original_cap[h] > 0 && s.total_received[h] >= s.original_cap[h] ? 1u : 0u;
    if (!outcome_cdf_.empty()) {
      if (hs.by_outcome.size() <= outcome_cdf_.size())
        hs.by_outcome.resize(outcome_cdf_.size() + 1);
      hs.by_outcome[converted ? 1 + outcome : 0].add(total);
    }
    if (s.cap_year_index[h] >= 0) hs.cap_year.add(terms_.first_year + s.cap_year_index[h]);
    if (holder_invests_[h] && s.invested_total[h] > 0) {
      if (g.has(MetricGroup::moic)) hs.moic.add(total / s.invested_total[h]);
      if (!g.has(MetricGroup::irr)) continue;
      if (const auto& r = irr[h]) {
        hs.irr.add(*r);
      } else {
        ++hs.irr_undefined;
      }
    }
  }
  ++st.paths;
  if (!g.has(MetricGroup::company)) return;
  CompanyStats& c = st.company;
  c.cumulative_loss.add(-std::min(0.0, s.worst_cumulative_result));
  c.peak_funding_need.add(s.peak_funding_need);
  c.refund_owed.add(s.refund_owed);
  c.first_profit_year.add(s.first_profit_index >= 0 ? terms_.first_year + s.first_profit_index
                                                    : -1);
  c.conversion_year.add(converted ? terms_.first_year + s.conversion_index : -1);
  c.default_year.add(s.default_index >= 0 ? terms_.first_year + s.default_index : -1);
  c.conversion_outcome.add(converted ? static_cast<long long>(outcome) : -1);
  if (s.deadline_missed) ++c.deadline_missed;
  if (s.refund_unpaid > 0) ++c.refund_unpaid;
}

void MonteCarlo::run_range(std::uint64_t seed, std::uint64_t begin, std::uint64_t end, bool lanes,
                           Worker& w) const {
  if (lanes && w.batch) {
    run_lanes(seed, begin, end, w);
    return;
  }
  const bool irr = w.stats.groups.has(MetricGroup::irr);
  for (std::uint64_t path = begin; path < end; ++path) {
    simulate(seed, path, w);
    if (irr) one_path_irr(w);
    accumulate(w.summary(), w.irr.data(), w.inputs.conversion_outcome, w.stats);
  }
}

void MonteCarlo::one_path_irr(Worker& w) const {
  const auto span = static_cast<std::size_t>(irr_span_);
  const PathSummary<double>& s = w.summary();
  for (std::size_t h = 0; h < terms_.holders; ++h) {
    if (holder_invests_[h] && s.invested_total[h] > 0)
      w.irr[h] = path_irr(&w.flows[h * span], irr_span_);
  }
}

MonteCarlo::PathResult MonteCarlo::simulate_one_full(std::uint64_t seed, std::uint64_t path) const {
  Worker w(*this);
  simulate(seed, path, w);
  one_path_irr(w);
  return {w.summary(), w.irr};
}

RunStats MonteCarlo::run(const RunRequest& req) const {
  const unsigned threads = std::max(1u, req.threads);
  const std::uint64_t chunks = (req.paths + kChunk - 1) / kChunk;
  // Each thread makes its own worker: its buffers then come from that thread's malloc
  // arena, so no cache line holds data of two workers (small vectors made one after
  // the other in one thread sit side by side, and false sharing cost a third of the
  // second thread's speed). A thread that never started has no worker.
  std::vector<std::unique_ptr<Worker>> workers(threads);
  const unsigned ran = for_each_chunk(threads, chunks, [&](unsigned t, std::uint64_t c) {
    // A cancelled run (RunRequest::cancel) skips the chunks still to come.
    if (req.cancel && req.cancel->load(std::memory_order_relaxed)) return;
    if (!workers[t]) {
      workers[t] = std::make_unique<Worker>(*this);
      workers[t]->stats.groups = req.groups;
    }
    const std::uint64_t begin = req.first_path + c * kChunk;
    const std::uint64_t end = req.first_path + std::min(req.paths, (c + 1) * kChunk);
    run_range(req.seed, begin, end, req.lanes, *workers[t]);
    if (req.progress) *req.progress += end - begin;
  });
  RunStats total;
  total.groups = req.groups;
  total.holders.resize(terms_.holders);
  for (const auto& w : workers) {
    if (w) total.merge(w->stats);
  }
  total.threads_ran = ran;
  return total;
}

void MonteCarlo::simulate_years(
    std::uint64_t seed, std::uint64_t begin, std::uint64_t end,
    const std::function<void(std::uint64_t, const YearRecord<double>&)>& visit) const {
  Worker w(*this);
  for (std::uint64_t path = begin; path < end; ++path) {
    draw_inputs(seed, path, w);
    w.engine.run(w.inputs, [&](const YearRecord<double>& r) { visit(path, r); });
  }
}

PathSummary<double> MonteCarlo::simulate_one(std::uint64_t seed, std::uint64_t path) const {
  Worker w(*this);
  simulate(seed, path, w);
  return w.summary();
}

void HolderStats::merge(const HolderStats& o) {
  nominal.merge(o.nominal);
  pv.merge(o.pv);
  moic.merge(o.moic);
  irr.merge(o.irr);
  cap_year.merge(o.cap_year);
  ended_at_cap += o.ended_at_cap;
  received_any += o.received_any;
  irr_undefined += o.irr_undefined;
  received_original_cap += o.received_original_cap;
  if (by_outcome.size() < o.by_outcome.size()) by_outcome.resize(o.by_outcome.size());
  for (std::size_t k = 0; k < o.by_outcome.size(); ++k) by_outcome[k].merge(o.by_outcome[k]);
}

void CompanyStats::merge(const CompanyStats& o) {
  cumulative_loss.merge(o.cumulative_loss);
  peak_funding_need.merge(o.peak_funding_need);
  refund_owed.merge(o.refund_owed);
  first_profit_year.merge(o.first_profit_year);
  conversion_year.merge(o.conversion_year);
  default_year.merge(o.default_year);
  conversion_outcome.merge(o.conversion_outcome);
  deadline_missed += o.deadline_missed;
  refund_unpaid += o.refund_unpaid;
}

void RunStats::merge(const RunStats& o) {
  if (o.groups != groups) {
    throw std::invalid_argument("merging statistics of " + to_string(o.groups) + " into " +
                                to_string(groups));
  }
  paths += o.paths;
  threads_ran = std::max(threads_ran, o.threads_ran);
  if (holders.size() < o.holders.size()) holders.resize(o.holders.size());
  for (std::size_t h = 0; h < o.holders.size(); ++h) holders[h].merge(o.holders[h]);
  company.merge(o.company);
}

namespace {
nlohmann::json metric_json(const Metric& m) {
  return {{"moments", m.moments.to_json()}, {"sketch", m.sketch.to_json()}};
}
Metric metric_from(const nlohmann::json& j) {
  Metric m;
  m.moments = read_at("/moments", [&] { return Moments::from_json(j.at("moments")); });
  m.sketch = read_at("/sketch", [&] { return Sketch::from_json(j.at("sketch")); });
  // Both count every value: a shard whose parts disagree was edited or damaged.
  if (m.sketch.count() != m.moments.count()) {
    throw AccumulatorError("/sketch", "holds " + std::to_string(m.sketch.count()) +
                                          " values, the moments " +
                                          std::to_string(m.moments.count()));
  }
  return m;
}
}  // namespace

nlohmann::json RunStats::to_json() const {
  const auto has = [&](MetricGroup g) { return groups.has(g); };
  nlohmann::json hs = nlohmann::json::array();
  for (const auto& h : holders) {
    nlohmann::json x = nlohmann::json::object();
    if (has(MetricGroup::nominal)) x["nominal"] = metric_json(h.nominal);
    if (has(MetricGroup::pv)) x["pv"] = metric_json(h.pv);
    if (has(MetricGroup::moic)) x["moic"] = metric_json(h.moic);
    if (has(MetricGroup::irr)) {
      x["irr"] = metric_json(h.irr);
      x["irr_undefined"] = h.irr_undefined;
    }
    x["cap_year"] = h.cap_year.to_json();
    x["ended_at_cap"] = h.ended_at_cap;
    x["received_any"] = h.received_any;
    x["received_original_cap"] = h.received_original_cap;
    nlohmann::json by = nlohmann::json::array();
    for (const auto& m : h.by_outcome) by.push_back(m.to_json());
    x["by_outcome"] = std::move(by);
    hs.push_back(std::move(x));
  }
  nlohmann::json out = {{"paths", paths}, {"computed", groups.names()}, {"holders", hs}};
  if (has(MetricGroup::company)) {
    out["company"] = {{"cumulative_loss", metric_json(company.cumulative_loss)},
                      {"peak_funding_need", metric_json(company.peak_funding_need)},
                      {"refund_owed", metric_json(company.refund_owed)},
                      {"first_profit_year", company.first_profit_year.to_json()},
                      {"conversion_year", company.conversion_year.to_json()},
                      {"default_year", company.default_year.to_json()},
                      {"conversion_outcome", company.conversion_outcome.to_json()},
                      {"deadline_missed", company.deadline_missed},
                      {"refund_unpaid", company.refund_unpaid}};
  }
  return out;
}

namespace {
// "computed": the groups of the run; accumulators written before there was a choice
// have none and hold every group.
MetricGroups groups_from(const nlohmann::json& j) {
  if (!j.contains("computed")) return MetricGroups::all();
  return read_at("/computed", [&] {
    const auto& names = j.at("computed");
    if (!names.is_array()) throw AccumulatorError("", "expected an array of group names");
    MetricGroups groups;
    for (std::size_t i = 0; i < names.size(); ++i) {
      const auto& name = names.at(i);
      const auto one = name.is_string() ? MetricGroups::parse(name.get<std::string>())
                                        : Result<MetricGroups>::failure("expected a string");
      if (!one) throw AccumulatorError("/" + std::to_string(i), one.error());
      const auto named = one.value().names();
      if (named.size() != 1) {
        throw AccumulatorError("/" + std::to_string(i), "expected one group name, found \"" +
                                                            name.get<std::string>() + "\"");
      }
      for (MetricGroup g : kMetricGroups) {
        if (!one.value().has(g)) continue;
        if (groups.has(g))
          throw AccumulatorError("/" + std::to_string(i), "\"" + named[0] + "\" twice");
        groups.add(g);
      }
    }
    return groups;
  });
}
}  // namespace

RunStats RunStats::from_json(const nlohmann::json& j, std::size_t holder_count) {
  // Errors name their place below "/accumulators" (AccumulatorError).
  const std::string root = "/accumulators";
  return read_at(root, [&] {
    RunStats s;
    s.paths = read_count(j.at("paths"), "/paths");
    // Every count is of paths (or of values, at most one per path): a larger one was
    // edited, and would give probabilities above 1.
    const auto at_most_paths = [&s](std::uint64_t n, const std::string& pointer) {
      if (n > s.paths) {
        throw AccumulatorError(pointer, "counts " + std::to_string(n) + ", more than the " +
                                            std::to_string(s.paths) + " paths of the result");
      }
    };
    const auto counted = [](const Counts& c) {
      std::uint64_t n = 0;
      for (const auto& [value, count] : c.counts()) n += count;  // each sum at most 2^53
      return n;
    };
    s.groups = groups_from(j);
    const auto has = [&](MetricGroup g) { return s.groups.has(g); };
    const auto& hs = j.at("holders");
    if (hs.size() != holder_count)
      throw AccumulatorError("/holders", "holder count differs from the scenario's");
    for (std::size_t i = 0; i < hs.size(); ++i) {
      s.holders.push_back(read_at("/holders/" + std::to_string(i), [&] {
        const auto& h = hs.at(i);
        HolderStats x;
        if (has(MetricGroup::nominal))
          x.nominal = read_at("/nominal", [&] { return metric_from(h.at("nominal")); });
        if (has(MetricGroup::pv)) x.pv = read_at("/pv", [&] { return metric_from(h.at("pv")); });
        if (has(MetricGroup::moic))
          x.moic = read_at("/moic", [&] { return metric_from(h.at("moic")); });
        if (has(MetricGroup::irr)) {
          x.irr = read_at("/irr", [&] { return metric_from(h.at("irr")); });
          x.irr_undefined = read_count(h.at("irr_undefined"), "/irr_undefined");
        }
        x.cap_year = read_at("/cap_year", [&] { return Counts::from_json(h.at("cap_year")); });
        x.ended_at_cap = read_count(h.at("ended_at_cap"), "/ended_at_cap");
        x.received_any = read_count(h.at("received_any"), "/received_any");
        x.received_original_cap =
            read_count(h.at("received_original_cap"), "/received_original_cap");
        read_at("/by_outcome", [&] {
          const auto& by = h.at("by_outcome");
          if (!by.is_array()) throw AccumulatorError("", "expected an array of moments");
          for (std::size_t k = 0; k < by.size(); ++k) {
            x.by_outcome.push_back(read_at("/" + std::to_string(k), [&] {
              Moments m = Moments::from_json(by.at(k));
              // Dollars, as capflow accumulates them: shards of other scales do not merge.
              if (m.scale() != 1)
                throw AccumulatorError(
                    "/scale", "expected 1 (dollars), found " + nlohmann::json(m.scale()).dump());
              return m;
            }));
          }
          return 0;
        });
        for (const auto& [m, name] : {std::pair{&x.nominal, "/nominal"},
                                      {&x.pv, "/pv"},
                                      {&x.moic, "/moic"},
                                      {&x.irr, "/irr"}})
          at_most_paths(m->moments.count(), std::string(name) + "/moments/n");
        at_most_paths(counted(x.cap_year), "/cap_year");
        at_most_paths(x.ended_at_cap, "/ended_at_cap");
        at_most_paths(x.received_any, "/received_any");
        at_most_paths(x.irr_undefined, "/irr_undefined");
        at_most_paths(x.received_original_cap, "/received_original_cap");
        // One value per path, in the moments of that path's outcome.
        std::uint64_t by_outcome_n = 0;
        for (std::size_t k = 0; k < x.by_outcome.size(); ++k) {
          at_most_paths(x.by_outcome[k].count(), "/by_outcome/" + std::to_string(k) + "/n");
          by_outcome_n += x.by_outcome[k].count();  // each at most paths <= 2^53
        }
        at_most_paths(by_outcome_n, "/by_outcome");
        return x;
      }));
    }
    if (!has(MetricGroup::company)) return s;
    read_at("/company", [&] {
      const auto& c = j.at("company");
      s.company.cumulative_loss =
          read_at("/cumulative_loss", [&] { return metric_from(c.at("cumulative_loss")); });
      s.company.peak_funding_need =
          read_at("/peak_funding_need", [&] { return metric_from(c.at("peak_funding_need")); });
      s.company.refund_owed =
          read_at("/refund_owed", [&] { return metric_from(c.at("refund_owed")); });
      s.company.first_profit_year = read_at(
          "/first_profit_year", [&] { return Counts::from_json(c.at("first_profit_year")); });
      s.company.conversion_year =
          read_at("/conversion_year", [&] { return Counts::from_json(c.at("conversion_year")); });
      s.company.default_year =
          read_at("/default_year", [&] { return Counts::from_json(c.at("default_year")); });
      s.company.conversion_outcome = read_at(
          "/conversion_outcome", [&] { return Counts::from_json(c.at("conversion_outcome")); });
      s.company.deadline_missed = read_count(c.at("deadline_missed"), "/deadline_missed");
      s.company.refund_unpaid = read_count(c.at("refund_unpaid"), "/refund_unpaid");
      for (const auto& [m, name] : {std::pair{&s.company.cumulative_loss, "/cumulative_loss"},
                                    {&s.company.peak_funding_need, "/peak_funding_need"},
                                    {&s.company.refund_owed, "/refund_owed"}})
        at_most_paths(m->moments.count(), std::string(name) + "/moments/n");
      at_most_paths(counted(s.company.first_profit_year), "/first_profit_year");
      at_most_paths(counted(s.company.conversion_year), "/conversion_year");
      at_most_paths(counted(s.company.default_year), "/default_year");
      at_most_paths(counted(s.company.conversion_outcome), "/conversion_outcome");
      at_most_paths(s.company.deadline_missed, "/deadline_missed");
      at_most_paths(s.company.refund_unpaid, "/refund_unpaid");
      return 0;
    });
    return s;
  });
}

}  // namespace capflow
