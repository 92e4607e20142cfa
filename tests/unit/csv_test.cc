// Unit tests of the RFC 4180 CSV reader and writer (base/csv.h).
#include <gtest/gtest.h>

#include "base/csv.h"
#include "base/error.h"

namespace liaison {
namespace {

using Cells = std::vector<std::string>;

std::string error_of(std::string_view text, std::string_view what = "people.csv") {
  try {
    parse_csv(text, what);
  } catch (const UserError& e) {
    return e.what();
  }
  return "";
}

TEST(ParseCsv, SimpleRowsWithLineNumbers) {
  auto rows = parse_csv("role,name\nDesk officer,Jane Roe\nAnalyst,John Doe\n", "t.csv");
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0].cells, (Cells{"role", "name"}));
  EXPECT_EQ(rows[1].cells, (Cells{"Desk officer", "Jane Roe"}));
  EXPECT_EQ(rows[2].cells, (Cells{"Analyst", "John Doe"}));
  EXPECT_EQ(rows[0].line, 1u);
  EXPECT_EQ(rows[1].line, 2u);
  EXPECT_EQ(rows[2].line, 3u);
}

TEST(ParseCsv, LastRowWithoutNewline) {
  auto rows = parse_csv("a,b\n1,2", "t.csv");
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[1].cells, (Cells{"1", "2"}));
}

TEST(ParseCsv, QuotedFieldsWithCommasQuotesAndLineBreaks) {
  auto rows = parse_csv("\"Roe, Jane\",\"say \"\"hi\"\"\",\"two\nlines\"\nnext,row,here\n", "t.csv");
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].cells, (Cells{"Roe, Jane", "say \"hi\"", "two\nlines"}));
  EXPECT_EQ(rows[0].line, 1u);
  // The row after a quoted line break starts on line 3.
  EXPECT_EQ(rows[1].line, 3u);
  EXPECT_EQ(rows[1].cells, (Cells{"next", "row", "here"}));
}

TEST(ParseCsv, CrLfLineEndings) {
  auto rows = parse_csv("a,b\r\n1,2\r\n\"x\r\ny\",z\r\n", "t.csv");
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[1].cells, (Cells{"1", "2"}));
  EXPECT_EQ(rows[2].cells, (Cells{"x\r\ny", "z"}));
  EXPECT_EQ(rows[2].line, 3u);
}

TEST(ParseCsv, BlankLinesAreSkippedButCounted) {
  auto rows = parse_csv("a\n\n\nb\r\n\r\nc", "t.csv");
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0].line, 1u);
  EXPECT_EQ(rows[1].line, 4u);
  EXPECT_EQ(rows[1].cells, (Cells{"b"}));
  EXPECT_EQ(rows[2].line, 6u);
}

TEST(ParseCsv, ByteOrderMarkIsIgnored) {
  auto rows = parse_csv("\xEF\xBB\xBFrole,name\nx,y\n", "t.csv");
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].cells[0], "role");
}

TEST(ParseCsv, EmptyCellsAreKept) {
  auto rows = parse_csv("a,,c\n,\nx,\"\",\n", "t.csv");
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0].cells, (Cells{"a", "", "c"}));
  EXPECT_EQ(rows[1].cells, (Cells{"", ""}));
  EXPECT_EQ(rows[2].cells, (Cells{"x", "", ""}));
}

TEST(ParseCsv, KeepsUtf8Untouched) {
  auto rows = parse_csv("\xD0\x98\xD0\xB2\xD0\xB0\xD0\xBD,\xE5\xAE\x89\xE5\x85\xA8\n", "t.csv");
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].cells, (Cells{"\xD0\x98\xD0\xB2\xD0\xB0\xD0\xBD", "\xE5\xAE\x89\xE5\x85\xA8"}));
}

TEST(ParseCsv, UnclosedQuoteReportsTheLineItStartsOn) {
  auto msg = error_of("a,b\nc,\"never\nclosed\n");
  EXPECT_NE(msg.find("people.csv:2: quoted field is never closed"), std::string::npos) << msg;
}

TEST(ParseCsv, QuoteInsideUnquotedFieldIsAnError) {
  auto msg = error_of("a,b\nc,d\ne,f\"g\n");
  EXPECT_NE(msg.find("people.csv:3: quote inside an unquoted field"), std::string::npos) << msg;
}

TEST(ParseCsv, TextAfterClosingQuoteIsAnError) {
  auto msg = error_of("\"ab\"c,d\n");
  EXPECT_NE(msg.find("people.csv:1:"), std::string::npos) << msg;
  EXPECT_NE(msg.find("after a closing quote"), std::string::npos) << msg;
}

TEST(ParseCsv, OtherDelimiters) {
  auto rows = parse_csv("role;name\n\"Desk; border\";Jane, Roe\n", "t.csv", ';');
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].cells, (Cells{"role", "name"}));
  EXPECT_EQ(rows[1].cells, (Cells{"Desk; border", "Jane, Roe"}));
  rows = parse_csv("a\tb\n1\t\n", "t.csv", '\t');
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[1].cells, (Cells{"1", ""}));
}

TEST(ParseCsv, Utf16IsRefusedWithOneLine) {
  // "ro" in UTF-16LE and UTF-16BE with their byte-order marks, and without one.
  for (std::string text : {std::string("\xFF\xFEr\0o\0", 6), std::string("\xFE\xFF\0r\0o", 6),
                           std::string("r\0o\0l\0e\0", 8)}) {
    auto msg = error_of(text);
    EXPECT_EQ(msg.find("people.csv: "), 0u) << msg;
    EXPECT_NE(msg.find("UTF-16"), std::string::npos) << msg;
    EXPECT_NE(msg.find("UTF-8 is expected"), std::string::npos) << msg;
    EXPECT_EQ(msg.find('\0'), std::string::npos);
    EXPECT_EQ(msg.find('\xFF'), std::string::npos);
  }
}

