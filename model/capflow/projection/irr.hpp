#pragma once
// Internal rate of return and net present value of yearly cash flows.

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace capflow {

// A cash flow: (year, amount); negative = paid in by the holder, positive = received.
using CashFlow = std::pair<int, double>;

// NPV at rate r, discounting each flow to the year of the earliest flow.
double npv(double rate, const std::vector<CashFlow>& flows);

struct IrrResult {
  std::optional<double> rate;  // per year; nullopt when undefined
  std::string note;            // why it is undefined, or a caveat (several sign changes)
};

// The rate r > -1 at which NPV is zero, found by bracketing and Boost.Math's TOMS 748.
// Undefined (nullopt, with a reason) when the flows do not change sign. A total loss
// (money in, nothing back) is exactly -100 %.
IrrResult irr(std::vector<CashFlow> flows);

}  // namespace capflow
