#include "capflow/terms/scenario.hpp"

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <map>
#include <tuple>

#include "capflow/io/input_file.hpp"
#include "capflow/io/json_reader.hpp"
#include "capflow/io/sha256.hpp"

namespace capflow {
namespace {

namespace fs = std::filesystem;

// An "extends" chain deeper than this is a mistake (or an attack on the stack): real
// scenarios extend one or two presets.
constexpr std::size_t kMaxExtendsDepth = 32;

// Reads a whole scenario file (io/input_file: regular files only, bounded, UTF-8).
// Problems are reported against the file itself, or, for a file named by "extends",
// against that "extends" value (referrer).
std::optional<std::string> read_file(const std::string& path, const std::string& display,
                                     Diagnostics& diags, const JsonNode* referrer) {
  InputText in = read_input(path, InputKind::scenario, referrer == nullptr);
  if (in.text) return std::move(in.text);
  const InputFailure& f = in.failure;
  if (f.pos.line > 0) {
    diags.push_back({display, f.pos, "", f.reason});
  } else if (referrer != nullptr) {
    diags.push_back({referrer->file, referrer->pos, "/extends",
                     "cannot read \"" + display + "\": " + f.reason});
  } else {
    diags.push_back({display, {}, "", "cannot read the scenario file: " + f.reason});
  }
  return std::nullopt;
}

struct Resolver {
  Diagnostics& diags;
  std::vector<std::string> chain;  // canonical paths being loaded, outermost first
  std::vector<std::string> chain_display;
  // The outermost document's text when it comes from memory, not from `path`.
  const std::string* root_text = nullptr;
  std::vector<std::string> read;  // the files read, in order