bool known(std::string_view cell) { return cell == "role" || cell == "name" || cell == "emails"; }

TEST(DetectCsvDelimiter, PrefersTheOneThatSplitsIntoKnownNames) {
  EXPECT_EQ(detect_csv_delimiter("role,name\n", known), ',');
  EXPECT_EQ(detect_csv_delimiter("role;name;emails\nx;y;z\n", known), ';');
  EXPECT_EQ(detect_csv_delimiter("\xEF\xBB\xBFrole\tname\r\n", known), '\t');
  // More commas than semicolons, but only ';' gives known names.
  EXPECT_EQ(detect_csv_delimiter("role;name, with, commas\n", known), ';');
}

TEST(DetectCsvDelimiter, ElseTheMostFrequentOutsideQuotes) {
  EXPECT_EQ(detect_csv_delimiter("a;b;c,d\n", known), ';');
  EXPECT_EQ(detect_csv_delimiter("\"a;b;c\",d\n", known), ',');
  EXPECT_EQ(detect_csv_delimiter("a\tb\n1,2,3,4\n", known), '\t');  // the header line only
  EXPECT_EQ(detect_csv_delimiter("single\n", known), ',');
  EXPECT_EQ(detect_csv_delimiter("", known), ',');
}

TEST(AppendCsvRow, QuotesOnlyWhenNeededAndEndsWithCrLf) {
  std::string out;
  append_csv_row(out, {"plain", "with,comma", "with \"quote\"", "two\nlines", "cr\ronly", ""});
  EXPECT_EQ(out, "plain,\"with,comma\",\"with \"\"quote\"\"\",\"two\nlines\",\"cr\ronly\",\r\n");
}

TEST(AppendCsvRow, SpacesAndSemicolonsAreNotQuoted) {
  std::string out;
  append_csv_row(out, {" lead", "a;b", "\xD0\x96"});
  EXPECT_EQ(out, " lead,a;b,\xD0\x96\r\n");
}

TEST(AppendCsvRow, RoundTripsThroughParseCsv) {
  std::vector<Cells> table = {
      {"id", "role", "notes"},
      {"1", "Focal point, border", "said \"call after 10\"\nsecond line"},
      {"2", "", "\xD0\x9F\xD1\x80\xD0\xB8\xD0\xB2\xD0\xB5\xD1\x82, \xE4\xBD\xA0\xE5\xA5\xBD"},
      {"3", "\"\"", ",,,"},
      {"4", "trailing\r\n", " spaced "},
  };
  std::string out;
  for (const auto& row : table) append_csv_row(out, row);
  auto rows = parse_csv(out, "round.csv");
  ASSERT_EQ(rows.size(), table.size());
  for (std::size_t i = 0; i < table.size(); ++i) EXPECT_EQ(rows[i].cells, table[i]) << "row " << i;
  // Line numbers account for the line breaks inside quoted cells.
  EXPECT_EQ(rows[1].line, 2u);
  EXPECT_EQ(rows[2].line, 4u);
}

TEST(SpreadsheetText, CellsASpreadsheetWouldChangeAreThoseLikeNumbersDatesOrFormulas) {
  for (const char* cell : {"+74951234567", "74951234567", "2026-03-01", "1/2", "09:00", "7.49512E+10", "=SUM(A1)",
                           "-5", "@home", "0012"})
    EXPECT_TRUE(spreadsheet_would_change(cell)) << cell;
  for (const char* cell : {"", "Analyst", "osce", "a@example.org", "ru;en", "Mon-Fri 09:00-18:00", "true",
                           "cccc0000000000000000000000000001"})
    EXPECT_FALSE(spreadsheet_would_change(cell)) << cell;
}

TEST(SpreadsheetText, ProtectedCellsReadBackAsTheirText) {
  EXPECT_EQ(protect_for_spreadsheet("+74951234567"), "=\"+74951234567\"");
  EXPECT_EQ(protect_for_spreadsheet("say \"hi\""), "=\"say \"\"hi\"\"\"");
  for (const char* cell : {"+74951234567", "2026-03-01", "say \"hi\"", "", "\"\""})
    EXPECT_EQ(spreadsheet_text(protect_for_spreadsheet(cell)), std::optional<std::string>(cell)) << cell;
  // Formulas hold at most 255 characters of text: longer cells stay as they are.
  std::string long_cell(256, '1');
  EXPECT_EQ(protect_for_spreadsheet(long_cell), long_cell);
  // Through the CSV writer and reader, as a file carries it.
  std::string out;
  append_csv_row(out, {protect_for_spreadsheet("+74951234567"), "osce"});
  EXPECT_EQ(out, "\"=\"\"+74951234567\"\"\",osce\r\n");
  auto rows = parse_csv(out, "contacts.csv");
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(spreadsheet_text(rows[0].cells[0]), "+74951234567");
}

TEST(SpreadsheetText, OtherCellsAreNotProtectedText) {
  for (const char* cell : {"+74951234567", "=A1", "=\"a\"&B1", "=\"a\"b\"", "=\"", "'+74951234567", "\"x\""})
    EXPECT_EQ(spreadsheet_text(cell), std::nullopt) << cell;
}

}  // namespace
}  // namespace liaison
