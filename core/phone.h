// Phone numbers, parsed and normalised by libphonenumber.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace liaison {

// The number in E.164 form (+74955550123), or nullopt when libphonenumber
// cannot read it as a possible number. Numbers without a leading + or 00 are
// read in `default_region` (ISO 3166 code); with no region they are refused.
// In a process that has read many numbers (an import), a number written as
// + and digits only is read without libphonenumber's parser when its metadata
// shows the parser would read it the same way.
std::optional<std::string> to_e164(std::string_view text, std::string_view default_region = "");

// The same through libphonenumber's parser always: the reference that tests
// hold to_e164 to.
std::optional<std::string> to_e164_by_parsing(std::string_view text, std::string_view default_region = "");

// Whether to_e164 reads `text` without the parser once past its first numbers
// (tests check that the direct reading is in use where it should be).
bool is_read_directly(std::string_view text);

}  // namespace liaison
