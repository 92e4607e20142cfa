// to_e164 reads numbers written as + and digits without libphonenumber's
// parser where it can; these tests hold it to the parser's answers.
#include <gtest/gtest.h>

#include <random>
#include <string>

#include "core/phone.h"

namespace liaison {
namespace {

// Every calling code, first digit of the national number and length the
// parser accepts, plus codes and lengths it refuses: the direct reading must
// give exactly what the parser gives.
TEST(PhoneDirectReading, AgreesWithTheParserForEveryCodeFirstDigitAndLength) {
  std::mt19937 random(20261123);
  std::uniform_int_distribution<int> digit(0, 9);
  std::size_t compared = 0, accepted = 0, read_directly = 0;
  for (int code = 1; code < 1000; ++code) {
    for (char first = '0'; first <= '9'; ++first) {
      for (std::size_t length = 1; length <= 18; length += (length < 13 ? 1 : 2)) {
        std::string number = "+" + std::to_string(code) + first;
        for (std::size_t i = 1; i < length; ++i) number += static_cast<char>('0' + digit(random));
        auto direct = to_e164(number);
        auto parsed = to_e164_by_parsing(number);
        ASSERT_EQ(direct, parsed) << number;
        ++compared;
        read_directly += is_read_directly(number);
        accepted += parsed.has_value();
      }
    }
  }
  EXPECT_GT(compared, 100000u);
  EXPECT_GT(accepted, 10000u);  // the comparison covered real numbers, not refusals only
  EXPECT_GT(read_directly, accepted / 2);  // and the direct reading, not the parser alone
}

TEST(PhoneDirectReading, TrunkPrefixesAndLeadingZerosStillGoThroughTheParser) {
  // Russia's national prefix 8 after +7, and the UK's 0 after +44: the parser
  // strips them, and so must to_e164.
  EXPECT_EQ(to_e164("+784955550123"), to_e164_by_parsing("+784955550123"));
  EXPECT_EQ(to_e164("+4402079460000"), "+442079460000");
  // Italy keeps a leading zero.
  EXPECT_EQ(to_e164("+390612345678"), "+390612345678");
  EXPECT_EQ(to_e164("0074955550123"), "+74955550123");
  EXPECT_EQ(to_e164("+74955550123"), "+74955550123");
  EXPECT_TRUE(is_read_directly("+74955550123"));
  EXPECT_TRUE(is_read_directly("+12025550143"));
  EXPECT_FALSE(is_read_directly("+784955550123"));
  EXPECT_FALSE(is_read_directly("+4402079460000"));
  EXPECT_FALSE(is_read_directly("+7 495 555 01 23"));
}

}  // namespace
}  // namespace liaison
