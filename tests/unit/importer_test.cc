// Unit tests of reading an import (core/importer.h): how CSV headers name
// fields, delimiters, empty columns, line breaks in cells, UTF-16.
#include <gtest/gtest.h>

#include "core/error.h"
#include "core/importer.h"

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
  EXPECT_EQ(rec["languages"], Json::array({"en", "ru"}));
}

TEST(ReadImport, NameAndFlagOfOneFieldAreOneColumn) {
  auto msg = error_of("org,role,emails,Email\nosce,Analyst,a@example.org,b@example.org\n");
  EXPECT_NE(msg.find("contacts.csv:1: column 'emails' appears twice"), std::string::npos) << msg;
}

TEST(ReadImport, UnknownHeaderNamesTheValidFields) {
  auto msg = error_of("org,role,foo\nosce,Analyst,x\n");
  EXPECT_EQ(msg.find("contacts.csv:1: unknown contact field 'foo' (fields: id, org, role, name, unit, emails,"), 0u)
      << msg;
  EXPECT_NE(msg.find("status, notes)"), std::string::npos) << msg;
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
  EXPECT_EQ((*records.changes[0].after)["languages"], Json::array({"en", "fr"}));
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

}  // namespace
}  // namespace liaison
