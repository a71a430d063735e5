#include "capflow/documents/run_document.hpp"

#include <string>

#include "capflow/version.hpp"

namespace capflow {
namespace {

using ojson = nlohmann::ordered_json;

ojson metric_json(const Metric& m) {
  ojson j;
  j["n"] = m.moments.count();
  if (m.moments.count() == 0) {
    j["mean"] = nullptr;
    return j;
  }
  j["mean"] = m.moments.mean();
  j["sd"] = m.moments.sd();
  j["se"] = m.moments.se();
  for (double p : kReportedPercentiles) {
    j["p" + std::to_string(static_cast<int>(p))] = m.sketch.quantile(p / 100);
  }
  return j;
}

ojson counts_json(const Counts& c, std::uint64_t paths) {
  ojson j = ojson::object();
  for (const auto& [k, v] : c.counts()) {
    j[k < 0 ? std::string("never") : std::to_string(k)] =
        static_cast<double>(v) / static_cast<double>(paths);
  }
  return j;
}

}  // namespace

ojson run_document(const Scenario& s, const RunMeta& meta, const RunStats& st) {
  const auto& holders = s.waterfall.holders;
  const double n = static_cast<double>(st.paths);
  const auto has = [&](MetricGroup g) { return st.groups.has(g); };
  static const std::vector<ConversionOutcomeSpec> kNone;
  const auto& outcomes =
      s.projection && s.projection->conversion ? s.projection->conversion->outcomes : kNone;
  // The share of paths in a count other than "never" (-1).
  const auto never = [&](const Counts& c) {
    const auto counts = c.counts();
    auto it = counts.find(-1);
    return it == counts.end() ? 0.0 : static_cast<double>(it->second) / n;
  };
  const double p_converted = 1.0 - never(st.company.conversion_year);
  ojson out;
  ojson m;
  m["schema"] = kResultSchema;
  m["scenario"] = meta.scenario_file;
  m["scenario_sha256"] = meta.scenario_sha256;
  m["seed"] = meta.seed;
  m["paths"] = meta.paths;
  m["first_path"] = meta.first_path;
  if (!meta.shard.empty()) {
    m["shard"] = meta.shard;
    m["total_paths"] = meta.total_paths;
  }
  m["threads"] = meta.threads;
  if (meta.ranks > 0) m["ranks"] = meta.ranks;
  m["computed"] = st.groups.names();
  m["version"] = kVersion;
  if (!meta.precision_note.empty()) m["precision"] = meta.precision_note;
  out["meta"] = m;
  ojson hs = ojson::object();
  for (std::size_t h = 0; h < holders.size(); ++h) {
    const HolderStats& x = st.holders[h];
    ojson j;
    j["name"] = holders[h].name;
    if (has(MetricGroup::nominal)) j["nominal"] = metric_json(x.nominal);
    if (has(MetricGroup::pv)) j["pv"] = metric_json(x.pv);
    j["p_received_any"] = static_cast<double>(x.received_any) / n;
    if (holders[h].cap) {
      j["p_cap"] = static_cast<double>(x.ended_at_cap) / n;
      j["p_cap_reached"] = [&] {
        std::uint64_t k = 0;
        for (const auto& [y, c] : x.cap_year.counts()) k += c;
        return static_cast<double>(k) / n;
      }();
      j["cap_year"] = counts_json(x.cap_year, st.paths);
      j["p_received_original_cap"] = static_cast<double>(x.received_original_cap) / n;
    } else {
      j["p_cap"] = nullptr;
      j["p_received_original_cap"] = nullptr;
    }
    // Mean receipts by how the path ended (not converted, or each conversion outcome).
    if (!outcomes.empty() && !x.by_outcome.empty()) {
      ojson by = ojson::object();
      for (std::size_t k = 0; k < x.by_outcome.size(); ++k) {
        const Moments& mo = x.by_outcome[k];
        by[k == 0 ? std::string("not converted") : outcomes[k - 1].name] =
            mo.count() ? ojson{{"n", mo.count()}, {"mean", mo.mean()}, {"se", mo.se()}}
                       : ojson{{"n", 0}, {"mean", nullptr}, {"se", nullptr}};
      }
      j["by_conversion_outcome"] = by;
    }
    // null: the holder invested nothing; absent: not computed (--compute).
    if (has(MetricGroup::moic))
      j["moic"] = x.moic.moments.count() ? metric_json(x.moic) : ojson(nullptr);
    if (has(MetricGroup::irr)) {
      j["irr"] = x.irr.moments.count() ? metric_json(x.irr) : ojson(nullptr);
      if (x.irr_undefined) j["p_irr_undefined"] = static_cast<double>(x.irr_undefined) / n;
    }
    hs[holders[h].id] = j;
  }
  out["holders"] = hs;
  const CompanyStats& c = st.company;
  if (has(MetricGroup::company)) {
    out["company"] = {{"cumulative_loss", metric_json(c.cumulative_loss)},
                      {"peak_funding_need", metric_json(c.peak_funding_need)},
                      {"first_profit_year", counts_json(c.first_profit_year, st.paths)},
                      {"conversion_year", counts_json(c.conversion_year, st.paths)},
                      {"p_deadline_missed", static_cast<double>(c.deadline_missed) / n},
                      {"refund_owed", metric_json(c.refund_owed)},
                      {"p_converted", p_converted},
                      {"p_default", 1.0 - never(c.default_year)},
                      {"default_year", counts_json(c.default_year, st.paths)},
                      {"p_refund_unpaid", static_cast<double>(c.refund_unpaid) / n}};
    if (!outcomes.empty()) {
      ojson by = ojson::object();
      const auto counts = c.conversion_outcome.counts();
      for (std::size_t k = 0; k < outcomes.size(); ++k) {
        auto it = counts.find(static_cast<long long>(k));
        by[outcomes[k].name] = it == counts.end() ? 0.0 : static_cast<double>(it->second) / n;
      }
      out["company"]["conversion_outcomes"] = by;
    }
  }
  if (meta.include_accumulators) out["accumulators"] = st.to_json();
  return out;
}

}  // namespace capflow
