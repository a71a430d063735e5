// capflow waterfall FILE --profit AMOUNT... | --breakpoints | --solve HOLDER=AMOUNT...
// Exact allocation of cumulative profit among the holders, to the cent, and its inverse.

#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string_view>

#include "capflow/documents/waterfall_document.hpp"
#include "capflow/io/json_reader.hpp"
#include "capflow/terms/scenario.hpp"
#include "capflow/waterfall/breakpoints.hpp"
#include "capflow/waterfall/rounding.hpp"
#include "capflow/waterfall/solve.hpp"
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
  std::vector<std::string> profits;
  bool breakpoints = false;
  std::vector<std::string> solves;
  std::vector<std::string> sets;
  OutputOptions output;
};

std::string tier_label(const WaterfallSpec& spec, std::optional<std::size_t> tier) {
  if (!tier) return "none (no profit)";
  if (*tier == spec.tiers.size()) {
    return "after the last tier (all to " + spec.holders[spec.residual].id + ")";
  }
  return std::to_string(*tier + 1) + " \"" + spec.tiers[*tier].name + "\"";
}

std::string percent_text(const Rational& share) {
  return format_percent(share, 4);
}

TextTable solve_table(const WaterfallSpec& spec, const std::vector<Solved>& solved) {
  TextTable t;
  t.add_column("holder");
  t.add_column("amount", TextTable::Align::right);
  t.add_column("total profit", TextTable::Align::right);
  t.add_column("exact");
  t.add_column("last dollar in tier");
  for (const auto& x : solved) {
    const Holder& h = spec.holders[x.holder];
    if (x.result.profit) {
      t.add_row({h.name, format_money_short(x.amount),
                 format_cents_grouped(ceil_cents(*x.result.profit)), exact_text(*x.result.profit),
                 tier_label(spec, x.last_tier)});
    } else {
      t.add_row({h.name, format_money_short(x.amount), "never", "",
                 h.cap && *x.result.ceiling == *h.cap
                     ? "capped at " + format_money_short(*h.cap)
                     : "at most " + format_money_short(*x.result.ceiling)});
    }
  }
  return t;
}

TextTable allocation_table(const WaterfallSpec& spec, const Allocation& a) {
  TextTable t;
  t.add_column("holder");
  t.add_column("received", TextTable::Align::right);
  t.add_column("share", TextTable::Align::right);
  t.add_column("cap", TextTable::Align::right);
  t.add_column("status");
  std::vector<Integer> cents = allocate_cents(a.received);
  for (std::size_t h = 0; h < spec.holders.size(); ++h) {
    const Holder& hd = spec.holders[h];
    std::string status = hd.residual ? "residual" : a.at_cap[h] ? "AT CAP" : "";
    t.add_row({hd.name, format_cents_grouped(cents[h]),
               a.profit == 0 ? "" : format_fixed(a.received[h] / a.profit * 100, 2) + "%",
               hd.cap ? format_cents_grouped(round_to_cents(*hd.cap)) : "uncapped", status});
  }
  t.add_row({"total", format_cents_grouped(round_to_cents(a.profit)),
             a.profit == 0 ? "" : "100.00%", "", ""});
  return t;
}

TextTable breakpoint_table(const WaterfallSpec& spec, const BreakpointTable& bps) {
  TextTable t;
  t.add_column("profit", TextTable::Align::right);
  t.add_column("next dollar enters");
  for (const auto& h : spec.holders) t.add_column(h.id, TextTable::Align::right);
  auto cell = [](const Money& received, const Share& marginal) {
    return format_money_short(received) + " @ " + percent_text(marginal);
  };
  std::vector<std::string> first{"$0", tier_label(spec, bps.initial_tier)};
  for (std::size_t h = 0; h < spec.holders.size(); ++h) {
    first.push_back(cell(0, bps.initial_marginal[h]));
  }
  t.add_row(first);
  for (const auto& b : bps.points) {
    std::vector<std::string> row{format_money_short(b.profit), tier_label(spec, b.tier)};
    for (std::size_t h = 0; h < spec.holders.size(); ++h)
      row.push_back(cell(b.received[h], b.marginal[h]));
    t.add_row(row);
  }
  return t;
}

std::string render_text(const Scenario& s, const std::vector<Allocation>& allocations,
                        const std::optional<BreakpointTable>& bps,
                        const std::vector<Solved>& solved, bool markdown) {
  const WaterfallSpec& spec = s.waterfall;
  std::string out;
  std::string title = s.title.empty() ? s.file : s.title;
  out += markdown ? "# " + markdown_text(title) + "\n\n" : title + "\n";
  out += markdown ? "Scenario file: `" + s.file + "`\n" : "scenario: " + s.file + "\n";
  for (const auto& a : allocations) {
    std::string head = "Profit " + format_money_short(a.profit) + " = $" +
                       format_cents_grouped(round_to_cents(a.profit)) + "; last dollar in tier " +
                       tier_label(spec, a.last_tier);
    TextTable t = allocation_table(spec, a);
    out += markdown ? "\n## " + markdown_text(head) + "\n\n" + t.markdown()
                    : "\n" + head + "\n" + t.plain("  ");
  }
  if (bps) {
    std::string head =
        "Breakpoints: profit levels where a holder's share of the next dollar changes "
        "(cells: cumulative received @ marginal share)";
    TextTable t = breakpoint_table(spec, *bps);
    out += markdown ? "\n## " + markdown_text(head) + "\n\n" + t.markdown()
                    : "\n" + head + "\n" + t.plain("  ");
  }
  if (!solved.empty()) {
    std::string head =
        "Solve: the smallest total profit at which each holder has received the amount (in cents, "
        "rounded up)";
    TextTable t = solve_table(spec, solved);
    out += markdown ? "\n## " + markdown_text(head) + "\n\n" + t.markdown()
                    : "\n" + head + "\n" + t.plain("  ");
    for (const auto& x : solved) {
      if (!x.result.profit) out += (markdown ? "\n" : "  ") + never_text(spec, x) + "\n";
    }
  }
  return out;
}

