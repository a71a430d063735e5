#include "capflow/terms/waterfall_spec.hpp"

#include <algorithm>
#include <string_view>
#include <tuple>

namespace capflow {
namespace {

bool valid_holder_id(const std::string& id) {
  return !id.empty() && std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '-' || c == '.';
  });
}

// Far more holders and tiers than any capital structure has; the limits keep a runaway
// file (holders x tiers shares) from exhausting memory.
constexpr std::size_t kMaxHolders = 1000;
constexpr std::size_t kMaxTiers = 1000;

// "unknown holder "msft"; did you mean "microsoft"?" or "...; holders are: a, b".
std::string unknown_holder(const std::string& id, const std::vector<Holder>& holders) {
  std::string msg = "unknown holder \"" + id + "\"";
  std::vector<std::string_view> ids;
  for (const auto& h : holders) ids.push_back(h.id);
  std::string best = closest_match(id, ids);
  if (!best.empty()) return msg + "; did you mean \"" + best + "\"?";
  if (holders.empty()) return msg + "; no holders are defined";
  msg += "; holders are: ";
  for (std::size_t i = 0; i < holders.size(); ++i) {
    if (i == 10) return msg + ", ...";
    msg += (i > 0 ? ", " : "") + holders[i].id;
  }
  return msg;
}

// Reads one holder; nullopt-free: problems are recorded and defaults kept so that the
// other holders and tiers can still be checked against it.
Holder read_holder(const std::string& id, const JsonNode& node, const std::string& ptr,
                   JsonReader& reader, std::optional<Diagnostic>& multiple_of_nothing) {
  Holder h;
  h.id = id;
  h.name = id;
  if (!valid_holder_id(id)) {
    reader.key_error(node, ptr,
                     "holder id \"" + id + "\" may only use letters, digits, '_', '-' and '.'");
  }
  if (!reader.expect(node, ptr, JsonNode::Kind::object, "a holder object")) return h;
  reader.check_keys(node, ptr, {"name", "invested", "cap", "residual", "notes", "source"});
  if (const JsonNode* n = node.find("name")) {
    if (auto s = reader.string(*n, child(ptr, "name"))) h.name = *s;
  }
  if (const JsonNode* n = node.find("invested")) {
    if (auto m = reader.amount(*n, child(ptr, "invested"))) h.invested = *m;
  }
  if (const JsonNode* n = node.find("residual")) {
    if (auto b = reader.boolean(*n, child(ptr, "residual"))) h.residual = *b;
  }
  if (const JsonNode* n = node.find("cap")) {
    std::string cap_ptr = child(ptr, "cap");
    if (n->is_object()) {
      reader.check_keys(*n, cap_ptr, {"multiple"});
      const JsonNode* m = n->find("multiple");
      if (m == nullptr) {
        reader.error(*n, cap_ptr, "expected {\"multiple\": m} or an amount");
      } else if (auto mult = reader.rate(*m, child(cap_ptr, "multiple"))) {
        if (*mult <= 0) {
          reader.error(*m, child(cap_ptr, "multiple"),
                       "cap multiple must be positive, found " + format_decimal(*mult));
        } else if (h.invested <= 0) {
          multiple_of_nothing = Diagnostic{
              m->file, m->pos, child(cap_ptr, "multiple"),
              "a cap given as a multiple needs \"invested\" > 0 on holder \"" + id +
                  "\" (or a funding round that joins it); give \"invested\" or an absolute cap"};
          h.cap_multiple = *mult;
          h.cap = Money(0);
        } else {
          h.cap_multiple = *mult;
          h.cap = *mult * h.invested;
        }
      }
    } else if (auto amount = reader.amount(*n, cap_ptr)) {
      h.cap = *amount;
    }
  }
  return h;
}

