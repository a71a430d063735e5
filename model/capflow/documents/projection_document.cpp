#include "capflow/documents/projection_document.hpp"

#include "capflow/waterfall/rounding.hpp"

namespace capflow {
namespace {

using ojson = nlohmann::ordered_json;

std::string cents(const Money& m) {
  return format_cents(round_to_cents(m));
}
ojson cents_or_null(const std::optional<Money>& m) {
  return m ? ojson(cents(*m)) : ojson(nullptr);
}

}  // namespace

std::vector<HolderOutcome> holder_outcomes(const Scenario& s, const ProjectionResult<Rational>& r) {
  const ProjectionSpec& p = *s.projection;
  const auto& sum = r.summary;
  std::vector<HolderOutcome> out(s.waterfall.holders.size());
  for (std::size_t h = 0; h < out.size(); ++h) {
    HolderOutcome& o = out[h];
    o.invested = sum.invested_total[h];
    o.received = sum.total_received[h];
    o.terminal = sum.terminal_claim[h];
    o.other = sum.total_other[h];
    o.pv = sum.pv[h];
    if (o.invested > 0) o.moic = (o.received + o.other) / o.invested;
    if (sum.cap_year_index[h] >= 0) o.cap_year = p.first_year + sum.cap_year_index[h];
    // Cash flows for IRR: dated investments (or the valuation year when undated), the
    // money put in during the projection, and everything received.
    std::vector<CashFlow> flows;
    Money dated = 0;
    for (const auto& [y, a] : p.investments[h]) {
      flows.emplace_back(y, -to_double(a));
      dated += a;
    }
    Money undated = s.waterfall.holders[h].invested - dated;
    if (undated > 0) flows.emplace_back(p.valuation_year, -to_double(undated));
    for (const auto& y : r.years) {
      Money net = y.received[h] + y.other[h] - y.invested[h];
      if (net != 0) flows.emplace_back(y.year, to_double(net));
    }
    o.irr = irr(flows);
  }
  return out;
}

ojson projection_document(const Scenario& s, const ProjectionResult<Rational>& r,
                          const std::vector<HolderOutcome>& outs) {
  const auto& holders = s.waterfall.holders;
  const ProjectionSpec& p = *s.projection;
  ojson out;
  out["scenario"] = {{"file", s.file}, {"title", s.title}};
  ojson years = ojson::array();
  for (const auto& y : r.years) {
    ojson j;
    j["year"] = y.year;
    j["revenue"] = cents(y.revenue);
    ojson costs = ojson::object();
    for (std::size_t k = 0; k < p.costs.size(); ++k) costs[p.costs[k].id] = cents(y.costs[k]);
    j["costs"] = costs;
    j["revenue_share"] = cents(y.revenue_share);
    j["interest"] = cents(y.interest);
    j["net_income"] = cents(y.net_income);
    j["cumulative_result"] = cents(y.cumulative_result);
    j["raised_rounds"] = cents(y.raised_rounds);
    j["raised_new_rounds"] = cents(y.raised_new_rounds);
    j["credit_drawn"] = cents(y.credit_drawn);
    j["credit_repaid"] = cents(y.credit_repaid);
    j["credit_balance"] = cents(y.credit_balance);
    j["debt_balance"] = cents(y.debt_balance);
    j["refunds"] = cents(y.refunds);
    j["funding_need"] = cents(y.funding_need);
    j["unfunded"] = cents(y.unfunded);
    j["external_funding"] = cents(y.external_funding);
    j["refund_unpaid"] = cents(y.refund_unpaid);
    j["distributable"] = cents(y.distributable);
    j["debt_repaid"] = cents(y.debt_repaid);
    j["distributed"] = cents(y.distributed);
    j["terminal_value"] = cents(y.terminal_value);
    j["cash"] = cents(y.cash);
    j["converted"] = y.converted;
    j["defaulted"] = y.defaulted;
    std::vector<Integer> rec = allocate_cents(y.received);
    ojson hj = ojson::object();
    for (std::size_t h = 0; h < holders.size(); ++h) {
      hj[holders[h].id] = {
          {"received", format_cents(rec[h])},
          {"other", cents(y.other[h])},
          {"invested", cents(y.invested[h])},
          {"cap", holders[h].cap && !y.converted ? ojson(cents(y.caps[h])) : ojson(nullptr)},
          {"at_cap", static_cast<bool>(y.at_cap[h])}};
    }
    j["holders"] = hj;
    years.push_back(j);
  }
  out["years"] = years;
  ojson hs = ojson::object();
  for (std::size_t h = 0; h < holders.size(); ++h) {
    const HolderOutcome& o = outs[h];
    hs[holders[h].id] = {{"name", holders[h].name},
                         {"invested", cents(o.invested)},
                         {"received", cents(o.received)},
                         {"terminal_claim", cents(o.terminal)},
                         {"other", cents(o.other)},
                         {"total", cents(o.received + o.other)},
                         {"pv", cents(o.pv)},
                         {"moic", o.moic ? ojson(format_decimal(*o.moic, 6)) : ojson(nullptr)},
                         {"irr", o.irr.rate ? ojson(*o.irr.rate) : ojson(nullptr)},
                         {"irr_note", o.irr.note},
                         {"cap_year", o.cap_year ? ojson(*o.cap_year) : ojson(nullptr)}};
  }
  out["holders"] = hs;
  const auto& sum = r.summary;
  out["company"] = {
      {"first_profit_year",
       sum.first_profit_index >= 0 ? ojson(p.first_year + sum.first_profit_index) : ojson(nullptr)},
      {"worst_cumulative_result", cents(sum.worst_cumulative_result)},
      {"peak_funding_need", cents(sum.peak_funding_need)},
      {"total_funding_need", cents(sum.total_funding_need)},
      {"deadline_missed", sum.deadline_missed},
      {"refund_owed", cents(sum.refund_owed)},
      {"refund_unpaid", cents(sum.refund_unpaid)},
      {"converted", sum.conversion_index >= 0},
      {"default_year",
       sum.default_index >= 0 ? ojson(p.first_year + sum.default_index) : ojson(nullptr)}};
  ojson rounds = ojson::array();
  for (const auto& rd : p.rounds) {
    rounds.push_back(
        {{"name", rd.name},
         {"date", rd.date.str()},
         {"amount", cents(rd.amount)},
         {"post_money", cents_or_null(rd.post_money)},
         {"implied_stake",
          rd.post_money ? ojson(format_decimal(rd.amount / *rd.post_money, 6)) : ojson(nullptr)},
         {"joins", holders[rd.joins].id},
         {"conversion_deadline",
          rd.conversion_deadline ? ojson(rd.conversion_deadline->str()) : ojson(nullptr)},
         {"if_missed",
          rd.if_missed ? ojson(rd.if_missed->kind == RemedySpec::Kind::refund ? "refund" : "debt")
                       : ojson(nullptr)},
         {"exclusivity", rd.exclusivity}});
  }
  out["rounds"] = rounds;
  return out;
}

}  // namespace capflow
