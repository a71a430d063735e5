#include "capflow/io/json_document.hpp"

#include <algorithm>
#include <iterator>
#include <nlohmann/json.hpp>
#include <unordered_map>
#include <unordered_set>

namespace capflow {
namespace {

// Walks the text for nlohmann's lexer and remembers the last character it handed
// over: at every SAX event that is the end of the token just read (or, for numbers,
// the one character of look-ahead), which is how values get their line and column.
class TrackingIterator {
 public:
  using iterator_category = std::forward_iterator_tag;
  using value_type = char;
  using difference_type = std::ptrdiff_t;
  using pointer = const char*;
  using reference = const char&;

  TrackingIterator() = default;
  TrackingIterator(const char* p, const char** last) : p_(p), last_(last) {}
  reference operator*() const {
    *last_ = p_;
    return *p_;
  }
  TrackingIterator& operator++() {
    ++p_;
    return *this;
  }
  TrackingIterator operator++(int) {
    TrackingIterator old = *this;
    ++p_;
    return old;
  }
  bool operator==(const TrackingIterator& o) const { return p_ == o.p_; }
  bool operator!=(const TrackingIterator& o) const { return p_ != o.p_; }

 private:
  const char* p_ = nullptr;
  const char** last_ = nullptr;
};

class LineIndex {
 public:
  explicit LineIndex(std::string_view text) : text_(text) {
    starts_.push_back(0);
    for (std::size_t i = 0; i < text.size(); ++i) {
      if (text[i] == '\n') starts_.push_back(i + 1);
    }
    // A UTF-8 byte order mark is not part of the text a user sees.
    if (text.starts_with("\xEF\xBB\xBF")) bom_ = 3;
  }
  // Line and column (in characters) of offset. Offsets mostly arrive in increasing order
  // (the parser moves forward), so the column is counted on from the previous answer
  // when it is on the same line: a minified file, all on one line, stays linear.
  SourcePos at(std::size_t offset) const {
    offset = std::min(offset, text_.size());
    auto it = std::upper_bound(starts_.begin(), starts_.end(), offset);
    std::size_t line = static_cast<std::size_t>(it - starts_.begin());
    std::size_t start = std::max(starts_[line - 1], line == 1 ? bom_ : 0);
    if (line != cache_line_ || offset < cache_offset_ || cache_offset_ < start) {
      cache_line_ = line;
      cache_offset_ = start;
      cache_column_ = 1;
    }
    // Count characters, not bytes: UTF-8 continuation bytes do not start a column.
    for (std::size_t i = cache_offset_; i < offset; ++i) {
      if ((static_cast<unsigned char>(text_[i]) & 0xC0) != 0x80) ++cache_column_;
    }
    cache_offset_ = offset;
    return {static_cast<int>(line), cache_column_};
  }

 private:
  std::string_view text_;
  std::vector<std::size_t> starts_;
  std::size_t bom_ = 0;
  mutable std::size_t cache_line_ = 0;
  mutable std::size_t cache_offset_ = 0;
  mutable int cache_column_ = 1;
};

// Scenario files nest a handful of levels; anything deeper is not a scenario, and the
// recursive algorithms on JsonNode (copy, merge, destruction) must not run out of stack.
constexpr std::size_t kMaxDepth = 100;

class Builder : public nlohmann::json_sax<nlohmann::json> {
 public:
  Builder(std::string_view text, const std::string& file, const char** last,
          Diagnostics& diagnostics)
      : text_(text), lines_(text), file_(file), last_(last), diagnostics_(diagnostics) {}

