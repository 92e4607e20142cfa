// Unit tests of the exports (io/export_formats.h): CSV that parse_csv
// reads back cell for cell, JSON, and vCard 4.0 as RFC 6350 writes it (CRLF,
// folding at 75 octets outside UTF-8 sequences, escaping of , ; \ and line
// breaks, the mandatory properties).
#include <gtest/gtest.h>

#include "base/csv.h"
#include "io/export_formats.h"
#include "io/importer.h"
#include "model/record.h"

namespace liaison {
namespace {

const std::string kId = "3fa2c1d9000000000000000000000001";

std::vector<std::string> split_crlf(const std::string& text) {
  std::vector<std::string> lines;
  std::size_t start = 0;
  while (start < text.size()) {
    auto end = text.find("\r\n", start);
    if (end == std::string::npos) {
      lines.push_back(text.substr(start));
      break;
    }
    lines.push_back(text.substr(start, end - start));
    start = end + 2;
  }
  return lines;
}

// RFC 6350 3.2: a CRLF followed by one space is removed when reading.
std::string unfold(const std::string& text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text.compare(i, 3, "\r\n ") == 0) {
      i += 2;
      continue;
    }
    out.push_back(text[i]);
  }
  return out;
}

bool valid_utf8(const std::string& s) {
  for (std::size_t i = 0; i < s.size();) {
    auto c = static_cast<unsigned char>(s[i]);
    std::size_t len = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
    if (len == 0 || i + len > s.size()) return false;
    for (std::size_t k = 1; k < len; ++k)
      if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return false;
    i += len;
  }
  return true;
}

// Every '\n' is part of a CRLF and every '\r' is followed by '\n'.
bool only_crlf(const std::string& s) {
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\n' && (i == 0 || s[i - 1] != '\r')) return false;
    if (s[i] == '\r' && (i + 1 == s.size() || s[i + 1] != '\n')) return false;
  }
  return true;
}

// ---- CSV ---------------------------------------------------------------

TEST(ExportCsv, HeaderIsTheFieldNamesInSchemaOrder) {
  auto rows = parse_csv(export_csv(Kind::Contact, {}), "export.csv");
  ASSERT_EQ(rows.size(), 1u);
  std::vector<std::string> expected;
  for (const auto& f : spec(Kind::Contact).fields) expected.emplace_back(f.name);
  EXPECT_EQ(rows[0].cells, expected);
}

TEST(ExportCsv, RoundTripsThroughParseCsv) {
  Json tricky = {{"id", kId},
                 {"org", "cis-atc"},
                 {"role", "Focal point, \"border\"; customs"},
                 {"name", "\xD0\x98\xD0\xB2\xD0\xB0\xD0\xBD \xD0\x9F\xD0\xB5\xD1\x82\xD1\x80\xD0\xBE\xD0\xB2"},
                 {"emails", {"a@example.org", "b@example.org"}},
                 {"phones", {"+74955550123"}},
                 {"available_24_7", true},
                 {"address", "Line one\nLine two, office 5"},
                 {"status", "active"},
                 {"notes", "\xE5\x8F\x8D\xE6\x81\x90\xE6\x80\x96 \"quoted\",\r\nend"}};
  Json plain = {{"id", "3fa2c1d9000000000000000000000002"}, {"org", "osce"}, {"role", "Analyst"},
                {"available_24_7", false}, {"status", "inactive"}};
  auto text = export_csv(Kind::Contact, {tricky, plain});
  auto rows = parse_csv(text, "export.csv");
  ASSERT_EQ(rows.size(), 3u);
  const auto& header = rows[0].cells;
  auto cell = [&](std::size_t row, const std::string& name) {
    auto it = std::find(header.begin(), header.end(), name);
    EXPECT_NE(it, header.end()) << name;
    return rows[row].cells.at(it - header.begin());
  };
  for (std::size_t r = 1; r < rows.size(); ++r) EXPECT_EQ(rows[r].cells.size(), header.size());
  EXPECT_EQ(cell(1, "id"), kId);
  EXPECT_EQ(cell(1, "role"), tricky["role"]);
  EXPECT_EQ(cell(1, "name"), tricky["name"]);
  EXPECT_EQ(cell(1, "emails"), "a@example.org;b@example.org");
  EXPECT_EQ(cell(1, "phones"), "+74955550123");
  EXPECT_EQ(cell(1, "available_24_7"), "true");
  EXPECT_EQ(cell(1, "address"), tricky["address"]);
  EXPECT_EQ(cell(1, "notes"), tricky["notes"]);
  EXPECT_EQ(cell(1, "hours"), "");
  EXPECT_EQ(cell(2, "available_24_7"), "false");
  EXPECT_EQ(cell(2, "emails"), "");
  EXPECT_EQ(cell(2, "status"), "inactive");
}

