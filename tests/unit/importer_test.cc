// Unit tests of reading an import (io/importer.h): how CSV headers name
// fields, delimiters, empty columns, line breaks in cells, UTF-16, what
// spreadsheets make of phones, and every bad row reported.
#include <gtest/gtest.h>

#include <algorithm>

#include "base/error.h"
#include "io/importer.h"

namespace liaison {
namespace {

ImportedRecords read(std::string_view text, char delimiter = 0) {
  return read_import(Kind::Contact, text, "contacts.csv", ImportFormat::Csv, delimiter);
}

std::string error_of(std::string_view text, char delimiter = 0) {
  try {
    read(text, delimiter);
  } catch (const UserError& e) {
    return e.what();
  }
  return "";
}

TEST(ReadImport, HeadersTakeFieldNamesAndFlagsInAnyCaseTrimmed) {
  auto records = read(" Org ,ROLE,Email,  Last-Verified,languages\n"
                      "osce,Analyst,Jane@Example.org,2026-01-15,ru;en\n");
  ASSERT_EQ(records.changes.size(), 1u);
  const Json& rec = *records.changes[0].after;
  EXPECT_EQ(rec["org"], "osce");
  EXPECT_EQ(rec["role"], "Analyst");
  EXPECT_EQ(rec["emails"], Json::array({"jane@example.org"}));
  EXPECT_EQ(rec["last_verified"], "2026-01-15");
  EXPECT_EQ(rec["languages"], Json::array({"ru", "en"})) << "in the order of the cell";
}

TEST(ReadImport, NameAndFlagOfOneFieldAreOneColumn) {
  auto msg = error_of("org,role,emails,Email\nosce,Analyst,a@example.org,b@example.org\n");
  EXPECT_NE(msg.find("contacts.csv:1: column 'emails' appears twice"), std::string::npos) << msg;
}

TEST(ReadImport, UnknownHeaderNamesTheValidFields) {
  auto msg = error_of("org,role,foo\nosce,Analyst,x\n");
  EXPECT_EQ(msg.find("contacts.csv:1: unknown contact field 'foo' (fields: id, org, role, name, unit, emails,"), 0u)
      << msg;
  EXPECT_NE(msg.find("status, notes, visibility, shared_with)"), std::string::npos) << msg;
  EXPECT_EQ(msg.find('\n'), std::string::npos) << msg;
}

TEST(ReadImport, EmptyHeaderColumnsAreSkippedWhenEmpty) {
  // What spreadsheets write: a trailing separator on every line.
  auto records = read("org,role,,\nosce,Analyst,,\nunodc,Adviser, ,\n");
  ASSERT_EQ(records.changes.size(), 2u);
  EXPECT_EQ((*records.changes[1].after)["org"], "unodc");
  auto msg = error_of("org,role,\nosce,Analyst,\nunodc,Adviser,stray\n");
  EXPECT_NE(msg.find("contacts.csv:3: column 3 has a value but no header (fields: id, org,"), std::string::npos)
      << msg;
}

TEST(ReadImport, SemicolonAndTabFilesAreDetectedFromTheHeader) {
  // Excel in Russian, French or German locales writes ';'.
  auto records = read("org;role;name;languages\r\nosce;\"Analyst, border\";Jean Dupont;\"fr;en\"\r\n");
  ASSERT_EQ(records.changes.size(), 1u);
  EXPECT_EQ((*records.changes[0].after)["role"], "Analyst, border");
  EXPECT_EQ((*records.changes[0].after)["languages"], Json::array({"fr", "en"}));
  records = read("org\trole\nosce\tAnalyst; border\n");
  ASSERT_EQ(records.changes.size(), 1u);
  EXPECT_EQ((*records.changes[0].after)["role"], "Analyst; border");
}

TEST(ReadImport, GivenDelimiterIsUsed) {
  // Detection would pick ',' (known names); the caller says ';'.
  auto msg = error_of("org,role;name\nosce,x;y\n", ';');
  EXPECT_NE(msg.find("unknown contact field 'org,role'"), std::string::npos) << msg;
  auto records = read("org|role\nosce|Analyst\n", '|');
  ASSERT_EQ(records.changes.size(), 1u);
  EXPECT_EQ((*records.changes[0].after)["role"], "Analyst");
}

TEST(ReadImport, CrLfInsideQuotesIsKeptAsLf) {
  auto records = read("org,role,notes\r\nosce,Analyst,\"first\r\nsecond\"\r\n");
  ASSERT_EQ(records.changes.size(), 1u);
  EXPECT_EQ((*records.changes[0].after)["notes"], "first\nsecond");
  // A lone CR is still a control character.
  auto msg = error_of("org,role,notes\nosce,Analyst,\"first\rsecond\"\n");
  EXPECT_NE(msg.find("contacts.csv:2: "), std::string::npos) << msg;
  EXPECT_NE(msg.find("control characters"), std::string::npos) << msg;
}

TEST(ReadImport, Utf16IsRefusedForCsvAndJson) {
  std::string utf16("\xFF\xFEo\0r\0g\0", 8);
  auto msg = error_of(utf16);
  EXPECT_EQ(msg.find("contacts.csv: the file is UTF-16"), 0u) << msg;
  try {
    read_import(Kind::Contact, utf16, "contacts.json", ImportFormat::Json);
    ADD_FAILURE() << "UTF-16 JSON accepted";
  } catch (const UserError& e) {
    EXPECT_NE(std::string(e.what()).find("contacts.json: the file is UTF-16"), std::string::npos) << e.what();
  }
}

// Fictional organizations: one Russian, one German, one naming no state.
const OrgStates kOrgStates = {{"ru-desk", {"RU"}}, {"de-desk", {"DE"}}, {"cis-atc", {"AM", "BY", "KZ", "RU"}},
                              {"no-state", {}}};

ImportedRecords read_with_states(std::string_view text, ImportFormat format = ImportFormat::Csv) {
  return read_import(Kind::Contact, text, format == ImportFormat::Csv ? "contacts.csv" : "contacts.json", format, 0,
                     kOrgStates);
}

std::string error_with_states(std::string_view text, ImportFormat format = ImportFormat::Csv) {
  try {
    read_with_states(text, format);
  } catch (const UserError& e) {
    return e.what();
  }
  return "";
}

Json phones_of(const ImportedRecords& records, std::size_t i) { return (*records.changes.at(i).after)["phones"]; }

TEST(ReadImport, PhonesAsSpreadsheetsLeaveThemAreReadBack) {
  auto records = read_with_states(
      "org,role,phones\n"
      "ru-desk,Digits that lost their +,74951234567\n"
      "ru-desk,National,8 (495) 123-45-67\n"
      "cis-atc,National in a regional body,8 (495) 123-45-67\n"
      "de-desk,National with (0),(0)30 1234567\n"
      "ru-desk,Protected for Excel,\"=\"\"+74951234567\"\"\"\n"
      "ru-desk,Apostrophe,'+74951234567\n"
      "ru-desk,Both in one cell,\"=\"\"+74951234567;8 (495) 765-43-21\"\"\"\n"
      "no-state,International,+49 30 1234567\n");
  ASSERT_EQ(records.changes.size(), 8u);
  for (std::size_t i : {0, 1, 2, 4, 5}) EXPECT_EQ(phones_of(records, i), Json::array({"+74951234567"})) << i;
  EXPECT_EQ(phones_of(records, 3), Json::array({"+49301234567"}));
  EXPECT_EQ(phones_of(records, 6), Json::array({"+74951234567", "+74957654321"}));
  EXPECT_EQ(phones_of(records, 7), Json::array({"+49301234567"}));
}

TEST(ReadImport, DatesProtectedForSpreadsheetsAreReadBack) {
  auto records = read_with_states("org,role,last_verified,name\n"
                                  "ru-desk,Analyst,\"=\"\"2026-03-01\"\"\",\"=\"\"-\"\"\"\n"
                                  "ru-desk,Adviser,'2026-03-02,'Jo\n");
  ASSERT_EQ(records.changes.size(), 2u);
  EXPECT_EQ((*records.changes[0].after)["last_verified"], "2026-03-01");
  EXPECT_EQ((*records.changes[0].after)["name"], "-");
  EXPECT_EQ((*records.changes[1].after)["last_verified"], "2026-03-02");
  EXPECT_EQ((*records.changes[1].after)["name"], "'Jo");  // an apostrophe is text everywhere else
}

TEST(ReadImport, JsonPhonesAreReadAsWrittenToo) {
  auto records = read_with_states(R"([{"org": "ru-desk", "role": "A", "phones": "8 (495) 123-45-67"},
                                      {"org": "de-desk", "role": "B", "phones": ["030 1234567", "=\"+74951234567\""]}])",
                                  ImportFormat::Json);
  ASSERT_EQ(records.changes.size(), 2u);
  EXPECT_EQ(phones_of(records, 0), Json::array({"+74951234567"}));
  EXPECT_EQ(phones_of(records, 1), Json::array({"+49301234567", "+74951234567"}));
}

