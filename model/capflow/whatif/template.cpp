#include "capflow/whatif/template.hpp"

#include <cstdlib>

#include "capflow/montecarlo/metric_groups.hpp"
#include "capflow/whatif/value_format.hpp"

namespace capflow {
namespace {

using json = nlohmann::ordered_json;

std::string trim(const std::string& s) {
  const auto b = s.find_first_not_of(" \t\r\n");
  if (b == std::string::npos) return "";
  const auto e = s.find_last_not_of(" \t\r\n");
  return s.substr(b, e - b + 1);
}

// RFC 6901 unescaping of one reference token.
std::string unescape(const std::string& token) {
  std::string out;
  for (std::size_t i = 0; i < token.size(); ++i) {
    if (token[i] == '~' && i + 1 < token.size() && (token[i + 1] == '0' || token[i + 1] == '1')) {
      out += token[i + 1] == '0' ? '~' : '/';
      ++i;
    } else {
      out += token[i];
    }
  }
  return out;
}

std::string kind_of(const json& v) {
  if (v.is_object()) return "an object";
  if (v.is_array()) return "an array";
  if (v.is_string()) return "a string";
  if (v.is_boolean()) return "a boolean";
  if (v.is_null()) return "null";
  return "a number";
}

std::string keys_of(const json& obj) {
  std::string out;
  std::size_t n = 0;
  for (auto it = obj.begin(); it != obj.end(); ++it) {
    if (n++ == 12) return out + ", ...";
    out += (out.empty() ? "" : ", ") + it.key();
  }
  return out;
}

// The value as an exact number: JSON numbers and numeric strings ("92000000000.00").
std::optional<Rational> numeric(const json& v) {
  if (v.is_number()) return exact_number(v.dump());
  if (v.is_string()) return exact_number(v.get<std::string>());
  return std::nullopt;
}

bool same_value(const json& element, const std::string& wanted) {
  if (element.is_string() && element.get<std::string>() == wanted) return true;
  if (element.dump() == wanted) return true;
  const auto x = numeric(element);
  auto y = parse_money(wanted);  // [profit=500B] as well as [profit=500000000000.00]
  return x && y && *x == y.value();
}

// A whole number of decimals after "name:" in "pct:2"; nullopt if absent or bad.
std::optional<int> places_arg(const std::string& arg) {
  if (arg.empty() || arg.size() > 2 || arg.find_first_not_of("0123456789") != std::string::npos)
    return std::nullopt;
  return std::atoi(arg.c_str());
}

}  // namespace

Result<std::string> apply_filter(const json& value, const std::string& filter_text) {
  using R = Result<std::string>;
  const std::string filter = trim(filter_text);
  const auto colon = filter.find(':');
  const std::string name = filter.substr(0, colon);
  const std::string arg = colon == std::string::npos ? "" : filter.substr(colon + 1);
  static const char* kKnown = "raw, money, money:full, pct, pct:N, int, year, fixed:N";
  const bool known = name.empty() || name == "raw" || name == "money" || name == "pct" ||
                     name == "int" || name == "year" || name == "fixed";
  if (!known) return R::failure("unknown filter \"" + filter + "\"; filters are: " + kKnown);
  if (value.is_null()) {
    return R::failure(
        "is null (not defined in this result, e.g. the IRR of a holder that "
        "invested nothing)");
  }
  if (value.is_object() || value.is_array()) {
    std::string msg = "is " + kind_of(value) + ", not a value";
    if (value.is_object()) msg += "; its keys: " + keys_of(value);
    if (value.is_array()) msg += " of " + std::to_string(value.size()) + " elements (index from 0)";
    return R::failure(msg);
  }
  if (name.empty() || name == "raw") {
    if (!arg.empty()) return R::failure("filter raw takes no argument");
    return value.is_string() ? value.get<std::string>() : value.dump();
  }
  const auto v = numeric(value);
  if (!v) {
    return R::failure("is " + kind_of(value) + " (" + value.dump() + "), not a number, so the " +
                      name + " filter does not apply; use raw");
  }
  if (name == "money") {
    if (arg.empty()) return format_money_compact(*v);
    if (arg == "full") return format_money_full(*v);
    return R::failure("unknown filter \"" + filter + "\"; money takes no argument or :full");
  }
  if (name == "pct" || name == "fixed") {
    std::optional<int> places =
        arg.empty() ? std::optional<int>(name == "pct" ? 1 : 2) : places_arg(arg);
    if (!places) return R::failure("filter " + name + ":N takes a number of decimals from 0 to 99");
    return name == "pct" ? format_pct(*v, *places) : format_fixed(*v, *places);
  }
  if (!arg.empty()) return R::failure("filter " + name + " takes no argument");
  if (name == "int") return format_int(*v);
  return format_year(*v);
}

// A run result made with `capflow run --compute` lacks the groups it did not compute:
// when a pointer asks for one of those, say so.
std::string left_out_by_compute(const json& doc, const std::string& token) {
  const json* computed = nullptr;
  if (doc.is_object() && doc.contains("meta") && doc.at("meta").is_object() &&
      doc.at("meta").contains("computed")) {
    computed = &doc.at("meta").at("computed");
  }
  if (computed == nullptr || !computed->is_array()) return "";
  for (MetricGroup g : kMetricGroups) {
    if (token != metric_group_name(g)) continue;
    for (const auto& c : *computed) {
      if (c.is_string() && c.get<std::string>() == token) return "";
    }
    std::string list;
    for (const auto& c : *computed) {
      if (c.is_string()) list += (list.empty() ? "" : ",") + c.get<std::string>();
    }
    return "; the run was made with --compute " + (list.empty() ? std::string("\"\"") : list) +
           ", which leaves out " + token;
  }
  return "";
}

Result<const json*> resolve_pointer(const json& doc, const std::string& pointer) {
  using R = Result<const json*>;
  if (pointer.empty()) return &doc;
  if (pointer[0] != '/') {
    return R::failure("\"" + pointer + "\" is not a JSON pointer (it must start with '/')");
  }
  const json* node = &doc;
  std::string path;
  std::size_t start = 1;
  while (true) {
    const auto slash = pointer.find('/', start);
    const std::string raw =
        pointer.substr(start, slash == std::string::npos ? std::string::npos : slash - start);
    const std::string token = unescape(raw);
    const std::string where = path.empty() ? "the result" : path;
    if (node->is_object()) {
      if (!node->contains(token)) {
        return R::failure("no \"" + token + "\" in " + where + " (its keys: " + keys_of(*node) +
                          ")" + left_out_by_compute(doc, token));
      }
      node = &node->at(token);
    } else if (node->is_array()) {
      if (token.size() > 2 && token.front() == '[' && token.back() == ']' &&
          token.find('=') != std::string::npos) {
        const auto eq = token.find('=');
        const std::string key = token.substr(1, eq - 1),
                          wanted = token.substr(eq + 1, token.size() - eq - 2);
        const json* found = nullptr;
        for (const auto& element : *node) {
          if (element.is_object() && element.contains(key) && same_value(element.at(key), wanted)) {
            found = &element;
            break;
          }
        }
        if (found == nullptr) {
          return R::failure("no element of " + where + " has \"" + key + "\" equal to " + wanted);
        }
        node = found;
      } else {
        const bool digits = !token.empty() && token.size() < 10 &&
                            token.find_first_not_of("0123456789") == std::string::npos &&
                            (token == "0" || token[0] != '0');
        if (!digits) {
          return R::failure(where + " is an array: index it by a number (0 to " +
                            std::to_string(node->size() ? node->size() - 1 : 0) +
                            ") or pick an element by [key=value], not \"" + token + "\"");
        }
        const auto i = static_cast<std::size_t>(std::atol(token.c_str()));
        if (i >= node->size()) {
          return R::failure(where + " has " + std::to_string(node->size()) + " elements, no " +
                            token);
        }
        node = &(*node)[i];
      }
    } else {
      return R::failure(where + " is " + kind_of(*node) + ", so it has no \"" + token + "\"");
    }
    path += "/" + raw;
    if (slash == std::string::npos) break;
    start = slash + 1;
  }
  return node;
}

RenderOutcome render_template(const std::string& text, const std::string& file,
                              const TemplateSources& sources) {
  RenderOutcome out;
  int line = 1, col = 1;
  auto advance = [&](std::size_t from, std::size_t to) {
    for (std::size_t i = from; i < to; ++i) {
      if (text[i] == '\n') {
        ++line;
        col = 1;
      } else if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) {
        ++col;
      }
    }
  };
  std::size_t i = 0;
  while (i < text.size()) {
    const auto open = text.find("{{", i);
    if (open == std::string::npos) {
      out.text.append(text, i, std::string::npos);
      break;
    }
    if (open > 0 && text[open - 1] == '\\') {
      out.text.append(text, i, open - 1 - i);
      out.text += "{{";
      advance(i, open + 2);
      i = open + 2;
      continue;
    }
    out.text.append(text, i, open - i);
    advance(i, open);
    const SourcePos pos{line, col};
    const auto close = text.find("}}", open + 2);
    if (close == std::string::npos) {
      out.diagnostics.push_back(
          {file, pos, "", "unterminated placeholder: \"{{\" without a closing \"}}\""});
      return out;
    }
    ++out.placeholders;
    const std::string inner = text.substr(open + 2, close - open - 2);
    advance(open, close + 2);
    i = close + 2;
    auto fail = [&](const std::string& why) {
      out.diagnostics.push_back({file, pos, "", "{{" + inner + "}}: " + why});
    };
    // Searched inside the placeholder only: a search to the end of the line would make
    // a long line of placeholders quadratic.
    if (inner.find('\n') != std::string::npos) {
      // A placeholder spans one line; most likely a "{{" that lost its "}}".
      fail("a placeholder must end on its line (\"}}\" missing?)");
      continue;
    }
    const auto bar = inner.find('|');
    const std::string expr = trim(inner.substr(0, bar));
    const std::string filter = bar == std::string::npos ? "" : trim(inner.substr(bar + 1));
    std::string source, pointer = expr;
    const auto colon = expr.find(':');
    if (colon != std::string::npos && (expr.empty() || expr[0] != '/')) {
      source = expr.substr(0, colon);
      pointer = trim(expr.substr(colon + 1));
    }
    if (pointer.empty() || pointer[0] != '/') {
      fail(
          "expected a JSON pointer such as /holders/microsoft/pv/p50, optionally after a "
          "source name (run:/holders/...)");
      continue;
    }
    const nlohmann::ordered_json* doc = nullptr;
    if (source.empty()) {
      doc = sources.unnamed;
      if (doc == nullptr) {
        std::string names;
        for (const auto& [k, v] : sources.named) names += (names.empty() ? "" : ", ") + k + ":";
        fail("no unnamed --results FILE was given; name the source (" +
             (names.empty() ? std::string("none given") : names) + ")");
        continue;
      }
    } else {
      const auto it = sources.named.find(source);
      if (it == sources.named.end()) {
        std::string names;
        for (const auto& [k, v] : sources.named) names += (names.empty() ? "" : ", ") + k;
        fail("unknown source \"" + source + "\"; --results name=FILE gave: " +
             (names.empty() ? std::string("no named sources") : names));
        continue;
      }
      doc = it->second;
    }
    auto node = resolve_pointer(*doc, pointer);
    if (!node) {
      fail(node.error());
      continue;
    }
    auto formatted = apply_filter(*node.value(), filter);
    if (!formatted) {
      const std::string& why = formatted.error();
      fail(why.starts_with("is ") ? pointer + " " + why : why);
      continue;
    }
    out.text += formatted.value();
  }
  return out;
}

}  // namespace capflow