// ---- JSON --------------------------------------------------------------

TEST(ExportJson, IsAnArrayOfTheRecords) {
  Json a = {{"slug", "example-org"}, {"name", "\xD0\x9F\xD1\x80\xD0\xB8\xD0\xBC\xD0\xB5\xD1\x80"}};
  Json b = {{"slug", "other-org"}, {"name", "Other"}, {"countries", {"KZ"}}};
  auto text = export_json({a, b});
  EXPECT_EQ(Json::parse(text), Json::array({a, b}));
  EXPECT_EQ(text.back(), '\n');
  EXPECT_NE(text.find("\xD0\x9F\xD1\x80"), std::string::npos) << "UTF-8 written as is";
  EXPECT_EQ(Json::parse(export_json({})), Json::array());
}

// ---- vCard lines -------------------------------------------------------

TEST(VcardLine, EscapesCommaSemicolonBackslashAndNewline) {
  EXPECT_EQ(vcard_line("NOTE", "a,b;c\\d\ne"), "NOTE:a\\,b\\;c\\\\d\\ne\r\n");
  EXPECT_EQ(vcard_line("NOTE", "one\r\ntwo"), "NOTE:one\\ntwo\r\n") << "CRLF in a value is one line break";
  EXPECT_EQ(vcard_line("FN", "Jane Roe"), "FN:Jane Roe\r\n");
}

TEST(VcardLine, UnescapedWhenAskedTo) {
  EXPECT_EQ(vcard_line("N", ";Roe\\, Jane;;;", false), "N:;Roe\\, Jane;;;\r\n");
}

TEST(VcardLine, ShortLinesAreNotFolded) {
  std::string value(75 - 5, 'x');  // "NOTE:" + 70 = 75 octets
  auto line = vcard_line("NOTE", value);
  EXPECT_EQ(line, "NOTE:" + value + "\r\n");
}

TEST(VcardLine, LongAsciiLinesFoldAt75Octets) {
  std::string value;
  for (int i = 0; i < 40; ++i) value += "word" + std::to_string(i) + " ";
  auto line = vcard_line("NOTE", value);
  EXPECT_TRUE(only_crlf(line));
  auto physical = split_crlf(line);
  ASSERT_GT(physical.size(), 2u);
  for (std::size_t i = 0; i < physical.size(); ++i) {
    EXPECT_LE(physical[i].size(), 75u) << "line " << i;
    if (i > 0) {
      EXPECT_EQ(physical[i][0], ' ') << "continuation lines start with a space";
    }
  }
  EXPECT_EQ(physical[0].size(), 75u) << "lines are filled up to the limit";
  EXPECT_EQ(unfold(line), "NOTE:" + value + "\r\n");
}

TEST(VcardLine, FoldingNeverSplitsAUtf8Sequence) {
  // Two-, three- and four-byte sequences at every offset relative to the fold.
  const std::string pieces[] = {"\xD0\x96", "\xE5\x8F\x8D", "\xF0\x9F\x8C\x8D", "a"};
  for (int shift = 0; shift < 4; ++shift) {
    std::string value(shift, '-');
    for (int i = 0; i < 60; ++i) value += pieces[(i + shift) % 4];
    auto line = vcard_line("NOTE", value);
    EXPECT_TRUE(only_crlf(line));
    auto physical = split_crlf(line);
    ASSERT_GT(physical.size(), 1u);
    for (std::size_t i = 0; i < physical.size(); ++i) {
      EXPECT_LE(physical[i].size(), 75u) << "shift " << shift << " line " << i;
      std::string content = i > 0 ? physical[i].substr(1) : physical[i];
      EXPECT_TRUE(valid_utf8(content)) << "shift " << shift << " line " << i << " is cut inside a character";
    }
    EXPECT_EQ(unfold(line), "NOTE:" + value + "\r\n");
  }
}

TEST(VcardLine, EscapesAreNotCountedAsText) {
  // A long value of commas doubles in length when escaped; unfolding gives the escaped text back.
  std::string value(100, ',');
  auto line = vcard_line("NOTE", value);
  std::string escaped;
  for (int i = 0; i < 100; ++i) escaped += "\\,";
  EXPECT_EQ(unfold(line), "NOTE:" + escaped + "\r\n");
  for (const auto& l : split_crlf(line)) EXPECT_LE(l.size(), 75u);
}

// ---- vCards ------------------------------------------------------------