TEST(ReadImport, PhoneInScientificNotationIsRefusedAsDigitsLost) {
  auto msg = error_with_states("id,org,role,phones\ncccc0000000000000000000000000001,ru-desk,Analyst,7.49512E+10\n");
  EXPECT_EQ(msg, "contacts.csv:2: contact cccc0000: phones: written by a spreadsheet as 7.49512E+10: digits lost; "
                 "format the column as text");
}

TEST(ReadImport, NationalPhoneOfAnOrganizationWithoutStatesIsRefused) {
  auto msg = error_with_states("org,role,phones\nno-state,Analyst,8 (495) 123-45-67\n");
  EXPECT_NE(msg.find("contacts.csv:2: contact "), std::string::npos) << msg;
  EXPECT_NE(msg.find("phones: '8 (495) 123-45-67' is not a phone number in international form (+country code), "
                     "and the organization names no state to read it in"),
            std::string::npos)
      << msg;
  // Without states given (an unknown org), the same.
  msg = error_with_states("org,role,phones\nno-such-org,Analyst,8 (495) 123-45-67\n");
  EXPECT_NE(msg.find("names no state"), std::string::npos) << msg;
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::size_t start = 0;
  for (std::size_t end; (end = text.find('\n', start)) != std::string::npos; start = end + 1)
    out.push_back(text.substr(start, end - start));
  out.push_back(text.substr(start));
  return out;
}

