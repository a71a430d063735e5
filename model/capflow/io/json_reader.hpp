#pragma once
// Layer io/ — reading and identifying input: the located JSON document and its typed reader,
// exact number parsing, diagnostics (file:line:col + pointer), SHA-256. Uses nothing
// else of capflow.
// (docs/architecture.md; scripts/check-layers enforces it.)
//
// Typed reading of a located JSON document, collecting every problem instead of
// stopping at the first. Each section of a scenario is read with one of these.

#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "capflow/io/diagnostic.hpp"
#include "capflow/io/json_document.hpp"
#include "capflow/io/number.hpp"

namespace capflow {

class JsonReader {
 public:
  explicit JsonReader(Diagnostics& out) : out_(out) {}

  // Records a problem with the value `at`, found at JSON pointer `pointer`.
  void error(const JsonNode& at, const std::string& pointer, std::string message);
  // Records a problem located and worded elsewhere.
  void add(Diagnostic d) { out_.push_back(std::move(d)); }
  // Records a problem about a key (located at the key rather than its value).
  void key_error(const JsonNode& value, const std::string& pointer, std::string message);

  // True if n has the given kind; otherwise records "expected <what>, found <kind>".
  bool expect(const JsonNode& n, const std::string& pointer, JsonNode::Kind kind,
              std::string_view what);
  // Records every member of obj whose key is not in allowed, with a suggestion when a
  // known key is a likely typo. REQUIRES: obj.is_object().
  void check_keys(const JsonNode& obj, const std::string& pointer,
                  std::initializer_list<std::string_view> allowed);

  // Money: a JSON number or a money string (number.hpp). nullopt after recording a problem.
  std::optional<Money> money(const JsonNode& n, const std::string& pointer);
  // Money that must be >= 0 (or > 0 with positive = true).
  std::optional<Money> amount(const JsonNode& n, const std::string& pointer, bool positive = false);
  // A share/rate: number, decimal string or percentage string. Not range-checked.
  std::optional<Rational> rate(const JsonNode& n, const std::string& pointer);
  // A share in [0, 1].
  std::optional<Share> share(const JsonNode& n, const std::string& pointer);
  std::optional<std::string> string(const JsonNode& n, const std::string& pointer);
  std::optional<bool> boolean(const JsonNode& n, const std::string& pointer);

  std::size_t error_count() const { return out_.size(); }

 private:
  Diagnostics& out_;
};

// The candidate closest to word, if one is close enough to be a likely typo (at most two
// edits, and fewer edits than word has characters); "" otherwise. For "did you mean".
std::string closest_match(std::string_view word, const std::vector<std::string_view>& candidates);

// pointer + "/" + escaped key.
std::string child(const std::string& pointer, std::string_view key);
std::string child(const std::string& pointer, std::size_t index);

}  // namespace capflow
