#include "capflow/whatif/comparison.hpp"

#include <algorithm>
#include <cmath>

namespace capflow {

std::optional<double> Comparison::difference() const {
  if (a_exact && b_exact) return to_double(*b_exact - *a_exact);
  if (!numeric()) return std::nullopt;
  return *b - *a;
}

std::optional<double> Comparison::se_unpaired() const {
  if (!se_a || !se_b) return std::nullopt;
  return std::sqrt(*se_a * *se_a + *se_b * *se_b);
}

Result<Tolerance> Tolerance::parse(const std::string& text) {
  Tolerance t;
  if (!text.empty() && text.back() == '%') {
    auto r = parse_share(text);
    if (!r) return Result<Tolerance>::failure(r.error());
    if (r.value() < 0) return Result<Tolerance>::failure("a tolerance must be >= 0");
    t.relative = r.value();
    return t;
  }
  auto m = parse_money(text);
  if (!m) {
    return Result<Tolerance>::failure(m.error() +
                                      " (expected an absolute amount such as 0, 0.01 or 5M, or "
                                      "a relative one such as 1%)");
  }
  if (m.value() < 0) return Result<Tolerance>::failure("a tolerance must be >= 0");
  t.absolute = m.value();
  return t;
}

bool differs(const Comparison& c, const Tolerance& t) {
  if (c.a_exact && c.b_exact) {
    const Rational d = abs(*c.b_exact - *c.a_exact);
    if (t.relative) return d > *t.relative * std::max(abs(*c.a_exact), abs(*c.b_exact));
    return d > t.absolute;
  }
  if (c.numeric()) {
    const double d = std::fabs(*c.b - *c.a);
    if (t.relative) return d > to_double(*t.relative) * std::max(std::fabs(*c.a), std::fabs(*c.b));
    return d > to_double(t.absolute);
  }
  if (c.a_text && c.b_text) return *c.a_text != *c.b_text;
  // Present on one side only, or a number against a text.
  return c.a.has_value() || c.b.has_value() || c.a_text.has_value() || c.b_text.has_value();
}

}  // namespace capflow