TEST(ReadImport, EveryBadRowIsReportedUpToTwentyThenCounted) {
  // 85 rows, 76 of them bad: what a spreadsheet that mangled the phones of
  // most rows gives back, plus a row of the wrong shape.
  std::string text = "org,role,phones\n";
  std::vector<std::size_t> bad_lines;
  for (std::size_t row = 0; row < 85; ++row) {
    std::size_t line = row + 2;
    if (row == 3) {
      text += "ru-desk,Analyst\n";
      bad_lines.push_back(line);
    } else if (row % 9 == 8) {
      text += "ru-desk,Analyst,+74951234567\n";
    } else {
      text += "ru-desk,Analyst,7.49512E+10\n";
      bad_lines.push_back(line);
    }
  }
  ASSERT_EQ(bad_lines.size(), 76u);
  auto lines = lines_of(error_with_states(text));
  ASSERT_EQ(lines.size(), 22u);
  EXPECT_EQ(lines[0], "contacts.csv: 76 of 85 rows have errors; nothing was imported:");
  for (std::size_t i = 0; i < 20; ++i)
    EXPECT_EQ(lines[1 + i].find("contacts.csv:" + std::to_string(bad_lines[i]) + ": "), 0u) << lines[1 + i];
  EXPECT_EQ(lines[4], "contacts.csv:5: expected 3 fields, found 2");
  EXPECT_NE(lines[1].find("phones: written by a spreadsheet as 7.49512E+10: digits lost"), std::string::npos);
  EXPECT_EQ(lines[21], "... and 56 more rows with errors");
}

TEST(ReadImport, BadRowsOfBothCheckingThreadsAreReportedInOrder) {
  // Past 2000 rows the checking is split in two halves.
  std::string text = "org,role,emails\n";
  for (std::size_t row = 0; row < 3000; ++row)
    text += (row == 2999 || row == 10 || row == 1600) ? "ru-desk,Analyst,broken\n" : "ru-desk,Analyst,\n";
  auto lines = lines_of(error_with_states(text));
  ASSERT_EQ(lines.size(), 4u);
  EXPECT_EQ(lines[0], "contacts.csv: 3 of 3000 rows have errors; nothing was imported:");
  EXPECT_EQ(lines[1].find("contacts.csv:12: "), 0u) << lines[1];
  EXPECT_EQ(lines[2].find("contacts.csv:1602: "), 0u) << lines[2];
  EXPECT_EQ(lines[3].find("contacts.csv:3001: "), 0u) << lines[3];
  EXPECT_NE(lines[3].find("emails: 'broken' is not an email address"), std::string::npos) << lines[3];
}

TEST(ReadImport, OneBadRowIsOneLineAsBefore) {
  auto msg = error_with_states("org,role,emails\nru-desk,Analyst,\nru-desk,Analyst,broken\n");
  EXPECT_EQ(msg.find("contacts.csv:3: "), 0u) << msg;
  EXPECT_EQ(msg.find('\n'), std::string::npos) << msg;
}

}  // namespace
}  // namespace liaison