Json person() {
  return {{"id", kId},
          {"org", "cis-atc"},
          {"role", "Head, border; customs unit"},
          {"name", "Roe, Jane"},
          {"unit", "Border\\Customs"},
          {"emails", {"a@example.org", "b@example.org"}},
          {"phones", {"+74955550123"}},
          {"address", "Street 1\nMoscow"},
          {"languages", {"en", "ru"}},
          {"available_24_7", true},
          {"hours", "Mon-Fri"},
          {"areas", {"border", "cft"}},
          {"last_verified", "2026-03-01"},
          {"status", "active"},
          {"notes", "Prefers email"}};
}

TEST(ExportVcard, CardsHaveTheMandatoryPropertiesAndCrLfLines) {
  Json functional = {{"id", "3fa2c1d9000000000000000000000002"}, {"org", "osce"}, {"role", "Duty desk"},
                     {"status", "active"}};
  auto text = export_vcard({person(), functional}, {{"cis-atc", "CIS Anti-Terrorism Centre"}});
  EXPECT_TRUE(only_crlf(text)) << text;
  ASSERT_GE(text.size(), 2u);
  EXPECT_EQ(text.substr(text.size() - 2), "\r\n");
  auto lines = split_crlf(unfold(text));
  ASSERT_FALSE(lines.empty());

  // Two cards, each BEGIN, VERSION:4.0 right after, ..., END.
  std::vector<std::size_t> begins, ends;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    if (lines[i] == "BEGIN:VCARD") begins.push_back(i);
    if (lines[i] == "END:VCARD") ends.push_back(i);
  }
  ASSERT_EQ(begins.size(), 2u);
  ASSERT_EQ(ends.size(), 2u);
  EXPECT_EQ(begins[0], 0u);
  EXPECT_EQ(ends[1], lines.size() - 1);
  for (int card = 0; card < 2; ++card) {
    EXPECT_LT(begins[card], ends[card]);
    EXPECT_EQ(lines[begins[card] + 1], "VERSION:4.0");
    int fn = 0, uid = 0;
    for (std::size_t i = begins[card]; i < ends[card]; ++i) {
      fn += lines[i].rfind("FN:", 0) == 0;
      uid += lines[i].rfind("UID:", 0) == 0;
    }
    EXPECT_EQ(fn, 1) << "card " << card;
    EXPECT_EQ(uid, 1) << "card " << card;
  }
  auto has = [&](const std::string& line) { return std::find(lines.begin(), lines.end(), line) != lines.end(); };
  EXPECT_TRUE(has("UID:urn:uuid:3fa2c1d9-0000-0000-0000-000000000001"));
  EXPECT_TRUE(has("UID:urn:uuid:3fa2c1d9-0000-0000-0000-000000000002"));
  // The person: escaped name, org name from the map with the unit, emails, phone URI.
  EXPECT_TRUE(has("KIND:individual"));
  EXPECT_TRUE(has("FN:Roe\\, Jane"));
  EXPECT_TRUE(has("N:;Roe\\, Jane;;;"));
  EXPECT_TRUE(has("ORG:CIS Anti-Terrorism Centre;Border\\\\Customs"));
  EXPECT_TRUE(has("TITLE:Head\\, border\\; customs unit"));
  EXPECT_TRUE(has("EMAIL;TYPE=work;PREF=1:a@example.org"));
  EXPECT_TRUE(has("EMAIL;TYPE=work:b@example.org"));
  EXPECT_TRUE(has("TEL;VALUE=uri;TYPE=\"voice,work\";PREF=1:tel:+74955550123"));
  EXPECT_TRUE(has("ADR;TYPE=work:;;Street 1\\nMoscow;;;;"));
  EXPECT_TRUE(has("LANG;PREF=1:en"));
  EXPECT_TRUE(has("LANG;PREF=2:ru"));
  EXPECT_TRUE(has("NOTE:Available 24/7. Hours: Mon-Fri. Prefers email"));
  EXPECT_TRUE(has("CATEGORIES:border,cft"));
  EXPECT_TRUE(has("REV:20260301T000000Z") || has("REV:2026-03-01T000000Z"));
  // The functional point: an org card named by its role, org slug when no name is known.
  EXPECT_TRUE(has("KIND:org"));
  EXPECT_TRUE(has("FN:Duty desk"));
  EXPECT_TRUE(has("ORG:osce"));
}

TEST(ExportVcard, RevIsAValidTimestamp) {
  // RFC 6350 4.3.5: REV is a timestamp, YYYYMMDDThhmmssZ, without dashes.
  auto lines = split_crlf(unfold(export_vcard({person()}, {})));
  std::string rev;
  for (const auto& l : lines)
    if (l.rfind("REV:", 0) == 0) rev = l.substr(4);
  ASSERT_FALSE(rev.empty());
  EXPECT_EQ(rev, "20260301T000000Z");
}