  bool null() override { return add(make(JsonNode::Kind::null, token_start(4))); }
  bool boolean(bool val) override {
    JsonNode n = make(JsonNode::Kind::boolean, token_start(val ? 4 : 5));
    n.boolean = val;
    return add(std::move(n));
  }
  // Numbers keep the text of the file ("-0", "0.49", "1E9"), not nlohmann's rendering.
  bool number_integer(number_integer_t) override { return number(); }
  bool number_unsigned(number_unsigned_t) override { return number(); }
  bool number_float(number_float_t, const string_t&) override { return number(); }
  bool string(string_t& val) override {
    JsonNode n = make(JsonNode::Kind::string, string_start());
    n.text = std::move(val);
    return add(std::move(n));
  }
  bool binary(binary_t&) override { return true; }  // not produced by JSON text
  bool start_object(std::size_t) override { return open(JsonNode::Kind::object); }
  bool key(string_t& val) override {
    pending_key_pos_ = lines_.at(string_start());
    pending_duplicate_ = !seen_keys_.back().insert(val).second;
    if (pending_duplicate_) {
      diagnostics_.push_back({file_, pending_key_pos_, pointer_to(val),
                              "duplicate key \"" + val + "\" (each key may appear once)"});
    }
    pending_key_ = std::move(val);
    return true;
  }
  bool end_object() override { return close(); }
  bool start_array(std::size_t) override { return open(JsonNode::Kind::array); }
  bool end_array() override { return close(); }
  bool parse_error(std::size_t position, const std::string& last_token,
                   const nlohmann::detail::exception& ex) override {
    std::string msg = ex.what();
    // nlohmann prefixes its own "[json.exception...] parse error at line L, column C: ";
    // the location is already ours, so keep only the explanation.
    if (auto col = msg.find(", column "); col != std::string::npos) {
      if (auto colon = msg.find(": ", col); colon != std::string::npos) msg = msg.substr(colon + 2);
    }
    // "syntax error while parsing object key - unexpected '}'": the parser's state is
    // jargon; what was unexpected and what was expected is the useful part.
    if (msg.starts_with("syntax error while parsing ")) {
      if (auto dash = msg.find(" - "); dash != std::string::npos) msg = msg.substr(dash + 3);
    }
    // position counts the characters read, the offending one included.
    std::size_t offset = std::min(position > 0 ? position - 1 : 0, text_.size());
    if (ex.id == 406) {
      // "number overflow parsing '1e400'": valid JSON, but beyond any double. Point at
      // the number rather than its last digit, and do not call the text malformed.
      std::size_t start = offset;
      while (start > 0 && is_number_char(text_[start - 1])) --start;
      std::string number(text_.substr(start, offset + 1 - start));
      fail(start, "number " + number + " is out of range");
      return false;
    }
    if (offset < text_.size() && (text_[offset] == '}' || text_[offset] == ']')) {
      std::size_t before = offset;
      while (before > 0 && is_space(text_[before - 1])) --before;
      if (before > 0 && text_[before - 1] == ',') {
        fail(before - 1, std::string("malformed JSON: trailing comma before '") + text_[offset] +
                             "' (JSON allows no comma after the last element)");
        return false;
      }
    }
    if (msg.find("invalid literal") != std::string::npos) {
      if (offset < text_.size() && text_[offset] == '/') {
        fail(offset, "malformed JSON: comments are not allowed in JSON (use a \"notes\" key)");
        return false;
      }
      // The lexer fails inside the word; point at its start. (Its "last read" text is
      // not reset for literals, so it is left out.)
      while (offset > 0 && is_word_char(text_[offset - 1])) --offset;
      fail(offset,
           "malformed JSON: invalid literal; expected true, false, null, a number or a "
           "\"string\" (JSON is case-sensitive and strings take double quotes)");
      return false;
    }
    // "01" reads as the number 0 followed by the number 1.
    std::size_t begin = last_token.size() <= offset + 1 ? offset + 1 - last_token.size() : offset;
    if (msg.starts_with("unexpected number literal") && begin > 0 && text_[begin - 1] == '0' &&
        (begin < 2 || text_[begin - 2] == '-' || !is_number_char(text_[begin - 2]))) {
      fail(begin - 1, "malformed JSON: a JSON number has no leading zeros");
      return false;
    }
    // A value where a ',' or the end of the container belongs: most often a forgotten
    // comma. Point at the start of that value, not its last character.
    bool value_token = false;
    for (const char* token : {"string", "number", "true", "false", "null", "'{'", "'['"}) {
      value_token = value_token || msg.starts_with(std::string("unexpected ") + token);
    }
    if (value_token && (msg.ends_with("expected '}'") || msg.ends_with("expected ']'"))) {
      offset = begin;
      msg += " (a missing comma?)";
    }
    fail(offset, "malformed JSON: " + msg);
    return false;
  }

  bool failed() const { return failed_; }
  JsonNode take_root() { return std::move(root_); }