std::optional<CapOverflow> read_overflow(const JsonNode& n, const std::string& ptr,
                                         JsonReader& reader) {
  auto s = reader.string(n, ptr);
  if (!s) return std::nullopt;
  if (*s == "residual") return CapOverflow::residual;
  if (*s == "pro_rata") return CapOverflow::pro_rata;
  reader.error(n, ptr,
               "unknown cap_overflow \"" + *s + "\"; expected \"residual\" or \"pro_rata\"");
  return std::nullopt;
}

Tier read_tier(const JsonNode& node, std::size_t index, bool last, const std::string& ptr,
               const WaterfallSpec& spec, JsonReader& reader) {
  Tier t;
  t.name = "tier " + std::to_string(index + 1);
  t.split.assign(spec.holders.size(), Share(0));
  if (!reader.expect(node, ptr, JsonNode::Kind::object, "a tier object")) return t;
  reader.check_keys(node, ptr, {"name", "split", "size", "until", "notes", "source"});
  if (const JsonNode* n = node.find("name")) {
    if (auto s = reader.string(*n, child(ptr, "name"))) t.name = *s;
  }
  const JsonNode* split = node.find("split");
  std::string split_ptr = child(ptr, "split");
  if (split == nullptr) {
    reader.error(node, ptr, "missing \"split\": expected an object of holder shares summing to 1");
  } else if (reader.expect(*split, split_ptr, JsonNode::Kind::object,
                           "an object mapping holder ids to shares")) {
    bool all_read = true;
    Share sum = 0;
    for (const auto& [id, value] : split->members) {
      std::string p = child(split_ptr, id);
      auto h = spec.find(id);
      if (!h) {
        reader.key_error(value, p, unknown_holder(id, spec.holders));
        all_read = false;
        continue;
      }
      auto s = reader.share(value, p);
      if (!s) {
        all_read = false;
        continue;
      }
      t.split[*h] = *s;
      sum += *s;
    }
    if (split->members.empty()) {
      reader.error(*split, split_ptr, "empty split: expected holder shares summing to 1");
    } else if (all_read && sum != 1) {
      reader.error(*split, split_ptr,
                   "shares sum to " + format_decimal(sum) + ", expected exactly 1");
    }
  }
  if (const JsonNode* n = node.find("size")) {
    t.size = reader.amount(*n, child(ptr, "size"), /*positive=*/true);
  }
  if (const JsonNode* n = node.find("until")) {
    std::string until_ptr = child(ptr, "until");
    if (reader.expect(*n, until_ptr, JsonNode::Kind::object,
                      "{\"holder\": id, \"received\": amount}")) {
      reader.check_keys(*n, until_ptr, {"holder", "received"});
      const JsonNode* holder = n->find("holder");
      const JsonNode* received = n->find("received");
      if (holder == nullptr || received == nullptr) {
        reader.error(*n, until_ptr, "expected both \"holder\" and \"received\"");
      } else {
        auto id = reader.string(*holder, child(until_ptr, "holder"));
        auto amount = reader.amount(*received, child(until_ptr, "received"), /*positive=*/true);
        std::optional<HolderIndex> h = id ? spec.find(*id) : std::nullopt;
        if (id && !h) {
          reader.error(*holder, child(until_ptr, "holder"), unknown_holder(*id, spec.holders));
        } else if (h && t.split[*h] == 0 && split != nullptr && split->is_object()) {
          reader.error(*holder, child(until_ptr, "holder"),
                       "holder \"" + *id +
                           "\" has no share in this tier, so its receipts would never end it");
        }
        if (h && amount) t.until = TierUntil{*h, *amount};
      }
    }
  }
  if (!last && node.find("size") == nullptr && node.find("until") == nullptr) {
    reader.error(
        node, ptr,
        "tier \"" + t.name +
            "\" has no end: only the last tier may run forever; give \"size\" or \"until\"");
  }
  return t;
}

}  // namespace

std::optional<HolderIndex> WaterfallSpec::find(const std::string& id) const {
  for (std::size_t i = 0; i < holders.size(); ++i) {
    if (holders[i].id == id) return i;
  }
  return std::nullopt;
}

