#include "io/iati_sectors.h"

#include <cmath>
#include <cstdio>
#include <map>

#include "base/canonical_json.h"
#include "base/error.h"
#include "model/reference_data.h"

namespace liaison {
namespace {

struct Table {
  std::vector<std::string> order;
  std::map<std::string, std::vector<DacShare>, std::less<>> areas;
  std::map<std::string, std::string, std::less<>> reverse;
};

Table load() {
  Table t;
  Json j = iati_sector_table();
  for (auto& [area, shares] : j.at("areas").items()) {
    t.order.push_back(area);
    auto& out = t.areas[area];
    for (const auto& s : shares) out.push_back({s.at("code").get<std::string>(), s.at("percentage").get<double>()});
  }
  for (auto& [code, area] : j.at("dac_to_area").items()) t.reverse[code] = area.get<std::string>();
  return t;
}

const Table& table() {
  static const Table t = load();
  return t;
}

// Hundredths as decimal text: 5000 -> "50", 3333 -> "33.33", 1250 -> "12.5".
std::string percent_text(long hundredths) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%ld.%02ld", hundredths / 100, hundredths % 100);
  std::string s = buf;
  while (s.back() == '0') s.pop_back();
  if (s.back() == '.') s.pop_back();
  return s;
}

// Shares in hundredths of a percent that add up to exactly 10000: each
// rounded down, the remainder given to the largest first.
std::vector<long> apportion(const std::vector<double>& weights) {
  double total = 0;
  for (double w : weights) total += w;
  std::vector<long> out;
  long sum = 0;
  for (double w : weights) {
    out.push_back(static_cast<long>(std::floor(w / total * 10000 + 1e-9)));
    sum += out.back();
  }
  for (std::size_t i = 0; sum < 10000; i = (i + 1) % out.size(), ++sum) ++out[i];
  return out;
}

}  // namespace

const std::vector<DacShare>& dac_codes_of_area(std::string_view area) {
  static const std::vector<DacShare> none;
  auto it = table().areas.find(area);
  return it == table().areas.end() ? none : it->second;
}

std::vector<IatiSector> sectors_for_areas(const std::vector<std::string>& areas) {
  std::vector<std::string> known;
  for (const auto& a : areas)
    if (table().areas.count(a)) known.push_back(a);
  std::vector<IatiSector> out;
  if (known.empty()) return out;
  auto own = apportion(std::vector<double>(known.size(), 1.0));
  for (std::size_t i = 0; i < known.size(); ++i)
    out.push_back({std::string(kOwnVocabulary), known[i], percent_text(own[i])});
  std::vector<std::string> codes;  // in order of first appearance
  std::map<std::string, double> weight;
  for (const auto& a : known)
    for (const auto& s : dac_codes_of_area(a)) {
      if (!weight.count(s.code)) codes.push_back(s.code);
      weight[s.code] += s.percentage / static_cast<double>(known.size());
    }
  std::vector<double> weights;
  for (const auto& c : codes) weights.push_back(weight[c]);
  auto dac = apportion(weights);
  for (std::size_t i = 0; i < codes.size(); ++i)
    out.push_back({std::string(kDacVocabulary), codes[i], percent_text(dac[i])});
  return out;
}

std::string area_of_dac_code(std::string_view code) {
  auto it = table().reverse.find(code);
  return it == table().reverse.end() ? std::string() : it->second;
}

std::vector<std::string> mapped_areas() { return table().order; }

}  // namespace liaison
