#include "capflow/montecarlo/metric_groups.hpp"

namespace capflow {

const char* metric_group_name(MetricGroup g) {
  switch (g) {
    case MetricGroup::nominal:
      return "nominal";
    case MetricGroup::pv:
      return "pv";
    case MetricGroup::moic:
      return "moic";
    case MetricGroup::irr:
      return "irr";
    case MetricGroup::company:
      return "company";
  }
  return "?";
}

MetricGroups MetricGroups::all() {
  MetricGroups s;
  for (MetricGroup g : kMetricGroups) s.add(g);
  return s;
}

Result<MetricGroups> MetricGroups::parse(std::string_view list) {
  const std::string known =
      "expected \"all\" or names from nominal, pv, moic, irr, company "
      "separated by commas (e.g. pv,irr)";
  if (list == "all") return all();
  MetricGroups s;
  std::size_t from = 0;
  while (true) {
    const std::size_t comma = list.find(',', from);
    const std::string_view name =
        list.substr(from, comma == std::string_view::npos ? std::string_view::npos : comma - from);
    bool found = false;
    for (MetricGroup g : kMetricGroups) {
      if (name != metric_group_name(g)) continue;
      if (s.has(g)) return Result<MetricGroups>::failure("\"" + std::string(name) + "\" twice");
      s.add(g);
      found = true;
    }
    if (!found) {
      return Result<MetricGroups>::failure(
          (name.empty() ? std::string("an empty name") : "\"" + std::string(name) + "\"") + ": " +
          known);
    }
    if (comma == std::string_view::npos) break;
    from = comma + 1;
  }
  return s;
}

std::vector<std::string> MetricGroups::names() const {
  std::vector<std::string> out;
  for (MetricGroup g : kMetricGroups) {
    if (has(g)) out.emplace_back(metric_group_name(g));
  }
  return out;
}

std::string to_string(const MetricGroups& groups) {
  std::string out;
  for (const auto& n : groups.names()) out += (out.empty() ? "" : ",") + n;
  return out;
}

}  // namespace capflow
