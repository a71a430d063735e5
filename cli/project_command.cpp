// capflow project FILE
// The deterministic base case, year by year, computed exactly (docs/model.md).

#include <algorithm>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>

#include "capflow/documents/projection_document.hpp"
#include "capflow/projection/projection.hpp"
#include "capflow/terms/scenario.hpp"
#include "capflow/waterfall/rounding.hpp"
#include "capflow_report/markdown_text.hpp"
#include "commands.hpp"
#include "document_tables.hpp"
#include "exit_codes.hpp"
#include "output.hpp"
#include "scenario_input.hpp"

namespace capflow::cli {
namespace {

struct Options {
  std::string file;
  std::vector<std::string> sets;
  OutputOptions output;
};

std::string pct_or_dash(const std::optional<double>& r) {
  if (!r) return "n/a";
  return format_percent(Rational(static_cast<long long>(std::llround(*r * 1e6)), 1000000), 3);
}

std::string render_text(const Scenario& s, const ProjectionResult<Rational>& r,
                        const std::vector<HolderOutcome>& outs, Format format) {
  const auto& holders = s.waterfall.holders;
  const ProjectionSpec& p = *s.projection;
  const bool md = format == Format::md;
  auto m = [](const Money& v) { return format_money_short(v); };

  TextTable years;
  years.add_column("");
  for (const auto& y : r.years) years.add_column(std::to_string(y.year), TextTable::Align::right);
  auto row = [&](const std::string& label, auto get) {
    std::vector<std::string> cells{label};
    for (const auto& y : r.years) cells.push_back(m(get(y)));
    years.add_row(cells);
  };
  using YR = YearRecord<Rational>;
  row("revenue", [](const YR& y) { return y.revenue; });
  for (std::size_t k = 0; k < p.costs.size(); ++k) {
    row("cost: " + p.costs[k].name, [k](const YR& y) { return y.costs[k]; });
  }
  if (!p.revenue_shares.empty()) row("revenue share", [](const YR& y) { return y.revenue_share; });
  row("interest", [](const YR& y) { return y.interest; });
  row("net income", [](const YR& y) { return y.net_income; });
  row("cumulative result", [](const YR& y) { return y.cumulative_result; });
  row("raised: rounds", [](const YR& y) { return y.raised_rounds; });
  row("raised: new rounds", [](const YR& y) { return y.raised_new_rounds; });
  row("credit line balance", [](const YR& y) { return y.credit_balance; });
  row("debt balance", [](const YR& y) { return y.debt_balance; });
  row("refunds", [](const YR& y) { return y.refunds; });
  row("funding need", [](const YR& y) { return y.funding_need; });
  row("unfunded", [](const YR& y) { return y.unfunded; });
  if (std::any_of(r.years.begin(), r.years.end(),
                  [](const YR& y) { return y.external_funding != 0; }))
    row("covered outside the model", [](const YR& y) { return y.external_funding; });
  if (r.summary.refund_unpaid != 0)
    row("refunds unpaid", [](const YR& y) { return y.refund_unpaid; });
  row("distributable", [](const YR& y) { return y.distributable; });
  row("terminal value", [](const YR& y) { return y.terminal_value; });
  row("cash (end of year)", [](const YR& y) { return y.cash; });
  for (std::size_t h = 0; h < holders.size(); ++h) {
    row("to " + holders[h].id, [h](const YR& y) { return y.received[h] + y.other[h]; });
  }
  {
    std::vector<std::string> cells{"converted"};
    for (const auto& y : r.years) cells.push_back(y.converted ? "yes" : "no");
    years.add_row(cells);
  }
  if (r.summary.default_index >= 0) {
    std::vector<std::string> cells{"defaulted"};
    for (const auto& y : r.years) cells.push_back(y.defaulted ? "yes" : "no");
    years.add_row(cells);
  }

  TextTable ht;
  for (const char* c : {"holder", "invested", "received", "of which terminal", "other", "PV",
                        "MOIC", "IRR", "cap reached"}) {
    ht.add_column(c, std::string(c) == "holder" ? TextTable::Align::left : TextTable::Align::right);
  }
  for (std::size_t h = 0; h < holders.size(); ++h) {
    const HolderOutcome& o = outs[h];
    ht.add_row({holders[h].name, m(o.invested), m(o.received), m(o.terminal), m(o.other), m(o.pv),
                o.moic ? format_decimal(*o.moic, 2) + "x" : "n/a", pct_or_dash(o.irr.rate),
                o.cap_year ? std::to_string(*o.cap_year) : "-"});
  }
  const auto& sum = r.summary;
  std::string title = s.title.empty() ? s.file : s.title;
  std::string out = md ? "# " + markdown_text(title) + "\n\n" : title + "\n";
  out += md ? "Scenario file: `" + s.file + "`\n" : "scenario: " + s.file + "\n";
  auto section = [&](const std::string& head, const TextTable& t) {
    out += md ? "\n## " + markdown_text(head) + "\n\n" + t.markdown()
              : "\n" + head + "\n" + t.plain("  ");
  };
  section("Base case by year (amounts in US$; year-end)", years);
  section("Holders (PV as of the end of " + std::to_string(p.valuation_year) + " at " +
              format_percent(p.discount_rate) + ")",
          ht);
  TextTable ct;
  ct.add_column("company");
  ct.add_column("value", TextTable::Align::right);
  ct.add_row({"first profitable year", sum.first_profit_index >= 0
                                           ? std::to_string(p.first_year + sum.first_profit_index)
                                           : "none in horizon"});
  ct.add_row({"worst cumulative result", m(sum.worst_cumulative_result)});
  ct.add_row({"peak funding need (before outside funding)", m(sum.peak_funding_need)});
  ct.add_row({"conversion deadline missed", sum.deadline_missed ? "yes" : "no"});
  ct.add_row({"refunds owed", m(sum.refund_owed)});
  ct.add_row({"default", sum.default_index >= 0
                             ? "in " + std::to_string(p.first_year + sum.default_index) +
                                   " (nothing is paid after)"
                             : "none in horizon"});
  if (sum.refund_unpaid != 0)
    ct.add_row({"refunds left unpaid by the default", m(sum.refund_unpaid)});
  section("Company", ct);
  if (!p.rounds.empty()) {
    TextTable rt;
    for (const char* c :
         {"round", "date", "amount", "post-money", "joins", "deadline", "if missed", "exclusivity"})
      rt.add_column(c);
    for (const auto& rd : p.rounds) {
      rt.add_row(
          {rd.name, rd.date.str(), m(rd.amount), rd.post_money ? m(*rd.post_money) : "-",
           holders[rd.joins].id, rd.conversion_deadline ? rd.conversion_deadline->str() : "-",
           rd.if_missed ? (rd.if_missed->kind == RemedySpec::Kind::refund ? "refund" : "debt")
                        : "-",
           rd.exclusivity.empty() ? "-" : rd.exclusivity});
    }
    section("Rounds and their terms", rt);
  }
  for (std::size_t h = 0; h < holders.size(); ++h) {
    if (!outs[h].irr.note.empty() && outs[h].invested > 0) {
      out += "note: IRR of " + holders[h].id + ": " + outs[h].irr.note + "\n";
    }
  }
  return out;
}

int run(const Options& o) {
  auto scenario = load_command_scenario(o.file, o.sets);
  if (!scenario) return kExitBadInput;
  if (!scenario->projection) {
    std::cerr << o.file
              << ": no \"projection\" section: `capflow project` needs the years, "
                 "revenue and costs (see docs/scenario-format.md)\n";
    return kExitBadInput;
  }
  const auto terms = ProjectionTerms<Rational>::from(*scenario->projection, scenario->waterfall);
  const auto result = project(terms, terms.base_inputs(*scenario->projection, scenario->waterfall));
  const auto outs = holder_outcomes(*scenario, result);
  const Format f = o.output.format;
  std::string text = f == Format::json || f == Format::csv || f == Format::xlsx
                         ? document_text(projection_document(*scenario, result, outs, o.sets), f)
                         : render_text(*scenario, result, outs, f);
  if (auto err = emit(text, o.output.output_path)) {
    std::cerr << "capflow project: " << *err << "\n";
    return kExitBadInput;
  }
  return kExitOk;
}

}  // namespace

Command setup_project(CLI::App& parent) {
  auto opts = std::make_shared<Options>();
  CLI::App* app = parent.add_subcommand(
      "project",
      "The deterministic base case, year by year, exact to the cent: revenue, costs, net income,\n"
      "cash, funding, distributions, each holder's receipts, PV, MOIC and IRR.\n"
      "Examples:\n"
      "  capflow project scenarios/openai-2024-round.json\n"
      "  capflow project scenarios/openai-2024-round.json --set projection.discount_rate=12% "
      "--format json");
  app->add_option("file", opts->file, "Scenario file (JSON) with a \"projection\" section")
      ->required();
  add_set_option(*app, opts->sets);
  add_output_options(*app, opts->output);
  return {app, [opts] { return run(*opts); }};
}

}  // namespace capflow::cli
