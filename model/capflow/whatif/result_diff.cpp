#include "capflow/whatif/result_diff.hpp"

#include "capflow/io/json_document.hpp"
#include "capflow/terms/scenario.hpp"
#include "capflow/whatif/value_format.hpp"

namespace capflow {
namespace {

using json = nlohmann::ordered_json;

std::optional<Rational> leaf_number(const json& v) {
  if (v.is_number()) return exact_number(v.dump());
  if (v.is_string()) return exact_number(v.get<std::string>());
  return std::nullopt;
}

// For display only: what a leaf measures, guessed from its key.
Unit unit_for(const std::string& pointer) {
  const auto slash = pointer.rfind('/');
  const std::string key = pointer.substr(slash + 1);
  if (key.starts_with("p_") || pointer.find("/cap_year/") != std::string::npos ||
      pointer.find("_year/") != std::string::npos || key == "share_of_profit" ||
      key == "marginal_share") {
    return Unit::probability;
  }
  if (pointer.find("/moic") != std::string::npos) return Unit::ratio;
  if (pointer.find("/irr") != std::string::npos) return Unit::probability;
  if (key == "year" || key.ends_with("_year") || key == "n" || key == "index" || key == "seed" ||
      key == "paths" || key == "first_path" || key == "threads" || key == "tier") {
    return Unit::count;
  }
  return Unit::money;
}

struct Walker {
  std::vector<Comparison>& out;

  void leaf(const std::string& ptr, const json* a, const json* b) {
    Comparison c;
    c.pointer = ptr;
    c.unit = unit_for(ptr);
    c.informational = ptr.starts_with("/meta/") || ptr.starts_with("/scenario/");
    auto side = [&](const json* v, std::optional<double>& num, std::optional<Rational>& exact,
                    std::optional<std::string>& text) {
      if (v == nullptr) return;
      if (auto r = leaf_number(*v)) {
        exact = *r;
        num = to_double(*r);
      } else {
        text = v->is_string() ? v->get<std::string>() : v->dump();
      }
    };
    side(a, c.a, c.a_exact, c.a_text);
    side(b, c.b, c.b_exact, c.b_text);
    if (!c.numeric()) c.unit = Unit::text;
    out.push_back(std::move(c));
  }

  void walk(const std::string& ptr, const json* a, const json* b) {
    if (ptr == "/accumulators") return;
    const bool ao = a && a->is_object(), bo = b && b->is_object();
    const bool aa = a && a->is_array(), ba = b && b->is_array();
    if ((ao || bo) && (ao || !a) && (bo || !b)) {
      if (a) {
        for (auto it = a->begin(); it != a->end(); ++it) {
          const json* w = b && b->contains(it.key()) ? &b->at(it.key()) : nullptr;
          walk(ptr + "/" + pointer_token(it.key()), &it.value(), w);
        }
      }
      if (b) {
        for (auto it = b->begin(); it != b->end(); ++it) {
          if (a && a->contains(it.key())) continue;
          walk(ptr + "/" + pointer_token(it.key()), nullptr, &it.value());
        }
      }
      return;
    }
    if ((aa || ba) && (aa || !a) && (ba || !b)) {
      const std::size_t na = a ? a->size() : 0, nb = b ? b->size() : 0;
      for (std::size_t i = 0; i < std::max(na, nb); ++i) {
        walk(ptr + "/" + std::to_string(i), i < na ? &a->at(i) : nullptr,
             i < nb ? &b->at(i) : nullptr);
      }
      return;
    }
    leaf(ptr, a, b);
  }
};

}  // namespace

OutputKind output_kind(const json& doc) {
  if (!doc.is_object()) return OutputKind::json;
  auto schema_of = [](const json& obj) {
    return obj.is_object() && obj.contains("schema") && obj.at("schema").is_string()
               ? obj.at("schema").get<std::string>()
               : std::string();
  };
  const std::string top = schema_of(doc);
  if (top.starts_with("capflow/scenario/")) return OutputKind::scenario;
  std::string schema = doc.contains("meta") ? schema_of(doc.at("meta")) : std::string();
  if (schema.empty()) schema = top;
  const std::pair<const char*, OutputKind> kinds[] = {
      {"capflow/result/v1", OutputKind::run},
      {"capflow/waterfall/v1", OutputKind::waterfall},
      {"capflow/projection/v1", OutputKind::project},
      {"capflow/sweep/v1", OutputKind::sweep},
      {"capflow/tornado/v1", OutputKind::tornado},
      {"capflow/diff/v1", OutputKind::diff}};
  for (const auto& [name, kind] : kinds) {
    if (schema == name) return kind;
  }
  if (!schema.empty()) return OutputKind::json;
  if (doc.contains("years") && doc.contains("holders")) return OutputKind::project;
  if (doc.contains("allocations") || doc.contains("breakpoints") || doc.contains("solve")) {
    return OutputKind::waterfall;
  }
  return OutputKind::json;
}

const char* output_kind_name(OutputKind kind) {
  switch (kind) {
    case OutputKind::scenario:
      return "a scenario";
    case OutputKind::waterfall:
      return "a `capflow waterfall` result";
    case OutputKind::project:
      return "a `capflow project` result";
    case OutputKind::run:
      return "a `capflow run` result";
    case OutputKind::sweep:
      return "a `capflow sweep` result";
    case OutputKind::tornado:
      return "a `capflow tornado` result";
    case OutputKind::diff:
      return "a `capflow diff` result";
    case OutputKind::json:
      break;
  }
  return "plain JSON (not a capflow scenario or output)";
}

std::vector<Comparison> diff_outputs(const json& a, const json& b) {
  std::vector<Comparison> out;
  Walker{out}.walk("", &a, &b);
  return out;
}

}  // namespace capflow
