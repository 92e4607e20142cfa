// Reference data shipped in data/ and compiled into the binaries: ISO 3166-1
// states with their UN M49 regions, and the thematic areas and public
// organizations a new copy starts with.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "base/canonical_json.h"

namespace liaison {

struct State {
  std::string code;  // alpha-2
  std::string alpha3;
  std::string m49;
  std::string name;
  std::string region;     // e.g. Asia
  std::string subregion;  // e.g. Central Asia
};

// Every state, keyed by alpha-2 code. Loaded once, thread-safe afterwards.
const std::map<std::string, State, std::less<>>& states();
const State* find_state(std::string_view code);

// The records a new copy starts with: areas.json then orgs.json, as arrays of
// record objects.
Json initial_areas();
Json initial_orgs();

// data/iati_sectors.json: thematic areas as IATI sectors (io/iati_sectors.h).
Json iati_sector_table();

}  // namespace liaison
