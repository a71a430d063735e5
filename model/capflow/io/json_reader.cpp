#include "capflow/io/json_reader.hpp"

#include <algorithm>
#include <vector>

namespace capflow {
namespace {

std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diag = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      std::size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diag = up;
    }
  }
  return row[b.size()];
}

// "inf", "-Infinity", "NaN": what a program that printed a double may have written.
bool non_finite(std::string_view text) {
  if (!text.empty() && (text.front() == '+' || text.front() == '-')) text.remove_prefix(1);
  std::string lower;
  for (char c : text) lower += static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  return lower == "inf" || lower == "infinity" || lower == "nan";
}

}  // namespace

std::string closest_match(std::string_view word, const std::vector<std::string_view>& candidates) {
  std::string_view best;
  std::size_t best_distance = 3;
  for (std::string_view c : candidates) {
    std::size_t d = edit_distance(word, c);
    if (d < best_distance && d < word.size()) {
      best_distance = d;
      best = c;
    }
  }
  return std::string(best);
}

std::string child(const std::string& pointer, std::string_view key) {
  return pointer + "/" + pointer_token(key);
}

std::string child(const std::string& pointer, std::size_t index) {
  return pointer + "/" + std::to_string(index);
}

void JsonReader::error(const JsonNode& at, const std::string& pointer, std::string message) {
  out_.push_back({at.file, at.pos, pointer, std::move(message)});
}

void JsonReader::key_error(const JsonNode& value, const std::string& pointer, std::string message) {
  out_.push_back({value.file, value.key_pos.line > 0 ? value.key_pos : value.pos, pointer,
                  std::move(message)});
}

bool JsonReader::expect(const JsonNode& n, const std::string& pointer, JsonNode::Kind kind,
                        std::string_view what) {
  if (n.kind == kind) return true;
  error(n, pointer, "expected " + std::string(what) + ", found " + kind_name(n.kind));
  return false;
}

void JsonReader::check_keys(const JsonNode& obj, const std::string& pointer,
                            std::initializer_list<std::string_view> allowed) {
  for (const auto& [key, value] : obj.members) {
    if (std::find(allowed.begin(), allowed.end(), key) != allowed.end()) continue;
    std::string msg = "unknown key \"" + key + "\"";
    std::string best = closest_match(key, std::vector<std::string_view>(allowed));
    if (!best.empty()) {
      msg += "; did you mean \"" + best + "\"?";
    } else {
      msg += "; expected one of:";
      bool first = true;
      for (std::string_view k : allowed) {
        msg += (first ? " " : ", ") + std::string(k);
        first = false;
      }
    }
    key_error(value, child(pointer, key), msg);
  }
}

std::optional<Money> JsonReader::money(const JsonNode& n, const std::string& pointer) {
  if (n.kind != JsonNode::Kind::number && n.kind != JsonNode::Kind::string) {
    error(n, pointer,
          std::string("expected money (a number or a string such as \"1.5B\"), found ") +
              kind_name(n.kind));
    return std::nullopt;
  }
  if (n.is_string() && non_finite(n.text)) {
    error(n, pointer, "\"" + n.text + "\" is not a finite amount; expected money such as \"1.5B\"");
    return std::nullopt;
  }
  auto parsed = parse_money(n.text);
  if (!parsed) {
    error(n, pointer, parsed.error());
    return std::nullopt;
  }
  return std::move(parsed).value();
}

std::optional<Money> JsonReader::amount(const JsonNode& n, const std::string& pointer,
                                        bool positive) {
  auto m = money(n, pointer);
  if (!m) return std::nullopt;
  if (*m < 0 || (positive && *m == 0)) {
    error(n, pointer,
          "expected " + std::string(positive ? "a positive" : "a non-negative") +
              " amount, found " + format_decimal(*m));
    return std::nullopt;
  }
  return m;
}

std::optional<Rational> JsonReader::rate(const JsonNode& n, const std::string& pointer) {
  if (n.kind != JsonNode::Kind::number && n.kind != JsonNode::Kind::string) {
    error(n, pointer,
          std::string("expected a share (0.49, \"0.49\" or \"49%\"), found ") + kind_name(n.kind));
    return std::nullopt;
  }
  if (n.is_string() && non_finite(n.text)) {
    error(n, pointer,
          "\"" + n.text + "\" is not a finite number; expected a number such as 0.49 or \"49%\"");
    return std::nullopt;
  }
  auto parsed = parse_share(n.text);
  if (!parsed) {
    error(n, pointer, parsed.error());
    return std::nullopt;
  }
  return std::move(parsed).value();
}

std::optional<Share> JsonReader::share(const JsonNode& n, const std::string& pointer) {
  auto r = rate(n, pointer);
  if (!r) return std::nullopt;
  if (*r < 0 || *r > 1) {
    error(n, pointer, "share " + format_decimal(*r) + " is outside [0, 1]");
    return std::nullopt;
  }
  return r;
}

std::optional<std::string> JsonReader::string(const JsonNode& n, const std::string& pointer) {
  if (!expect(n, pointer, JsonNode::Kind::string, "a string")) return std::nullopt;
  return n.text;
}

std::optional<bool> JsonReader::boolean(const JsonNode& n, const std::string& pointer) {
  if (!expect(n, pointer, JsonNode::Kind::boolean, "true or false")) return std::nullopt;
  return n.boolean;
}

}  // namespace capflow
