#include "diff_report.hpp"

#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "capflow/whatif/value_format.hpp"
#include "capflow_report/markdown_text.hpp"

namespace capflow::cli {
namespace {

using ojson = nlohmann::ordered_json;

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

std::string render_text(const DiffReport& r, Format format) {
  const bool md = format == Format::md;
  std::string out;
  auto section = [&](const std::string& head, const TextTable& t) {
    out += md ? "\n## " + markdown_text(head) + "\n\n" + t.markdown()
              : "\n" + head + "\n" + t.plain("  ");
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
    t.add_row({"result", c.pointer, plain(diff_side_json(c, true)), plain(diff_side_json(c, false)),
               plain(d), c.se_paired ? plain(*c.se_paired) : "",
               c.se_paired ? plain(*c.se_unpaired()) : "", r.beyond[i] ? "true" : "false"});
  }
  return t.csv();
}

}  // namespace

std::string render_diff(const DiffReport& r, Format format) {
  switch (format) {
    case Format::json:
      return diff_document(r).dump(2) + "\n";
    case Format::csv:
      return render_csv(r);
    default:
      return render_text(r, format);
  }
}

}  // namespace capflow::cli