 private:
  bool number() {
    // The lexer has read one character past the number (the look-ahead) unless the text
    // ended; a number in valid JSON is always preceded by a non-number character.
    std::size_t end = offset_of_last();
    if (end >= text_.size() || is_number_char(text_[end])) end = std::min(end + 1, text_.size());
    std::size_t start = end;
    while (start > 0 && is_number_char(text_[start - 1])) --start;
    JsonNode n = make(JsonNode::Kind::number, start);
    n.text = std::string(text_.substr(start, end - start));
    return add(std::move(n));
  }
  void fail(std::size_t offset, std::string message) {
    diagnostics_.push_back({file_, lines_.at(offset), "", std::move(message)});
    failed_ = true;
  }
  static bool is_number_char(char c) {
    return (c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E';
  }
  static bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }
  static bool is_word_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
  }
  std::size_t offset_of_last() const {
    return *last_ == nullptr ? 0 : static_cast<std::size_t>(*last_ - text_.data());
  }
  // Start of a token of known length that ends at the last character read.
  std::size_t token_start(std::size_t length) const {
    std::size_t end = offset_of_last() + 1;
    return end >= length ? end - length : 0;
  }
  // Start of the string whose closing quote was the last character read: the nearest
  // earlier quote not escaped by an odd run of backslashes.
  std::size_t string_start() const {
    std::size_t close_quote = offset_of_last();
    for (std::size_t i = close_quote; i-- > 0;) {
      if (text_[i] != '"') continue;
      std::size_t slashes = 0;
      for (std::size_t j = i; j-- > 0 && text_[j] == '\\';) ++slashes;
      if (slashes % 2 == 0) return i;
    }
    return 0;
  }
  JsonNode make(JsonNode::Kind kind, std::size_t offset) const {
    JsonNode n;
    n.kind = kind;
    n.file = file_;
    n.pos = lines_.at(offset);
    return n;
  }
  std::string pointer_to(const std::string& key) const {
    std::string p;
    for (std::size_t i = 1; i < stack_.size(); ++i) {
      const JsonNode& parent = stack_[i - 1];
      p += "/" +
           (parent.is_object() ? pointer_token(keys_[i]) : std::to_string(parent.items.size()));
    }
    return p + "/" + pointer_token(key);
  }
  bool add(JsonNode n) {
    if (stack_.empty()) {
      root_ = std::move(n);
      return true;
    }
    JsonNode& parent = stack_.back();
    if (parent.is_object()) {
      n.key_pos = pending_key_pos_;
      if (pending_duplicate_) {
        *parent.find(pending_key_) = std::move(n);  // already reported; last one wins
        pending_duplicate_ = false;
      } else {
        parent.members.emplace_back(std::move(pending_key_), std::move(n));
      }
    } else {
      parent.items.push_back(std::move(n));
    }
    return true;
  }
  bool open(JsonNode::Kind kind) {
    if (stack_.size() >= kMaxDepth) {
      fail(offset_of_last(), "nesting deeper than " + std::to_string(kMaxDepth) +
                                 " levels of arrays and objects; a scenario needs far fewer");
      return false;
    }
    stack_.push_back(make(kind, offset_of_last()));
    keys_.push_back(std::move(pending_key_));
    key_positions_.push_back(pending_key_pos_);
    duplicates_.push_back(pending_duplicate_);
    seen_keys_.emplace_back();
    pending_duplicate_ = false;
    return true;
  }
  bool close() {
    JsonNode done = std::move(stack_.back());
    stack_.pop_back();
    // The container is stored under the key that was pending when it opened.
    pending_key_ = std::move(keys_.back());
    pending_key_pos_ = key_positions_.back();
    pending_duplicate_ = duplicates_.back();
    keys_.pop_back();
    key_positions_.pop_back();
    duplicates_.pop_back();
    seen_keys_.pop_back();
    return add(std::move(done));
  }

  std::string_view text_;
  LineIndex lines_;
  const std::string& file_;
  const char** last_;
  Diagnostics& diagnostics_;
  std::vector<JsonNode> stack_;
  std::vector<std::string> keys_;  // keys_[i]: key of stack_[i] in stack_[i - 1]
  std::vector<SourcePos> key_positions_;
  std::vector<bool> duplicates_;  // whether stack_[i]'s key repeats an earlier one
  std::vector<std::unordered_set<std::string>> seen_keys_;  // keys of stack_[i] so far
  std::string pending_key_;
  SourcePos pending_key_pos_;
  bool pending_duplicate_ = false;
  JsonNode root_;
  bool failed_ = false;
};

}  // namespace

JsonNode::JsonNode() = default;
JsonNode::JsonNode(const JsonNode&) = default;
JsonNode::JsonNode(JsonNode&&) noexcept = default;
JsonNode& JsonNode::operator=(const JsonNode&) = default;
JsonNode& JsonNode::operator=(JsonNode&&) noexcept = default;
JsonNode::~JsonNode() = default;

