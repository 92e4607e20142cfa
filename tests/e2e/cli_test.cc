// End-to-end tests of the liaison command line: the real binary, a real copy
// in a temporary folder.
#include <algorithm>
#include <cctype>
#include <set>

#include "tests/e2e/cli_fixture.h"

namespace liaison::test {
namespace {

const char* kContactsCsv =
    "id,org,role,name,emails,phones,languages,areas,last_verified,status\n"
    "aaaa0000000000000000000000000001,cis-atc,Focal point for border security,Иван Петров,"
    "ivan.petrov@example.org,+7 495 555-01-23,ru;en,border,2026-01-15,active\n"
    "aaaa0000000000000000000000000002,osce,Customs liaison officer,Amina Diallo,amina.diallo@example.org,"
    "+43 1 5140 0123,fr;en,border-customs-smuggling,2022-03-01,active\n"
    "bbbb0000000000000000000000000003,unodc,Legal adviser,李明,li.ming@example.org,,zh;en,legislation,,active\n";

TEST_F(CliTest, HelpListsEveryCommandAndEachCommandKeepsItsExtensions) {
  // main.cc builds only the running command's group: help must still show
  // them all, and `need` must still have `match` from the matrix group.
  auto help = run_process({LIAISON_BIN, "--help"}, env());
  EXPECT_EQ(help.exit_code, 0);
  for (const char* command : {"init", "contact", "search", "log", "import", "doctor", "clone", "sync", "matrix"})
    EXPECT_NE(help.out.find(std::string("\n  ") + command + " "), std::string::npos) << command;
  auto need = run_process({LIAISON_BIN, "need", "--help"}, env());
  EXPECT_NE(need.out.find("match"), std::string::npos) << need.out;
  auto unknown = run_process({LIAISON_BIN, "no-such-command"}, env());
  EXPECT_EQ(unknown.exit_code, 1);
}

TEST_F(CliTest, InitCreatesCopyWithReferenceDataAndGitReadableHistory) {
  init();
  auto status = json({"status"});
  EXPECT_EQ(status["org"], "cis-atc");
  EXPECT_GT(status["records"]["areas"].get<int>(), 30);
  EXPECT_GT(status["records"]["orgs"].get<int>(), 25);
  auto git = run_process({"/usr/bin/git", "--git-dir", path("copy/history.git"), "log", "--format=%H"});
  ASSERT_EQ(git.exit_code, 0) << git.err;
  EXPECT_EQ(git.out.substr(0, 40), status["head"].get<std::string>());
  // Initialising into a non-empty folder is refused.
  auto again = run_process({LIAISON_BIN, "init", path("copy"), "--org", "cis-atc"}, env());
  EXPECT_EQ(again.exit_code, 1);
  EXPECT_NE(again.err.find("not empty"), std::string::npos);
}

TEST_F(CliTest, ContactLifecycleWithPrefixesAndFieldLevelHistory) {
  init();
  auto added = json({"contact", "add", "--org", "cis-atc", "--role", "Duty officer", "--name", "Олег Смирнов",
                     "--email", "oleg.smirnov@example.org", "--phone", "+7 (495) 555 01 77", "--language", "RU",
                     "--area", "border"});
  std::string id = added["id"];
  ASSERT_EQ(id.size(), 32u);
  EXPECT_EQ(added["phones"][0], "+74955550177");
  EXPECT_EQ(added["languages"][0], "ru");
  EXPECT_EQ(added["status"], "active");

  ok({"contact", "edit", id.substr(0, 6), "--add-email", "duty@example.org", "--role", "Senior duty officer"});
  auto shown = json({"contact", "show", id.substr(0, 8)});
  EXPECT_EQ(shown["role"], "Senior duty officer");
  EXPECT_EQ(shown["emails"].size(), 2u);

  // The edit is one commit whose message says what changed.
  auto log = json({"log", id.substr(0, 8)});
  ASSERT_EQ(log.size(), 2u);
  std::string msg = log[0]["message"];
  EXPECT_NE(msg.find("emails"), std::string::npos);
  EXPECT_NE(msg.find("role"), std::string::npos);

  // Field-level diff of the last commit.
  auto diff = json({"diff"});
  ASSERT_EQ(diff.size(), 1u);
  bool saw_role = false;
  for (const auto& f : diff[0]["fields"])
    if (f["field"] == "role") {
      saw_role = true;
      EXPECT_EQ(f["before"], "Duty officer");
      EXPECT_EQ(f["after"], "Senior duty officer");
    }
  EXPECT_TRUE(saw_role);

  // Blame names the edit commit for role and the add commit for phones.
  auto blame = json({"blame", id.substr(0, 8)});
  std::string role_commit, phone_commit;
  for (const auto& b : blame) {
    if (b["field"] == "role") role_commit = b["commit"]["id"];
    if (b["field"] == "phones") phone_commit = b["commit"]["id"];
  }
  EXPECT_EQ(role_commit, log[0]["id"]);
  EXPECT_EQ(phone_commit, log[1]["id"]);

  // verify stamps today's date and the user.
  auto verified = json({"contact", "verify", id.substr(0, 8)});
  EXPECT_EQ(verified["last_verified"], "2026-11-22");
  EXPECT_EQ(verified["verified_by"], "Test Editor");

  // revert of the edit restores the role but keeps the later verification.
  ok({"revert", log[0]["id"]});
  auto reverted = json({"contact", "show", id});
  EXPECT_EQ(reverted["role"], "Duty officer");
  EXPECT_EQ(reverted["emails"].size(), 1u);
  EXPECT_EQ(reverted["last_verified"], "2026-11-22");

  ok({"contact", "rm", id.substr(0, 8)});
  auto gone = liaison({"contact", "show", id});
  EXPECT_EQ(gone.exit_code, 1);
  EXPECT_NE(gone.err.find("no contact"), std::string::npos);
}

TEST_F(CliTest, BadInputIsOneLineErrorAndChangesNothing) {
  init();
  std::string before = head();
  struct Case {
    std::vector<std::string> args;
    std::string expect;
  } cases[] = {
      {{"contact", "add", "--org", "cis-atc", "--role", "x", "--email", "not-an-email"}, "emails"},
      {{"contact", "add", "--org", "cis-atc", "--role", "x", "--phone", "12"}, "phones"},
      {{"contact", "add", "--org", "no-such-org", "--role", "x"}, "unknown org"},
      {{"contact", "add", "--org", "cis-atc", "--role", "x", "--area", "no-such-area"}, "unknown area"},
      {{"contact", "add", "--org", "cis-atc", "--role", "x", "--language", "klingon"}, "languages"},
      {{"contact", "add", "--org", "cis-atc"}, "role"},
      {{"need", "add", "--org", "cis-atc", "--area", "border", "--title", "t", "--state", "XX"}, "unknown state"},
      {{"need", "add", "--org", "cis-atc", "--area", "border", "--title", "t", "--priority", "urgent"}, "priority"},
      {{"org", "rm", "cis-atc"}, ""},  // referred to by nothing yet: allowed? checked below
  };
  for (std::size_t i = 0; i + 1 < std::size(cases); ++i) {
    auto r = liaison(cases[i].args);
    EXPECT_EQ(r.exit_code, 1) << join(cases[i].args);
    EXPECT_EQ(count_lines(r.err), 1) << r.err;
    EXPECT_NE(r.err.find(cases[i].expect), std::string::npos) << r.err;
  }
  EXPECT_EQ(head(), before);
  // A removal that would leave a dangling reference names the referrer.
  ok({"contact", "add", "--org", "cis-atc", "--role", "Duty officer", "--name", "Jane Roe"});
  std::string with_contact = head();
  auto r = liaison({"org", "rm", "cis-atc"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("Jane Roe"), std::string::npos) << r.err;
  EXPECT_EQ(head(), with_contact);
}

TEST_F(CliTest, NeedStatusFollowsItsLifecycle) {
  init();
  auto need = json({"need", "add", "--org", "cis-atc", "--state", "kg", "--area", "border-api-pnr", "--title",
                    "Passenger data unit", "--priority", "high"});
  std::string id = need["id"];
  EXPECT_EQ(need["state"], "KG");
  EXPECT_EQ(need["status"], "open");
  EXPECT_EQ(need["raised"], "2026-11-22");
  auto skip = liaison({"need", "edit", id, "--status", "fulfilled"});
  EXPECT_EQ(skip.exit_code, 1);
  EXPECT_NE(skip.err.find("cannot go from open to fulfilled"), std::string::npos) << skip.err;
  ok({"need", "edit", id, "--status", "matched"});
  ok({"need", "edit", id, "--status", "in-progress"});
  ok({"need", "edit", id, "--status", "fulfilled"});
  EXPECT_EQ(json({"need", "show", id})["status"], "fulfilled");
}

TEST_F(CliTest, AmbiguousPrefixListsCandidates) {
  init();
  write("contacts.csv", kContactsCsv);
  ok({"import", path("contacts.csv")});
  auto r = liaison({"contact", "show", "aaaa"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("ambiguous"), std::string::npos);
  EXPECT_NE(r.err.find("Иван Петров"), std::string::npos);
  EXPECT_NE(r.err.find("Amina Diallo"), std::string::npos);
  EXPECT_EQ(json({"contact", "show", "bbbb"})["name"], "李明");
}

TEST_F(CliTest, ImportIsOneCommitAndABadRowImportsNothing) {
  init();
  std::string before = head();
  std::string bad = std::string(kContactsCsv) + "cccc0000000000000000000000000004,osce,Analyst,Bad Row,broken-email,,,,,active\n";
  write("bad.csv", bad);
  auto r = liaison({"import", path("bad.csv"), "--kind", "contacts"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("bad.csv:5"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("emails"), std::string::npos) << r.err;
  EXPECT_EQ(head(), before);
  EXPECT_EQ(json({"status"})["records"]["contacts"], 0);

  write("contacts.csv", kContactsCsv);
  ok({"import", path("contacts.csv")});
  auto log = json({"log"});
  EXPECT_NE(log[0]["message"].get<std::string>().find("Import 3 contacts"), std::string::npos);
  EXPECT_EQ(log[1]["id"], before);
  EXPECT_EQ(json({"status"})["records"]["contacts"], 3);
}

TEST_F(CliTest, ImportNamesTheLineOfARowTheCopyRefuses) {
  // Checks across records (an id given twice, a reference to no record, a
  // status change not allowed) are the store's, under its lock; the error
  // still names the row's line, and nothing is imported.
  init();
  std::string before = head();
  auto refused = [&](const std::string& file, const std::string& text, const std::string& kind) {
    write(file, text);
    auto r = liaison({"import", path(file), "--kind", kind});
    EXPECT_EQ(r.exit_code, 1) << r.out;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
    EXPECT_EQ(head(), before);
    return r.err;
  };
  std::string header = "id,org,role\n";
  auto err = refused("unknown-org.csv",
                     header + "cccc0000000000000000000000000001,osce,Analyst\n"
                              "cccc0000000000000000000000000002,no-such-org,Analyst\n",
                     "contacts");
  EXPECT_NE(err.find("unknown-org.csv:3: contact cccc0000"), std::string::npos) << err;
  EXPECT_NE(err.find("org: unknown org 'no-such-org'"), std::string::npos) << err;
  err = refused("twice.csv",
                header + "cccc0000000000000000000000000001,osce,Analyst\n"
                         "cccc0000000000000000000000000002,osce,Analyst\n"
                         "cccc0000000000000000000000000001,unodc,Adviser\n",
                "contacts");
  EXPECT_NE(err.find("twice.csv:4: contact cccc0000 appears twice"), std::string::npos) << err;
  err = refused("areas.json", R"([{"id": "cccc0000000000000000000000000001", "org": "osce", "role": "Analyst",)"
                              R"( "areas": ["border", "no-such-area"]}])",
                "contacts");
  EXPECT_NE(err.find("areas.json: record 1: "), std::string::npos) << err;
  EXPECT_NE(err.find("areas: unknown area 'no-such-area'"), std::string::npos) << err;
  EXPECT_EQ(json({"status"})["records"]["contacts"], 0);

  // A need imported open cannot be imported again as fulfilled.
  write("needs.csv", "id,org,area,title,status\ndddd0000000000000000000000000001,osce,border,Scanners,open\n");
  ok({"import", path("needs.csv")});
  before = head();
  err = refused("needs-again.csv",
                "id,org,area,title,status\n"
                "dddd0000000000000000000000000002,osce,border,Dogs,open\n"
                "dddd0000000000000000000000000001,osce,border,Scanners,fulfilled\n",
                "needs");
  EXPECT_NE(err.find("needs-again.csv:3: "), std::string::npos) << err;
  EXPECT_NE(err.find("status: cannot go from open to fulfilled"), std::string::npos) << err;
  EXPECT_EQ(json({"status"})["records"]["needs"], 1);
}

TEST_F(CliTest, ImportTakesWhatSpreadsheetsWrite) {
  init();
  // Excel in a French locale: ';' between fields, CRLF line ends and CRLF
  // inside a quoted cell, headers as the flags spell them, a trailing empty
  // column; the file name capitalised.
  write("Contacts.CSV",
        "Org;Role;Email; Last-Verified ;Notes;\r\n"
        "osce;\"Analyst, border\";Jean.Dupont@example.org;2026-01-15;\"first\r\nsecond\";\r\n"
        "unodc;Adviser;;;;\r\n");
  auto imported = json({"import", path("Contacts.CSV")});
  EXPECT_EQ(imported["imported"], 2);
  EXPECT_EQ(imported["kind"], "contacts");
  auto contacts = json({"list", "contacts", "--org", "osce"});
  ASSERT_EQ(contacts.size(), 1u);
  EXPECT_EQ(contacts[0]["role"], "Analyst, border");
  EXPECT_EQ(contacts[0]["emails"], nlohmann::json::array({"jean.dupont@example.org"}));
  EXPECT_EQ(contacts[0]["last_verified"], "2026-01-15");
  EXPECT_EQ(contacts[0]["notes"], "first\nsecond");

  // --delimiter forces the separator: here '|', which detection never picks.
  write("needs.txt", "org|area|title\nosce|border|Scanners, two\n");
  auto needs = json({"import", path("needs.txt"), "--kind", "needs", "--delimiter", "|"});
  EXPECT_EQ(needs["imported"], 1);
  write("tabbed.csv", "org\tarea\ttitle\nosce\tborder\tDogs\n");
  EXPECT_EQ(json({"import", path("tabbed.csv"), "--kind", "needs", "--delimiter", "tab"})["imported"], 1);
  EXPECT_EQ(json({"status"})["records"]["needs"], 2);
}

TEST_F(CliTest, ImportRefusesUnknownHeadersAndUtf16WithOneClearLine) {
  init();
  std::string before = head();
  write("contacts.csv", "org,role,foo\nosce,Analyst,x\n");
  auto r = liaison({"import", path("contacts.csv")});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(count_lines(r.err), 1) << r.err;
  EXPECT_NE(r.err.find("contacts.csv:1: unknown contact field 'foo' (fields: id, org, role,"), std::string::npos)
      << r.err;

  // What Excel's "Unicode Text" writes: UTF-16LE with a byte-order mark.
  std::string utf16("\xFF\xFE", 2);
  for (char c : std::string("org\trole\n")) utf16 += std::string{c, '\0'};
  write("contacts16.csv", utf16);
  r = liaison({"import", path("contacts16.csv"), "--kind", "contacts"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(count_lines(r.err), 1) << r.err;
  EXPECT_NE(r.err.find("contacts16.csv: the file is UTF-16"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("UTF-8 is expected"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find('\0'), std::string::npos);

  r = liaison({"import", path("contacts.csv"), "--delimiter", "ab"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("--delimiter"), std::string::npos) << r.err;
  EXPECT_EQ(head(), before);
}

TEST_F(CliTest, VersionPrintsTheProjectVersion) {
  auto r = run_process({LIAISON_BIN, "--version"}, env());
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out.rfind("liaison ", 0), 0u) << r.out;
  EXPECT_EQ(r.out.find("subcommand"), std::string::npos) << r.out;
  EXPECT_TRUE(r.out.size() > 9 && std::isdigit(static_cast<unsigned char>(r.out[8]))) << r.out;
}

TEST_F(CliTest, HelpUsesTheRightArticle) {
  auto org = run_process({LIAISON_BIN, "org", "--help"}, env());
  EXPECT_NE(org.out.find("Add an org"), std::string::npos) << org.out;
  EXPECT_NE(org.out.find("Remove an org"), std::string::npos) << org.out;
  auto area = run_process({LIAISON_BIN, "area", "--help"}, env());
  EXPECT_NE(area.out.find("Add an area"), std::string::npos) << area.out;
  auto offer = run_process({LIAISON_BIN, "offer", "--help"}, env());
  EXPECT_NE(offer.out.find("Show an offer"), std::string::npos) << offer.out;
  auto contact = run_process({LIAISON_BIN, "contact", "--help"}, env());
  EXPECT_NE(contact.out.find("Add a contact"), std::string::npos) << contact.out;
  auto edit = run_process({LIAISON_BIN, "contact", "edit", "--help"}, env());
  EXPECT_NE(edit.out.find("add an email address"), std::string::npos) << edit.out;
  for (const auto* text : {&org.out, &area.out, &offer.out, &edit.out}) {
    EXPECT_EQ(text->find(" a org"), std::string::npos);
    EXPECT_EQ(text->find(" a area"), std::string::npos);
    EXPECT_EQ(text->find(" a offer"), std::string::npos);
    EXPECT_EQ(text->find(" a email"), std::string::npos);
  }
}

TEST_F(CliTest, ReportAndMatrixSayWroteOnStderr) {
  init();
  auto report = liaison({"report", "--out", path("report.html")});
  EXPECT_EQ(report.exit_code, 0) << report.err;
  EXPECT_EQ(report.out, "");
  EXPECT_NE(report.err.find("Wrote " + path("report.html")), std::string::npos) << report.err;
  EXPECT_TRUE(std::filesystem::exists(path("report.html")));
  auto matrix = liaison({"matrix", "--format", "csv", "-o", path("matrix.csv")});
  EXPECT_EQ(matrix.exit_code, 0) << matrix.err;
  EXPECT_EQ(matrix.out, "");
  EXPECT_NE(matrix.err.find("Wrote "), std::string::npos) << matrix.err;
  // --json still answers on stdout.
  auto counts = json({"report", "--out", path("report2.html")});
  EXPECT_EQ(counts["out"], path("report2.html"));
}

TEST_F(CliTest, ReportAndMatrixPagesInRussianAndAnUnknownLanguageRefused) {
  init();
  ok({"report", "--out", path("report.html"), "--lang", "ru", "--since", "2000-01-01"});
  auto page = read(path("report.html"));
  EXPECT_NE(page.find("<html lang=ru>"), std::string::npos);
  EXPECT_NE(page.find("Справочник и потребности в помощи"), std::string::npos);
  EXPECT_NE(page.find("Изменения с 2000-01-01"), std::string::npos);
  EXPECT_EQ(page.find("Changes since"), std::string::npos);
  ok({"matrix", "--format", "html", "--lang", "ru", "-o", path("matrix.html")});
  EXPECT_NE(read(path("matrix.html")).find("Матрица потребностей в помощи"), std::string::npos);
  auto refused = liaison({"report", "--out", path("other.html"), "--lang", "xx"});
  EXPECT_NE(refused.exit_code, 0);
  EXPECT_NE(refused.err.find("--lang: 'xx' is not one of en, ru"), std::string::npos) << refused.err;
  EXPECT_FALSE(std::filesystem::exists(path("other.html")));
  auto bad_date = liaison({"report", "--out", path("other.html"), "--since", "2026-02-30x"});
  EXPECT_NE(bad_date.exit_code, 0);
  EXPECT_FALSE(std::filesystem::exists(path("other.html")));
}

TEST_F(CliTest, ListFiltersSearchAndStale) {
  init();
  write("contacts.csv", kContactsCsv);
  ok({"import", path("contacts.csv")});
  // --area border includes its sub-area border-customs-smuggling.
  auto border = json({"list", "contacts", "--area", "border"});
  EXPECT_EQ(border.size(), 2u);
  auto cis = json({"contact", "list", "--org", "cis-atc"});
  ASSERT_EQ(cis.size(), 1u);
  EXPECT_EQ(cis[0]["name"], "Иван Петров");
  // Search is case-insensitive in Cyrillic and finds Chinese by substring.
  auto hits = json({"search", "ИВАН"});
  ASSERT_EQ(hits.size(), 1u);
  EXPECT_EQ(hits[0]["record"]["name"], "Иван Петров");
  EXPECT_EQ(json({"search", "明"}).size(), 1u);
  // Search spans kinds: "customs" finds the contact and the reference data
  // about customs (an area, the World Customs Organization).
  std::set<std::string> kinds;
  int customs_contacts = 0;
  for (const auto& h : json({"search", "customs"})) {
    kinds.insert(h["kind"].get<std::string>());
    if (h["kind"] == "contact") ++customs_contacts;
  }
  EXPECT_EQ(customs_contacts, 1);
  EXPECT_TRUE(kinds.count("org") && kinds.count("area"));
  // Stale: older than 365 days before 2026-11-22, or never verified.
  auto stale = json({"stale", "--older-than", "365"});
  std::vector<std::string> names;
  for (const auto& c : stale) names.push_back(c["name"]);
  EXPECT_EQ(names, (std::vector<std::string>{"李明", "Amina Diallo"}));
}

TEST_F(CliTest, ExportRoundTripsThroughImportAndVcardIsWellFormed) {
  init();
  write("contacts.csv", kContactsCsv);
  ok({"import", path("contacts.csv")});
  auto csv = ok({"export", "--kind", "contacts", "--format", "csv"});
  write("exported.csv", csv);
  init("second", "osce");
  ok({"import", path("exported.csv"), "--kind", "contacts"}, "second");
  EXPECT_EQ(json({"list", "contacts"}, "second"), json({"list", "contacts"}));

  auto vcard = ok({"export", "--kind", "contacts", "--format", "vcard"});
  std::size_t cards = 0;
  for (std::size_t at = vcard.find("BEGIN:VCARD\r\n"); at != std::string::npos; at = vcard.find("BEGIN:VCARD\r\n", at + 1))
    ++cards;
  EXPECT_EQ(cards, 3u);
  EXPECT_NE(vcard.find("VERSION:4.0\r\n"), std::string::npos);
  EXPECT_NE(vcard.find("TEL;VALUE=uri;TYPE=\"voice,work\";PREF=1:tel:+74955550123\r\n"), std::string::npos);
  EXPECT_NE(vcard.find("FN:Иван Петров\r\n"), std::string::npos);
  for (std::size_t start = 0, end; (end = vcard.find("\r\n", start)) != std::string::npos; start = end + 2)
    EXPECT_LE(end - start, 75u);
}

TEST_F(CliTest, DoctorFindsADamagedViewAndRebuildsIt) {
  init();
  write("contacts.csv", kContactsCsv);
  ok({"import", path("contacts.csv")});
  EXPECT_NE(ok({"doctor"}).find("OK"), std::string::npos);
  auto sql = run_process({"/usr/bin/sqlite3", path("copy/view.db"), "DELETE FROM contacts WHERE name='李明'"});
  ASSERT_EQ(sql.exit_code, 0) << sql.err;
  auto r = liaison({"doctor"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.out.find("problem"), std::string::npos);
  auto fixed = liaison({"doctor", "--rebuild"});
  EXPECT_EQ(fixed.exit_code, 0) << fixed.out << fixed.err;
  EXPECT_EQ(json({"contact", "show", "bbbb"})["name"], "李明");
}

TEST_F(CliTest, ViewBehindHistoryCatchesUpOnOpen) {
  init();
  write("contacts.csv", kContactsCsv);
  ok({"import", path("contacts.csv")});
  std::string imported = head();
  // Roll the view back as if the process died after moving the head.
  auto log = json({"log"});
  std::string previous = log[1]["id"];
  auto sql = run_process({"/usr/bin/sqlite3", path("copy/view.db"),
                          "UPDATE meta SET value='" + previous + "' WHERE key='head'; DELETE FROM contacts;"});
  ASSERT_EQ(sql.exit_code, 0) << sql.err;
  // The next command finds the view behind and brings it up to date.
  EXPECT_EQ(json({"list", "contacts"}).size(), 3u);
  EXPECT_EQ(head(), imported);
  EXPECT_NE(ok({"doctor"}).find("OK"), std::string::npos);
}

TEST_F(CliTest, UsageErrorsExitOneAndHelpExitsZero) {
  auto help = run_process({LIAISON_BIN, "--help"}, env());
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_NE(help.out.find("contact"), std::string::npos);
  auto sub = run_process({LIAISON_BIN, "contact", "add", "--help"}, env());
  EXPECT_EQ(sub.exit_code, 0);
  EXPECT_NE(sub.out.find("--email"), std::string::npos);
  auto bad = run_process({LIAISON_BIN, "frobnicate"}, env());
  EXPECT_EQ(bad.exit_code, 1);
  auto nocopy = liaison({"list", "contacts"}, "nowhere");
  EXPECT_EQ(nocopy.exit_code, 1);
  EXPECT_NE(nocopy.err.find("not a liaison copy"), std::string::npos);
}

TEST_F(CliTest, SetsKeepTheOrderGivenAndTheFirstIsShownAndPreferred) {
  init();
  auto added = json({"contact", "add", "--org", "cis-atc", "--role", "Liaison desk", "--name", "Mira Testova",
                     "--email", "b@example.org", "--email", "a@example.org", "--language", "ru", "--language", "en"});
  std::string id = added["id"];
  EXPECT_EQ(added["emails"], nlohmann::json({"b@example.org", "a@example.org"}));
  auto row_of = [&](const std::string& table) {
    auto at = table.find(id.substr(0, 8));
    return at == std::string::npos ? std::string() : table.substr(at, table.find('\n', at) - at);
  };
  auto row = row_of(ok({"list", "contacts"}));
  EXPECT_NE(row.find("b@example.org"), std::string::npos) << row;
  EXPECT_EQ(row.find("a@example.org"), std::string::npos) << row;
  auto vcard = ok({"export", "--kind", "contacts", "--format", "vcard"});
  EXPECT_NE(vcard.find("LANG;PREF=1:ru\r\n"), std::string::npos) << vcard;
  EXPECT_NE(vcard.find("EMAIL;TYPE=work;PREF=1:b@example.org\r\n"), std::string::npos) << vcard;

  // Giving the set again in a new order makes another member preferred; the diff says so.
  ok({"contact", "edit", id.substr(0, 8), "--email", "a@example.org", "--email", "b@example.org"});
  row = row_of(ok({"list", "contacts"}));
  EXPECT_NE(row.find("a@example.org"), std::string::npos) << row;
  auto diff = json({"diff"});
  ASSERT_EQ(diff.size(), 1u);
  ASSERT_EQ(diff[0]["fields"].size(), 1u);
  EXPECT_EQ(diff[0]["fields"][0]["field"], "emails");
  EXPECT_EQ(diff[0]["fields"][0]["reordered"], true);
  EXPECT_NE(ok({"diff"}).find("reordered b@example.org, a@example.org -> a@example.org, b@example.org"),
            std::string::npos);
  // --add-email appends: the preferred one stays first.
  ok({"contact", "edit", id.substr(0, 8), "--add-email", "c@example.org"});
  EXPECT_EQ(json({"contact", "show", id})["emails"],
            nlohmann::json({"a@example.org", "b@example.org", "c@example.org"}));
  EXPECT_NE(ok({"doctor"}).find("OK"), std::string::npos);
}

// Terminal columns of the test's own texts, worked out apart from the code
// under test: CJK ideographs and fullwidth forms take 2, the combining marks
// used below (Latin accents, Arabic harakat) none, other characters 1.
std::size_t columns_of(const std::string& text) {
  std::size_t width = 0;
  for (std::size_t i = 0; i < text.size();) {
    auto c = static_cast<unsigned char>(text[i]);
    std::size_t len = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
    char32_t cp = len == 1 ? c : c & (0x7F >> len);
    for (std::size_t k = 1; k < len; ++k) cp = (cp << 6) | (static_cast<unsigned char>(text[i + k]) & 0x3F);
    bool mark = (cp >= 0x300 && cp <= 0x36F) || (cp >= 0x64B && cp <= 0x65F);
    bool wide = (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0xFF00 && cp <= 0xFF60) || (cp >= 0xFFE0 && cp <= 0xFFE6);
    width += mark ? 0 : wide ? 2 : 1;
    i += len;
  }
  return width;
}

TEST_F(CliTest, TableColumnsAlignWithChineseArabicAndAccents) {
  init();
  struct Row {
    std::string name, role, email;
  };
  std::vector<Row> rows{
      {"李明", "反恐怖主义联络员（边境）", "li.ming@example.org"},
      {"Иван Петров", "Focal point for border security", "ivan.petrov@example.org"},
      {"مُحَمَّد عَلِي", "منسق مكافحة الإرهاب", "m.ali@example.org"},
      {"Jose\xCC\x81 Nu\xCC\x81n\xCC\x83" "ez", "Enlace ￥ fondos", "jose.nunez@example.org"},
      // 60 columns: cut to fit the table's 48, between characters.
      {"王芳", "负责边境安全和海关事务的国家协调中心联络官员负责边境安全和海关事", "wang.fang@example.org"},
  };
  for (const auto& r : rows)
    ok({"contact", "add", "--org", "cis-atc", "--name", r.name, "--role", r.role, "--email", r.email});
  auto table = ok({"contact", "list"});
  std::istringstream in(table);
  std::string header;
  std::getline(in, header);
  auto role_column = columns_of(header.substr(0, header.find("ROLE")));
  auto email_column = columns_of(header.substr(0, header.find("EMAIL")));
  int seen = 0;
  for (std::string line; std::getline(in, line);) {
    for (const auto& r : rows) {
      auto email_at = line.find(r.email);
      if (email_at == std::string::npos) continue;
      ++seen;
      auto role_at = line.find(r.role.substr(0, 6));  // the role's first characters
      ASSERT_NE(role_at, std::string::npos) << line;
      EXPECT_EQ(columns_of(line.substr(0, role_at)), role_column) << line;
      EXPECT_EQ(columns_of(line.substr(0, email_at)), email_column) << line;
      EXPECT_LE(columns_of(line.substr(role_at, email_at - role_at)), 48u + 2) << line;
    }
  }
  EXPECT_EQ(seen, 5) << table;
  EXPECT_NE(table.find("…"), std::string::npos) << table;  // the long role was cut
}

TEST_F(CliTest, OrgAddTakesTheSlugAsItsArgument) {
  init();
  auto added = json({"org", "add", "un-example", "--name", "Example Office", "--kind", "un-body"});
  EXPECT_EQ(added["slug"], "un-example");
  EXPECT_EQ(json({"org", "show", "un-example"})["name"], "Example Office");
  // The flag still works, and may repeat the argument.
  EXPECT_EQ(json({"org", "add", "--slug", "ngo-example", "--name", "Example NGO"})["slug"], "ngo-example");
  EXPECT_EQ(json({"org", "add", "same-example", "--slug", "same-example", "--name", "Same"})["slug"], "same-example");
  auto both = liaison({"org", "add", "one-example", "--slug", "two-example", "--name", "Two"});
  EXPECT_EQ(both.exit_code, 1);
  EXPECT_NE(both.err.find("one-example"), std::string::npos) << both.err;
  EXPECT_NE(both.err.find("--slug 'two-example'"), std::string::npos) << both.err;
  EXPECT_EQ(liaison({"org", "show", "one-example"}).exit_code, 1);
  EXPECT_EQ(liaison({"org", "show", "two-example"}).exit_code, 1);
  // Areas take their code the same way.
  EXPECT_EQ(json({"area", "add", "example-area", "--name", "Example area"})["code"], "example-area");
}

TEST_F(CliTest, ContactNeedAndOfferBelongToTheCopysOrganizationByDefault) {
  init("copy", "cis-atc");
  EXPECT_EQ(json({"need", "add", "--area", "border", "--title", "Scanners", "--state", "KZ"})["org"], "cis-atc");
  EXPECT_EQ(json({"contact", "add", "--role", "Duty officer"})["org"], "cis-atc");
  EXPECT_EQ(json({"offer", "add", "--title", "Training course"})["provider"], "cis-atc");
  // Naming another organization still wins.
  EXPECT_EQ(json({"need", "add", "--org", "osce", "--area", "border", "--title", "Dogs"})["org"], "osce");
  EXPECT_EQ(json({"offer", "add", "--provider", "osce", "--title", "Course"})["provider"], "osce");
  auto help = run_process({LIAISON_BIN, "need", "add", "--help"}, env());
  EXPECT_NE(help.out.find("default: this copy's organization"), std::string::npos) << help.out;
}

TEST_F(CliTest, BundleCreateSaysWroteOnStderr) {
  init();
  auto r = liaison({"bundle", "create", path("all.bundle")});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "");  // stdout is for data
  EXPECT_NE(r.err.find("Wrote " + path("all.bundle")), std::string::npos) << r.err;
  EXPECT_TRUE(std::filesystem::exists(path("all.bundle")));
}

TEST_F(CliTest, ABadCaFileIsNamedBeforeAnyConnection) {
  // Port 9 on loopback: nothing is sent, the file is checked first.
  auto clone_with = [&](const std::string& ca) {
    auto e = env();
    e["LIAISON_CA_FILE"] = ca;
    return run_process({LIAISON_BIN, "-C", dir_.string(), "clone", "https://127.0.0.1:9", "x", "--token",
                        "lz_secret_of_test_0123456789"},
                       e);
  };
  auto missing = clone_with("/nonexistent/ca.pem");
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_NE(missing.err.find("LIAISON_CA_FILE=/nonexistent/ca.pem: no such file"), std::string::npos) << missing.err;
  EXPECT_EQ(count_lines(missing.err), 1) << missing.err;
  auto folder = clone_with(dir_.string());
  EXPECT_EQ(folder.exit_code, 1);
  EXPECT_NE(folder.err.find("LIAISON_CA_FILE=" + dir_.string() + ": is a folder"), std::string::npos) << folder.err;
  write("junk.pem", "not a certificate\n");
  auto junk = clone_with(path("junk.pem"));
  EXPECT_EQ(junk.exit_code, 1);
  EXPECT_NE(junk.err.find("LIAISON_CA_FILE=" + path("junk.pem") + ": holds no PEM certificate"), std::string::npos)
      << junk.err;
  EXPECT_EQ(junk.err.find("asio"), std::string::npos) << junk.err;
  if (::geteuid() != 0) {  // root reads any file
    write("locked.pem", "-----BEGIN CERTIFICATE-----\n");
    std::filesystem::permissions(path("locked.pem"), std::filesystem::perms::none);
    auto locked = clone_with(path("locked.pem"));
    EXPECT_NE(locked.err.find("LIAISON_CA_FILE=" + path("locked.pem") + ": cannot be read"), std::string::npos)
        << locked.err;
  }
  EXPECT_FALSE(std::filesystem::exists(path("x")));
}

TEST_F(CliTest, NoHelpPutsAInFrontOfAVowel) {
  // Every command group and each of its subcommands.
  auto top = run_process({LIAISON_BIN, "--help"}, env());
  std::vector<std::vector<std::string>> commands;
  for (const char* group : {"org", "contact", "need", "offer", "area", "remote", "bundle"}) {
    commands.push_back({group});
    for (const char* sub : {"add", "edit", "show", "list", "rm", "verify", "match", "create"})
      commands.push_back({group, sub});
  }
  std::vector<std::string> texts{top.out};
  for (auto args : commands) {
    args.insert(args.begin(), LIAISON_BIN);
    args.push_back("--help");
    auto r = run_process(args, env());
    if (r.exit_code == 0) texts.push_back(r.out);
  }
  EXPECT_GT(texts.size(), 30u);
  for (const auto& text : texts)
    for (const char* wrong : {" a a", " a e", " a i", " a o", " A a", " A e", " A i", " A o"})
      EXPECT_EQ(text.find(wrong), std::string::npos) << "'" << wrong << "' in:\n" << text;
}

}  // namespace
}  // namespace liaison::test
