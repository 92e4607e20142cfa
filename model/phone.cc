#include "model/phone.h"

#include <set>

#include <phonenumbers/phonenumberutil.h>

namespace liaison {
namespace {

using i18n::phonenumbers::PhoneNumber;
using i18n::phonenumbers::PhoneNumberUtil;

std::optional<std::string> possible_e164(const PhoneNumber& number) {
  const auto* util = PhoneNumberUtil::GetInstance();
  if (!util->IsPossibleNumber(number)) return std::nullopt;
  std::string out;
  util->Format(number, PhoneNumberUtil::E164, &out);
  return out;
}

std::string international_input(std::string_view text) {
  std::string input(text);
  if (input.starts_with("00")) input = "+" + input.substr(2);
  return input;
}

std::optional<std::string> parse_e164(const std::string& input, std::string_view default_region) {
  std::string region = default_region.empty() ? "ZZ" : std::string(default_region);
  PhoneNumber number;
  if (PhoneNumberUtil::GetInstance()->Parse(input, region, &number) != PhoneNumberUtil::NO_PARSING_ERROR)
    return std::nullopt;
  return possible_e164(number);
}

// "7.49512E+10", "7,49512e+10", "7E+10": what a spreadsheet writes for a
// long number in a column formatted "General".
bool is_scientific_notation(std::string_view text) {
  std::size_t i = 0;
  auto digits = [&] {
    std::size_t from = i;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9') ++i;
    return i > from;
  };
  if (!digits()) return false;
  if (i < text.size() && (text[i] == '.' || text[i] == ',')) {
    ++i;
    if (!digits()) return false;
  }
  if (i >= text.size() || (text[i] != 'e' && text[i] != 'E')) return false;
  ++i;
  if (i < text.size() && text[i] == '+') ++i;
  return digits() && i == text.size();
}

bool digits_only(std::string_view text) {
  return !text.empty() && text.find_first_not_of("0123456789") == std::string_view::npos;
}

// The number `input` is in `region` ("ZZ": written with +), when it is a
// valid one there.
std::optional<std::string> valid_e164(const std::string& input, const std::string& region) {
  const auto* util = PhoneNumberUtil::GetInstance();
  PhoneNumber number;
  if (util->Parse(input, region, &number) != PhoneNumberUtil::NO_PARSING_ERROR) return std::nullopt;
  if (!util->IsValidNumber(number)) return std::nullopt;
  std::string out;
  util->Format(number, PhoneNumberUtil::E164, &out);
  return out;
}

std::string trimmed(std::string_view text) {
  auto from = text.find_first_not_of(" \t");
  if (from == std::string_view::npos) return "";
  auto to = text.find_last_not_of(" \t");
  return std::string(text.substr(from, to - from + 1));
}

}  // namespace

WrittenPhone read_written_phone(std::string_view raw, const std::vector<std::string>& regions) {
  const std::string text = trimmed(raw);
  const std::string quoted = "'" + text + "'";
  if (is_scientific_notation(text))
    return {std::nullopt, "written by a spreadsheet as " + text + ": digits lost; format the column as text"};
  if (text.starts_with("+") || text.starts_with("00")) {
    if (auto e164 = to_e164(text)) return {e164, ""};
    return {std::nullopt, quoted + " is not a phone number in international form (+country code)"};
  }
  // Every reading that makes a valid number; ordered, so that an error names
  // them the same way each time.
  std::set<std::string> readings;
  if (digits_only(text))
    if (auto e164 = valid_e164("+" + text, "ZZ")) readings.insert(*e164);
  for (const auto& region : regions)
    if (auto e164 = valid_e164(text, region)) readings.insert(*e164);
  if (readings.size() == 1) return {*readings.begin(), ""};
  if (readings.size() > 1) {
    std::string list;
    for (const auto& r : readings) list += (list.empty() ? "" : ", ") + r;
    return {std::nullopt, quoted + " is a different number depending on the state it is dialled in (" + list +
                              "): write it with + and the country code"};
  }
  std::string error = quoted + " is not a phone number in international form (+country code)";
  if (regions.empty()) return {std::nullopt, error + ", and the organization names no state to read it in"};
  if (regions.size() <= 4) {
    std::string list;
    for (const auto& r : regions) list += (list.empty() ? "" : ", ") + r;
    return {std::nullopt, error + " nor a national number in " + list};
  }
  return {std::nullopt,
          error + " nor a national number in any of the organization's " + std::to_string(regions.size()) + " states"};
}

std::optional<std::string> to_e164(std::string_view text, std::string_view default_region) {
  return parse_e164(international_input(text), default_region);
}

}  // namespace liaison
