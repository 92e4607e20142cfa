// Phone numbers through libphonenumber: to_e164, and read_written_phone for
// imports.
#include <gtest/gtest.h>

#include <string>

#include "model/phone.h"

namespace liaison {
namespace {

TEST(Phone, TrunkPrefixesAreStrippedAndLeadingZerosKept) {
  // Russia's national prefix 8 after +7, and the UK's 0 after +44: the parser
  // strips them.
  EXPECT_EQ(to_e164("+784955550123"), "+74955550123");
  EXPECT_EQ(to_e164("+4402079460000"), "+442079460000");
  // Italy keeps a leading zero.
  EXPECT_EQ(to_e164("+390612345678"), "+390612345678");
  EXPECT_EQ(to_e164("0074955550123"), "+74955550123");
  EXPECT_EQ(to_e164("+74955550123"), "+74955550123");
  EXPECT_EQ(to_e164("+7 495 555 01 23"), "+74955550123");
  EXPECT_EQ(to_e164("+12025550143"), "+12025550143");
}

// Phones as files hold them once people or spreadsheets wrote them
// (read_written_phone): what an import makes of them.
std::string e164_of(std::string_view text, const std::vector<std::string>& regions = {}) {
  auto phone = read_written_phone(text, regions);
  EXPECT_TRUE(phone.e164) << text << ": " << phone.error;
  return phone.e164.value_or("");
}

std::string error_of(std::string_view text, const std::vector<std::string>& regions = {}) {
  auto phone = read_written_phone(text, regions);
  EXPECT_FALSE(phone.e164) << text << " read as " << phone.e164.value_or("");
  return phone.error;
}

TEST(WrittenPhone, InternationalFormsAreReadAsEveryCommandReadsThem) {
  EXPECT_EQ(e164_of("+7 495 123-45-67"), "+74951234567");
  EXPECT_EQ(e164_of(" 0049 30 1234567 "), "+49301234567");
  EXPECT_EQ(error_of("+7 12"), "'+7 12' is not a phone number in international form (+country code)");
}

TEST(WrittenPhone, DigitsThatLostTheirPlusAreReadAsInternational) {
  // "+74951234567" once a spreadsheet took it for a number.
  EXPECT_EQ(e164_of("74951234567"), "+74951234567");
  EXPECT_EQ(e164_of("74951234567", {"RU", "KZ"}), "+74951234567");
  EXPECT_EQ(e164_of("49301234567", {"DE"}), "+49301234567");
  EXPECT_EQ(e164_of("12025550123", {"US"}), "+12025550123");
  // Digits that make no valid number with a + are not taken for one.
  EXPECT_NE(error_of("7495").find("is not a phone number in international form"), std::string::npos);
}

TEST(WrittenPhone, NationalNumbersAreReadInTheOrganizationsStates) {
  EXPECT_EQ(e164_of("8 (495) 123-45-67", {"RU"}), "+74951234567");
  // A regional body's states: Russia and Kazakhstan share +7 and trunk
  // prefix 8, and the number is a valid one in no other of them.
  EXPECT_EQ(e164_of("8 (495) 123-45-67", {"AM", "AZ", "BY", "KG", "KZ", "RU", "TJ", "UZ"}), "+74951234567");
  EXPECT_EQ(e164_of("(0)30 1234567", {"DE"}), "+49301234567");
  EXPECT_EQ(e164_of("030 1234567", {"DE"}), "+49301234567");
  EXPECT_EQ(e164_of("01 23 45 67 89", {"FR"}), "+33123456789");
}

TEST(WrittenPhone, NationalNumbersWithoutAStateAreRefusedSayingWhy) {
  EXPECT_EQ(error_of("8 (495) 123-45-67"),
            "'8 (495) 123-45-67' is not a phone number in international form (+country code), and the "
            "organization names no state to read it in");
  EXPECT_EQ(error_of("8 (495) 123-45-67", {"FR"}),
            "'8 (495) 123-45-67' is not a phone number in international form (+country code) nor a national "
            "number in FR");
  EXPECT_NE(error_of("12", {"AD", "AL", "AM", "AT", "AZ"}).find("nor a national number in any of the "
                                                                 "organization's 5 states"),
            std::string::npos);
}

TEST(WrittenPhone, ANumberTwoStatesDialDifferentlyIsRefusedNamingBoth) {
  // Utrecht and Berlin: both 030.
  auto error = error_of("030 1234567", {"DE", "NL"});
  EXPECT_NE(error.find("is a different number depending on the state it is dialled in (+31301234567, "
                       "+49301234567): write it with + and the country code"),
            std::string::npos)
      << error;
}

TEST(WrittenPhone, ScientificNotationIsRefusedAsDigitsLost) {
  EXPECT_EQ(error_of("7.49512E+10", {"RU"}), "written by a spreadsheet as 7.49512E+10: digits lost; format the "
                                             "column as text");
  EXPECT_NE(error_of("7,49512e+10").find("digits lost"), std::string::npos);
  EXPECT_NE(error_of("7E10").find("digits lost"), std::string::npos);
}

}  // namespace
}  // namespace liaison
