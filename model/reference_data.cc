#include "model/reference_data.h"

#include "base/csv.h"
#include "base/error.h"

namespace liaison {
namespace embedded {
const std::map<std::string, std::string_view>& files();
}

namespace {

std::string_view embedded_file(const std::string& name) {
  auto it = embedded::files().find(name);
  if (it == embedded::files().end()) throw Failure("reference data " + name + " is missing from the build");
  return it->second;
}

std::map<std::string, State, std::less<>> load_states() {
  std::map<std::string, State, std::less<>> out;
  auto rows = parse_csv(embedded_file("states.csv"), "data/states.csv");
  for (std::size_t r = 1; r < rows.size(); ++r) {
    auto& c = rows[r].cells;
    if (c.size() < 6) throw Failure("data/states.csv:" + std::to_string(rows[r].line) + ": expected 6 columns");
    out[c[0]] = State{c[0], c[1], c[2], c[3], c[4], c[5]};
  }
  return out;
}

}  // namespace

const std::map<std::string, State, std::less<>>& states() {
  static const auto all = load_states();
  return all;
}

const State* find_state(std::string_view code) {
  auto it = states().find(code);
  return it == states().end() ? nullptr : &it->second;
}

Json initial_areas() { return parse_json(embedded_file("areas.json"), "data/areas.json"); }
Json initial_orgs() { return parse_json(embedded_file("orgs.json"), "data/orgs.json"); }
Json iati_sector_table() { return parse_json(embedded_file("iati_sectors.json"), "data/iati_sectors.json"); }

}  // namespace liaison
