#include "capflow/scenario.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "capflow/json_reader.hpp"
#include "capflow/sha256.hpp"

namespace capflow {
namespace {

namespace fs = std::filesystem;

// Scenario files are hand-written; anything this large is a wrong path, not a scenario.
constexpr std::uintmax_t kMaxScenarioBytes = 16u << 20;

std::optional<std::string> read_file(const std::string& path, const std::string& display,
                                     Diagnostics& diags, const JsonNode* referrer) {
  auto report = [&](std::string msg) {
    if (referrer != nullptr) {
      diags.push_back({referrer->file, referrer->pos, "/extends", msg});
    } else {
      diags.push_back({display, {}, "", msg});
    }
  };
  std::error_code ec;
  if (fs::is_directory(path, ec)) {
    report("cannot read \"" + display + "\": it is a directory, expected a scenario file");
    return std::nullopt;
  }
  auto size = fs::file_size(path, ec);
  if (!ec && size > kMaxScenarioBytes) {
    report("cannot read \"" + display + "\": " + std::to_string(size) +
           " bytes is too large for a scenario file (limit 16 MiB)");
    return std::nullopt;
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    report("cannot read \"" + display + "\": " + std::strerror(errno));
    return std::nullopt;
  }
  std::ostringstream buf;
  buf << in.rdbuf();
  return buf.str();
}

struct Resolver {
  Diagnostics& diags;
  std::vector<std::string> chain;  // canonical paths being loaded, outermost first
  std::vector<std::string> chain_display;

  // Loads `path` and everything it extends. Returns a null node after recording problems.
  JsonNode load(const std::string& path, const std::string& display, const JsonNode* referrer) {
    std::error_code ec;
    std::string canonical = fs::weakly_canonical(path, ec).string();
    if (ec) canonical = path;
    if (std::find(chain.begin(), chain.end(), canonical) != chain.end()) {
      std::string cycle;
      for (const auto& d : chain_display) cycle += d + " -> ";
      diags.push_back({referrer->file, referrer->pos, "/extends",
                       "\"extends\" cycle: " + cycle + display});
      return {};
    }
    auto text = read_file(path, display, diags, referrer);
    if (!text) return {};
    std::size_t before = diags.size();
    JsonNode doc = parse_json(*text, display, diags);
    if (diags.size() != before) return {};
    if (!doc.is_object()) {
      diags.push_back({display, doc.pos, "",
                       std::string("expected a scenario object, found ") + kind_name(doc.kind)});
      return {};
    }
    const JsonNode* extends = doc.find("extends");
    if (extends == nullptr) return doc;
    if (!extends->is_string() || extends->text.empty()) {
      diags.push_back({display, extends->pos, "/extends",
                       "expected the path of the scenario to extend, as a string"});
      return {};
    }
    fs::path base_path = fs::path(path).parent_path() / extends->text;
    std::string base_display = (fs::path(display).parent_path() / extends->text).string();
    chain.push_back(canonical);
    chain_display.push_back(display);
    JsonNode base = load(base_path.string(), base_display, extends);
    chain.pop_back();
    chain_display.pop_back();
    if (base.kind == JsonNode::Kind::null) return {};
    doc.erase("extends");
    merge_patch(base, doc);
    return base;
  }
};

std::vector<std::string> split_path(const std::string& path) {
  std::vector<std::string> tokens;
  if (path.starts_with("/")) {
    std::string token;
    for (std::size_t i = 1; i <= path.size(); ++i) {
      if (i == path.size() || path[i] == '/') {
        tokens.push_back(token);
        token.clear();
      } else if (path[i] == '~' && i + 1 < path.size() && (path[i + 1] == '0' || path[i + 1] == '1')) {
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

void apply_override(JsonNode& root, const Override& o, Diagnostics& diags) {
  Diagnostics ignored;
  JsonNode value = parse_json(o.value, "--set", ignored);
  if (!ignored.empty()) {
    value = JsonNode{};
    value.kind = JsonNode::Kind::string;
    value.text = o.value;
  }
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
      if (next == nullptr) {
        if (!last) {
          diags.push_back({"--set", {}, here, "no such value in the scenario (from --set " +
                                                  o.path + "); check the path"});
          return;
        }
        node->members.emplace_back(t, value);
        return;
      }
      node = next;
    } else if (node->is_array()) {
      bool numeric = !t.empty() && std::all_of(t.begin(), t.end(), [](char c) {
        return c >= '0' && c <= '9';
      });
      std::size_t index = numeric && t.size() < 10 ? std::stoul(t) : node->items.size() + 1;
      if (last && t == "-") {
        node->items.push_back(value);
        return;
      }
      if (index >= node->items.size()) {
        diags.push_back({"--set", {}, here,
                         "no element " + t + " in an array of " +
                             std::to_string(node->items.size()) + " (from --set " + o.path + ")"});
        return;
      }
      node = &node->items[index];
    } else {
      diags.push_back({"--set", {}, ptr,
                       std::string("cannot descend into a ") + kind_name(node->kind) +
                           " (from --set " + o.path + ")"});
      return;
    }
    ptr = here;
  }
  value.key_pos = node->key_pos;
  *node = value;
}

void read_sources(const JsonNode& n, JsonReader& reader) {
  if (!reader.expect(n, "/sources", JsonNode::Kind::array, "an array of source entries")) return;
  for (std::size_t i = 0; i < n.items.size(); ++i) {
    const JsonNode& e = n.items[i];
    std::string p = child("/sources", i);
    if (!reader.expect(e, p, JsonNode::Kind::object, "a source entry object")) continue;
    reader.check_keys(e, p, {"figure", "value", "source", "confidence", "assumption", "notes"});
    if (e.find("figure") == nullptr) reader.error(e, p, "missing \"figure\": what the entry is about");
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

std::optional<Override> parse_override(const std::string& text) {
  auto eq = text.find('=');
  if (eq == std::string::npos || eq == 0) return std::nullopt;
  return Override{text.substr(0, eq), text.substr(eq + 1)};
}

LoadResult load_scenario(const std::string& path, const std::vector<Override>& overrides) {
  LoadResult result;
  Diagnostics& diags = result.diagnostics;
  Resolver resolver{diags, {}, {}};
  JsonNode doc = resolver.load(path, path, nullptr);
  if (!diags.empty()) return result;
  for (const auto& o : overrides) apply_override(doc, o, diags);
  if (!diags.empty()) return result;

  JsonReader reader(diags);
  reader.check_keys(doc, "", {"schema", "title", "description", "notes", "sources", "holders",
                              "waterfall", "projection", "rounds", "conversion", "uncertainty"});
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
  if (holders == nullptr) reader.error(doc, "", "missing \"holders\": expected an object of holders");
  if (waterfall == nullptr) {
    reader.error(doc, "", "missing \"waterfall\": expected an object with \"tiers\"");
  }
  if (holders != nullptr && waterfall != nullptr) {
    if (auto spec = read_waterfall_spec(*holders, *waterfall, reader)) {
      s.waterfall = std::move(*spec);
      s.projection = read_projection_spec(doc.find("projection"), doc.find("rounds"),
                                          doc.find("conversion"), s.waterfall, reader);
      if (s.projection) {
        s.uncertainty = read_uncertainty_spec(doc.find("uncertainty"), *s.projection, s.waterfall,
                                              doc, reader);
      } else if (const JsonNode* u = doc.find("uncertainty")) {
        reader.error(*u, "/uncertainty", "\"uncertainty\" needs a \"projection\" (the model each path runs)");
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
  s.document = std::move(doc);
  result.scenario = std::move(s);
  return result;
}

}  // namespace capflow
