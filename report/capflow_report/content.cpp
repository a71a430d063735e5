#include "capflow_report/content.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <memory>
#include <ostream>

#include "capflow/montecarlo/distributions.hpp"
#include "capflow/montecarlo/monte_carlo.hpp"
#include "capflow/projection/projection.hpp"
#include "capflow/version.hpp"
#include "capflow/waterfall/breakpoints.hpp"
#include "capflow/whatif/tornado.hpp"
#include "capflow_charts/charts.hpp"
#include "capflow_charts/svg.hpp"
#include "capflow_report/tornado_chart.hpp"

namespace capflow {
namespace {

using charts::money_label;

std::string money(const Rational& v) {
  return format_money_short(v);
}
std::string pct(const Rational& v) {
  return format_percent(v, 4);
}
std::string pctd(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f%%", v * 100);
  return buf;
}

// An id usable as an XML id and a file name.
std::string slug(const std::string& s) {
  std::string out;
  for (char c : s) {
    if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
      out += c;
    } else if (c >= 'A' && c <= 'Z') {
      out += static_cast<char>(c - 'A' + 'a');
    } else if (!out.empty() && out.back() != '-') {
      out += '-';
    }
  }
  while (!out.empty() && out.back() == '-') out.pop_back();
  return out.empty() ? "x" : out;
}

ReportBlock para(std::string text) {
  ReportBlock b;
  b.text = std::move(text);
  return b;
}
ReportBlock absent(std::string why) {
  ReportBlock b;
  b.kind = ReportBlock::Kind::absent;
  b.text = std::move(why);
  return b;
}
ReportBlock list(std::vector<std::string> items) {
  ReportBlock b;
  b.kind = ReportBlock::Kind::list;
  b.items = std::move(items);
  return b;
}
ReportBlock table(ReportTable t) {
  ReportBlock b;
  b.kind = ReportBlock::Kind::table;
  b.table = std::move(t);
  return b;
}
ReportBlock chart(Report& r, std::string id, std::string svg) {
  ReportBlock b;
  b.kind = ReportBlock::Kind::chart;
  b.chart = r.charts.size();
  r.charts.push_back({std::move(id), std::move(svg)});
  return b;
}

// Text of a scalar JSON node (strings and numbers as written), empty otherwise.
std::string scalar(const JsonNode* n) {
  if (n == nullptr) return "";
  if (n->is_string() || n->is_number()) return n->text;
  if (n->kind == JsonNode::Kind::boolean) return n->boolean ? "yes" : "no";
  return "";
}

std::string cap_text(const Holder& h) {
  if (h.residual) return "residual (everything after the last tier)";
  if (!h.cap) return "uncapped";
  if (h.cap_multiple && h.invested == 0) {
    return format_decimal(*h.cap_multiple, 4) + "x what its rounds bring in";
  }
  if (h.cap_multiple) {
    return format_decimal(*h.cap_multiple, 4) + "x invested (" + money(*h.cap) + ")";
  }
  return money(*h.cap);
}

// ---- The scenario in words ------------------------------------------------------------

ReportSection scenario_section(const Scenario& s) {
  const WaterfallSpec& w = s.waterfall;
  ReportSection sec{"The scenario", {}};
  if (!s.description.empty()) sec.blocks.push_back(para(s.description));
  sec.blocks.push_back(
      para("Holders: who shares in the profit, what they put in and what they may "
           "receive at most."));
  ReportTable ht{{"holder", "id", "invested", "cap"}, {false, false, true, false}, {}};
  for (const auto& h : w.holders) ht.rows.push_back({h.name, h.id, money(h.invested), cap_text(h)});
  sec.blocks.push_back(table(ht));
  sec.blocks.push_back(
      para("The waterfall: cumulative profit flows through the tiers in order, each split among "
           "the holders. " +
           std::string(w.overflow == CapOverflow::residual
                           ? "A holder at its cap stops receiving; its share goes to the residual "
                             "holder (" +
                                 w.holders[w.residual].name + ")."
                           : "A holder at its cap stops receiving; its share is re-divided among "
                             "the tier's uncapped holders.")));
  ReportTable tt{{"tier", "name", "size", "split"}, {true, false, false, false}, {}};
  for (std::size_t i = 0; i < w.tiers.size(); ++i) {
    const Tier& t = w.tiers[i];
    std::string size = "no end";
    if (t.size) size = "the next " + money(*t.size) + " of profit";
    if (t.until) {
      size =
          "until " + w.holders[t.until->holder].name + " has received " + money(t.until->received);
    }
    std::string split;
    for (std::size_t h = 0; h < t.split.size(); ++h) {
      if (t.split[h] == 0) continue;
      split += (split.empty() ? "" : ", ") + w.holders[h].name + " " + pct(t.split[h]);
    }
    tt.rows.push_back({std::to_string(i + 1), t.name, size, split});
  }
  tt.rows.push_back({std::to_string(w.tiers.size() + 1), "after the last tier", "no end",
                     w.holders[w.residual].name + " 100%"});
  sec.blocks.push_back(table(tt));

  if (s.projection) {
    const ProjectionSpec& p = *s.projection;
    std::string tv = "none";
    if (p.terminal_value.method == TerminalValueSpec::Method::multiple) {
      tv = format_decimal(p.terminal_value.multiple, 4) + "x the last year's net income";
    } else if (p.terminal_value.method == TerminalValueSpec::Method::perpetuity) {
      tv = "a perpetuity growing " + pct(p.terminal_value.growth) + " a year";
    }
    sec.blocks.push_back(
        para("The year-by-year projection runs from " + std::to_string(p.first_year) + " to " +
             std::to_string(p.last_year) + ", present values as of the end of " +
             std::to_string(p.valuation_year) + " at a discount rate of " + pct(p.discount_rate) +
             "; terminal value: " + tv + "; opening cash " + money(p.opening_cash) +
             (p.cap_growth ? "; caps grow " + pct(p.cap_growth->rate) + " a year from " +
                                 std::to_string(p.cap_growth->from_year)
                           : "") +
             "."));
    if (!p.rounds.empty()) {
      ReportTable rt{
          {"round", "date", "amount", "post-money", "joins", "conversion deadline", "if missed"},
          {false, false, true, true, false, false, false},
          {}};
      for (const auto& rd : p.rounds) {
        rt.rows.push_back(
            {rd.name, rd.date.str(), money(rd.amount), rd.post_money ? money(*rd.post_money) : "",
             w.holders[rd.joins].name,
             rd.conversion_deadline ? rd.conversion_deadline->str() : "none",
             rd.if_missed ? (rd.if_missed->kind == RemedySpec::Kind::refund ? "refund" : "debt")
                          : ""});
      }
      sec.blocks.push_back(para("Funding rounds and their terms:"));
      sec.blocks.push_back(table(rt));
    }
    if (p.conversion) {
      const auto& c = *p.conversion;
      auto split = [&](const ConversionOutcomeSpec& o) {
        if (o.claims_valuation) {
          return "equity being each holder's capped claim on a " + money(*o.claims_valuation) +
                 " valuation";
        }
        std::string stakes;
        for (std::size_t h = 0; h < o.equity.size(); ++h) {
          if (o.equity[h] == 0) continue;
          stakes += (stakes.empty() ? "" : ", ") + w.holders[h].name + " " + pct(o.equity[h]);
        }
        return "equity as given: " + stakes;
      };
      std::string how;
      if (c.outcomes.size() == 1) {
        how = ", " + split(c.outcomes[0]);
      } else {
        how = "; its terms are one of " + std::to_string(c.outcomes.size()) +
              " outcomes, drawn per path:";
        for (std::size_t k = 0; k < c.outcomes.size(); ++k) {
          how += std::string(k == 0 ? " " : "; ") + "\"" + c.outcomes[k].name + "\" (" +
                 pct(c.outcomes[k].probability) + (k == c.base_outcome ? ", the base case" : "") +
                 "), " + split(c.outcomes[k]);
        }
      }
      sec.blocks.push_back(para(
          "The for-profit conversion takes effect on " + c.date.str() +
          "; from then on distributions follow equity and the caps stop applying" + how + "."));
    }
  }
  if (s.uncertainty) {
    const UncertaintySpec& u = *s.uncertainty;
    const JsonNode* un = s.document.find("uncertainty");
    const std::string notes = un ? scalar(un->find("notes")) : "";
    if (!notes.empty()) sec.blocks.push_back(para("Uncertainty: " + notes));
    std::vector<std::string> items;
    for (const auto& in : u.inputs) {
      items.push_back("input " + in.name +
                      (in.target.pointer.empty() ? "" : " → " + in.target.pointer));
    }
    for (const auto& pr : u.processes) {
      items.push_back("process " + pr.name + ": " +
                      std::string(pr.kind == ProcessSpec::Kind::revenue_log_growth
                                      ? "revenue growth shock (log), sd "
                                      : "cost-ratio shock, sd ") +
                      pctd(pr.volatility) + " a year from " + std::to_string(pr.from_year));
    }
    if (u.conversion) {
      items.push_back("event conversion: " + pctd(u.conversion->probability_per_year) +
                      " a year from " + std::to_string(u.conversion->from_year) + " to " +
                      std::to_string(u.conversion->until_year));
    }
    if (u.crash) {
      items.push_back("event crash: " + pctd(u.crash->probability_per_year) + " a year from " +
                      std::to_string(u.crash->from_year) + ", growth cut " +
                      pctd(u.crash->growth_cut) + " for " + std::to_string(u.crash->years) +
                      " year(s)" + (u.crash->stops_new_rounds ? ", no new rounds afterwards" : ""));
    }
    if (!items.empty()) sec.blocks.push_back(list(items));
  }
  return sec;
}

ReportSection sources_section(const Scenario& s) {
  ReportSection sec{"Sources and assumptions", {}};
  const JsonNode* src = s.document.find("sources");
  if (src != nullptr && src->is_array() && !src->items.empty()) {
    ReportTable t{{"figure", "value", "source", "confidence"}, {false, false, false, false}, {}};
    for (const auto& e : src->items) {
      if (!e.is_object()) continue;
      std::string source = scalar(e.find("source"));
      const JsonNode* a = e.find("assumption");
      const bool assumed = a != nullptr && a->kind == JsonNode::Kind::boolean && a->boolean;
      if (assumed) source = source.empty() ? "assumption" : source + " (assumption)";
      const std::string notes = scalar(e.find("notes"));
      if (!notes.empty()) source += (source.empty() ? "" : ". ") + notes;
      t.rows.push_back({scalar(e.find("figure")), scalar(e.find("value")), source,
                        scalar(e.find("confidence"))});
    }
    sec.blocks.push_back(
        para("Each figure, where it comes from and how sure it is (H, M, L); "
             "assumptions are figures no source gives."));
    sec.blocks.push_back(table(t));
  } else {
    sec.blocks.push_back(absent("The scenario has no \"sources\" list (docs/sources.md)."));
  }
  const JsonNode* notes = s.document.find("notes");
  std::vector<std::string> items;
  if (notes != nullptr && notes->is_array()) {
    for (const auto& n : notes->items) {
      if (!scalar(&n).empty()) items.push_back(scalar(&n));
    }
  } else if (!scalar(notes).empty()) {
    items.push_back(scalar(notes));
  }
  if (!items.empty()) {
    sec.blocks.push_back(para("Notes:"));
    sec.blocks.push_back(list(items));
  }
  return sec;
}

// ---- Breakpoints ------------------------------------------------------------------------

ReportSection breakpoint_section(const Scenario& s, Report& r) {
  const WaterfallSpec& w = s.waterfall;
  ReportSection sec{"Who receives what as profit grows", {}};
  const auto terms = WaterfallTerms<Rational>::from(w);
  const BreakpointTable bt = breakpoints(terms);
  const CompiledAllocation alloc(bt);
  std::vector<double> corners;
  for (const auto& b : bt.points) corners.push_back(to_double(b.profit));
  const double first = corners.empty() ? 1e9 : std::max(1.0, corners.front());
  const double last = corners.empty() ? 1e12 : corners.back();
  // Geometric samples from a tenth of the first corner to 1.5x the last, plus the corners:
  // exact between corners (the allocation is linear there), smooth on a log axis.
  std::vector<double> xs;
  const double x0 = first / 10, x1 = last * 1.5;
  constexpr int kSamples = 160;
  for (int i = 0; i <= kSamples; ++i) xs.push_back(x0 * std::pow(x1 / x0, i / double(kSamples)));
  xs.insert(xs.end(), corners.begin(), corners.end());
  std::sort(xs.begin(), xs.end());
  charts::LineChart c;
  c.id = "breakpoints";
  c.title = "Cumulative receipts by holder against total profit";
  c.x_label = "total profit";
  c.y_label = "received";
  std::vector<double> out(alloc.holders());
  c.series.resize(w.holders.size());
  for (std::size_t h = 0; h < w.holders.size(); ++h) c.series[h].name = w.holders[h].name;
  // Receipts far below the first tier would stretch the log axis down to cents: a line
  // starts where its holder has a tenth of the first tier.
  const double floor_y = x0;
  std::vector<char> any(w.holders.size(), 0);
  for (double x : xs) {
    alloc.allocate(x, out.data());
    for (std::size_t h = 0; h < w.holders.size(); ++h) {
      c.series[h].x.push_back(x);
      c.series[h].y.push_back(out[h] >= floor_y ? out[h] : 0.0);
      if (out[h] > 0) any[h] = 1;
    }
  }
  for (std::size_t h = 0; h < w.holders.size(); ++h) {
    if (!any[h]) c.series[h].name += " (nothing here)";
  }
  for (const auto& b : bt.points) {
    for (std::size_t h = 0; h < w.holders.size(); ++h) {
      c.series[h].dots_x.push_back(to_double(b.profit));
      c.series[h].dots_y.push_back(to_double(b.received[h]));
    }
  }
  c.note = "Dots: exact breakpoints, where a holder's share of the next dollar changes.";
  sec.blocks.push_back(para(
      "Each line is one holder's cumulative receipts as total cumulative profit grows, from the "
      "exact breakpoints of the waterfall as written (before any projection changes the caps). "
      "On log axes equal distances are equal ratios and $0 is not drawn; a holder with nothing "
      "in the waterfall as written (a cap on money a later round brings) has no line."));
  sec.blocks.push_back(chart(r, "breakpoints", charts::render(c)));
  ReportTable t{{"profit", "next dollar enters"}, {true, false}, {}};
  for (const auto& h : w.holders) {
    t.headers.push_back(h.name);
    t.right.push_back(true);
  }
  for (const auto& b : bt.points) {
    std::vector<std::string> row{
        money(b.profit), b.tier < w.tiers.size()
                             ? "tier " + std::to_string(b.tier + 1) + " " + w.tiers[b.tier].name
                             : "past the last tier"};
    for (const auto& v : b.received) row.push_back(money(v));
    t.rows.push_back(row);
  }
  sec.blocks.push_back(table(t));
  return sec;
}

// ---- Base case by year ---------------------------------------------------------------------

ReportSection base_case_section(const Scenario& s, Report& r) {
  ReportSection sec{"The base case by year", {}};
  const auto terms = ProjectionTerms<Rational>::from(*s.projection, s.waterfall);
  const auto res = project(terms, terms.base_inputs(*s.projection, s.waterfall));
  ReportTable t{
      {"year", "revenue", "net income", "cumulative result", "cash", "raised", "distributed"},
      {false, true, true, true, true, true, true},
      {}};
  charts::LineChart c;
  c.id = "base-case";
  c.title = "Base case: cumulative result and cash";
  c.x_label = "year";
  c.y_label = "dollars";
  c.x_kind = charts::Kind::year;
  c.x_log_allowed = c.y_log_allowed = false;
  c.series = {{"cumulative result", {}, {}, {}, {}, false}, {"cash", {}, {}, {}, {}, true}};
  for (const auto& y : res.years) {
    t.rows.push_back({std::to_string(y.year), money(y.revenue), money(y.net_income),
                      money(y.cumulative_result), money(y.cash),
                      money(y.raised_rounds + y.raised_new_rounds + y.credit_drawn),
                      money(y.distributed)});
    c.series[0].x.push_back(y.year);
    c.series[0].y.push_back(to_double(y.cumulative_result));
    c.series[1].x.push_back(y.year);
    c.series[1].y.push_back(to_double(y.cash));
  }
  sec.blocks.push_back(
      para("The scenario's own numbers, computed exactly (capflow project): "
           "raised counts rounds, new rounds and credit drawn."));
  sec.blocks.push_back(table(t));
  sec.blocks.push_back(chart(r, "base-case", charts::render(c)));
  return sec;
}

// ---- Monte Carlo ---------------------------------------------------------------------------

ReportSection distribution_section(const Scenario& s, const RunStats& st, const ReportSettings& rs,
                                   Report& r) {
  const auto& holders = s.waterfall.holders;
  ReportSection sec{"Payout distributions", {}};
  sec.blocks.push_back(para(
      "From a Monte Carlo run of " + std::to_string(rs.paths) + " paths (seed " +
      std::to_string(rs.seed) +
      "): each holder's nominal payout over all years, terminal claim included. The curves are "
      "cumulative distributions: the height at an amount is the probability of receiving at most "
      "that much. Percentiles come from the run's log-bucket sketch (about 0.2% relative "
      "accuracy, docs/monte-carlo.md)."));
  ReportTable t{{"holder", "mean", "p5", "p25", "p50", "p75", "p95", "P(>0)", "P(at cap)"},
                {false, true, true, true, true, true, true, true, true},
                {}};
  const double n = static_cast<double>(st.paths);
  std::vector<ReportBlock> charts_blocks;
  for (std::size_t h = 0; h < holders.size(); ++h) {
    const HolderStats& x = st.holders[h];
    const Sketch& q = x.nominal.sketch;
    t.rows.push_back({holders[h].name, money_label(x.nominal.moments.mean()),
                      money_label(q.quantile(0.05)), money_label(q.quantile(0.25)),
                      money_label(q.quantile(0.5)), money_label(q.quantile(0.75)),
                      money_label(q.quantile(0.95)), pctd(static_cast<double>(x.received_any) / n),
                      holders[h].cap ? pctd(static_cast<double>(x.ended_at_cap) / n) : "uncapped"});
    const double p_zero = 1 - static_cast<double>(x.received_any) / n;
    if (x.received_any == 0) {
      charts_blocks.push_back(para(holders[h].name + " receives nothing on every path: no chart."));
      continue;
    }
    charts::LineChart c;
    c.id = "payout-" + slug(holders[h].id);
    c.title = "Payout distribution: " + holders[h].name;
    c.x_label = "nominal payout";
    c.y_label = "probability of at most this";
    c.y_kind = charts::Kind::percent;
    c.y_log_allowed = false;
    c.height = 340;
    charts::Series cdf{holders[h].name, {}, {}, {}, {}, false};
    for (int i = 0; i <= 200; ++i) {
      const double p = i / 200.0;
      cdf.x.push_back(q.quantile(p));
      cdf.y.push_back(p);
    }
    c.series.push_back(cdf);
    for (double p : {0.05, 0.5, 0.95}) {
      const double v = q.quantile(p);
      if (v > 0) {
        c.markers.push_back(
            {v, "p" + std::to_string(static_cast<int>(p * 100)) + " " + money_label(v), 0});
      }
    }
    if (p_zero > 0) {
      c.note = "P(payout = $0) = " + pctd(p_zero) + ": where the curve starts.";
    }
    charts_blocks.push_back(chart(r, c.id, charts::render(c)));
  }
  sec.blocks.push_back(table(t));
  sec.blocks.insert(sec.blocks.end(), charts_blocks.begin(), charts_blocks.end());
  return sec;
}

ReportSection tornado_section(const Scenario& s, const std::vector<std::string>& sets,
                              const ReportSettings& rs, Report& r, std::ostream& err, bool& ok) {
  ReportSection sec{"What moves the result most", {}};
  std::string note;
  const auto inputs = default_tornado_inputs(s, note);
  if (inputs.empty()) {
    sec.blocks.push_back(
        absent("No tornado: the scenario has no uncertainty inputs, caps or "
               "terminal multiple to move."));
    return sec;
  }
  EvalSettings es;
  es.seed = rs.seed;
  es.paths = rs.tornado_paths;
  es.threads = rs.threads;
  std::string how;
  const std::string& residual = s.waterfall.holders[s.waterfall.residual].name;
  if (s.projection) {
    how = residual + "'s mean payout";
  } else {
    // No projection: the waterfall at its last breakpoint, the least profit at which
    // every cap that can bind does.
    const BreakpointTable bt = breakpoints(WaterfallTerms<Rational>::from(s.waterfall));
    if (bt.points.empty()) {
      sec.blocks.push_back(absent("No tornado: the waterfall has no breakpoint to evaluate at."));
      return sec;
    }
    es.mode = EvalMode::waterfall;
    es.profit = bt.points.back().profit;
    how = "what " + residual + " receives at a total profit of " + money(es.profit) +
          ", the last breakpoint, past which every dollar goes to " + residual;
  }
  const std::string metric = default_tornado_metric(s, es);
  auto t = compute_tornado(s, s.file, sets, inputs, metric, es, err,
                           rs.tornado_points ? rs.tornado_points : run_points_in_order);
  if (!t) {
    ok = false;
    return sec;
  }
  const std::string method =
      s.projection ? "Monte Carlo with " + std::to_string(rs.tornado_paths) + " paths, seed " +
                         std::to_string(rs.seed) +
                         ", on common random numbers (each run sees the same draws), so the "
                         "swings are not noise"
                   : "Exact waterfall, no projection";
  sec.blocks.push_back(
      para("Each input moved alone to a low and a high value, the others at base, and the change "
           "in " +
           how + " (metric " + metric + "); " + note + ". " + method +
           ". Longest bar on top. The same with other inputs: capflow tornado FILE --vary "
           "PATH=LO:HI."));
  sec.blocks.push_back(chart(r, "tornado", tornado_svg(*t, "tornado", "Tornado: " + metric)));
  ReportTable tt{
      {"input", "LO", "HI", "at LO", "at HI", "swing"}, {false, true, true, true, true, true}, {}};
  for (const auto& row : t->rows) {
    tt.rows.push_back({row.input.vary.path, value_label(row.input.vary.value_text(0)),
                       value_label(row.input.vary.value_text(1)), metric_text(metric, row.at_lo),
                       metric_text(metric, row.at_hi),
                       metric_text(metric, MetricValue(row.swing))});
  }
  sec.blocks.push_back(table(tt));
  return sec;
}

// Quantiles of the cumulative result and of cash per year over the run's paths, from the
// bounded-memory sketch of the run itself (docs/monte-carlo.md): the bands are as
// accurate as the run's percentiles.
ReportSection fan_section(const Scenario& s, const MonteCarlo& mc, const ReportSettings& rs,
                          Report& r) {
  ReportSection sec{"Cumulative result and cash over the years (fan chart)", {}};
  const auto years =
      static_cast<std::size_t>(s.projection->last_year - s.projection->first_year + 1);
  std::vector<Sketch> cumulative(years), cash(years);
  mc.simulate_years(rs.seed, 0, rs.paths, [&](std::uint64_t, const YearRecord<double>& y) {
    const auto i = static_cast<std::size_t>(y.year - s.projection->first_year);
    cumulative[i].add(y.cumulative_result);
    cash[i].add(y.cash);
  });
  charts::FanChart c;
  c.id = "fan";
  c.title = "Cumulative result and year-end cash: p5-p95 and p25-p75 bands, median line";
  c.y_label = "dollars";
  for (auto [name, sketches] :
       {std::pair{"cumulative result", &cumulative}, std::pair{"cash", &cash}}) {
    charts::FanSeries fs;
    fs.name = name;
    for (std::size_t i = 0; i < years; ++i) {
      const Sketch& k = (*sketches)[i];
      fs.years.push_back(s.projection->first_year + static_cast<double>(i));
      fs.p5.push_back(k.quantile(0.05));
      fs.p25.push_back(k.quantile(0.25));
      fs.p50.push_back(k.quantile(0.50));
      fs.p75.push_back(k.quantile(0.75));
      fs.p95.push_back(k.quantile(0.95));
    }
    c.series.push_back(std::move(fs));
  }
  sec.blocks.push_back(para(
      "How the company's cumulative result (all net income since the start, before "
      "distributions) and its year-end cash (after funding and distributions) spread over the " +
      std::to_string(rs.paths) + " paths of the run (seed " + std::to_string(rs.seed) +
      "): the dark band holds the middle half of the paths, the light band 90 % of them, the "
      "line is the median. Percentiles per year from the same log-bucket sketch as the payout "
      "percentiles (within about 0.2 %)."));
  sec.blocks.push_back(chart(r, "fan", charts::render(c)));
  return sec;
}

}  // namespace

