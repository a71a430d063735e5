#include "capflow/json_document.hpp"

#include <algorithm>
#include <iterator>
#include <nlohmann/json.hpp>

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
  }
  SourcePos at(std::size_t offset) const {
    offset = std::min(offset, text_.size());
    auto it = std::upper_bound(starts_.begin(), starts_.end(), offset);
    std::size_t line = static_cast<std::size_t>(it - starts_.begin());
    std::size_t start = starts_[line - 1];
    int column = 1;
    // Count characters, not bytes: UTF-8 continuation bytes do not start a column.
    for (std::size_t i = start; i < offset; ++i) {
      if ((static_cast<unsigned char>(text_[i]) & 0xC0) != 0x80) ++column;
    }
    return {static_cast<int>(line), column};
  }

 private:
  std::string_view text_;
  std::vector<std::size_t> starts_;
};

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
  bool number_integer(number_integer_t val) override { return number(std::to_string(val)); }
  bool number_unsigned(number_unsigned_t val) override { return number(std::to_string(val)); }
  bool number_float(number_float_t, const string_t& s) override { return number(s); }
  bool string(string_t& val) override {
    JsonNode n = make(JsonNode::Kind::string, string_start());
    n.text = std::move(val);
    return add(std::move(n));
  }
  bool binary(binary_t&) override { return true; }  // not produced by JSON text
  bool start_object(std::size_t) override { return open(JsonNode::Kind::object); }
  bool key(string_t& val) override {
    JsonNode& obj = stack_.back();
    pending_key_pos_ = lines_.at(string_start());
    if (obj.find(val) != nullptr) {
      diagnostics_.push_back({file_, pending_key_pos_, pointer_to(val),
                              "duplicate key \"" + val + "\" (each key may appear once)"});
    }
    pending_key_ = std::move(val);
    return true;
  }
  bool end_object() override { return close(); }
  bool start_array(std::size_t) override { return open(JsonNode::Kind::array); }
  bool end_array() override { return close(); }
  bool parse_error(std::size_t position, const std::string&,
                   const nlohmann::detail::exception& ex) override {
    std::string msg = ex.what();
    // nlohmann prefixes its own "[json.exception...] parse error at line L, column C: ";
    // the location is already ours, so keep only the explanation.
    if (auto col = msg.find(", column "); col != std::string::npos) {
      if (auto colon = msg.find(": ", col); colon != std::string::npos) msg = msg.substr(colon + 2);
    }
    std::size_t offset = position > 0 ? position - 1 : 0;
    diagnostics_.push_back({file_, lines_.at(offset), "", "malformed JSON: " + msg});
    failed_ = true;
    return false;
  }

  bool failed() const { return failed_; }
  JsonNode take_root() { return std::move(root_); }

 private:
  bool number(const std::string& raw) {
    // The lexer has read one character past the number unless the text ended.
    std::size_t end = offset_of_last();
    if (end < text_.size() && !is_number_char(text_[end])) {
      // end is the look-ahead character
    } else {
      end = std::min(end + 1, text_.size());
    }
    std::size_t start = end >= raw.size() ? end - raw.size() : 0;
    JsonNode n = make(JsonNode::Kind::number, start);
    n.text = raw;
    return add(std::move(n));
  }
  static bool is_number_char(char c) {
    return (c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E';
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
      p += "/" + (parent.is_object() ? pointer_token(keys_[i])
                                     : std::to_string(parent.items.size()));
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
      if (JsonNode* existing = parent.find(pending_key_)) {
        *existing = std::move(n);  // duplicate: already reported; last one wins
      } else {
        parent.members.emplace_back(std::move(pending_key_), std::move(n));
      }
    } else {
      parent.items.push_back(std::move(n));
    }
    return true;
  }
  bool open(JsonNode::Kind kind) {
    stack_.push_back(make(kind, offset_of_last()));
    keys_.push_back(std::move(pending_key_));
    key_positions_.push_back(pending_key_pos_);
    return true;
  }
  bool close() {
    JsonNode done = std::move(stack_.back());
    stack_.pop_back();
    // The container is stored under the key that was pending when it opened.
    pending_key_ = std::move(keys_.back());
    pending_key_pos_ = key_positions_.back();
    keys_.pop_back();
    key_positions_.pop_back();
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
  std::string pending_key_;
  SourcePos pending_key_pos_;
  JsonNode root_;
  bool failed_ = false;
};

}  // namespace

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
    case JsonNode::Kind::null: return "null";
    case JsonNode::Kind::boolean: return "boolean";
    case JsonNode::Kind::number: return "number";
    case JsonNode::Kind::string: return "string";
    case JsonNode::Kind::array: return "array";
    case JsonNode::Kind::object: return "object";
  }
  return "value";
}

JsonNode parse_json(std::string_view text, const std::string& file, Diagnostics& diagnostics) {
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
    SourcePos key_pos = target.key_pos;
    target = patch;
    target.key_pos = key_pos.line > 0 ? key_pos : patch.key_pos;
    return;
  }
  if (!target.is_object()) {
    target = JsonNode{};
    target.kind = JsonNode::Kind::object;
    target.file = patch.file;
    target.pos = patch.pos;
    target.key_pos = patch.key_pos;
  }
  for (const auto& [key, value] : patch.members) {
    if (value.kind == JsonNode::Kind::null) {
      target.erase(key);
      continue;
    }
    JsonNode* slot = target.find(key);
    if (slot == nullptr) {
      target.members.emplace_back(key, JsonNode{});
      slot = &target.members.back().second;
      slot->key_pos = value.key_pos;
    }
    merge_patch(*slot, value);
  }
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
    case JsonNode::Kind::null: return "null";
    case JsonNode::Kind::boolean: return node.boolean ? "true" : "false";
    case JsonNode::Kind::number: return node.text;
    case JsonNode::Kind::string: return nlohmann::json(node.text).dump();
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
