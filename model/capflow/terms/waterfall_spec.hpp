#pragma once
// The validated terms of a capped-profit waterfall (SPEC §2): who the holders are,
// their caps, and the tiers profit flows through. Only read_waterfall_spec builds one,
// so every WaterfallSpec satisfies the rules listed there.

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "capflow/io/json_reader.hpp"
#include "capflow/io/number.hpp"

namespace capflow {

// Position of a holder in WaterfallSpec::holders (the order of the scenario file).
using HolderIndex = std::size_t;

struct Holder {
  std::string id;    // key in "holders"
  std::string name;  // display name; defaults to id
  Money invested = 0;
  std::optional<Money> cap;              // limit on all receipts; nullopt = uncapped
  std::optional<Rational> cap_multiple;  // set when the cap was given as a multiple
  bool residual = false;
};

struct TierUntil {
  HolderIndex holder = 0;
  Money received = 0;  // cumulative receipts (all tiers) that end the tier
};

struct Tier {
  std::string name;
  std::vector<Share> split;   // one per holder, summing to exactly 1
  std::optional<Money> size;  // profit that enters the tier before it ends
  std::optional<TierUntil> until;
};

enum class CapOverflow {
  residual,  // a capped holder's share goes to the residual holder
  pro_rata,  // ... is re-divided among the tier's uncapped holders
};

struct WaterfallSpec {
  std::vector<Holder> holders;
  std::vector<Tier> tiers;
  CapOverflow overflow = CapOverflow::residual;
  HolderIndex residual = 0;
  // Holders capped at a multiple of nothing invested yet: valid only if a funding round
  // adds money to them, which load_scenario checks once the rounds are read.
  std::vector<std::pair<HolderIndex, Diagnostic>> multiple_of_nothing;

  std::optional<HolderIndex> find(const std::string& id) const;
};

// Reads "holders" and "waterfall" of a scenario document. Every rule of SPEC §2 is
// checked and every violation recorded in the reader; returns nullopt if any was found.
// funding_possible: whether the scenario has rounds or a projection that may add to a
// holder's invested amount. If not, a multiple cap on nothing invested is an error here
// (otherwise it is left in multiple_of_nothing for load_scenario to check).
std::optional<WaterfallSpec> read_waterfall_spec(const JsonNode& holders, const JsonNode& waterfall,
                                                 JsonReader& reader, bool funding_possible = true);

}  // namespace capflow
