// End-to-end tests of exchange between copies and the merge workflow with
// the real binary: clone, pull, push, bundles, conflicts, resolve, abort.
#include <fstream>
#include <regex>

#include "tests/e2e/cli_fixture.h"

namespace liaison::test {
namespace {

class ExchangeTest : public CliTest {
 protected:
  void SetUp() override {
    CliTest::SetUp();
    init("hq", "un-ctc");
    id = json({"contact", "add", "--org", "cis-atc", "--role", "Duty officer", "--email", "duty@example.org"},
              "hq")["id"];
    auto r = run_process({LIAISON_BIN, "-C", dir_.string(), "clone", "hq", "cis", "--org", "cis-atc"}, env());
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  std::string id;
};

TEST_F(ExchangeTest, CloneCarriesHistoryAndRemote) {
  EXPECT_EQ(head("cis"), head("hq"));
  EXPECT_EQ(json({"status"}, "cis")["org"], "cis-atc");
  auto remotes = json({"remote", "list"}, "cis");
  ASSERT_EQ(remotes.size(), 1u);
  EXPECT_EQ(remotes[0]["name"], "origin");
  EXPECT_EQ(json({"contact", "show", id}, "cis")["role"], "Duty officer");
}

TEST_F(ExchangeTest, CloneStartsFromTheSourceViewWithoutItsSettings) {
  // The source keeps a token for a server: a clone must not carry it, not
  // even in the free pages of its view database.
  ok({"remote", "add", "central", "http://127.0.0.1:9", "--token", "lz_secret_of_hq_0123456789"}, "hq");
  auto r = run_process({LIAISON_BIN, "-C", dir_.string(), "clone", "hq", "osce", "--org", "osce"}, env());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::ifstream in(dir_ / "osce" / "view.db", std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(bytes.find("lz_secret_of_hq"), std::string::npos);
  EXPECT_EQ(json({"remote", "list"}, "osce").size(), 1u);
  EXPECT_EQ(json({"status"}, "osce")["org"], "osce");
  EXPECT_EQ(json({"search", "duty"}, "osce").size(), 1u);
  EXPECT_NE(ok({"doctor"}, "osce").find("OK"), std::string::npos);
  // No scratch file is left beside the new copy.
  EXPECT_FALSE(std::filesystem::exists(dir_ / ".osce.view-snapshot"));
}

TEST_F(ExchangeTest, EditsOfDifferentFieldsMergeCleanlyAndPushFastForwards) {
  ok({"contact", "edit", id, "--role", "Head of desk"}, "hq");
  ok({"contact", "edit", id, "--hours", "24/7", "--add-email", "desk@example.org"}, "cis");
  auto merged = json({"pull"}, "cis");
  EXPECT_EQ(merged["result"], "merged");
  auto c = json({"contact", "show", id}, "cis");
  EXPECT_EQ(c["role"], "Head of desk");
  EXPECT_EQ(c["hours"], "24/7");
  EXPECT_EQ(c["emails"].size(), 2u);
  auto graph = ok({"log", "--graph", "-n", "4"}, "cis");
  EXPECT_NE(graph.find("|\\"), std::string::npos) << graph;
  // Push moves hq forward; hq's view catches up when it is next used.
  ok({"push"}, "cis");
  EXPECT_EQ(head("hq"), head("cis"));
  EXPECT_EQ(json({"contact", "show", id}, "hq")["hours"], "24/7");
  EXPECT_NE(ok({"doctor"}, "hq").find("OK"), std::string::npos);
}

TEST_F(ExchangeTest, PushIsRefusedWhenTheOtherCopyMovedOn) {
  ok({"contact", "edit", id, "--role", "hq change"}, "hq");
  ok({"contact", "edit", id, "--hours", "cis change"}, "cis");
  std::string hq_head = head("hq");
  auto r = liaison({"push"}, "cis");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("pull"), std::string::npos) << r.err;
  EXPECT_EQ(head("hq"), hq_head);
}

TEST_F(ExchangeTest, ConflictIsListedResolvedAndCommitted) {
  ok({"contact", "edit", id, "--role", "HQ says"}, "hq");
  ok({"contact", "edit", id, "--role", "CIS says"}, "cis");
  std::string before = head("cis");
  auto r = liaison({"pull"}, "cis");
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_EQ(count_lines(r.err), 1);
  EXPECT_EQ(head("cis"), before);
  auto status = json({"status"}, "cis");
  EXPECT_TRUE(status["merge"]["in_progress"].get<bool>());
  EXPECT_EQ(status["merge"]["unresolved"], 1);
  EXPECT_NE(ok({"status"}, "cis").find("merge from origin is in progress"), std::string::npos);
  auto conflicts = json({"conflicts"}, "cis");
  ASSERT_EQ(conflicts.size(), 1u);
  EXPECT_EQ(conflicts[0]["field"], "role");
  EXPECT_EQ(conflicts[0]["ours"], "CIS says");
  EXPECT_EQ(conflicts[0]["theirs"], "HQ says");
  EXPECT_EQ(conflicts[0]["base"], "Duty officer");
  EXPECT_NE(conflicts[0]["theirs_by"].get<std::string>().find("Test Editor"), std::string::npos);
  // Edits wait for the merge.
  auto edit = liaison({"contact", "edit", id, "--hours", "x"}, "cis");
  EXPECT_EQ(edit.exit_code, 1);
  EXPECT_NE(edit.err.find("merge is in progress"), std::string::npos);
  ok({"resolve", id.substr(0, 8), "role", "--value", "Agreed role"}, "cis");
  ok({"merge", "--continue"}, "cis");
  EXPECT_EQ(json({"contact", "show", id}, "cis")["role"], "Agreed role");
  auto show = json({"show", "HEAD"}, "cis");
  EXPECT_EQ(show["parents"].size(), 2u);
  EXPECT_NE(show["message"].get<std::string>().find("Merge-Resolved"), std::string::npos);
}

TEST_F(ExchangeTest, AbortReturnsExactlyToBefore) {
  ok({"contact", "edit", id, "--role", "HQ says"}, "hq");
  ok({"contact", "edit", id, "--role", "CIS says"}, "cis");
  auto before = ok({"--json", "contact", "show", id}, "cis");
  std::string head_before = head("cis");
  EXPECT_EQ(liaison({"pull"}, "cis").exit_code, 3);
  ok({"merge", "--abort"}, "cis");
  EXPECT_EQ(head("cis"), head_before);
  EXPECT_EQ(ok({"--json", "contact", "show", id}, "cis"), before);
  EXPECT_EQ(liaison({"conflicts"}, "cis").exit_code, 1);
  ok({"contact", "edit", id, "--hours", "editable"}, "cis");
}

TEST_F(ExchangeTest, LaterVerificationWinsAndTheDecisionIsAudited) {
  ok({"contact", "verify", id, "--date", "2026-10-01", "--by", "HQ Verifier"}, "hq");
  ok({"contact", "verify", id, "--date", "2026-11-01", "--by", "CIS Verifier"}, "cis");
  auto merged = json({"pull"}, "cis");
  EXPECT_EQ(merged["result"], "merged");
  auto c = json({"contact", "show", id}, "cis");
  EXPECT_EQ(c["last_verified"], "2026-11-01");
  EXPECT_EQ(c["verified_by"], "CIS Verifier");
  auto show = ok({"show", "HEAD"}, "cis");
  EXPECT_NE(show.find("Merge-Rule: contact " + id.substr(0, 8) + " last_verified (later-date)"), std::string::npos)
      << show;
}

TEST_F(ExchangeTest, BundleCarriesOneRecordInUnderTwoKilobytes) {
  std::string base = head("hq");
  ok({"contact", "edit", id, "--role", "Sent by bundle"}, "hq");
  auto made = json({"bundle", "create", path("one.bundle"), "--since", base}, "hq");
  EXPECT_LT(made["bytes"].get<int>(), 2048);
  ok({"pull", path("one.bundle")}, "cis");
  EXPECT_EQ(json({"contact", "show", id}, "cis")["role"], "Sent by bundle");
  EXPECT_EQ(head("cis"), head("hq"));
}

TEST_F(ExchangeTest, DamagedBundlesAreRefusedAndChangeNothing) {
  std::string base = head("hq");
  ok({"contact", "edit", id, "--role", "Sent by bundle"}, "hq");
  ok({"bundle", "create", path("good.bundle"), "--since", base}, "hq");
  std::ifstream in(path("good.bundle"), std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  write("truncated.bundle", bytes.substr(0, bytes.size() - 40));
  std::string flipped = bytes;
  flipped[flipped.size() - 30] = static_cast<char>(flipped[flipped.size() - 30] ^ 0x5a);
  write("corrupt.bundle", flipped);
  write("foreign.bundle", "PK\x03\x04 this is a zip file, not a bundle");
  std::string cis_head = head("cis");
  for (const char* name : {"truncated.bundle", "corrupt.bundle", "foreign.bundle"}) {
    auto r = liaison({"pull", path(name)}, "cis");
    EXPECT_EQ(r.exit_code, 1) << name;
    EXPECT_EQ(count_lines(r.err), 1) << r.err;
    EXPECT_EQ(head("cis"), cis_head) << name;
  }
  // A bundle that builds on commits this copy lacks is refused too.
  std::string later = head("hq");
  ok({"contact", "edit", id, "--role", "Second change"}, "hq");
  ok({"bundle", "create", path("later.bundle"), "--since", later}, "hq");
  auto r = liaison({"pull", path("later.bundle")}, "cis");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("does not have"), std::string::npos) << r.err;
  EXPECT_NE(ok({"doctor"}, "cis").find("OK"), std::string::npos);
}

// Contacts exported to CSV, opened and saved by a spreadsheet, imported
// into another copy: the phones come back as they were.
class SpreadsheetRoundTripTest : public CliTest {
 protected:
  void SetUp() override {
    CliTest::SetUp();
    init("hq", "cis-atc");
    // National numbers read in the org's states: cis-atc's (Russia among
    // them), giz's (Germany), and coe-codexter's parent's (coe).
    write("contacts.csv",
          "id,org,role,phones,last_verified\n"
          "eeee0000000000000000000000000001,cis-atc,Duty officer,8 (495) 555-01-23,2026-03-01\n"
          "eeee0000000000000000000000000002,giz,Desk officer,(0)30 1234567,\n"
          "eeee0000000000000000000000000003,osce,Two phones,+7 495 555 01 99;+49 30 1234568,\n"
          "eeee0000000000000000000000000004,cis-atc,No phone,,\n");
    ok({"import", path("contacts.csv")}, "hq");
  }
  nlohmann::json phones(const std::string& copy) {
    nlohmann::json out = nlohmann::json::object();
    for (const auto& c : json({"list", "contacts"}, copy)) out[c["id"].get<std::string>()] = c.value("phones", nlohmann::json());
    return out;
  }
  // Imports `text` into a fresh copy named `copy` and returns its phones.
  nlohmann::json imported(const std::string& copy, const std::string& text) {
    init(copy, "osce");
    write(copy + ".csv", text);
    ok({"import", path(copy + ".csv"), "--kind", "contacts"}, copy);
    EXPECT_EQ(json({"list", "contacts"}, copy), json({"list", "contacts"}, "hq"));
    return phones(copy);
  }
};

TEST_F(SpreadsheetRoundTripTest, NationalNumbersAreStoredInInternationalForm) {
  auto p = phones("hq");
  EXPECT_EQ(p["eeee0000000000000000000000000001"], nlohmann::json::array({"+74955550123"}));
  EXPECT_EQ(p["eeee0000000000000000000000000002"], nlohmann::json::array({"+49301234567"}));
  EXPECT_EQ(p["eeee0000000000000000000000000003"], nlohmann::json::array({"+74955550199", "+49301234568"}));
  // coe-codexter names no state: it reads in its parent's, the Council of
  // Europe's 46, where 030 is a different number in several.
  write("parent.csv", "org,role,phones\ncoe-codexter,Secretariat,(0)30 1234569\n");
  auto r = liaison({"import", path("parent.csv"), "--kind", "contacts"}, "hq");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(count_lines(r.err), 1) << r.err;
  EXPECT_NE(r.err.find("is a different number depending on the state it is dialled in ("), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("+49301234569): write it with + and the country code"), std::string::npos) << r.err;
}

TEST_F(SpreadsheetRoundTripTest, PlainExportSavedByASpreadsheetImportsWithTheSamePhones) {
  auto csv = ok({"export", "--kind", "contacts", "--format", "csv"}, "hq");
  ASSERT_NE(csv.find(",+74955550123,"), std::string::npos) << csv;
  // A spreadsheet read each single phone as a number: saved without its +.
  // Cells with two phones stayed text; it quotes no cell that needs none.
  std::string saved = std::regex_replace(csv, std::regex(",\\+([0-9]+),"), ",$1,");
  ASSERT_NE(saved.find(",74955550123,"), std::string::npos) << saved;
  ASSERT_NE(saved.find(",49301234567,"), std::string::npos) << saved;
  EXPECT_EQ(imported("second", saved), phones("hq"));
}

TEST_F(SpreadsheetRoundTripTest, ExportForSpreadsheetReadsBackOpenedOrNot) {
  auto csv = ok({"export", "--kind", "contacts", "--format", "csv", "--for-spreadsheet"}, "hq");
  ASSERT_NE(csv.find("\"=\"\"+74955550123\"\"\""), std::string::npos) << csv;
  ASSERT_NE(csv.find("\"=\"\"2026-03-01\"\"\""), std::string::npos) << csv;
  // As written, and as a spreadsheet saves it: each ="TEXT" evaluated to
  // TEXT, kept as text, quotes only where needed, no byte-order mark.
  EXPECT_EQ(imported("as-written", csv), phones("hq"));
  std::string saved = std::regex_replace(csv.substr(3), std::regex("\"=\"\"([^\"]*)\"\"\""), "$1");
  ASSERT_EQ(saved.find('"'), std::string::npos) << saved;
  ASSERT_NE(saved.find(",+74955550123,,,,,,,2026-03-01,"), std::string::npos) << saved;
  EXPECT_EQ(imported("saved", saved), phones("hq"));
  // Typed by hand for Excel: an apostrophe before each phone.
  std::string typed = std::regex_replace(saved, std::regex(",\\+"), ",'+");
  ASSERT_NE(typed.find(",'+74955550123,"), std::string::npos) << typed;
  EXPECT_EQ(imported("typed", typed), phones("hq"));
  auto r = liaison({"export", "--kind", "contacts", "--format", "json", "--for-spreadsheet"}, "hq");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("--for-spreadsheet: only with --format csv"), std::string::npos) << r.err;
}

TEST_F(SpreadsheetRoundTripTest, EveryBadRowIsReportedAndNothingImported) {
  // Excel's "General" format writes long numbers in scientific notation.
  std::string text = "id,org,role,phones\r\n";
  for (int row = 0; row < 85; ++row) {
    char id[40];
    std::snprintf(id, sizeof id, "ffff%028d", row);
    text += std::string(id) + ",cis-atc,Officer," + (row % 9 == 0 ? "+74955550123" : "7.49556E+10") + "\r\n";
  }
  init("second", "osce");
  std::string before = head("second");
  write("mangled.csv", text);
  auto r = liaison({"import", path("mangled.csv"), "--kind", "contacts"}, "second");
  EXPECT_EQ(r.exit_code, 1) << r.out;
  EXPECT_EQ(count_lines(r.err), 22) << r.err;
  EXPECT_EQ(r.err.find("liaison: mangled.csv: 75 of 85 rows have errors; nothing was imported:\n"
                       "mangled.csv:3: contact ffff0000: phones: written by a spreadsheet as 7.49556E+10: digits lost; "
                       "format the column as text\n"),
            0u)
      << r.err;
  EXPECT_NE(r.err.find("\n... and 55 more rows with errors\n"), std::string::npos) << r.err;
  EXPECT_EQ(head("second"), before);
  EXPECT_EQ(json({"status"}, "second")["records"]["contacts"], 0);
}

}  // namespace
}  // namespace liaison::test
