#include "diff_report.hpp"

#include "capflow/documents/provenance.hpp"

#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "capflow/whatif/value_format.hpp"

namespace capflow::cli {
namespace {

using ojson = nlohmann::ordered_json;

const char* mode_name(DiffMode m) {
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

// ---- formatting -----------------------------------------------------------------------

std::string number_text(double v, Unit unit, bool signed_diff = false) {
  if (!std::isfinite(v)) return "n/a";
  std::string sign = signed_diff && v > 0 ? "+" : "";
  char buf[64];
  switch (unit) {
    case Unit::money: {
      // Through a decimal string: the compact format works on exact values.
      std::snprintf(buf, sizeof buf, "%.2f", v);
      return sign + format_money_compact(*exact_number(buf));
    }
    case Unit::probability:
      std::snprintf(buf, sizeof buf, "%.2f%%", v * 100);
      return sign + buf;
    case Unit::ratio:
      std::snprintf(buf, sizeof buf, "%.4g", v);
      return sign + buf + "x";
    case Unit::year:
      std::snprintf(buf, sizeof buf, "%.2f", v);
      return sign + std::string(buf);
    case Unit::count:
    case Unit::text:
      std::snprintf(buf, sizeof buf, "%.10g", v);
      return sign + buf;
  }
  return buf;
}

std::string exact_text(const Rational& v, Unit unit, bool signed_diff = false) {
  std::string sign = signed_diff && v > 0 ? "+" : "";
  switch (unit) {
    case Unit::money:
      return sign + format_money_compact(v);
    case Unit::probability:
      return sign + format_pct(v, 2);
    case Unit::ratio:
      return sign + format_decimal(v, 4) + "x";
    default:
      return sign + format_decimal(v, 6);
  }
}

std::string side_text(const Comparison& c, bool is_a) {
  const auto& exact = is_a ? c.a_exact : c.b_exact;
  const auto& num = is_a ? c.a : c.b;
  const auto& txt = is_a ? c.a_text : c.b_text;
  if (exact) return exact_text(*exact, c.unit);
  if (num) return number_text(*num, c.unit);
  if (txt) return *txt;
  return "(absent)";
}

std::string diff_text(const Comparison& c) {
  if (c.a_exact && c.b_exact) return exact_text(*c.b_exact - *c.a_exact, c.unit, true);
  if (auto d = c.difference()) return number_text(*d, c.unit, true);
  return "";
}

// JSON value of one side: exact money as a decimal string with cents (as the result
// files write exact money), other exact values as decimals, statistics as numbers.
ojson side_json(const Comparison& c, bool is_a) {
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

ojson input_value(const std::optional<std::string>& text) {
  if (!text) return nullptr;
  return ojson::parse(*text);
}

std::string input_text(const std::optional<std::string>& text) {
  if (!text) return "(absent)";
  return text->size() > 60 ? text->substr(0, 57) + "..." : *text;
}

// ---- renderers ------------------------------------------------------------------------

std::string mode_heading(const DiffReport& r) {
  switch (r.mode) {
    case DiffMode::monte_carlo:
      return "Monte Carlo on common random numbers: " + std::to_string(r.paths) + " paths, seed " +
             std::to_string(r.seed) +
             " (path i of A and of B see the same draws; SE = standard error of the mean)";
    case DiffMode::projection:
      return "Deterministic base case (capflow project), exact";
    case DiffMode::waterfall:
      return "Waterfall allocations, exact, at every breakpoint of either scenario and beyond";
    case DiffMode::outputs:
      return "Saved outputs compared key by key";
  }
  return "";
}

std::string render_json(const DiffReport& r) {
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
  out["mode"] = mode_name(r.mode);
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
    j["a"] = side_json(c, true);
    j["b"] = side_json(c, false);
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
  return out.dump(2) + "\n";
}

std::string render_text(const DiffReport& r, Format format) {
  const bool md = format == Format::md;
  std::string out;
  auto section = [&](const std::string& head, const TextTable& t) {
    out += md ? "\n## " + head + "\n\n" + t.markdown() : "\n" + head + "\n" + t.plain("  ");
  };
  auto line = [&](const std::string& text) { out += (md ? "\n" : "  ") + text + "\n"; };
  out += md ? "# capflow diff\n\n" : "";
  out +=
      (md ? "A: `" + r.file_a + "` (" + r.kind_a + ")  \nB: `" + r.file_b + "` (" + r.kind_b + ")\n"
          : "A: " + r.file_a + " (" + r.kind_a + ")\nB: " + r.file_b + " (" + r.kind_b + ")\n");
  if (r.inputs_compared) {
    const std::string head =
        "Inputs that differ (after extends and --set): " + std::to_string(r.inputs.changes.size());
    if (r.inputs.changes.empty()) {
      out += md ? "\n## " + head + "\n" : "\n" + head + "\n";
    } else {
      TextTable t;
      t.add_column("pointer");
      t.add_column("A");
      t.add_column("B");
      for (const auto& c : r.inputs.changes)
        t.add_row({c.pointer, input_text(c.a), input_text(c.b)});
      section(head, t);
    }
    if (r.inputs.descriptive > 0) {
      line("(and " + std::to_string(r.inputs.descriptive) +
           (r.inputs.descriptive == 1 ? " change" : " changes") +
           " in descriptive text: title, description, sources, notes, names)");
    }
  }
  const bool mc = r.mode == DiffMode::monte_carlo;
  TextTable t;
  t.add_column("metric");
  t.add_column("A", TextTable::Align::right);
  t.add_column("B", TextTable::Align::right);
  t.add_column("B - A", TextTable::Align::right);
  if (mc) {
    t.add_column("SE paired", TextTable::Align::right);
    t.add_column("SE unpaired", TextTable::Align::right);
    t.add_column("gain", TextTable::Align::right);
  }
  t.add_column("");
  std::size_t shown = 0;
  for (std::size_t i = 0; i < r.results.size(); ++i) {
    const Comparison& c = r.results[i];
    const bool info = c.informational && differs(c, Tolerance{});
    if (!mc && !r.all && !r.beyond[i] && !info) continue;
    ++shown;
    std::vector<std::string> row{c.pointer, side_text(c, true), side_text(c, false), diff_text(c)};
    if (mc) {
      row.push_back(number_text(*c.se_paired, c.unit));
      row.push_back(number_text(*c.se_unpaired(), c.unit));
      // How many times more paths two independent runs would need for the same error.
      const double p = *c.se_paired, u = *c.se_unpaired();
      char buf[32];
      if (p > 0 && (u / p) * (u / p) >= 1e4) {
        std::snprintf(buf, sizeof buf, ">10000x");
      } else if (p > 0) {
        std::snprintf(buf, sizeof buf, "%.0fx", (u / p) * (u / p));
      } else {
        std::snprintf(buf, sizeof buf, "%s", u > 0 ? "exact" : "");
      }
      row.push_back(buf);
    }
    row.push_back(r.beyond[i] ? "*" : info ? "(info)" : "");
    t.add_row(row);
  }
  std::string head = mode_heading(r);
  if (shown == 0) {
    out += md ? "\n## " + head + "\n" : "\n" + head + "\n";
  } else {
    section(head, t);
  }
  if (!r.note.empty()) line(r.note);
  const std::size_t n = beyond_count(r);
  std::string summary = std::to_string(n) + " of " + std::to_string(r.results.size()) +
                        " compared values differ beyond the tolerance (" + r.tolerance + ")";
  if (!mc && !r.all && shown < r.results.size()) summary += "; --all shows the equal ones too";
  if (n > 0) summary += "; marked *";
  line(summary + ".");
  if (mc) {
    line(
        "gain: (SE unpaired / SE paired)^2, how many times the paths two independent runs would "
        "need for the same error on the difference.");
  }
  return out;
}

std::string render_csv(const DiffReport& r) {
  TextTable t;
  for (const char* c :
       {"section", "pointer", "a", "b", "difference", "se_paired", "se_unpaired", "differs"})
    t.add_column(c);
  for (const auto& c : r.inputs.changes) {
    t.add_row({"input", c.pointer, c.a.value_or(""), c.b.value_or(""), "", "", "", "true"});
  }
  for (std::size_t i = 0; i < r.results.size(); ++i) {
    const Comparison& c = r.results[i];
    auto plain = [](const ojson& j) {
      return j.is_string() ? j.get<std::string>() : j.is_null() ? "" : j.dump();
    };
    ojson d = nullptr;
    if (c.a_exact && c.b_exact) {
      d = format_decimal(*c.b_exact - *c.a_exact, 12);
    } else if (auto x = c.difference()) {
      d = *x;
    }
    t.add_row({"result", c.pointer, plain(side_json(c, true)), plain(side_json(c, false)), plain(d),
               c.se_paired ? plain(*c.se_paired) : "", c.se_paired ? plain(*c.se_unpaired()) : "",
               r.beyond[i] ? "true" : "false"});
  }
  return t.csv();
}

}  // namespace

std::size_t beyond_count(const DiffReport& r) {
  std::size_t n = 0;
  for (std::size_t i = 0; i < r.results.size(); ++i)
    if (r.beyond[i]) ++n;
  return n;
}

std::string render_diff(const DiffReport& r, Format format) {
  switch (format) {
    case Format::json:
      return render_json(r);
    case Format::csv:
      return render_csv(r);
    default:
      return render_text(r, format);
  }
}

}  // namespace capflow::cli