  // Loads `path` and everything it extends. Returns nullopt after recording a problem that
  // leaves nothing to validate; problems that do not (a duplicate key) are recorded too.
  std::optional<JsonNode> load(const std::string& path, const std::string& display,
                               const JsonNode* referrer) {
    std::error_code ec;
    std::string canonical = fs::weakly_canonical(path, ec).string();
    if (ec) canonical = path;
    if (std::find(chain.begin(), chain.end(), canonical) != chain.end()) {
      std::string cycle;
      for (const auto& d : chain_display) cycle += d + " -> ";
      diags.push_back(
          {referrer->file, referrer->pos, "/extends", "\"extends\" cycle: " + cycle + display});
      return std::nullopt;
    }
    if (chain.size() >= kMaxExtendsDepth) {
      std::string links;
      for (const auto& d : chain_display) links += d + " -> ";
      diags.push_back({referrer->file, referrer->pos, "/extends",
                       "\"extends\" chain deeper than " + std::to_string(kMaxExtendsDepth) +
                           " files: " + links + display});
      return std::nullopt;
    }
    std::optional<std::string> text;
    if (referrer == nullptr && root_text != nullptr) {
      // Text from memory (load_scenario_text) is checked as a file's would be.
      if (auto bad = check_text(*root_text)) {
        diags.push_back({display, bad->pos, "", bad->reason});
        return std::nullopt;
      }
      text = *root_text;
    } else {
      text = read_file(path, display, diags, referrer);
      read.push_back(path);
    }
    if (!text) return std::nullopt;
    std::size_t before = diags.size();
    JsonNode doc = parse_json(*text, display, diags);
    // A document that failed to parse comes back as null; `null` itself parses cleanly.
    if (doc.kind == JsonNode::Kind::null && diags.size() != before) return std::nullopt;
    if (!doc.is_object()) {
      diags.push_back(
          {display, doc.pos, "",
           std::string("expected a scenario object { ... }, found ") + kind_name(doc.kind)});
      return std::nullopt;
    }
    const JsonNode* extends = doc.find("extends");
    if (extends == nullptr) return doc;
    if (!extends->is_string() || extends->text.empty()) {
      diags.push_back({display, extends->pos, "/extends",
                       "expected the path of the scenario to extend, as a string"});
      return std::nullopt;
    }
    fs::path base_path = fs::path(path).parent_path() / extends->text;
    // Shown to the user: "dir/../base.json" reads better as "base.json".
    std::string base_display =
        (fs::path(display).parent_path() / extends->text).lexically_normal().string();
    chain.push_back(canonical);
    chain_display.push_back(display);
    std::optional<JsonNode> base = load(base_path.string(), base_display, extends);
    chain.pop_back();
    chain_display.pop_back();
    if (!base) return std::nullopt;
    doc.erase("extends");
    merge_patch(*base, doc);
    return base;
  }
};

// "a, b, c" of an object's keys, for messages (the first few only).
std::string key_list(const JsonNode& obj) {
  std::string out;
  std::size_t shown = 0;
  for (const auto& [k, v] : obj.members) {
    if (shown++ == 10) return out + ", ...";
    out += (out.empty() ? "" : ", ") + k;
  }
  return out.empty() ? "no keys" : out;
}

void apply_override(JsonNode& root, const Override& o, Diagnostics& diags) {
  const std::string from = " (from --set " + o.path + ")";
  if (!o.path.starts_with("/") && o.path.find('/') != std::string::npos) {
    diags.push_back({"--set",
                     {},
                     "",
                     "\"" + o.path +
                         "\" is neither a JSON pointer (those start with '/') nor a "
                         "dotted path; did you mean /" +
                         o.path + "?"});
    return;
  }
  Diagnostics ignored;
  JsonNode value = parse_json(o.value, "--set", ignored);
  if (!ignored.empty()) {
    value = JsonNode{};
    value.kind = JsonNode::Kind::string;
    value.text = o.value;
  }
  // Overridden values have no place in a file; their key position is cleared too, so no
  // message pairs "--set" with a line of the scenario file.
  auto stamp = [](JsonNode& n, auto& self) -> void {
    n.file = "--set";
    n.pos = {};
    n.key_pos = {};
    for (auto& item : n.items) self(item, self);
    for (auto& [k, v] : n.members) self(v, self);
  };
  stamp(value, stamp);
  std::vector<std::string> tokens = split_path(o.path);
  JsonNode* node = &root;
  std::string ptr;
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    const std::string& t = tokens[i];
    bool last = i + 1 == tokens.size();
    std::string here = ptr + "/" + pointer_token(t);
    if (node->is_object()) {
      JsonNode* next = node->find(t);
      if (last && value.kind == JsonNode::Kind::null) {
        node->erase(t);  // as in a merge patch, null removes the value
        return;
      }
      if (next == nullptr) {
        if (!last) {
          std::vector<std::string_view> keys;
          for (const auto& m : node->members) keys.push_back(m.first);
          std::string best = closest_match(t, keys);
          diags.push_back({"--set",
                           {},
                           here,
                           "no such value in the scenario" + from +
                               (best.empty() ? "; " + (ptr.empty() ? "the scenario" : ptr) +
                                                   " has " + key_list(*node)
                                             : "; did you mean \"" + best + "\"?")});
          return;
        }
        node->members.emplace_back(t, value);
        return;
      }
      node = next;
    } else if (node->is_array()) {
      if (last && t == "-") {
        node->items.push_back(value);
        return;
      }
      bool numeric = !t.empty() && t.size() < 10 &&
                     std::all_of(t.begin(), t.end(), [](char c) { return c >= '0' && c <= '9'; });
      std::size_t index = numeric ? std::stoul(t) : 0;
      std::string range = node->items.empty()
                              ? "the array is empty"
                              : "the array has " + std::to_string(node->items.size()) +
                                    " elements, 0 to " + std::to_string(node->items.size() - 1);
      if (!numeric || index >= node->items.size()) {
        diags.push_back(
            {"--set",
             {},
             here,
             (numeric ? "no element " + t : "expected an array index, found \"" + t + "\"") + "; " +
                 range + from});
        return;
      }
      node = &node->items[index];
    } else {
      diags.push_back(
          {"--set",
           {},
           ptr,
           std::string("is a ") + kind_name(node->kind) + ", so it has no \"" + t + "\"" + from});
      return;
    }
    ptr = here;
  }
  *node = value;
}

void read_sources(const JsonNode& n, JsonReader& reader) {
  if (!reader.expect(n, "/sources", JsonNode::Kind::array, "an array of source entries")) return;
  for (std::size_t i = 0; i < n.items.size(); ++i) {
    const JsonNode& e = n.items[i];
    std::string p = child("/sources", i);
    if (!reader.expect(e, p, JsonNode::Kind::object, "a source entry object")) continue;
    reader.check_keys(e, p, {"figure", "value", "source", "confidence", "assumption", "notes"});
    if (e.find("figure") == nullptr)
      reader.error(e, p, "missing \"figure\": what the entry is about");
    if (e.find("source") == nullptr && e.find("assumption") == nullptr) {
      reader.error(e, p, "give \"source\" (where the figure comes from) or \"assumption\": true");
    }
    for (const char* key : {"figure", "source"}) {
      if (const JsonNode* s = e.find(key)) reader.string(*s, child(p, key));
    }
    if (const JsonNode* c = e.find("confidence")) {
      auto s = reader.string(*c, child(p, "confidence"));
      if (s && *s != "H" && *s != "M" && *s != "L") {
        reader.error(*c, child(p, "confidence"), "expected \"H\", \"M\" or \"L\"");
      }
    }
    if (const JsonNode* a = e.find("assumption")) reader.boolean(*a, child(p, "assumption"));
  }
}

}  // namespace

