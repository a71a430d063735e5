#include "run_result.hpp"

#include <cmath>
#include <cstdio>
#include <functional>
#include <nlohmann/json.hpp>

#include "capflow/whatif/value_format.hpp"
#include "capflow_report/markdown_text.hpp"
#include "document_tables.hpp"

namespace capflow::cli {
namespace {

using ojson = nlohmann::ordered_json;

std::string money(double v) {
  return format_money_summary(v);
}

std::string pct(double v) {
  return format_probability(v);
}

std::string num(double v, const char* fmt = "%.2f") {
  char buf[32];
  std::snprintf(buf, sizeof buf, fmt, v);
  return buf;
}

}  // namespace

std::string render_run(const Scenario& s, const RunMeta& meta, const RunStats& st, Format format) {
  const auto& holders = s.waterfall.holders;
  const double n = static_cast<double>(st.paths);
  const auto has = [&](MetricGroup g) { return st.groups.has(g); };
  if (format == Format::json || format == Format::csv || format == Format::xlsx)
    return document_text(run_document(s, meta, st), format);
  // The holder table: a group's columns when the run computed it. Without the nominal
  // columns, PV takes their place (mean, se, p5, p50, p95).
  TextTable ht;
  using Cell = std::function<std::string(std::size_t)>;
  std::vector<Cell> cells;
  auto column = [&](const char* name, Cell cell) {
    ht.add_column(name, cells.empty() ? TextTable::Align::left : TextTable::Align::right);
    cells.push_back(std::move(cell));
  };
  auto money_columns = [&](const char* const names[5], const Metric HolderStats::*metric) {
    const auto m = [&st, metric](std::size_t h) -> const Metric& { return st.holders[h].*metric; };
    column(names[0], [m](std::size_t h) { return money(m(h).moments.mean()); });
    column(names[1], [m](std::size_t h) { return money(m(h).moments.se()); });
    column(names[2], [m](std::size_t h) { return money(m(h).sketch.quantile(0.05)); });
    column(names[3], [m](std::size_t h) { return money(m(h).sketch.quantile(0.5)); });
    column(names[4], [m](std::size_t h) { return money(m(h).sketch.quantile(0.95)); });
  };
  column("holder", [&](std::size_t h) { return holders[h].name; });
  if (has(MetricGroup::nominal)) {
    static const char* const kNominal[5] = {"mean", "se", "p5", "p50", "p95"};
    money_columns(kNominal, &HolderStats::nominal);
    if (has(MetricGroup::pv)) {
      column("PV mean", [&](std::size_t h) { return money(st.holders[h].pv.moments.mean()); });
      column("PV p50", [&](std::size_t h) { return money(st.holders[h].pv.sketch.quantile(0.5)); });
    }
  } else if (has(MetricGroup::pv)) {
    static const char* const kPv[5] = {"PV mean", "PV se", "PV p5", "PV p50", "PV p95"};
    money_columns(kPv, &HolderStats::pv);
  }
  column("P(cap)", [&](std::size_t h) {
    return holders[h].cap ? pct(static_cast<double>(st.holders[h].ended_at_cap) / n)
                          : std::string("uncapped");
  });
  column("P(orig. cap)", [&](std::size_t h) {
    return holders[h].cap ? pct(static_cast<double>(st.holders[h].received_original_cap) / n)
                          : std::string("uncapped");
  });
  column("P(>0)",
         [&](std::size_t h) { return pct(static_cast<double>(st.holders[h].received_any) / n); });
  if (has(MetricGroup::moic)) {
    column("MOIC p50", [&](std::size_t h) {
      const Metric& m = st.holders[h].moic;
      return m.moments.count() ? num(m.sketch.quantile(0.5)) + "x" : std::string("n/a");
    });
  }
  if (has(MetricGroup::irr)) {
    column("IRR p50", [&](std::size_t h) {
      const Metric& m = st.holders[h].irr;
      return m.moments.count() ? pct(m.sketch.quantile(0.5)) : std::string("n/a");
    });
  }
  for (std::size_t h = 0; h < holders.size(); ++h) {
    std::vector<std::string> row;
    for (const auto& cell : cells) row.push_back(cell(h));
    ht.add_row(row);
  }
  const bool md = format == Format::md;
  std::string title = s.title.empty() ? s.file : s.title;
  std::string out = md ? "# " + markdown_text(title) + "\n\n" : title + "\n";
  char line[256];
  std::snprintf(line, sizeof line, "%s paths, seed %llu%s%s; scenario sha256 %.12s",
                std::to_string(meta.paths).c_str(), static_cast<unsigned long long>(meta.seed),
                meta.shard.empty() ? "" : ", shard ", meta.shard.c_str(),
                meta.scenario_sha256.c_str());
  // Markdown would join these lines into one paragraph: there, each is its own.
  const std::string gap = md ? "\n" : "";
  out += std::string(line) + "\n";
  if (!meta.precision_note.empty()) out += gap + meta.precision_note + "\n";
  if (!st.groups.is_all()) out += gap + "computed: " + to_string(st.groups) + " (--compute)\n";
  auto section = [&](const std::string& head, const TextTable& t) {
    out += md ? "\n## " + markdown_text(head) + "\n\n" + t.markdown()
              : "\n" + head + "\n" + t.plain("  ");
  };
  std::string about;
  if (has(MetricGroup::nominal)) about = "nominal, all years incl. terminal claim";
  if (has(MetricGroup::pv))
    about += std::string(about.empty() ? "" : "; ") + "PV at the scenario's discount rate";
  section("Payout per holder" + (about.empty() ? "" : " (" + about + ")"), ht);
  if (!has(MetricGroup::company)) return out;
  const CompanyStats& c = st.company;
  TextTable ct;
  ct.add_column("company");
  for (const char* k : {"mean", "p5", "p50", "p95"}) ct.add_column(k, TextTable::Align::right);
  auto crow = [&](const char* label, const Metric& m) {
    ct.add_row({label, money(m.moments.mean()), money(m.sketch.quantile(0.05)),
                money(m.sketch.quantile(0.5)), money(m.sketch.quantile(0.95))});
  };
  crow("deepest cumulative loss", c.cumulative_loss);
  crow("peak funding need", c.peak_funding_need);
  crow("refund owed", c.refund_owed);
  section("Company", ct);
  std::string years;
  for (const auto& [y, k] : c.first_profit_year.counts()) {
    years += (years.empty() ? "" : ", ") + (y < 0 ? std::string("none") : std::to_string(y)) + " " +
             pct(static_cast<double>(k) / n);
  }
  out += (md ? "\n" : "\n  ") + std::string("first profitable year: ") + years + "\n";
  out += (md ? "\n" : "  ") + std::string("P(conversion deadline missed): ") +
         pct(static_cast<double>(c.deadline_missed) / n) + "\n";
  // Conversion and default, with the years they happen in.
  auto share_of = [&](const Counts& k) {
    std::uint64_t any = 0;
    std::string by_year;
    for (const auto& [y, m] : k.counts()) {
      if (y < 0) continue;
      any += m;
      by_year +=
          (by_year.empty() ? "" : ", ") + std::to_string(y) + " " + pct(static_cast<double>(m) / n);
    }
    return pct(static_cast<double>(any) / n) + (by_year.empty() ? "" : " (" + by_year + ")");
  };
  out += (md ? "\n" : "  ") + std::string("P(converted): ") + share_of(c.conversion_year) + "\n";
  out += (md ? "\n" : "  ") + std::string("P(default): ") + share_of(c.default_year) + "\n";
  out += (md ? "\n" : "  ") + std::string("P(refund owed not paid in full): ") +
         pct(static_cast<double>(c.refund_unpaid) / n) + "\n";
  // Each holder's mean payout by how the path ended: not converted, or under each of the
  // conversion's outcomes.
  const auto& outcomes = s.projection && s.projection->conversion
                             ? s.projection->conversion->outcomes
                             : std::vector<ConversionOutcomeSpec>{};
  if (outcomes.empty() || st.holders.empty() || st.holders[0].by_outcome.empty()) return out;
  TextTable ot;
  ot.add_column("holder");
  std::vector<std::string> heads{"not converted"};
  for (const auto& o : outcomes) heads.push_back(o.name);
  const auto counts = c.conversion_outcome.counts();
  for (std::size_t k = 0; k < heads.size(); ++k) {
    auto it = counts.find(k == 0 ? -1 : static_cast<long long>(k - 1));
    const double share = it == counts.end() ? 0.0 : static_cast<double>(it->second) / n;
    ot.add_column(heads[k] + " (" + pct(share) + ")", TextTable::Align::right);
  }
  for (std::size_t h = 0; h < holders.size(); ++h) {
    std::vector<std::string> row{holders[h].name};
    for (std::size_t k = 0; k < heads.size(); ++k) {
      const auto& by = st.holders[h].by_outcome;
      row.push_back(k < by.size() && by[k].count() ? money(by[k].mean()) : std::string("-"));
    }
    ot.add_row(row);
  }
  section("Mean payout by conversion outcome (share of paths)", ot);
  return out;
}

}  // namespace capflow::cli
