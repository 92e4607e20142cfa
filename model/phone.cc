#include "model/phone.h"

#include <array>
#include <atomic>
#include <charconv>
#include <cstdint>
#include <memory>
#include <set>

#include <phonenumbers/phonemetadata.pb.h>
#include <phonenumbers/phonenumberutil.h>
#include <unicode/regex.h>

#include "base/bulk_thresholds.h"

// The metadata libphonenumber parses with, compiled into the library
// (declared in its metadata.h, which Debian does not install).
namespace i18n::phonenumbers {
int metadata_size();
const void* metadata_get();
}  // namespace i18n::phonenumbers

namespace liaison {
namespace {

using i18n::phonenumbers::PhoneNumber;
using i18n::phonenumbers::PhoneNumberUtil;

constexpr std::size_t kMinNationalLength = 2;   // libphonenumber's kMinLengthForNsn
constexpr std::size_t kMaxNationalLength = 17;  // and kMaxLengthForNsn

// For a number written as + and digits only, libphonenumber's Parse takes the
// country calling code (the first 1-3 digits that form a known one) and reads
// the rest as the national number, unless the rest starts with 0 (leading
// zeros are kept apart) or with what the country's national prefix pattern
// may match (then it may strip a trunk prefix, such as Russia's 8). Parse
// runs a dozen ICU regular expressions and is most of an import's checking
// time; this table lets to_e164 skip it where the outcome is certain.
struct DirectReading {
  std::array<bool, 1000> known_code{};
  // Bit d set: a national number starting with digit d cannot begin a match
  // of the code's national prefix pattern.
  std::array<std::uint16_t, 1000> plain_first_digits{};
};

// Whether no text starting with `digit` can match `pattern` at its start:
// the match fails without ICU reading past the digit (hitEnd is false).
bool cannot_start_match(const std::string& pattern, char digit) {
  UErrorCode status = U_ZERO_ERROR;
  UParseError where;
  std::unique_ptr<icu::RegexPattern> compiled(
      icu::RegexPattern::compile(icu::UnicodeString::fromUTF8(pattern), 0, where, status));
  if (U_FAILURE(status)) return false;
  icu::UnicodeString text(static_cast<UChar>(digit));
  std::unique_ptr<icu::RegexMatcher> matcher(compiled->matcher(text, status));
  if (U_FAILURE(status)) return false;
  bool matched = matcher->lookingAt(status);
  return U_SUCCESS(status) && !matched && !matcher->hitEnd();
}

const DirectReading& direct_reading() {
  static const DirectReading table = [] {
    DirectReading t;
    const auto* util = PhoneNumberUtil::GetInstance();
    i18n::phonenumbers::PhoneMetadataCollection collection;
    if (!collection.ParseFromArray(i18n::phonenumbers::metadata_get(), i18n::phonenumbers::metadata_size()))
      return t;  // every number goes through Parse
    for (const auto& metadata : collection.metadata()) {
      int code = metadata.country_code();
      if (code <= 0 || code >= 1000) continue;
      // Parse uses the metadata of the code's main region.
      std::string main_region;
      util->GetRegionCodeForCountryCode(code, &main_region);
      if (metadata.id() != main_region) continue;
      t.known_code[code] = true;
      const std::string& national_prefix = metadata.national_prefix_for_parsing();
      for (char d = '1'; d <= '9'; ++d)
        if (national_prefix.empty() || cannot_start_match(national_prefix, d))
          t.plain_first_digits[code] |= static_cast<std::uint16_t>(1u << (d - '0'));
    }
    return t;
  }();
  return table;
}

// The number Parse would make of "+<digits>", when it is certain without
// running Parse; nullopt means "ask Parse".
std::optional<PhoneNumber> read_directly(const std::string& input) {
  if (input.size() < 4 || input[0] != '+' || input[1] == '0') return std::nullopt;
  for (std::size_t i = 1; i < input.size(); ++i)
    if (input[i] < '0' || input[i] > '9') return std::nullopt;
  const auto& table = direct_reading();
  int code = 0;
  std::size_t national_start = 0;
  for (std::size_t len = 1; len <= 3 && 1 + len < input.size(); ++len) {
    code = code * 10 + (input[len] - '0');
    if (table.known_code[code]) {
      national_start = 1 + len;
      break;
    }
  }
  if (national_start == 0) return std::nullopt;
  std::string_view national(input.data() + national_start, input.size() - national_start);
  if (national.size() < kMinNationalLength || national.size() > kMaxNationalLength) return std::nullopt;
  char first = national.front();
  if (first == '0' || !(table.plain_first_digits[code] & (1u << (first - '0')))) return std::nullopt;
  std::uint64_t value = 0;
  auto [end, error] = std::from_chars(national.data(), national.data() + national.size(), value);
  if (error != std::errc() || end != national.data() + national.size()) return std::nullopt;
  PhoneNumber number;
  number.set_country_code(code);
  number.set_national_number(value);
  return number;
}

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

// Building the table takes about 6 ms (ICU compiles a pattern per country
// and digit), the time Parse takes for 800 numbers: a process uses it once it
// has read kDirectPhoneReadingAfter numbers (an import), so that a
// one-record command does not pay for it.

std::optional<std::string> to_e164(std::string_view text, std::string_view default_region) {
  static std::atomic<unsigned> parsed{0};
  std::string input = international_input(text);
  if (parsed.load(std::memory_order_relaxed) < kDirectPhoneReadingAfter) {
    parsed.fetch_add(1, std::memory_order_relaxed);
    return parse_e164(input, default_region);
  }
  if (auto number = read_directly(input)) return possible_e164(*number);
  return parse_e164(input, default_region);
}

bool is_read_directly(std::string_view text) { return read_directly(international_input(text)).has_value(); }

std::optional<std::string> to_e164_by_parsing(std::string_view text, std::string_view default_region) {
  return parse_e164(international_input(text), default_region);
}

}  // namespace liaison