std::vector<std::string> split_path(const std::string& path) {
  std::vector<std::string> tokens;
  if (path.starts_with("/")) {
    std::string token;
    for (std::size_t i = 1; i <= path.size(); ++i) {
      if (i == path.size() || path[i] == '/') {
        tokens.push_back(token);
        token.clear();
      } else if (path[i] == '~' && i + 1 < path.size() &&
                 (path[i + 1] == '0' || path[i + 1] == '1')) {
        token += path[i + 1] == '0' ? '~' : '/';
        ++i;
      } else {
        token += path[i];
      }
    }
  } else {
    std::string token;
    for (char c : path) {
      if (c == '.') {
        tokens.push_back(token);
        token.clear();
      } else {
        token += c;
      }
    }
    tokens.push_back(token);
  }
  return tokens;
}

std::optional<Override> parse_override(const std::string& text) {
  auto eq = text.find('=');
  if (eq == std::string::npos || eq == 0) return std::nullopt;
  return Override{text.substr(0, eq), text.substr(eq + 1)};
}

namespace {

// Puts diagnostics in reading order: grouped by file (the file the user named first,
// then the others as they first appear: --set, files it extends), then by line and
// column; problems without a position come first in their file.
void order_by_location(Diagnostics& diags, const std::string& path) {
  std::map<std::string, std::size_t> file_rank{{path, 0}};
  for (const auto& d : diags) file_rank.emplace(d.file, file_rank.size());
  std::stable_sort(diags.begin(), diags.end(), [&](const Diagnostic& a, const Diagnostic& b) {
    auto key = [&](const Diagnostic& d) {
      return std::tuple(file_rank.at(d.file), d.pos.line, d.pos.column);
    };
    return key(a) < key(b);
  });
}

LoadResult load_unordered(const std::string& path, const std::vector<Override>& overrides,
                          const std::string* text);

}  // namespace

LoadResult load_scenario(const std::string& path, const std::vector<Override>& overrides) {
  LoadResult result = load_unordered(path, overrides, nullptr);
  order_by_location(result.diagnostics, path);
  return result;
}

LoadResult load_scenario_text(const std::string& text, const std::string& name,
                              const std::vector<Override>& overrides) {
  LoadResult result = load_unordered(name, overrides, &text);
  order_by_location(result.diagnostics, name);
  return result;
}

