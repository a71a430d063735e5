#include "capflow/whatif/diff.hpp"

#include <algorithm>
#include <memory>
#include <ostream>
#include <thread>

#include "capflow/documents/provenance.hpp"
#include "capflow/montecarlo/monte_carlo.hpp"
#include "capflow/terms/scenario_input.hpp"
#include "capflow/waterfall/rounding.hpp"
#include "capflow/whatif/paired_run.hpp"
#include "capflow/whatif/result_diff.hpp"
#include "capflow/whatif/value_format.hpp"

namespace capflow {
namespace {

using ojson = nlohmann::ordered_json;

constexpr const char* kDiffPrefix = "capflow diff: ";

ojson input_value(const std::optional<std::string>& text) {
  if (!text) return nullptr;
  return ojson::parse(*text);
}

}  // namespace

const char* diff_mode_name(DiffMode m) {
  switch (m) {
    case DiffMode::monte_carlo:
      return "monte_carlo";
    case DiffMode::projection:
      return "projection";
    case DiffMode::waterfall:
      return "waterfall";
    case DiffMode::outputs:
      return "outputs";
  }
  return "";
}

// JSON value of one side: exact money as a decimal string with cents (as the result
// files write exact money), other exact values as decimals, statistics as numbers.
ojson diff_side_json(const Comparison& c, bool is_a) {
  const auto& exact = is_a ? c.a_exact : c.b_exact;
  const auto& num = is_a ? c.a : c.b;
  const auto& txt = is_a ? c.a_text : c.b_text;
  if (exact) {
    if (c.unit == Unit::money) return format_cents(round_to_cents(*exact));
    return format_decimal(*exact, 12);
  }
  if (num) return *num;
  if (txt) return *txt;
  return nullptr;
}

ojson diff_document(const DiffReport& r) {
  ojson out;
  // One scenario per side: the provenance block names A's, with B's beside it.
  ojson meta = provenance(kDiffSchema, r.file_a, r.sha_a, r.overrides_a);
  meta["scenario_b"] = r.file_b;
  meta["scenario_b_sha256"] = r.sha_b;
  meta["overrides_b"] = r.overrides_b;
  // Saved outputs from before provenance was recorded carry no hash.
  if (r.sha_a.empty()) meta["scenario_sha256"] = nullptr;
  if (r.sha_b.empty()) meta["scenario_b_sha256"] = nullptr;
  if (r.mode == DiffMode::monte_carlo) {
    meta["seed"] = r.seed;
    meta["paths"] = r.paths;
  }
  out["meta"] = meta;
  out["a"] = {{"file", r.file_a}, {"kind", r.kind_a}};
  out["b"] = {{"file", r.file_b}, {"kind", r.kind_b}};
  out["mode"] = diff_mode_name(r.mode);
  if (!r.note.empty()) out["note"] = r.note;
  if (r.mode == DiffMode::monte_carlo) {
    out["monte_carlo"] = {{"paths", r.paths}, {"seed", r.seed}, {"common_random_numbers", true}};
  }
  out["tolerance"] = r.tolerance;
  if (r.inputs_compared) {
    ojson list = ojson::array();
    for (const auto& c : r.inputs.changes) {
      list.push_back({{"pointer", c.pointer},
                      {"a", input_value(c.a)},
                      {"b", input_value(c.b)},
                      {"absent_in", !c.a   ? ojson("a")
                                    : !c.b ? ojson("b")
                                           : ojson(nullptr)}});
    }
    out["inputs"] = list;
    out["descriptive_input_changes"] = r.inputs.descriptive;
  }
  ojson list = ojson::array();
  for (std::size_t i = 0; i < r.results.size(); ++i) {
    const Comparison& c = r.results[i];
    ojson j;
    j["pointer"] = c.pointer;
    j["a"] = diff_side_json(c, true);
    j["b"] = diff_side_json(c, false);
    if (c.a_exact && c.b_exact) {
      const Rational d = *c.b_exact - *c.a_exact;
      j["difference"] = c.unit == Unit::money ? ojson(format_cents(round_to_cents(d)))
                                              : ojson(format_decimal(d, 12));
    } else if (auto d = c.difference()) {
      j["difference"] = *d;
    } else {
      j["difference"] = nullptr;
    }
    if (c.se_paired) {
      j["se_a"] = *c.se_a;
      j["se_b"] = *c.se_b;
      j["se_paired"] = *c.se_paired;
      j["se_unpaired"] = *c.se_unpaired();
      j["n"] = c.n;
    }
    if (c.informational) j["informational"] = true;
    j["differs"] = static_cast<bool>(r.beyond[i]);
    list.push_back(j);
  }
  out["results"] = list;
  out["summary"] = {{"compared", r.results.size()},
                    {"differ", beyond_count(r)},
                    {"input_changes", r.inputs.changes.size()}};
  return out;
}

std::size_t beyond_count(const DiffReport& r) {
  std::size_t n = 0;
  for (std::size_t i = 0; i < r.results.size(); ++i)
    if (r.beyond[i]) ++n;
  return n;
}

bool diff_scenarios(const ScenarioDiffRequest& o, DiffReport& report, std::ostream& err) {
  auto sa = load_or_report(o.a, o.sets_a, err);
  auto sb = load_or_report(o.b, o.sets_b, err);
  if (!sa || !sb) return false;
  report.files_read = sa->files;
  report.files_read.insert(report.files_read.end(), sb->files.begin(), sb->files.end());
  report.sha_a = sa->content_sha256;
  report.sha_b = sb->content_sha256;
  report.overrides_a = o.sets_a;
  report.overrides_b = o.sets_b;
  report.inputs_compared = true;
  report.inputs = diff_inputs(sa->document, sb->document);
  const bool proj = sa->projection && sb->projection;
  const bool unc = sa->uncertainty && sb->uncertainty;
  if (o.deterministic && !proj) {
    err << kDiffPrefix << "--deterministic compares `capflow project` results, but "
        << (sa->projection ? o.b : o.a)
        << " has no \"projection\" section; without --deterministic diff compares the "
           "waterfalls exactly\n";
    return false;
  }
  if (!o.profits.empty() && proj && (o.deterministic || unc)) {
    err << kDiffPrefix
        << "--profit adds waterfall profits to compare, which diff does only when "
           "a scenario has no projection; use `capflow diff` on two `capflow waterfall "
           "--profit ... --format json` outputs instead\n";
    return false;
  }
  if (proj && unc && !o.deterministic) {
    report.mode = DiffMode::monte_carlo;
    std::unique_ptr<MonteCarlo> ma, mb;
    try {
      ma = std::make_unique<MonteCarlo>(*sa);
    } catch (const MonteCarloInputError& e) {
      err << o.a << ": " << e.what() << "\n";
      return false;
    }
    try {
      mb = std::make_unique<MonteCarlo>(*sb);
    } catch (const MonteCarloInputError& e) {
      err << o.b << ": " << e.what() << "\n";
      return false;
    }
    const unsigned threads =
        o.threads > 0 ? o.threads : std::max(1u, std::thread::hardware_concurrency());
    report.paths = o.paths;
    report.seed = o.seed;
    const std::uint64_t end = o.end_path > 0 ? o.end_path : o.paths;
    PairedRequest request{o.seed, end - o.first_path, threads};
    request.first_path = o.first_path;
    request.progress = o.progress;
    request.gather = o.gather;
    report.results = run_paired(*sa, *ma, *sb, *mb, request);
    report.note =
        "IRR is not compared path by path (it needs each path's yearly cash flows); "
        "compare two `capflow run --format json` outputs for its distribution.";
  } else if (proj) {
    report.mode = DiffMode::projection;
    if (!o.deterministic) {
      report.note = std::string(sa->uncertainty ? o.b : o.a) +
                    " has no \"uncertainty\" section, so there is nothing random to run: the "
                    "deterministic base cases are compared exactly.";
    }
    report.results = compare_projections(*sa, *sb);
  } else {
    report.mode = DiffMode::waterfall;
    report.results = compare_waterfalls(*sa, *sb, o.profits);
    report.note =
        std::string(sa->projection ? o.b : o.a) +
        " has no \"projection\" section: a waterfall alone has nothing random, so there are no "
        "error bars to give; the allocations are exact. Profits compared: every breakpoint of "
        "either scenario" +
        (o.profits.empty() ? "" : ", each --profit") +
        " and twice the last of them (allocations are linear between breakpoints and beyond "
        "the last, so agreeing at these points means agreeing at every profit). For payout "
        "distributions, diff two scenarios that extend these with a projection "
        "and uncertainty (e.g. scenarios/openai-2024-round.json).";
  }
  return true;
}

void diff_saved_outputs(const ojson& a, const ojson& b, DiffReport& report) {
  report.mode = DiffMode::outputs;
  const OutputKind kind = output_kind(a);
  report.kind_a = report.kind_b = output_kind_name(kind);
  report.results = diff_outputs(a, b);
  // Plain JSON says nothing of units: its numbers print as numbers, not money.
  if (kind == OutputKind::json) {
    for (auto& c : report.results) {
      if (c.unit != Unit::text) c.unit = Unit::count;
    }
  }
  auto recorded_sha = [](const ojson& doc) {
    const auto* m = doc.is_object() && doc.contains("meta") ? &doc.at("meta") : nullptr;
    return m && m->is_object() && m->contains("scenario_sha256") &&
                   m->at("scenario_sha256").is_string()
               ? m->at("scenario_sha256").get<std::string>()
               : std::string();
  };
  report.sha_a = recorded_sha(a);
  report.sha_b = recorded_sha(b);
  report.note =
      "Numbers (and decimal strings) compare as exact values; /meta and /scenario "
      "(file names, version, threads, timing) are informational and never count.";
}

void apply_tolerance(DiffReport& report, const Tolerance& t) {
  report.beyond.clear();
  for (const auto& c : report.results) {
    report.beyond.push_back(!c.informational && differs(c, t));
  }
}

}  // namespace capflow
