// Phone numbers, parsed and normalised by libphonenumber.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace liaison {

// The number in E.164 form (+74955550123), or nullopt when libphonenumber
// cannot read it as a possible number. Numbers without a leading + or 00 are
// read in `default_region` (ISO 3166 code); with no region they are refused.
std::optional<std::string> to_e164(std::string_view text, std::string_view default_region = "");

// A phone as a file holds it once typed by hand or saved by a spreadsheet:
// the number in E.164 form, or why it is not one (a sentence without the
// field's name).
struct WrittenPhone {
  std::optional<std::string> e164;
  std::string error;
};

// Reads `text` as people and spreadsheets write phones, for an import:
//  * "+..." or "00..." as to_e164 reads it;
//  * digits only, as a spreadsheet leaves "+74951234567" once it took it for
//    a number ("74951234567"), and national forms ("8 (495) 123-45-67",
//    "(0)30 1234567") read in each of `regions` (ISO 3166 codes: the states
//    of the contact's organization). Each reading must be a valid number
//    (libphonenumber's IsValidNumber, stricter than to_e164's "possible"),
//    and all valid readings must be the same number: a text two states
//    would dial differently is refused, naming both;
//  * scientific notation ("7.49512E+10"), which has lost digits, is refused
//    with a sentence saying so.
WrittenPhone read_written_phone(std::string_view text, const std::vector<std::string>& regions);

}  // namespace liaison