std::optional<WaterfallSpec> read_waterfall_spec(const JsonNode& holders, const JsonNode& waterfall,
                                                 JsonReader& reader, bool funding_possible) {
  for (auto [node, ptr, what, limit] :
       {std::tuple(&holders, "/holders", "holders", kMaxHolders),
        std::tuple(waterfall.find("tiers"), "/waterfall/tiers", "tiers", kMaxTiers)}) {
    std::size_t count = node == nullptr ? 0 : node->members.size() + node->items.size();
    if (count > limit) {
      reader.error(*node, ptr,
                   std::to_string(count) + " " + what + " is more than capflow accepts (at most " +
                       std::to_string(limit) + ")");
      return std::nullopt;
    }
  }
  const std::size_t errors_before = reader.error_count();
  WaterfallSpec spec;
  if (reader.expect(holders, "/holders", JsonNode::Kind::object, "an object of holders")) {
    for (const auto& [id, node] : holders.members) {
      std::optional<Diagnostic> pending;
      spec.holders.push_back(read_holder(id, node, child("/holders", id), reader, pending));
      if (pending) spec.multiple_of_nothing.emplace_back(spec.holders.size() - 1, *pending);
    }
    std::vector<HolderIndex> residuals;
    for (std::size_t i = 0; i < spec.holders.size(); ++i) {
      if (spec.holders[i].residual) residuals.push_back(i);
    }
    // A "residual" that is not true/false is reported where it is; "found none" would
    // only repeat it misleadingly.
    bool unreadable =
        std::any_of(holders.members.begin(), holders.members.end(), [](const auto& m) {
          const JsonNode* r = m.second.find("residual");
          return r != nullptr && r->kind != JsonNode::Kind::boolean;
        });
    if (residuals.size() > 1 || (residuals.empty() && !unreadable)) {
      std::string found = residuals.empty() ? "none" : "";
      for (auto i : residuals) found += (found.empty() ? "" : ", ") + spec.holders[i].id;
      reader.error(holders, "/holders",
                   "expected exactly one holder with \"residual\": true (it receives what flows "
                   "past the last tier and capped holders' overflow); found " +
                       found);
    } else if (!residuals.empty()) {
      spec.residual = residuals.front();
      const Holder& r = spec.holders[spec.residual];
      if (r.cap) {
        const JsonNode& node = *holders.find(r.id);
        reader.error(*node.find("cap"), child(child("/holders", r.id), "cap"),
                     "the residual holder \"" + r.id + "\" must be uncapped");
      }
    }
  }
  if (reader.expect(waterfall, "/waterfall", JsonNode::Kind::object, "a waterfall object")) {
    reader.check_keys(waterfall, "/waterfall", {"cap_overflow", "tiers", "notes", "source"});
    if (const JsonNode* n = waterfall.find("cap_overflow")) {
      if (auto o = read_overflow(*n, "/waterfall/cap_overflow", reader)) spec.overflow = *o;
    }
    const JsonNode* tiers = waterfall.find("tiers");
    if (tiers == nullptr) {
      reader.error(waterfall, "/waterfall", "missing \"tiers\": expected an array of tiers");
    } else if (reader.expect(*tiers, "/waterfall/tiers", JsonNode::Kind::array,
                             "an array of tiers")) {
      for (std::size_t i = 0; i < tiers->items.size(); ++i) {
        spec.tiers.push_back(read_tier(tiers->items[i], i, i + 1 == tiers->items.size(),
                                       child("/waterfall/tiers", i), spec, reader));
      }
    }
  }
  if (!funding_possible) {
    for (auto& [h, problem] : spec.multiple_of_nothing) reader.add(std::move(problem));
    spec.multiple_of_nothing.clear();
  }
  if (reader.error_count() != errors_before) return std::nullopt;
  return spec;
}

}  // namespace capflow
