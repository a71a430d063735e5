#pragma once
// Which distributions a Monte Carlo run computes (`capflow run --compute`). A run that
// leaves groups out does less work per path (the IRR's root finding above all); what it
// does compute has the same bits as in a run of every group, since the paths and their
// draws are the same. The holders' probabilities and year counts (P(cap), the cap year,
// P(>0)) cost next to nothing and are always kept.

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "capflow/io/result.hpp"

namespace capflow {

enum class MetricGroup : std::uint8_t {
  nominal,  // each holder's nominal receipts
  pv,       // their present value
  moic,     // received / invested
  irr,      // the IRR of each investor's cash flows
  company,  // cumulative loss, peak funding need, refunds, first profit, conversion
};

inline constexpr std::array kMetricGroups{MetricGroup::nominal, MetricGroup::pv, MetricGroup::moic,
                                          MetricGroup::irr, MetricGroup::company};

// "nominal", "pv", "moic", "irr", "company": the key of the group in a run's JSON result.
const char* metric_group_name(MetricGroup g);

class MetricGroups {
 public:
  static MetricGroups all();
  static MetricGroups none() { return MetricGroups(); }
  // "all", or names joined by commas ("pv,irr"), in any order. Fails on an unknown or
  // repeated name, or an empty list, saying which names there are.
  static Result<MetricGroups> parse(std::string_view list);

  bool has(MetricGroup g) const { return (bits_ & bit(g)) != 0; }
  MetricGroups& add(MetricGroup g) {
    bits_ = static_cast<std::uint8_t>(bits_ | bit(g));
    return *this;
  }
  bool is_all() const { return *this == all(); }
  // The names of the groups in the set, in the order of kMetricGroups.
  std::vector<std::string> names() const;
  bool operator==(const MetricGroups&) const = default;

 private:
  static std::uint8_t bit(MetricGroup g) {
    return static_cast<std::uint8_t>(1u << static_cast<unsigned>(g));
  }
  std::uint8_t bits_ = 0;
};

// "nominal,pv,moic,irr,company"-style text of a set (names() joined by commas).
std::string to_string(const MetricGroups& groups);

}  // namespace capflow