TEST(ExportVcard, LongUtf8NamesAreFoldedSafely) {
  std::string name;
  for (int i = 0; i < 30; ++i) name += "\xD0\x96\xD0\xB0\xE5\x8F\x8D";  // "Жа反", 7 octets
  Json c = person();
  c["name"] = name;
  auto text = export_vcard({c}, {});
  EXPECT_TRUE(only_crlf(text));
  for (const auto& l : split_crlf(text)) {
    EXPECT_LE(l.size(), 75u);
    EXPECT_TRUE(valid_utf8(l)) << l;
  }
  auto lines = split_crlf(unfold(text));
  EXPECT_NE(std::find(lines.begin(), lines.end(), "FN:" + name), lines.end());
}

TEST(ExportVcard, NoContactsNoCards) { EXPECT_EQ(export_vcard({}, {}), ""); }

TEST(ExportVcard, TheFirstGivenEmailPhoneAndLanguageArePreferred) {
  // As `contact add --language ru --language en` stores them: in the order given.
  Json c = person();
  c["languages"] = {"ru", "en"};
  c["emails"] = {"b@example.org", "a@example.org"};
  c["phones"] = {"+7 495 555 01 99", "+7 495 555 01 23"};
  auto lines = split_crlf(unfold(export_vcard({normalize_record(Kind::Contact, c)}, {})));
  auto at = [&](const std::string& line) { return std::find(lines.begin(), lines.end(), line) - lines.begin(); };
  EXPECT_LT(at("LANG;PREF=1:ru"), static_cast<long>(lines.size()));
  EXPECT_LT(at("LANG;PREF=2:en"), static_cast<long>(lines.size()));
  EXPECT_LT(at("EMAIL;TYPE=work;PREF=1:b@example.org"), at("EMAIL;TYPE=work:a@example.org"));
  EXPECT_LT(at("TEL;VALUE=uri;TYPE=\"voice,work\";PREF=1:tel:+74955550199"),
            at("TEL;VALUE=uri;TYPE=\"voice,work\":tel:+74955550123"));
  EXPECT_LT(at("TEL;VALUE=uri;TYPE=\"voice,work\":tel:+74955550123"), static_cast<long>(lines.size()));
}

TEST(ExportCsv, SetMembersKeepTheirOrderInTheJoinedCell) {
  Json c = person();
  c["languages"] = {"ru", "en"};
  auto text = export_csv(Kind::Contact, {normalize_record(Kind::Contact, c)});
  EXPECT_NE(text.find("ru;en"), std::string::npos) << text;
  EXPECT_NE(text.find("a@example.org;b@example.org"), std::string::npos) << text;
}

TEST(ExportCsv, ForSpreadsheetProtectsPhonesAndDatesAndImportReadsBothFlavors) {
  Json c = person();
  c["phones"] = {"+74955550123", "+74955550199"};
  std::vector<Json> records{normalize_record(Kind::Contact, c), normalize_record(Kind::Contact, person())};
  auto plain = export_csv(Kind::Contact, records);
  auto for_spreadsheet = export_csv(Kind::Contact, records, CsvFlavor::ForSpreadsheet);
  // Plain CSV readers get the stored values.
  EXPECT_EQ(plain.find("=\""), std::string::npos) << plain;
  EXPECT_NE(plain.find(",+74955550123,"), std::string::npos) << plain;
  // Spreadsheets get a byte-order mark and ="..." where they would change a cell.
  EXPECT_EQ(for_spreadsheet.find("\xEF\xBB\xBFid,org,"), 0u);
  EXPECT_NE(for_spreadsheet.find(",\"=\"\"+74955550123\"\"\","), std::string::npos) << for_spreadsheet;
  EXPECT_NE(for_spreadsheet.find(",\"=\"\"+74955550123;+74955550199\"\"\","), std::string::npos) << for_spreadsheet;
  EXPECT_NE(for_spreadsheet.find(",\"=\"\"2026-03-01\"\"\","), std::string::npos) << for_spreadsheet;
  EXPECT_NE(for_spreadsheet.find(",cis-atc,"), std::string::npos) << for_spreadsheet;
  for (const auto* text : {&plain, &for_spreadsheet}) {
    auto read = read_import(Kind::Contact, *text, "contacts.csv", ImportFormat::Csv);
    ASSERT_EQ(read.changes.size(), 2u);
    for (std::size_t i = 0; i < 2; ++i) EXPECT_EQ(*read.changes[i].after, records[i]) << *text;
  }
}

}  // namespace
}  // namespace liaison