const JsonNode* JsonNode::find(std::string_view key) const {
  for (const auto& [k, v] : members) {
    if (k == key) return &v;
  }
  return nullptr;
}

JsonNode* JsonNode::find(std::string_view key) {
  for (auto& [k, v] : members) {
    if (k == key) return &v;
  }
  return nullptr;
}

void JsonNode::erase(std::string_view key) {
  std::erase_if(members, [&](const auto& m) { return m.first == key; });
}

const char* kind_name(JsonNode::Kind kind) {
  switch (kind) {
    case JsonNode::Kind::null:
      return "null";
    case JsonNode::Kind::boolean:
      return "boolean";
    case JsonNode::Kind::number:
      return "number";
    case JsonNode::Kind::string:
      return "string";
    case JsonNode::Kind::array:
      return "array";
    case JsonNode::Kind::object:
      return "object";
  }
  return "value";
}

JsonNode parse_json(std::string_view text, const std::string& file, Diagnostics& diagnostics) {
  std::string_view content = text.starts_with("\xEF\xBB\xBF") ? text.substr(3) : text;
  if (content.find_first_not_of(" \t\r\n") == std::string_view::npos) {
    diagnostics.push_back({file, {1, 1}, "", "the file is empty; expected a JSON object"});
    return JsonNode{};
  }
  const char* last = nullptr;
  Builder builder(text, file, &last, diagnostics);
  TrackingIterator first(text.data(), &last);
  TrackingIterator end(text.data() + text.size(), &last);
  bool ok = nlohmann::json::sax_parse(first, end, &builder);
  if (!ok || builder.failed()) return JsonNode{};
  return builder.take_root();
}

void merge_patch(JsonNode& target, const JsonNode& patch) {
  if (!patch.is_object()) {
    // The value and its key's position both come from the patch: a location must not
    // pair one file's name with another file's line.
    target = patch;
    return;
  }
  if (!target.is_object()) {
    target = JsonNode{};
    target.kind = JsonNode::Kind::object;
    target.file = patch.file;
    target.pos = patch.pos;
    target.key_pos = patch.key_pos;
  }
  // Members by key, so that merging two large objects is not quadratic.
  std::unordered_map<std::string, std::size_t> index;
  for (std::size_t i = 0; i < target.members.size(); ++i) index.emplace(target.members[i].first, i);
  std::vector<bool> removed(target.members.size(), false);
  for (const auto& [key, value] : patch.members) {
    auto it = index.find(key);
    if (value.kind == JsonNode::Kind::null) {
      if (it != index.end()) removed[it->second] = true;  // RFC 7396: null removes
      continue;
    }
    if (it == index.end()) {
      target.members.emplace_back(key, JsonNode{});
      target.members.back().second.key_pos = value.key_pos;
      removed.push_back(false);
      it = index.emplace(key, target.members.size() - 1).first;
    }
    merge_patch(target.members[it->second].second, value);
  }
  std::size_t kept = 0;
  for (std::size_t i = 0; i < target.members.size(); ++i) {
    if (removed[i]) continue;
    if (kept != i) target.members[kept] = std::move(target.members[i]);
    ++kept;
  }
  target.members.resize(kept);
}

std::string pointer_token(std::string_view key) {
  std::string out;
  for (char c : key) {
    if (c == '~') {
      out += "~0";
    } else if (c == '/') {
      out += "~1";
    } else {
      out += c;
    }
  }
  return out;
}

std::string dump(const JsonNode& node) {
  switch (node.kind) {
    case JsonNode::Kind::null:
      return "null";
    case JsonNode::Kind::boolean:
      return node.boolean ? "true" : "false";
    case JsonNode::Kind::number:
      return node.text;
    case JsonNode::Kind::string:
      return nlohmann::json(node.text).dump();
    case JsonNode::Kind::array: {
      std::string out = "[";
      for (std::size_t i = 0; i < node.items.size(); ++i) {
        if (i > 0) out += ",";
        out += dump(node.items[i]);
      }
      return out + "]";
    }
    case JsonNode::Kind::object: {
      std::string out = "{";
      bool first = true;
      for (const auto& [k, v] : node.members) {
        if (!first) out += ",";
        first = false;
        out += nlohmann::json(k).dump() + ":" + dump(v);
      }
      return out + "}";
    }
  }
  return "null";
}

}  // namespace capflow