namespace {

LoadResult load_unordered(const std::string& path, const std::vector<Override>& overrides,
                          const std::string* text) {
  LoadResult result;
  Diagnostics& diags = result.diagnostics;
  Resolver resolver{diags, {}, {}, text, {}};
  std::optional<JsonNode> loaded = resolver.load(path, path, nullptr);
  result.files = resolver.read;
  if (!loaded) return result;
  // Duplicate keys and bad --set paths are reported, and the rest is still validated.
  JsonNode doc = std::move(*loaded);
  for (const auto& o : overrides) {
    // Every string capflow writes back out (documents, reports) must be valid UTF-8.
    if (!is_valid_utf8(o.path) || !is_valid_utf8(o.value)) {
      diags.push_back({"--set", {}, "", "the override is not valid UTF-8"});
      continue;
    }
    apply_override(doc, o, diags);
  }

  JsonReader reader(diags);
  reader.check_keys(doc, "",
                    {"schema", "title", "description", "notes", "sources", "holders", "waterfall",
                     "projection", "rounds", "conversion", "uncertainty"});
  Scenario s;
  s.file = path;
  if (const JsonNode* n = doc.find("schema")) {
    auto v = reader.string(*n, "/schema");
    if (v && *v != kScenarioSchema) {
      reader.error(*n, "/schema",
                   "unsupported schema \"" + *v + "\"; expected \"" + kScenarioSchema + "\"");
    }
  } else {
    reader.error(doc, "", std::string("missing \"schema\": expected \"") + kScenarioSchema + "\"");
  }
  if (const JsonNode* n = doc.find("title")) {
    if (auto v = reader.string(*n, "/title")) s.title = *v;
  }
  if (const JsonNode* n = doc.find("description")) {
    if (auto v = reader.string(*n, "/description")) s.description = *v;
  }
  if (const JsonNode* n = doc.find("sources")) read_sources(*n, reader);
  const JsonNode* holders = doc.find("holders");
  const JsonNode* waterfall = doc.find("waterfall");
  if (holders == nullptr)
    reader.error(doc, "", "missing \"holders\": expected an object of holders");
  if (waterfall == nullptr) {
    reader.error(doc, "", "missing \"waterfall\": expected an object with \"tiers\"");
  }
  if (holders != nullptr && waterfall != nullptr) {
    // Without rounds or a projection nothing can fund a multiple cap on nothing invested;
    // saying so now keeps it in the list when the waterfall has other problems too.
    bool funding_possible = doc.find("rounds") != nullptr || doc.find("projection") != nullptr;
    if (auto spec = read_waterfall_spec(*holders, *waterfall, reader, funding_possible)) {
      s.waterfall = std::move(*spec);
      s.projection = read_projection_spec(doc.find("projection"), doc.find("rounds"),
                                          doc.find("conversion"), s.waterfall, reader);
      if (s.projection) {
        s.uncertainty =
            read_uncertainty_spec(doc.find("uncertainty"), *s.projection, s.waterfall, doc, reader);
      } else if (const JsonNode* u = doc.find("uncertainty");
                 u != nullptr && doc.find("projection") == nullptr) {
        // A projection that is there but has problems was reported already: its
        // dependants are not reported again as missing it.
        reader.error(*u, "/uncertainty",
                     "\"uncertainty\" needs a \"projection\" (the model each path runs)");
      }
      // With a broken projection the rounds are unknown: no follow-on error then.
      const bool rounds_known = s.projection.has_value() || doc.find("projection") == nullptr;
      for (const auto& [h, problem] : s.waterfall.multiple_of_nothing) {
        if (!rounds_known) break;
        bool funded = false;
        if (s.projection) {
          for (const auto& r : s.projection->rounds) funded = funded || r.joins == h;
          funded = funded || s.projection->funding.holder == h;
        }
        if (!funded) diags.push_back(problem);
      }
    }
  }
  if (!diags.empty()) return result;
  s.content_sha256 = sha256_hex(dump(doc));
  s.files = result.files;
  s.document = std::move(doc);
  result.scenario = std::move(s);
  return result;
}

}  // namespace

}  // namespace capflow
