#pragma once
// A JSON document that remembers where each value came from and the exact text of
// each number. Scenario validation needs both: errors point at file:line:col, and
// money is read from the digits, not from a double.

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "capflow/io/diagnostic.hpp"

namespace capflow {

class JsonNode {
 public:
  enum class Kind { null, boolean, number, string, array, object };

  // Defined (as defaults) in json_document.cpp: members holds JsonNodes inside pairs, and
  // clang with libstdc++ rejects instantiating them while JsonNode is still incomplete.
  JsonNode();
  JsonNode(const JsonNode&);
  JsonNode(JsonNode&&) noexcept;
  JsonNode& operator=(const JsonNode&);
  JsonNode& operator=(JsonNode&&) noexcept;
  ~JsonNode();

  Kind kind = Kind::null;
  bool boolean = false;
  std::string text;             // string value, or a number's original text ("0.49", "1e9")
  std::vector<JsonNode> items;  // array elements
  std::vector<std::pair<std::string, JsonNode>> members;  // object members, in file order

  std::string file;   // file the value was read from ("--set" for overrides)
  SourcePos pos;      // start of the value
  SourcePos key_pos;  // start of its key, when it is an object member

  bool is_object() const { return kind == Kind::object; }
  bool is_array() const { return kind == Kind::array; }
  bool is_string() const { return kind == Kind::string; }
  bool is_number() const { return kind == Kind::number; }

  // Member named key, or nullptr. REQUIRES: is_object() (returns nullptr otherwise).
  const JsonNode* find(std::string_view key) const;
  JsonNode* find(std::string_view key);
  // Removes member key if present.
  void erase(std::string_view key);
};

// "object", "array", "string", ... for messages.
const char* kind_name(JsonNode::Kind kind);

// Parses text as one JSON value (RFC 8259; duplicate keys are errors). On failure the
// returned node is null and diagnostics explain where and why.
JsonNode parse_json(std::string_view text, const std::string& file, Diagnostics& diagnostics);

// RFC 7396 JSON Merge Patch: applies patch onto target in place. Values keep the
// location of the file they came from.
void merge_patch(JsonNode& target, const JsonNode& patch);

// Escapes one reference token for a JSON pointer (RFC 6901: "~" → "~0", "/" → "~1").
std::string pointer_token(std::string_view key);

// Compact JSON text of a node (numbers as their original text).
std::string dump(const JsonNode& node);

}  // namespace capflow
