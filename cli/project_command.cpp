// capflow project FILE
// The deterministic base case, year by year, computed exactly (docs/model.md).

#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>

#include "capflow/irr.hpp"
#include "capflow/projection.hpp"
#include "capflow/rounding.hpp"
#include "capflow/scenario.hpp"
#include "commands.hpp"
#include "exit_codes.hpp"
#include "output.hpp"
#include "scenario_input.hpp"

namespace capflow::cli {
namespace {

using ojson = nlohmann::ordered_json;

struct Options {
  std::string file;
  std::vector<std::string> sets;
  OutputOptions output;
};

// Per-holder results derived from the exact projection.
struct HolderOutcome {
  Money invested = 0;
  Money received = 0;  // waterfall / equity, terminal claim included
  Money terminal = 0;
  Money other = 0;  // revenue share, refunds, interest, principal
  Money pv = 0;
  std::optional<Rational> moic;
  IrrResult irr;
  std::optional<Year> cap_year;
};

std::vector<HolderOutcome> outcomes(const Scenario& s, const ProjectionResult<Rational>& r) {
  const ProjectionSpec& p = *s.projection;
  const auto& sum = r.summary;
  std::vector<HolderOutcome> out(s.waterfall.holders.size());
  for (std::size_t h = 0; h < out.size(); ++h) {
    HolderOutcome& o = out[h];
    o.invested = sum.invested_total[h];
    o.received = sum.total_received[h];
    o.terminal = sum.terminal_claim[h];
    o.other = sum.total_other[h];
    o.pv = sum.pv[h];
    if (o.invested > 0) o.moic = (o.received + o.other) / o.invested;
    if (sum.cap_year_index[h] >= 0) o.cap_year = p.first_year + sum.cap_year_index[h];
    // Cash flows for IRR: dated investments (or the valuation year when undated), the
    // money put in during the projection, and everything received.
    std::vector<CashFlow> flows;
    Money dated = 0;
    for (const auto& [y, a] : p.investments[h]) {
      flows.emplace_back(y, -to_double(a));
      dated += a;
    }
    Money undated = s.waterfall.holders[h].invested - dated;
    if (undated > 0) flows.emplace_back(p.valuation_year, -to_double(undated));
    for (const auto& y : r.years) {
      Money net = y.received[h] + y.other[h] - y.invested[h];
      if (net != 0) flows.emplace_back(y.year, to_double(net));
    }
    o.irr = irr(flows);
  }
  return out;
}

std::string cents(const Money& m) {
  return format_cents(round_to_cents(m));
}
ojson cents_or_null(const std::optional<Money>& m) {
  return m ? ojson(cents(*m)) : ojson(nullptr);
}

std::string render_json(const Scenario& s, const ProjectionResult<Rational>& r,
                        const std::vector<HolderOutcome>& outs) {
  const auto& holders = s.waterfall.holders;
  const ProjectionSpec& p = *s.projection;
  ojson out;
  out["scenario"] = {{"file", s.file}, {"title", s.title}};
  ojson years = ojson::array();
  for (const auto& y : r.years) {
    ojson j;
    j["year"] = y.year;
    j["revenue"] = cents(y.revenue);
    ojson costs = ojson::object();
    for (std::size_t k = 0; k < p.costs.size(); ++k) costs[p.costs[k].id] = cents(y.costs[k]);
    j["costs"] = costs;
    j["revenue_share"] = cents(y.revenue_share);
    j["interest"] = cents(y.interest);
    j["net_income"] = cents(y.net_income);
    j["cumulative_result"] = cents(y.cumulative_result);
    j["raised_rounds"] = cents(y.raised_rounds);
    j["raised_new_rounds"] = cents(y.raised_new_rounds);
    j["credit_drawn"] = cents(y.credit_drawn);
    j["credit_repaid"] = cents(y.credit_repaid);
    j["credit_balance"] = cents(y.credit_balance);
    j["debt_balance"] = cents(y.debt_balance);
    j["refunds"] = cents(y.refunds);
    j["funding_need"] = cents(y.funding_need);
    j["unfunded"] = cents(y.unfunded);
    j["distributable"] = cents(y.distributable);
    j["debt_repaid"] = cents(y.debt_repaid);
    j["distributed"] = cents(y.distributed);
    j["terminal_value"] = cents(y.terminal_value);
    j["cash"] = cents(y.cash);
    j["converted"] = y.converted;
    std::vector<Integer> rec = allocate_cents(y.received);
    ojson hj = ojson::object();
    for (std::size_t h = 0; h < holders.size(); ++h) {
      hj[holders[h].id] = {
          {"received", format_cents(rec[h])},
          {"other", cents(y.other[h])},
          {"invested", cents(y.invested[h])},
          {"cap", holders[h].cap && !y.converted ? ojson(cents(y.caps[h])) : ojson(nullptr)},
          {"at_cap", static_cast<bool>(y.at_cap[h])}};
    }
    j["holders"] = hj;
    years.push_back(j);
  }
  out["years"] = years;
  ojson hs = ojson::object();
  for (std::size_t h = 0; h < holders.size(); ++h) {
    const HolderOutcome& o = outs[h];
    hs[holders[h].id] = {{"name", holders[h].name},
                         {"invested", cents(o.invested)},
                         {"received", cents(o.received)},
                         {"terminal_claim", cents(o.terminal)},
                         {"other", cents(o.other)},
                         {"total", cents(o.received + o.other)},
                         {"pv", cents(o.pv)},
                         {"moic", o.moic ? ojson(format_decimal(*o.moic, 6)) : ojson(nullptr)},
                         {"irr", o.irr.rate ? ojson(*o.irr.rate) : ojson(nullptr)},
                         {"irr_note", o.irr.note},
                         {"cap_year", o.cap_year ? ojson(*o.cap_year) : ojson(nullptr)}};
  }
  out["holders"] = hs;
  const auto& sum = r.summary;
  out["company"] = {
      {"first_profit_year",
       sum.first_profit_index >= 0 ? ojson(p.first_year + sum.first_profit_index) : ojson(nullptr)},
      {"worst_cumulative_result", cents(sum.worst_cumulative_result)},
      {"peak_funding_need", cents(sum.peak_funding_need)},
      {"total_funding_need", cents(sum.total_funding_need)},
      {"deadline_missed", sum.deadline_missed},
      {"refund_owed", cents(sum.refund_owed)}};
  ojson rounds = ojson::array();
  for (const auto& rd : p.rounds) {
    rounds.push_back(
        {{"name", rd.name},
         {"date", rd.date.str()},
         {"amount", cents(rd.amount)},
         {"post_money", cents_or_null(rd.post_money)},
         {"implied_stake",
          rd.post_money ? ojson(format_decimal(rd.amount / *rd.post_money, 6)) : ojson(nullptr)},
         {"joins", holders[rd.joins].id},
         {"conversion_deadline",
          rd.conversion_deadline ? ojson(rd.conversion_deadline->str()) : ojson(nullptr)},
         {"if_missed",
          rd.if_missed ? ojson(rd.if_missed->kind == RemedySpec::Kind::refund ? "refund" : "debt")
                       : ojson(nullptr)},
         {"exclusivity", rd.exclusivity}});
  }
  out["rounds"] = rounds;
  return out.dump(2) + "\n";
}

std::string pct_or_dash(const std::optional<double>& r) {
  if (!r) return "n/a";
  return format_percent(Rational(static_cast<long long>(std::llround(*r * 1e6)), 1000000), 3);
}

std::string render_text(const Scenario& s, const ProjectionResult<Rational>& r,
                        const std::vector<HolderOutcome>& outs, Format format) {
  const auto& holders = s.waterfall.holders;
  const ProjectionSpec& p = *s.projection;
  const bool md = format == Format::md;
  const bool csv = format == Format::csv;
  auto m = [](const Money& v) { return format_money_short(v); };

  TextTable years;
  years.add_column(csv ? "metric" : "");
  for (const auto& y : r.years) years.add_column(std::to_string(y.year), TextTable::Align::right);
  auto row = [&](const std::string& label, auto get) {
    std::vector<std::string> cells{label};
    for (const auto& y : r.years) cells.push_back(csv ? cents(get(y)) : m(get(y)));
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
  if (csv) return years.csv();

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
  std::string out = md ? "# " + title + "\n\n" : title + "\n";
  out += md ? "Scenario file: `" + s.file + "`\n" : "scenario: " + s.file + "\n";
  auto section = [&](const std::string& head, const TextTable& t) {
    out += md ? "\n## " + head + "\n\n" + t.markdown() : "\n" + head + "\n" + t.plain("  ");
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
  auto scenario = load_or_report(o.file, o.sets, std::cerr);
  if (!scenario) return kExitBadInput;
  if (!scenario->projection) {
    std::cerr << o.file
              << ": no \"projection\" section: `capflow project` needs the years, "
                 "revenue and costs (see docs/scenario-format.md)\n";
    return kExitBadInput;
  }
  const auto terms = ProjectionTerms<Rational>::from(*scenario->projection, scenario->waterfall);
  const auto result = project(terms, terms.base_inputs(*scenario->projection, scenario->waterfall));
  const auto outs = outcomes(*scenario, result);
  std::string text = o.output.format == Format::json
                         ? render_json(*scenario, result, outs)
                         : render_text(*scenario, result, outs, o.output.format);
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
