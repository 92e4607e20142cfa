// Phone numbers, parsed and normalised by libphonenumber.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace liaison {

// The number in E.164 form (+74955550123), or nullopt when libphonenumber
// cannot read it as a possible number. Numbers without a leading + or 00 are
// read in `default_region` (ISO 3166 code); with no region they are refused.
std::optional<std::string> to_e164(std::string_view text, std::string_view default_region = "");

}  // namespace liaison
