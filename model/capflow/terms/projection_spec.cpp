#include "capflow/terms/projection_spec.hpp"

#include <algorithm>
#include <cstdio>

namespace capflow {
namespace {

constexpr Year kMinYear = 1900;
constexpr Year kMaxYear = 2200;

std::optional<Year> parse_year_text(const std::string& s) {
  if (s.size() != 4 ||
      !std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return std::nullopt;
  }
  Year y = std::stoi(s);
  if (y < kMinYear || y > kMaxYear) return std::nullopt;
  return y;
}

std::optional<Year> read_year(const JsonNode& n, const std::string& ptr, JsonReader& reader) {
  if (n.is_number()) {
    if (auto y = parse_year_text(n.text)) return y;
  }
  reader.error(n, ptr,
               "expected a year between " + std::to_string(kMinYear) + " and " +
                   std::to_string(kMaxYear) + " as an integer, found " +
                   (n.is_number() || n.is_string() ? "\"" + n.text + "\"" : kind_name(n.kind)));
  return std::nullopt;
}

std::optional<Date> read_date(const JsonNode& n, const std::string& ptr, JsonReader& reader) {
  if (n.is_number()) {
    if (auto y = read_year(n, ptr, reader)) return Date{*y, 12, 31};
    return std::nullopt;
  }
  if (n.is_string() && n.text.size() == 10 && n.text[4] == '-' && n.text[7] == '-') {
    auto y = parse_year_text(n.text.substr(0, 4));
    auto digits = [&](std::size_t at) {
      char a = n.text[at], b = n.text[at + 1];
      return (a >= '0' && a <= '9' && b >= '0' && b <= '9') ? (a - '0') * 10 + (b - '0') : -1;
    };
    int m = digits(5), d = digits(8);
    static const int kDays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (y && m >= 1 && m <= 12 && d >= 1 && d <= kDays[m - 1]) return Date{*y, m, d};
  }
  reader.error(n, ptr,
               "expected a date \"YYYY-MM-DD\" or a year, found " +
                   (n.is_string() ? "\"" + n.text + "\"" : std::string(kind_name(n.kind))));
  return std::nullopt;
}

// {"2025": value, ...} with years in [lo, hi]; `read` reads one value.
template <class T, class ReadValue>
std::map<Year, T> read_year_map(const JsonNode& n, const std::string& ptr, Year lo, Year hi,
                                JsonReader& reader, ReadValue read) {
  std::map<Year, T> out;
  if (!reader.expect(n, ptr, JsonNode::Kind::object,
                     "an object mapping years (\"2025\") to values")) {
    return out;
  }
  for (const auto& [key, value] : n.members) {
    std::string p = child(ptr, key);
    auto y = parse_year_text(key);
    if (!y) {
      reader.key_error(value, p,
                       "expected a year such as \"2025\" as the key, found \"" + key + "\"");
      continue;
    }
    if (*y < lo || *y > hi) {
      reader.key_error(value, p,
                       "year " + key + " is outside " + std::to_string(lo) + "–" +
                           std::to_string(hi) + " (the projection's years)");
      continue;
    }
    if (auto v = read(value, p)) out[*y] = *v;
  }
  return out;
}

std::string holder_list(const WaterfallSpec& w) {
  std::string out;
  for (const auto& h : w.holders) out += (out.empty() ? "" : ", ") + h.id;
  return out;
}

std::optional<HolderIndex> read_holder_ref(const JsonNode& n, const std::string& ptr,
                                           const WaterfallSpec& w, JsonReader& reader) {
  auto id = reader.string(n, ptr);
  if (!id) return std::nullopt;
  auto h = w.find(*id);
  if (!h) reader.error(n, ptr, "unknown holder \"" + *id + "\"; holders are: " + holder_list(w));
  return h;
}

LineSpec read_line(const std::string& id, const JsonNode& n, const std::string& ptr, bool revenue,
                   Year first, Year last, JsonReader& reader) {
  LineSpec line;
  line.id = id;
  line.name = id;
  if (!reader.expect(n, ptr, JsonNode::Kind::object,
                     revenue ? "{\"amounts\": {...}, \"growth\": {...}}"
                             : "{\"ratio\": {...}} or {\"amounts\": {...}, \"growth\": {...}}")) {
    return line;
  }
  if (revenue) {
    reader.check_keys(n, ptr, {"name", "amounts", "growth", "notes", "source"});
  } else {
    reader.check_keys(n, ptr, {"name", "amounts", "growth", "ratio", "notes", "source"});
  }
  if (const JsonNode* v = n.find("name")) {
    if (auto s = reader.string(*v, child(ptr, "name"))) line.name = *s;
  }
  auto amount = [&](const JsonNode& v, const std::string& p) { return reader.amount(v, p); };
  auto growth = [&](const JsonNode& v, const std::string& p) -> std::optional<Rational> {
    auto r = reader.rate(v, p);
    if (r && *r <= -1) {
      reader.error(v, p,
                   "growth rate " + format_percent(*r) +
                       " would make the line zero or negative; expected > -100%");
      return std::nullopt;
    }
    return r;
  };
  auto ratio = [&](const JsonNode& v, const std::string& p) -> std::optional<Rational> {
    auto r = reader.rate(v, p);
    if (r && *r < 0) {
      reader.error(v, p, "ratio of revenue must be >= 0, found " + format_decimal(*r));
      return std::nullopt;
    }
    return r;
  };
  const std::size_t before = reader.error_count();
  if (const JsonNode* v = n.find("amounts")) {
    line.amounts = read_year_map<Money>(*v, child(ptr, "amounts"), first - 1, last, reader, amount);
  }
  if (const JsonNode* v = n.find("growth")) {
    line.growth = read_year_map<Rational>(*v, child(ptr, "growth"), first, last, reader, growth);
  }
  if (const JsonNode* v = n.find("ratio")) {
    line.ratio = read_year_map<Rational>(*v, child(ptr, "ratio"), first, last, reader, ratio);
    if (n.find("amounts") != nullptr || n.find("growth") != nullptr) {
      reader.error(n, ptr,
                   "a line is either a \"ratio\" of revenue or \"amounts\"/\"growth\", not both");
    }
  }
  if (reader.error_count() != before) return line;
  // Every projected year needs a value: an amount, a ratio in force, or growth on a value.
  bool have_previous = line.amounts.count(first - 1) > 0;
  for (Year t = first; t <= last; ++t) {
    bool ok = line.amounts.count(t) > 0 || step_value(line.ratio, t) != nullptr ||
              (have_previous && step_value(line.growth, t) != nullptr);
    if (!ok) {
      const std::string y = std::to_string(t);
      std::string how = "give an amount for " + y;
      how += t == first ? ", or an amount for " + std::to_string(t - 1) +
                              " as the base and a growth rate from " + y
                        : ", or a growth rate in force in " + y + " (it applies to " +
                              std::to_string(t - 1) + "'s value)";
      if (!revenue) how += ", or a ratio of revenue";
      reader.error(n, ptr, "no value for " + std::to_string(t) + ": " + how);
      break;
    }
    have_previous = true;
  }
  return line;
}

std::optional<RemedySpec> read_remedy(const JsonNode& n, const std::string& ptr,
                                      JsonReader& reader) {
  if (!reader.expect(n, ptr, JsonNode::Kind::object,
                     "{\"remedy\": \"refund\"} or {\"remedy\": \"debt\", \"interest_rate\": r}")) {
    return std::nullopt;
  }
  reader.check_keys(n, ptr, {"remedy", "interest_rate", "notes", "source"});
  const JsonNode* kind = n.find("remedy");
  if (kind == nullptr) {
    reader.error(n, ptr, "missing \"remedy\": expected \"refund\" or \"debt\"");
    return std::nullopt;
  }
  auto k = reader.string(*kind, child(ptr, "remedy"));
  if (!k) return std::nullopt;
  RemedySpec r;
  if (*k == "refund") {
    r.kind = RemedySpec::Kind::refund;
    if (const JsonNode* i = n.find("interest_rate")) {
      reader.error(*i, child(ptr, "interest_rate"),
                   "\"interest_rate\" applies only to the \"debt\" remedy");
    }
  } else if (*k == "debt") {
    r.kind = RemedySpec::Kind::debt;
    const JsonNode* i = n.find("interest_rate");
    if (i == nullptr) {
      reader.error(n, ptr, "the \"debt\" remedy needs \"interest_rate\"");
      return std::nullopt;
    }
    auto rate = reader.rate(*i, child(ptr, "interest_rate"));
    if (!rate) return std::nullopt;
    if (*rate < 0) {
      reader.error(*i, child(ptr, "interest_rate"), "interest rate must be >= 0");
      return std::nullopt;
    }
    r.interest_rate = *rate;
  } else {
    reader.error(*kind, child(ptr, "remedy"),
                 "unknown remedy \"" + *k + "\"; expected \"refund\" or \"debt\"");
    return std::nullopt;
  }
  return r;
}

RoundSpec read_round(const JsonNode& n, const std::string& ptr, const ProjectionSpec& p,
                     const WaterfallSpec& w, JsonReader& reader) {
  RoundSpec r;
  if (!reader.expect(n, ptr, JsonNode::Kind::object, "a round object")) return r;
  reader.check_keys(
      n, ptr,
      {"name", "date", "amount", "pre_money", "post_money", "joins", "investors",
       "conversion_deadline", "if_missed", "options", "exclusivity", "notes", "source"});
  if (const JsonNode* v = n.find("name")) {
    if (auto s = reader.string(*v, child(ptr, "name"))) r.name = *s;
  }
  if (const JsonNode* v = n.find("date")) {
    if (auto d = read_date(*v, child(ptr, "date"), reader)) {
      r.date = *d;
      if (d->year < p.first_year || d->year > p.last_year) {
        reader.error(*v, child(ptr, "date"),
                     "round in " + std::to_string(d->year) + " is outside the projection (" +
                         std::to_string(p.first_year) + "–" + std::to_string(p.last_year) + ")");
      }
    }
  } else {
    reader.error(n, ptr, "missing \"date\": expected \"YYYY-MM-DD\"");
  }
  if (r.name.empty()) r.name = "round of " + r.date.str();
  if (const JsonNode* v = n.find("amount")) {
    if (auto a = reader.amount(*v, child(ptr, "amount"), /*positive=*/true)) r.amount = *a;
  } else {
    reader.error(n, ptr, "missing \"amount\"");
  }
  const JsonNode* pre = n.find("pre_money");
  const JsonNode* post = n.find("post_money");
  if (pre != nullptr && post != nullptr) {
    reader.error(*post, child(ptr, "post_money"), "give \"pre_money\" or \"post_money\", not both");
  } else if (pre != nullptr) {
    r.pre_money = reader.amount(*pre, child(ptr, "pre_money"), true);
    if (r.pre_money) r.post_money = *r.pre_money + r.amount;
  } else if (post != nullptr) {
    r.post_money = reader.amount(*post, child(ptr, "post_money"), true);
    if (r.post_money && *r.post_money < r.amount) {
      reader.error(*post, child(ptr, "post_money"),
                   "post-money valuation " + format_money_short(*r.post_money) +
                       " is below the amount raised " + format_money_short(r.amount));
    } else if (r.post_money) {
      r.pre_money = *r.post_money - r.amount;
    }
  }
  if (const JsonNode* v = n.find("joins")) {
    if (auto h = read_holder_ref(*v, child(ptr, "joins"), w, reader)) {
      r.joins = *h;
      if (w.holders[*h].residual) {
        reader.error(*v, child(ptr, "joins"), "round money cannot join the residual holder");
      }
    }
  } else {
    reader.error(n, ptr, "missing \"joins\": the holder whose invested amount this money raises");
  }
  // Investors: a name maps to an amount (joining the round's holder) or to
  // {"amount": a, "joins": holder} (its own holder: Microsoft's part of a round).
  std::vector<std::pair<std::string, HolderIndex>> investor_holder;
  if (const JsonNode* v = n.find("investors")) {
    std::string ip = child(ptr, "investors");
    if (reader.expect(*v, ip, JsonNode::Kind::object,
                      "an object mapping investor names to amounts or {\"amount\", \"joins\"}")) {
      Money sum = 0;
      bool all = true;
      for (const auto& [name, value] : v->members) {
        const std::string xp = child(ip, name);
        const JsonNode* amount = &value;
        std::optional<HolderIndex> holder = r.joins;
        if (value.kind == JsonNode::Kind::object) {
          reader.check_keys(value, xp, {"amount", "joins", "notes", "source"});
          amount = value.find("amount");
          if (amount == nullptr) {
            reader.error(value, xp, "missing \"amount\": what this investor puts in");
            all = false;
            continue;
          }
          if (const JsonNode* j = value.find("joins")) {
            holder = read_holder_ref(*j, child(xp, "joins"), w, reader);
            if (holder && w.holders[*holder].residual) {
              reader.error(*j, child(xp, "joins"), "round money cannot join the residual holder");
              holder.reset();
            }
          }
        }
        auto a = reader.amount(
            *amount, value.kind == JsonNode::Kind::object ? child(xp, "amount") : xp, true);
        if (!a || !holder) {
          all = false;
          continue;
        }
        r.investors.emplace_back(name, *a);
        investor_holder.emplace_back(name, *holder);
        sum += *a;
      }
      if (all && !r.investors.empty() && r.amount > 0 && sum != r.amount) {
        reader.error(*v, ip,
                     "investors' amounts sum to " + format_money_short(sum) +
                         ", expected the round's amount " + format_money_short(r.amount));
      }
    }
  }
  // The parts: per holder, in order of first mention; without investors, all to joins.
  if (r.investors.empty()) {
    r.parts.push_back({r.joins, r.amount});
  } else {
    for (std::size_t i = 0; i < r.investors.size(); ++i) {
      const HolderIndex h = investor_holder[i].second;
      auto it = std::find_if(r.parts.begin(), r.parts.end(),
                             [h](const RoundSpec::Part& x) { return x.holder == h; });
      if (it == r.parts.end()) {
        r.parts.push_back({h, r.investors[i].second});
      } else {
        it->amount += r.investors[i].second;
      }
    }
  }
  if (const JsonNode* v = n.find("conversion_deadline")) {
    if (auto d = read_date(*v, child(ptr, "conversion_deadline"), reader)) {
      if (!(r.date < *d)) {
        reader.error(*v, child(ptr, "conversion_deadline"),
                     "deadline " + d->str() + " is not after the round's date " + r.date.str());
      } else {
        r.conversion_deadline = *d;
      }
    }
    const JsonNode* m = n.find("if_missed");
    if (m == nullptr) {
      reader.error(n, ptr, "a \"conversion_deadline\" needs \"if_missed\" (the remedy)");
    }
  }
  if (const JsonNode* v = n.find("if_missed")) {
    r.if_missed = read_remedy(*v, child(ptr, "if_missed"), reader);
    if (n.find("conversion_deadline") == nullptr) {
      reader.error(*v, child(ptr, "if_missed"), "\"if_missed\" needs a \"conversion_deadline\"");
    }
  }
  if (const JsonNode* v = n.find("options")) {
    std::string op = child(ptr, "options");
    if (reader.expect(*v, op, JsonNode::Kind::array, "an array of options")) {
      for (std::size_t i = 0; i < v->items.size(); ++i) {
        const JsonNode& o = v->items[i];
        std::string p1 = child(op, i);
        if (!reader.expect(o, p1, JsonNode::Kind::object, "an option object")) continue;
        reader.check_keys(o, p1,
                          {"investor", "amount", "year", "if_revenue_at_least", "notes", "source"});
        OptionSpec opt;
        if (const JsonNode* x = o.find("investor")) {
          if (auto s = reader.string(*x, child(p1, "investor"))) opt.investor = *s;
        }
        const JsonNode* amount = o.find("amount");
        const JsonNode* year = o.find("year");
        if (amount == nullptr || year == nullptr) {
          reader.error(o, p1, "an option needs \"amount\" and \"year\"");
          continue;
        }
        auto a = reader.amount(*amount, child(p1, "amount"), true);
        auto y = read_year(*year, child(p1, "year"), reader);
        if (y && (*y < r.date.year || *y > p.last_year)) {
          reader.error(*year, child(p1, "year"),
                       "option year " + std::to_string(*y) + " must be between the round's year " +
                           std::to_string(r.date.year) + " and the last projected year");
          y.reset();
        }
        if (const JsonNode* x = o.find("if_revenue_at_least")) {
          opt.revenue_at_least = reader.amount(*x, child(p1, "if_revenue_at_least"));
        }
        opt.joins = r.joins;
        for (const auto& [name, h] : investor_holder) {
          if (name == opt.investor) opt.joins = h;
        }
        if (a && y) {
          opt.amount = *a;
          opt.year = *y;
          r.options.push_back(opt);
        }
      }
    }
  }
  if (const JsonNode* v = n.find("exclusivity")) {
    if (auto s = reader.string(*v, child(ptr, "exclusivity"))) r.exclusivity = *s;
  }
  return r;
}

// Reads an outcome's split, "equity" (stakes summing to 100%) or "equity_from_claims",
// from n (the conversion itself, or one of its outcomes). False after reporting a problem.
bool read_outcome_split(const JsonNode& n, const std::string& ptr, const WaterfallSpec& w,
                        JsonReader& reader, ConversionOutcomeSpec& out) {
  const JsonNode* equity = n.find("equity");
  const JsonNode* claims = n.find("equity_from_claims");
  if ((equity == nullptr) == (claims == nullptr)) {
    reader.error(
        n, ptr,
        "give exactly one of \"equity\" (stakes summing to 100%) or \"equity_from_claims\"");
    return false;
  }
  if (equity != nullptr) {
    std::string ep = child(ptr, "equity");
    if (!reader.expect(*equity, ep, JsonNode::Kind::object,
                       "an object mapping holders to stakes")) {
      return false;
    }
    out.equity.assign(w.holders.size(), Share(0));
    Share sum = 0;
    bool all = true;
    for (const auto& [id, value] : equity->members) {
      auto h = w.find(id);
      if (!h) {
        reader.key_error(value, child(ep, id),
                         "unknown holder \"" + id + "\"; holders are: " + holder_list(w));
        all = false;
        continue;
      }
      auto sh = reader.share(value, child(ep, id));
      if (!sh) {
        all = false;
        continue;
      }
      out.equity[*h] = *sh;
      sum += *sh;
    }
    if (all && sum != 1) {
      reader.error(*equity, ep,
                   "equity stakes sum to " + format_percent(sum) + ", expected exactly 100%");
      return false;
    }
    return all;
  }
  std::string cp = child(ptr, "equity_from_claims");
  if (!reader.expect(*claims, cp, JsonNode::Kind::object, "{\"valuation\": amount}")) return false;
  reader.check_keys(*claims, cp, {"valuation"});
  const JsonNode* v = claims->find("valuation");
  if (v == nullptr) {
    reader.error(*claims, cp, "missing \"valuation\": the value split by the holders' claims");
    return false;
  }
  out.claims_valuation = reader.amount(*v, child(cp, "valuation"), true);
  return out.claims_valuation.has_value();
}

std::optional<ConversionSpec> read_conversion(const JsonNode& n, const WaterfallSpec& w,
                                              JsonReader& reader) {
  const std::string ptr = "/conversion";
  if (!reader.expect(n, ptr, JsonNode::Kind::object, "a conversion object (or null for never)")) {
    return std::nullopt;
  }
  reader.check_keys(n, ptr,
                    {"date", "equity", "equity_from_claims", "outcomes", "notes", "source"});
  ConversionSpec c;
  bool ok = true;
  if (const JsonNode* v = n.find("date")) {
    if (auto d = read_date(*v, child(ptr, "date"), reader)) {
      c.date = *d;
    } else {
      ok = false;
    }
  } else {
    reader.error(n, ptr,
                 "missing \"date\": when the conversion takes effect (\"YYYY-MM-DD\" or a year)");
    ok = false;
  }
  const JsonNode* outcomes = n.find("outcomes");
  if (outcomes == nullptr) {
    ConversionOutcomeSpec one;
    one.name = "conversion";
    if (!read_outcome_split(n, ptr, w, reader, one)) return std::nullopt;
    c.outcomes.push_back(std::move(one));
    return ok ? std::optional<ConversionSpec>(std::move(c)) : std::nullopt;
  }
  if (n.find("equity") != nullptr || n.find("equity_from_claims") != nullptr) {
    reader.error(n, ptr,
                 "give \"outcomes\" or one split (\"equity\" or \"equity_from_claims\"), "
                 "not both");
    return std::nullopt;
  }
  const std::string op = child(ptr, "outcomes");
  if (!reader.expect(*outcomes, op, JsonNode::Kind::array,
                     "an array of outcomes {\"name\", \"probability\", \"equity\" or "
                     "\"equity_from_claims\"}")) {
    return std::nullopt;
  }
  if (outcomes->items.empty()) {
    reader.error(*outcomes, op, "expected at least one outcome");
    return std::nullopt;
  }
  Rational total = 0;
  std::optional<std::size_t> marked;
  bool all = true;
  for (std::size_t i = 0; i < outcomes->items.size(); ++i) {
    const JsonNode& o = outcomes->items[i];
    const std::string p1 = child(op, i);
    if (!reader.expect(o, p1, JsonNode::Kind::object, "an outcome object")) {
      all = false;
      continue;
    }
    reader.check_keys(o, p1,
                      {"name", "probability", "equity", "equity_from_claims", "base", "notes",
                       "source", "assumption"});
    ConversionOutcomeSpec out;
    if (const JsonNode* x = o.find("name")) {
      if (auto name = reader.string(*x, child(p1, "name"))) out.name = *name;
    }
    if (out.name.empty()) out.name = "outcome " + std::to_string(i + 1);
    for (const auto& other : c.outcomes) {
      if (other.name == out.name) {
        reader.error(o, p1, "outcome name \"" + out.name + "\" is used twice");
        all = false;
      }
    }
    if (const JsonNode* x = o.find("probability")) {
      if (auto pr = reader.share(*x, child(p1, "probability"))) {
        out.probability = *pr;
        total += *pr;
      } else {
        all = false;
      }
    } else {
      reader.error(o, p1, "missing \"probability\": how likely this outcome is (e.g. \"60%\")");
      all = false;
    }
    if (const JsonNode* x = o.find("base")) {
      if (auto b = reader.boolean(*x, child(p1, "base")); b && *b) {
        if (marked) {
          reader.error(*x, child(p1, "base"), "only one outcome may be the base case");
          all = false;
        }
        marked = i;
      }
    }
    if (!read_outcome_split(o, p1, w, reader, out)) all = false;
    c.outcomes.push_back(std::move(out));
  }
  if (!all) return std::nullopt;
  if (total != 1) {
    reader.error(
        *outcomes, op,
        "outcome probabilities sum to " + format_percent(total) + ", expected exactly 100%");
    return std::nullopt;
  }
  // The base case: the outcome marked "base", else the most likely (the first of equals).
  c.base_outcome = 0;
  if (marked) {
    c.base_outcome = *marked;
  } else {
    for (std::size_t i = 1; i < c.outcomes.size(); ++i) {
      if (c.outcomes[c.base_outcome].probability < c.outcomes[i].probability) c.base_outcome = i;
    }
  }
  return ok ? std::optional<ConversionSpec>(std::move(c)) : std::nullopt;
}

// Money raised must have a claim (SPEC §6): before the conversion a holder is paid only
// through the waterfall, so money that joins a holder with no share in any tier (and is
// not a loan) would silently disappear. After the conversion, money buys equity.
bool has_waterfall_claim(const WaterfallSpec& w, HolderIndex h) {
  if (w.holders[h].residual) return true;
  return std::any_of(w.tiers.begin(), w.tiers.end(), [h](const Tier& t) { return t.split[h] > 0; });
}

void check_every_dollar_has_a_claim(const ProjectionSpec& p, const WaterfallSpec& w,
                                    const JsonNode& projection, const JsonNode* rounds,
                                    JsonReader& reader) {
  const auto after_conversion = [&](const Date& d) {
    return p.conversion && !(d < p.conversion->date);
  };
  // A stake given in every outcome of the conversion is a claim too (the 2025 recap).
  const auto has_claim = [&](HolderIndex h) {
    if (has_waterfall_claim(w, h)) return true;
    if (!p.conversion) return false;
    return std::all_of(
        p.conversion->outcomes.begin(), p.conversion->outcomes.end(),
        [h](const ConversionOutcomeSpec& o) { return !o.equity.empty() && o.equity[h] > 0; });
  };
  const auto why = [&](HolderIndex h) {
    return "money joining \"" + w.holders[h].id +
           "\" has no claim before the conversion: it has no share in any tier of the "
           "waterfall and no stake in every conversion outcome; give it a share in a tier or "
           "a stake, or let the money join a holder that has one";
  };
  for (std::size_t i = 0; rounds != nullptr && i < p.rounds.size(); ++i) {
    const RoundSpec& r = p.rounds[i];
    const JsonNode& node = rounds->items[i];
    const std::string ptr = child("/rounds", i);
    if (after_conversion(r.date)) continue;
    for (const auto& part : r.parts) {
      if (has_claim(part.holder)) continue;
      reader.error(node, ptr, r.name + ": " + why(part.holder));
    }
    for (std::size_t o = 0; o < r.options.size(); ++o) {
      const OptionSpec& opt = r.options[o];
      if (after_conversion(Date{opt.year, 1, 1}) || has_claim(opt.joins)) continue;
      reader.error(node.find("options")->items[o], child(child(ptr, "options"), o),
                   "the option's " + why(opt.joins));
    }
  }
  if (p.funding.holder && !p.funding.new_rounds_debt_rate && !has_claim(*p.funding.holder)) {
    const JsonNode* f = projection.find("funding");
    const JsonNode* nr = f != nullptr ? f->find("new_rounds") : nullptr;
    if (nr != nullptr) {
      reader.error(*nr, "/projection/funding/new_rounds",
                   "new rounds' " + why(*p.funding.holder) +
                       ", or make the money raised before the conversion a loan: "
                       "\"before_conversion\": {\"as\": \"debt\", \"interest_rate\": ...}");
    }
  }
}

}  // namespace

const Rational* step_value(const std::map<Year, Rational>& series, Year t) {
  auto it = series.upper_bound(t);
  if (it == series.begin()) return nullptr;
  return &std::prev(it)->second;
}

std::string Date::str() const {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", year, month, day);
  return buf;
}

std::optional<ProjectionSpec> read_projection_spec(const JsonNode* projection,
                                                   const JsonNode* rounds,
                                                   const JsonNode* conversion,
                                                   const WaterfallSpec& w, JsonReader& reader) {
  if (projection == nullptr) {
    if (rounds != nullptr)
      reader.error(*rounds, "/rounds", "\"rounds\" need a \"projection\" (the years they fall in)");
    if (conversion != nullptr && conversion->kind != JsonNode::Kind::null) {
      reader.error(*conversion, "/conversion", "\"conversion\" needs a \"projection\"");
    }
    return std::nullopt;
  }
  const std::size_t before = reader.error_count();
  const std::string ptr = "/projection";
  if (!reader.expect(*projection, ptr, JsonNode::Kind::object, "a projection object"))
    return std::nullopt;
  const JsonNode& n = *projection;
  reader.check_keys(
      n, ptr,
      {"first_year", "last_year", "valuation_year", "discount_rate", "opening_cash",
       "opening_cumulative_result", "revenue", "costs", "revenue_share", "distribution",
       "cap_growth", "terminal_value", "investments", "funding", "notes", "source"});
  ProjectionSpec p;
  const JsonNode* fy = n.find("first_year");
  const JsonNode* ly = n.find("last_year");
  if (fy == nullptr || ly == nullptr) {
    const std::string missing = fy == nullptr && ly == nullptr ? "\"first_year\" and \"last_year\""
                                : fy == nullptr                ? "\"first_year\""
                                                               : "\"last_year\"";
    reader.error(n, ptr,
                 "missing " + missing +
                     ": the first and last years the projection covers (e.g. 2025 and 2035)");
    return std::nullopt;
  }
  auto first = read_year(*fy, child(ptr, "first_year"), reader);
  auto last = read_year(*ly, child(ptr, "last_year"), reader);
  if (!first || !last) return std::nullopt;
  if (*last < *first) {
    reader.error(
        *ly, child(ptr, "last_year"),
        "last_year " + std::to_string(*last) + " is before first_year " + std::to_string(*first));
    return std::nullopt;
  }
  if (*last - *first >= 100) {
    reader.error(*ly, child(ptr, "last_year"), "a projection may cover at most 100 years");
    return std::nullopt;
  }
  p.first_year = *first;
  p.last_year = *last;
  p.valuation_year = *first - 1;
  if (const JsonNode* v = n.find("valuation_year")) {
    if (auto y = read_year(*v, child(ptr, "valuation_year"), reader)) p.valuation_year = *y;
  }
  bool discount_ok = false;  // a perpetuity is checked against it only when it is valid
  if (const JsonNode* v = n.find("discount_rate")) {
    if (auto r = reader.rate(*v, child(ptr, "discount_rate"))) {
      if (*r <= -1) {
        reader.error(*v, child(ptr, "discount_rate"),
                     "discount rate must be above -100%, found " + format_percent(*r));
      } else {
        p.discount_rate = *r;
        discount_ok = true;
      }
    }
  } else {
    reader.error(n, ptr, "missing \"discount_rate\" (e.g. \"10%\"): present values need it");
  }
  if (const JsonNode* v = n.find("opening_cash")) {
    if (auto m = reader.money(*v, child(ptr, "opening_cash"))) p.opening_cash = *m;
  }
  if (const JsonNode* v = n.find("opening_cumulative_result")) {
    if (auto m = reader.money(*v, child(ptr, "opening_cumulative_result")))
      p.opening_cumulative_result = *m;
  }
  if (const JsonNode* v = n.find("revenue")) {
    p.revenue =
        read_line("revenue", *v, child(ptr, "revenue"), true, p.first_year, p.last_year, reader);
  } else {
    reader.error(n, ptr, "missing \"revenue\"");
  }
  if (const JsonNode* v = n.find("costs")) {
    std::string cp = child(ptr, "costs");
    if (reader.expect(*v, cp, JsonNode::Kind::object, "an object of cost lines")) {
      for (const auto& [id, line] : v->members) {
        p.costs.push_back(
            read_line(id, line, child(cp, id), false, p.first_year, p.last_year, reader));
      }
    }
  }
  if (const JsonNode* v = n.find("revenue_share")) {
    std::string rp = child(ptr, "revenue_share");
    if (reader.expect(*v, rp, JsonNode::Kind::array, "an array of revenue shares")) {
      for (std::size_t i = 0; i < v->items.size(); ++i) {
        const JsonNode& e = v->items[i];
        std::string ep = child(rp, i);
        if (!reader.expect(e, ep, JsonNode::Kind::object, "{\"to\": holder, \"rate\": share}"))
          continue;
        reader.check_keys(e, ep, {"to", "rate", "until_year", "total_cap", "notes", "source"});
        RevenueShareSpec s;
        const JsonNode* to = e.find("to");
        const JsonNode* rate = e.find("rate");
        if (to == nullptr || rate == nullptr) {
          reader.error(e, ep, "a revenue share needs \"to\" (a holder) and \"rate\"");
          continue;
        }
        auto h = read_holder_ref(*to, child(ep, "to"), w, reader);
        auto r = reader.share(*rate, child(ep, "rate"));
        if (const JsonNode* u = e.find("until_year"))
          s.until_year = read_year(*u, child(ep, "until_year"), reader);
        if (const JsonNode* c = e.find("total_cap"))
          s.total_cap = reader.amount(*c, child(ep, "total_cap"));
        if (h && r) {
          s.to = *h;
          s.rate = *r;
          p.revenue_shares.push_back(s);
        }
      }
    }
  }
  if (const JsonNode* v = n.find("distribution")) {
    std::string dp = child(ptr, "distribution");
    if (reader.expect(*v, dp, JsonNode::Kind::object, "{\"payout_ratio\": share}")) {
      reader.check_keys(*v, dp, {"payout_ratio", "notes", "source"});
      if (const JsonNode* r = v->find("payout_ratio")) {
        if (auto s = reader.share(*r, child(dp, "payout_ratio"))) p.payout_ratio = *s;
      }
    }
  }
  if (const JsonNode* v = n.find("cap_growth")) {
    std::string gp = child(ptr, "cap_growth");
    if (reader.expect(*v, gp, JsonNode::Kind::object, "{\"rate\": r, \"from_year\": y}")) {
      reader.check_keys(*v, gp, {"rate", "from_year", "notes", "source"});
      const JsonNode* r = v->find("rate");
      const JsonNode* y = v->find("from_year");
      if (r == nullptr || y == nullptr) {
        reader.error(*v, gp, "cap growth needs \"rate\" and \"from_year\"");
      } else {
        auto rate = reader.rate(*r, child(gp, "rate"));
        auto year = read_year(*y, child(gp, "from_year"), reader);
        if (rate && *rate < 0) {
          reader.error(*r, child(gp, "rate"), "caps may only grow: expected a rate >= 0");
        } else if (rate && year) {
          p.cap_growth = CapGrowthSpec{*rate, *year};
        }
      }
    }
  }
  if (const JsonNode* v = n.find("terminal_value")) {
    std::string tp = child(ptr, "terminal_value");
    if (reader.expect(*v, tp, JsonNode::Kind::object,
                      "{\"multiple\": m} or {\"perpetuity_growth\": g}")) {
      reader.check_keys(*v, tp, {"multiple", "perpetuity_growth", "notes", "source"});
      const JsonNode* m = v->find("multiple");
      const JsonNode* g = v->find("perpetuity_growth");
      if ((m == nullptr) == (g == nullptr)) {
        reader.error(*v, tp, "give exactly one of \"multiple\" or \"perpetuity_growth\"");
      } else if (m != nullptr) {
        if (auto x = reader.rate(*m, child(tp, "multiple"))) {
          if (*x < 0) {
            reader.error(*m, child(tp, "multiple"), "terminal multiple must be >= 0");
          } else {
            p.terminal_value = {TerminalValueSpec::Method::multiple, *x, 0};
          }
        }
      } else if (auto x = reader.rate(*g, child(tp, "perpetuity_growth"))) {
        if (!discount_ok) {
          // The discount rate's own problem is reported; comparing with it would mislead.
        } else if (*x >= p.discount_rate) {
          reader.error(*g, child(tp, "perpetuity_growth"),
                       "perpetuity growth " + format_percent(*x) +
                           " must be below the discount rate " + format_percent(p.discount_rate) +
                           " (else the value is infinite)");
        } else {
          p.terminal_value = {TerminalValueSpec::Method::perpetuity, 0, *x};
        }
      }
    }
  }
  p.investments.assign(w.holders.size(), {});
  if (const JsonNode* v = n.find("investments")) {
    std::string ip = child(ptr, "investments");
    if (reader.expect(*v, ip, JsonNode::Kind::object,
                      "an object mapping holders to {year: amount}")) {
      for (const auto& [id, dated] : v->members) {
        std::string hp = child(ip, id);
        auto h = w.find(id);
        if (!h) {
          reader.key_error(dated, hp,
                           "unknown holder \"" + id + "\"; holders are: " + holder_list(w));
          continue;
        }
        auto amounts = read_year_map<Money>(
            dated, hp, kMinYear, p.last_year, reader,
            [&](const JsonNode& x, const std::string& q) { return reader.amount(x, q, true); });
        Money sum = 0;
        for (const auto& [y, a] : amounts) {
          p.investments[*h].emplace_back(y, a);
          sum += a;
        }
        if (!amounts.empty() && sum != w.holders[*h].invested) {
          reader.error(dated, hp,
                       "dated investments sum to " + format_money_short(sum) + " but /holders/" +
                           id + "/invested is " + format_money_short(w.holders[*h].invested));
        }
      }
    }
  }
  if (const JsonNode* v = n.find("funding")) {
    std::string fp = child(ptr, "funding");
    if (reader.expect(*v, fp, JsonNode::Kind::object, "a funding object")) {
      reader.check_keys(
          *v, fp, {"cash_floor", "credit_line", "new_rounds", "on_shortfall", "notes", "source"});
      p.funding.on_shortfall = FundingSpec::OnShortfall::default_;
      if (const JsonNode* x = v->find("on_shortfall")) {
        if (auto k = reader.string(*x, child(fp, "on_shortfall"))) {
          if (*k == "default") {
            p.funding.on_shortfall = FundingSpec::OnShortfall::default_;
          } else if (*k == "external") {
            p.funding.on_shortfall = FundingSpec::OnShortfall::external;
          } else {
            reader.error(*x, child(fp, "on_shortfall"),
                         "unknown \"" + *k +
                             "\"; expected \"default\" (the company defaults when cash cannot "
                             "be found) or \"external\" (outside money the model does not follow "
                             "covers it)");
          }
        }
      }
      if (const JsonNode* x = v->find("cash_floor")) {
        if (auto m = reader.amount(*x, child(fp, "cash_floor"))) p.funding.cash_floor = *m;
      }
      if (const JsonNode* x = v->find("credit_line")) {
        std::string lp = child(fp, "credit_line");
        if (reader.expect(*x, lp, JsonNode::Kind::object, "a credit line object")) {
          reader.check_keys(*x, lp, {"size", "rate", "from_year", "until_year", "notes", "source"});
          CreditLineSpec c;
          c.from_year = p.first_year;
          c.until_year = p.last_year;
          bool ok = true;
          if (const JsonNode* s = x->find("size")) {
            auto m = reader.amount(*s, child(lp, "size"), true);
            ok = ok && m.has_value();
            if (m) c.size = *m;
          } else {
            reader.error(*x, lp, "a credit line needs \"size\"");
            ok = false;
          }
          if (const JsonNode* s = x->find("rate")) {
            auto r = reader.rate(*s, child(lp, "rate"));
            if (r && *r < 0) {
              reader.error(*s, child(lp, "rate"),
                           "interest rate must be >= 0, found " + format_percent(*r));
              r.reset();
            }
            ok = ok && r.has_value();
            if (r) c.rate = *r;
          }
          bool from_ok = true;
          if (const JsonNode* s = x->find("from_year")) {
            auto y = read_year(*s, child(lp, "from_year"), reader);
            from_ok = y.has_value();
            ok = ok && y.has_value();
            if (y) c.from_year = *y;
          }
          if (const JsonNode* s = x->find("until_year")) {
            auto y = read_year(*s, child(lp, "until_year"), reader);
            if (y && from_ok && *y < c.from_year) {
              reader.error(*s, child(lp, "until_year"),
                           "until_year " + std::to_string(*y) + " is before from_year " +
                               std::to_string(c.from_year) + ": the line could never be drawn");
              y.reset();
            }
            ok = ok && y.has_value();
            if (y) c.until_year = *y;
          }
          if (ok) p.funding.credit_line = c;
        }
      }
      if (const JsonNode* x = v->find("new_rounds")) {
        std::string np = child(fp, "new_rounds");
        if (reader.expect(*x, np, JsonNode::Kind::object,
                          "{\"joins\": holder, \"valuation_revenue_multiple\": m}")) {
          reader.check_keys(
              *x, np,
              {"joins", "valuation_revenue_multiple", "before_conversion", "notes", "source"});
          if (const JsonNode* b = x->find("before_conversion")) {
            const std::string bp = child(np, "before_conversion");
            if (reader.expect(
                    *b, bp, JsonNode::Kind::object,
                    "{\"as\": \"debt\" or \"convertible_notes\", \"interest_rate\": rate}")) {
              reader.check_keys(*b, bp, {"as", "interest_rate", "notes", "source"});
              const JsonNode* as = b->find("as");
              const JsonNode* rate = b->find("interest_rate");
              auto kind = as != nullptr ? reader.string(*as, child(bp, "as")) : std::nullopt;
              if (as == nullptr || rate == nullptr) {
                reader.error(*b, bp,
                             "expected \"as\" (\"debt\" or \"convertible_notes\") and "
                             "\"interest_rate\"");
              } else if (kind && *kind != "debt" && *kind != "convertible_notes") {
                reader.error(*as, child(bp, "as"),
                             "unknown \"" + *kind +
                                 "\"; expected \"debt\" (a loan repaid before "
                                 "distributions) or \"convertible_notes\" (the same, and what is "
                                 "still owed at the conversion becomes equity)");
              } else if (auto r = reader.rate(*rate, child(bp, "interest_rate"))) {
                if (*r < 0) {
                  reader.error(*rate, child(bp, "interest_rate"), "interest rate must be >= 0");
                } else {
                  p.funding.new_rounds_debt_rate = *r;
                  p.funding.new_rounds_notes_convert = kind && *kind == "convertible_notes";
                }
              }
            }
          }
          const JsonNode* j = x->find("joins");
          const JsonNode* m = x->find("valuation_revenue_multiple");
          if (j == nullptr || m == nullptr) {
            reader.error(*x, np, "new rounds need \"joins\" and \"valuation_revenue_multiple\"");
          } else {
            p.funding.holder = read_holder_ref(*j, child(np, "joins"), w, reader);
            if (p.funding.holder && w.holders[*p.funding.holder].residual) {
              reader.error(*j, child(np, "joins"),
                           "new rounds' money cannot join the residual holder");
            }
            auto mult = reader.rate(*m, child(np, "valuation_revenue_multiple"));
            if (mult && *mult <= 0) {
              reader.error(*m, child(np, "valuation_revenue_multiple"),
                           "expected a positive multiple");
            } else {
              p.funding.valuation_revenue_multiple = mult;
            }
          }
        }
      }
    }
  }
  if (rounds != nullptr) {
    if (reader.expect(*rounds, "/rounds", JsonNode::Kind::array, "an array of rounds")) {
      for (std::size_t i = 0; i < rounds->items.size(); ++i) {
        p.rounds.push_back(read_round(rounds->items[i], child("/rounds", i), p, w, reader));
      }
    }
  }
  if (conversion != nullptr && conversion->kind != JsonNode::Kind::null) {
    p.conversion = read_conversion(*conversion, w, reader);
  }
  if (reader.error_count() != before) return std::nullopt;
  check_every_dollar_has_a_claim(p, w, n, rounds, reader);
  if (reader.error_count() != before) return std::nullopt;
  return p;
}

}  // namespace capflow
