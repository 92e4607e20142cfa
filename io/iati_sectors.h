// Thematic areas as IATI sectors, both ways, from data/iati_sectors.json.
//
// The OECD DAC purpose codes (IATI sector vocabulary 1) have no
// counter-terrorism code, so an offer is reported twice over: its areas'
// own codes under vocabulary 99 (the reporting organisation's), and the
// closest DAC codes under vocabulary 1. Within each vocabulary the
// percentages add up to exactly 100 (two decimals; the last share takes the
// rounding). Loaded once, thread-safe afterwards.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace liaison {

inline constexpr std::string_view kDacVocabulary = "1";
inline constexpr std::string_view kOwnVocabulary = "99";

struct IatiSector {
  std::string vocabulary;  // "1" (DAC 5-digit) or "99" (liaison's area codes)
  std::string code;
  std::string percentage;  // decimal text, e.g. "50" or "33.33"
};

// The DAC codes and percentages of one area; empty for an unknown area.
struct DacShare {
  std::string code;
  double percentage;
};
const std::vector<DacShare>& dac_codes_of_area(std::string_view area);

// The sectors of an offer with these areas: vocabulary 99 (one per area,
// even shares) then vocabulary 1 (the areas' DAC codes, weighted). Areas
// must be known to the table; unknown ones are left out.
std::vector<IatiSector> sectors_for_areas(const std::vector<std::string>& areas);

// The area a DAC purpose code maps back to, or empty when the code is too
// broad to say an activity concerns counter-terrorism.
std::string area_of_dac_code(std::string_view code);

// Every area the table knows, in its order.
std::vector<std::string> mapped_areas();

}  // namespace liaison
