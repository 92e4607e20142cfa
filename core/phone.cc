#include "core/phone.h"

#include <phonenumbers/phonenumberutil.h>

namespace liaison {

std::optional<std::string> to_e164(std::string_view text, std::string_view default_region) {
  using i18n::phonenumbers::PhoneNumber;
  using i18n::phonenumbers::PhoneNumberUtil;
  const auto* util = PhoneNumberUtil::GetInstance();
  std::string input(text);
  if (input.starts_with("00")) input = "+" + input.substr(2);
  std::string region = default_region.empty() ? "ZZ" : std::string(default_region);
  PhoneNumber number;
  if (util->Parse(input, region, &number) != PhoneNumberUtil::NO_PARSING_ERROR) return std::nullopt;
  if (!util->IsPossibleNumber(number)) return std::nullopt;
  std::string out;
  util->Format(number, PhoneNumberUtil::E164, &out);
  return out;
}

}  // namespace liaison