std::optional<Report> build_report(const Scenario& s, const std::vector<std::string>& sets,
                                   const ReportSettings& rs, std::ostream& err) {
  Report r;
  r.title = s.title.empty() ? s.file : s.title;
  r.subtitle = "capflow report of " + s.file;
  r.sections.push_back(scenario_section(s));
  r.sections.push_back(breakpoint_section(s, r));
  const std::string no_projection =
      "Not in this report: the scenario has no \"projection\" section, so there is no year-by-year "
      "model to run. It describes the waterfall only (as the WSJ, Fortune and Semafor readings "
      "do); see scenarios/openai-2024-round.json for one with a projection and uncertainty.";
  if (!s.projection) {
    for (const char* t : {"The base case by year", "Payout distributions",
                          "Cumulative result and cash over the years (fan chart)"}) {
      r.sections.push_back({t, {absent(no_projection)}});
    }
  } else {
    r.sections.push_back(base_case_section(s, r));
    std::unique_ptr<MonteCarlo> mc;
    try {
      mc = std::make_unique<MonteCarlo>(s);
    } catch (const MonteCarloInputError& e) {
      err << s.file << ": " << e.what() << "\n";
      return std::nullopt;
    }
    const RunRequest request{rs.seed, 0, rs.paths, rs.threads, nullptr};
    const RunStats st = rs.run_paths ? rs.run_paths(*mc, request) : mc->run(request);
    if (!s.uncertainty) {
      r.sections.push_back(
          {"Payout distributions",
           {absent("Not in this report: the scenario has no \"uncertainty\" section, so every "
                   "Monte Carlo path is the base case and there is no distribution to show.")}});
    } else {
      r.sections.push_back(distribution_section(s, st, rs, r));
    }
    r.sections.push_back(fan_section(s, *mc, rs, r));
  }
  bool ok = true;
  r.sections.push_back(tornado_section(s, sets, rs, r, err, ok));
  if (!ok) return std::nullopt;
  // Last but one: a long table that would push every chart below the first screens.
  r.sections.push_back(sources_section(s));
  ReportSection repro{"Reproducing this report", {}};
  repro.blocks.push_back(list({"command: " + rs.command, "scenario: " + s.file,
                               "scenario SHA-256 (after extends and --set): " + s.content_sha256,
                               "seed: " + std::to_string(rs.seed),
                               "paths: " + std::to_string(rs.paths) +
                                   " (tornado: " + std::to_string(rs.tornado_paths) + " per run)",
                               std::string("capflow version: ") + kVersion}));
  repro.blocks.push_back(
      para("The numbers depend only on the scenario, the seed and the path "
           "counts, not on the thread count or the machine."));
  r.sections.push_back(repro);
  return r;
}

}  // namespace capflow