int run(const Options& o) {
  if (o.profits.empty() && !o.breakpoints && o.solves.empty()) {
    std::cerr << "capflow waterfall: give --profit AMOUNT (repeatable), --breakpoints or --solve "
                 "HOLDER=AMOUNT (repeatable)\n";
    return kExitBadInput;
  }
  std::vector<Money> profits;
  bool bad = false;
  for (const auto& text : o.profits) {
    auto p = parse_money(text);
    if (!p) {
      std::cerr << "capflow waterfall: --profit " << p.error() << "\n";
      bad = true;
    } else if (p.value() < 0) {
      std::cerr << "capflow waterfall: --profit \"" << text
                << "\": profit must be >= 0 (the waterfall distributes profit, not losses)\n";
      bad = true;
    } else {
      profits.push_back(p.value());
    }
  }
  // --solve: the amounts parse before the scenario loads, the holders after.
  std::vector<std::pair<std::string, Money>> solve_requests;
  for (const auto& text : o.solves) {
    const auto eq = text.find('=');
    if (eq == std::string::npos || eq == 0) {
      std::cerr << "capflow waterfall: --solve \"" << text
                << "\": expected HOLDER=AMOUNT, e.g. --solve nonprofit=1B\n";
      bad = true;
      continue;
    }
    auto amount = parse_money(text.substr(eq + 1));
    if (!amount) {
      std::cerr << "capflow waterfall: --solve " << text << ": " << amount.error() << "\n";
      bad = true;
    } else if (amount.value() < 0) {
      std::cerr << "capflow waterfall: --solve " << text
                << ": the amount must be >= 0 (receipts never decrease)\n";
      bad = true;
    } else {
      solve_requests.emplace_back(text.substr(0, eq), amount.value());
    }
  }
  auto scenario = load_command_scenario(o.file, o.sets);
  if (bad || !scenario) return kExitBadInput;
  std::vector<HolderIndex> solve_holders;
  for (const auto& [id, amount] : solve_requests) {
    if (auto h = scenario->waterfall.find(id)) {
      solve_holders.push_back(*h);
      continue;
    }
    std::vector<std::string_view> ids;
    for (const auto& h : scenario->waterfall.holders) ids.push_back(h.id);
    std::string best = closest_match(id, ids);
    std::cerr << "capflow waterfall: --solve " << id << "=...: no holder \"" << id << "\" in "
              << o.file;
    if (!best.empty()) {
      std::cerr << "; did you mean \"" << best << "\"?\n";
    } else {
      std::cerr << "; holders are:";
      for (auto v : ids) std::cerr << " " << v;
      std::cerr << "\n";
    }
    bad = true;
  }
  if (bad) return kExitBadInput;

  const auto terms = WaterfallTerms<Rational>::from(scenario->waterfall);
  std::vector<Allocation> allocations;
  for (const Money& p : profits) allocations.push_back(allocate(terms, p));
  std::optional<BreakpointTable> bps;
  if (o.breakpoints) bps = breakpoints(terms);
  std::vector<Solved> solved;
  if (!solve_requests.empty()) {
    const BreakpointTable table = breakpoints(terms);
    for (std::size_t i = 0; i < solve_requests.size(); ++i) {
      solved.push_back(solve(terms, table, solve_holders[i], solve_requests[i].second));
    }
  }

  std::string text;
  switch (o.output.format) {
    case Format::json:
    case Format::csv:
    case Format::xlsx:
      text = document_text(waterfall_document(*scenario, allocations, bps, solved, o.sets),
                           o.output.format);
      break;
    case Format::md:
      text = render_text(*scenario, allocations, bps, solved, true);
      break;
    case Format::table:
      text = render_text(*scenario, allocations, bps, solved, false);
      break;
  }
  if (auto err = emit(text, o.output.output_path)) {
    std::cerr << "capflow waterfall: " << *err << "\n";
    return kExitBadInput;
  }
  return kExitOk;
}

}  // namespace

Command setup_waterfall(CLI::App& parent) {
  auto opts = std::make_shared<Options>();
  CLI::App* app = parent.add_subcommand(
      "waterfall",
      "Exact allocation of a cumulative profit among the holders, to the cent.\n"
      "Examples:\n"
      "  capflow waterfall scenarios/openai-wsj-2023.json --profit 500B\n"
      "  capflow waterfall scenarios/openai-wsj-2023.json --profit 50B --profit 1T --format json\n"
      "  capflow waterfall scenarios/openai-fortune-2023.json --breakpoints\n"
      "  capflow waterfall scenarios/openai-wsj-2023.json --solve nonprofit=1B");
  app->add_option("file", opts->file, "Scenario file (JSON)")->required();
  app->add_option("--profit", opts->profits,
                  "Cumulative profit to allocate, e.g. 500B, 17.3e9, 1,000,000 (repeatable)")
      ->type_name("AMOUNT")
      ->allow_extra_args(false);
  app->add_flag("--breakpoints", opts->breakpoints,
                "List the profit levels where any holder's marginal share changes");
  app->add_option("--solve", opts->solves,
                  "The exact total profit at which HOLDER has received AMOUNT, e.g. "
                  "nonprofit=1B (repeatable)")
      ->type_name("HOLDER=AMOUNT")
      ->allow_extra_args(false);
  add_set_option(*app, opts->sets);
  add_output_options(*app, opts->output);
  return {app, [opts] { return run(*opts); }};
}

}  // namespace capflow::cli
