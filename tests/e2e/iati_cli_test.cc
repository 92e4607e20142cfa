// End-to-end tests of IATI 2.03 export and import with the real binary:
// the export validated by xmllint against the schema copy in
// data/iati-2.03/, a round trip between two copies, a file in the style of
// a real publisher's, malformed and hostile XML, and a large file read with
// bounded memory.
#include <fcntl.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>

#include <fstream>
#include <regex>

#include "tests/e2e/cli_fixture.h"

extern char** environ;

namespace liaison::test {
namespace {

// The path of xmllint, or empty when it is not installed.
std::string xmllint() {
  auto r = run_process({"/bin/sh", "-c", "command -v xmllint"});
  return r.exit_code == 0 ? r.out.substr(0, r.out.find('\n')) : std::string();
}

std::string schema() { return std::string(LIAISON_SOURCE_DIR) + "/data/iati-2.03/schema/iati-activities-schema.xsd"; }

// The export without its generated-datetime, which is the time of writing.
std::string without_time(const std::string& xml) {
  return std::regex_replace(xml, std::regex(" generated-datetime=\"[^\"]*\""), "");
}

// Peak resident memory of a run, in kB (wait4's ru_maxrss).
long peak_rss_kb(const std::vector<std::string>& argv, const std::map<std::string, std::string>& env, int& exit_code) {
  std::vector<std::string> env_text;
  for (char** e = environ; *e; ++e) env_text.emplace_back(*e);
  for (const auto& [k, v] : env) env_text.push_back(k + "=" + v);
  std::vector<char*> args, envp;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  for (const auto& e : env_text) envp.push_back(const_cast<char*>(e.c_str()));
  envp.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
  pid_t pid;
  if (posix_spawn(&pid, args[0], &actions, nullptr, args.data(), envp.data()) != 0) return -1;
  posix_spawn_file_actions_destroy(&actions);
  int status = 0;
  rusage usage{};
  wait4(pid, &status, 0, &usage);
  exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return usage.ru_maxrss;
}

class IatiCliTest : public CliTest {
 protected:
  void SetUp() override {
    CliTest::SetUp();
    init("copy", "world-bank");
  }
  std::string add_offer(const std::vector<std::string>& args) {
    std::vector<std::string> a{"offer", "add"};
    a.insert(a.end(), args.begin(), args.end());
    return json(a)["id"];
  }
  void add_offers() {
    add_offer({"--provider", "world-bank", "--title", "FIU analysts' course", "--kind", "training", "--area",
               "cft-fiu", "--area", "cft-npo", "--recipient", "KZ", "--recipient", "KG", "--recipient", "TJ",
               "--status", "ongoing", "--start", "2026-03-01", "--end", "2026-09-30", "--budget", "250000",
               "--currency", "usd", "--budget-date", "2026-02-15", "--description", "Two weeks & a <follow-up>\non site"});
    add_offer({"--provider", "jica", "--funder", "world-bank", "--title", "Port scanners", "--kind", "equipment",
               "--area", "transport-maritime", "--area", "border-customs-smuggling", "--recipient", "UZ", "--status",
               "completed", "--start", "2025-01-10", "--end", "2025-12-20", "--budget", "1200.50", "--currency",
               "JPY"});
    add_offer({"--provider", "giz", "--title", "Victims' support desk", "--area", "victims-support", "--recipient",
               "TM", "--status", "planned", "--start", "2027-01-01"});
    // Left out: OSCE has no iati_ref; the last has no recipient.
    add_offer({"--provider", "osce", "--title", "Border dogs", "--area", "border", "--recipient", "TJ", "--start",
               "2026-01-01"});
    add_offer({"--provider", "giz", "--title", "Nowhere yet", "--area", "pve", "--start", "2026-01-01"});
  }
};

TEST_F(IatiCliTest, ExportValidatesAgainstTheIatiSchema) {
  if (xmllint().empty()) GTEST_SKIP() << "xmllint is not installed (Debian package libxml2-utils): cannot validate";
  add_offers();
  auto r = liaison({"export", "--kind", "offers", "--format", "iati", "-o", path("offers.xml")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("Exported 3 offers"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("Border dogs): provider osce has no iati_ref"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("Nowhere yet): no recipient state"), std::string::npos) << r.err;
  auto v = run_process({xmllint(), "--noout", "--schema", schema(), path("offers.xml")});
  EXPECT_EQ(v.exit_code, 0) << v.err;
  std::ifstream in(path("offers.xml"));
  std::string xml((std::istreambuf_iterator<char>(in)), {});
  EXPECT_NE(xml.find("<iati-activities version=\"2.03\""), std::string::npos);
  EXPECT_NE(xml.find("<participating-org ref=\"44000\" type=\"40\" role=\"1\">"), std::string::npos) << xml;
  EXPECT_NE(xml.find("<participating-org ref=\"XM-DAC-701-8\" type=\"10\" role=\"4\">"), std::string::npos);
  EXPECT_NE(xml.find("<value currency=\"USD\" value-date=\"2026-02-15\">250000</value>"), std::string::npos);
  EXPECT_NE(xml.find("Two weeks &amp; a &lt;follow-up&gt;"), std::string::npos);
  EXPECT_NE(xml.find("<activity-date type=\"4\" iso-date=\"2025-12-20\"/>"), std::string::npos);
  EXPECT_NE(xml.find("<sector vocabulary=\"99\" code=\"cft-fiu\" percentage=\"50\"/>"), std::string::npos);
  EXPECT_NE(xml.find("<sector vocabulary=\"1\" code=\"24010\" percentage=\"75\"/>"), std::string::npos);
  // The filters of list apply.
  auto jica = liaison({"export", "--kind", "offers", "--format", "iati", "--org", "jica"});
  EXPECT_EQ(jica.exit_code, 0) << jica.err;
  EXPECT_EQ(std::count(jica.out.begin(), jica.out.end(), '\n') > 0, true);
  EXPECT_EQ(jica.out.find("FIU analysts"), std::string::npos);
  EXPECT_EQ(liaison({"export", "--kind", "needs", "--format", "iati"}).exit_code, 1);
}

TEST_F(IatiCliTest, RoundTripGivesTheSameActivities) {
  add_offers();
  auto first = liaison({"export", "--kind", "offers", "--format", "iati"});
  ASSERT_EQ(first.exit_code, 0) << first.err;
  write("first.xml", first.out);
  init("other", "world-bank");
  auto imported = json({"import", path("first.xml")}, "other");
  EXPECT_EQ(imported["imported"], 3);
  EXPECT_EQ(imported["skipped_count"], 0);
  auto second = liaison({"export", "--kind", "offers", "--format", "iati"}, "other");
  ASSERT_EQ(second.exit_code, 0) << second.err;
  EXPECT_EQ(without_time(second.out), without_time(first.out));
  // Twice changes nothing, in the new copy and in the copy it came from.
  std::string head_before = head("other");
  auto again = json({"import", path("first.xml")}, "other");
  EXPECT_EQ(again["unchanged"], 3);
  EXPECT_EQ(again["commit"], "");
  EXPECT_EQ(head("other"), head_before);
  auto home = json({"import", path("first.xml")});
  EXPECT_EQ(home["unchanged"], 3) << home.dump();
  // The matrix's --provider counts what an org funds too.
  auto offers = json({"list", "offers", "--org", "jica"}, "other");
  ASSERT_EQ(offers.size(), 1u);
  EXPECT_EQ(offers[0]["funder"], "world-bank");
  EXPECT_EQ(offers[0]["budget"], "1200.50");
}

TEST_F(IatiCliTest, MatrixProviderCountsWhatAnOrgFundsAndCsvCarriesTheNewFields) {
  std::string need = json({"need", "add", "--org", "cis-atc", "--state", "UZ", "--area", "border-customs-smuggling",
                           "--title", "Container scanning"})["id"];
  std::string offer = add_offer({"--provider", "jica", "--funder", "world-bank", "--title", "Port scanners", "--area",
                                 "border-customs-smuggling", "--recipient", "UZ", "--budget", "90000", "--currency",
                                 "EUR", "--start", "2026-01-01"});
  ok({"need", "match", need.substr(0, 8), offer.substr(0, 8)});
  EXPECT_EQ(json({"matrix", "--provider", "world-bank"})["total"]["covered"], 1);
  EXPECT_EQ(json({"matrix", "--provider", "jica"})["total"]["covered"], 1);
  EXPECT_EQ(json({"matrix", "--provider", "osce"})["total"]["covered"], 0);
  auto csv = ok({"export", "--kind", "offers"});
  auto header = csv.substr(0, csv.find('\n'));
  for (const char* field : {"funder", "budget", "currency", "budget_date", "iati_id"})
    EXPECT_NE(header.find(field), std::string::npos) << header;
  EXPECT_NE(csv.find("world-bank"), std::string::npos);
  auto bad = liaison({"offer", "add", "--provider", "jica", "--title", "x", "--budget", "1,000"});
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_NE(bad.err.find("budget"), std::string::npos) << bad.err;
  bad = liaison({"offer", "add", "--provider", "jica", "--title", "x", "--currency", "EURO"});
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_NE(bad.err.find("ISO 4217"), std::string::npos) << bad.err;
}

// In the style of a large publisher's file: several languages, transactions
// with their own sectors, other vocabularies, organisations liaison does
// not know, activities outside liaison's areas.
const char* kPublisherFile = R"(<?xml version="1.0" encoding="UTF-8"?>
<!-- Fictional data in the style of a donor's activity file. -->
<iati-activities version="2.03" generated-datetime="2026-10-01T08:00:00Z">
 <iati-activity xml:lang="fr" default-currency="EUR" last-updated-datetime="2026-09-30T12:00:00Z" hierarchy="1">
  <iati-identifier>XM-DAC-5-52-2024.2071.5</iati-identifier>
  <reporting-org ref="XM-DAC-5-52" type="10"><narrative>Deutsche Gesellschaft für Internationale Zusammenarbeit</narrative></reporting-org>
  <title><narrative>Renforcement des cellules de renseignement financier</narrative><narrative xml:lang="en">Strengthening financial intelligence units</narrative><narrative xml:lang="de">Stärkung der Finanzermittlungsstellen</narrative></title>
  <description type="1"><narrative xml:lang="en">Mentoring of analysts in the FIUs of the region.</narrative><narrative>Accompagnement des analystes.</narrative></description>
  <description type="2"><narrative xml:lang="en">Objectives: faster reports.</narrative></description>
  <participating-org ref="XM-DAC-5-7" type="10" role="1"><narrative>Federal Foreign Office</narrative></participating-org>
  <participating-org ref="XM-DAC-5-52" type="10" role="3"/>
  <participating-org type="22" role="4"><narrative>Example Implementing Partner e.V.</narrative></participating-org>
  <activity-status code="2"/>
  <activity-date type="1" iso-date="2024-04-01"/>
  <activity-date type="2" iso-date="2024-05-15"/>
  <activity-date type="3" iso-date="2027-03-31"/>
  <recipient-country code="SN" percentage="60"/>
  <recipient-country code="ML" percentage="40"/>
  <recipient-region code="289" vocabulary="1" percentage="0"/>
  <sector vocabulary="2" code="15130" percentage="100"/>
  <sector vocabulary="1" code="24010" percentage="70"/>
  <sector vocabulary="1" code="15113" percentage="30"/>
  <budget type="1" status="2"><period-start iso-date="2024-05-15"/><period-end iso-date="2024-12-31"/><value currency="EUR" value-date="2024-05-15">400000</value></budget>
  <budget type="1" status="2"><period-start iso-date="2025-01-01"/><period-end iso-date="2025-12-31"/><value value-date="2025-01-01">600000.25</value></budget>
  <budget type="2" status="2"><period-start iso-date="2025-01-01"/><period-end iso-date="2025-12-31"/><value value-date="2025-06-01">650000</value></budget>
  <transaction><transaction-type code="2"/><transaction-date iso-date="2024-05-20"/><value currency="EUR" value-date="2024-05-20">1000000</value><sector vocabulary="1" code="11110"/></transaction>
  <transaction><transaction-type code="3"/><transaction-date iso-date="2024-06-30"/><value value-date="2024-06-30">150000</value></transaction>
 </iati-activity>
 <iati-activity>
  <iati-identifier>XM-DAC-701-8-EDU-001</iati-identifier>
  <reporting-org ref="XM-DAC-701-8" type="10"><narrative>JICA</narrative></reporting-org>
  <title><narrative>Primary schools</narrative></title>
  <activity-status code="2"/><activity-date type="2" iso-date="2023-01-01"/>
  <recipient-country code="KH"/>
  <sector code="11220"/>
 </iati-activity>
 <iati-activity>
  <iati-identifier>GB-GOV-1-300999</iati-identifier>
  <reporting-org ref="GB-GOV-1" type="10"><narrative>Example ministry</narrative></reporting-org>
  <title><narrative>Police reform</narrative></title>
  <activity-status code="4"/><activity-date type="2" iso-date="2020-01-01"/><activity-date type="4" iso-date="2022-06-30"/>
  <recipient-country code="KE"/>
  <sector vocabulary="1" code="15132"/>
 </iati-activity>
 <iati-activity>
  <iati-identifier>XM-DAC-701-8-TRANS-7</iati-identifier>
  <reporting-org ref="XM-DAC-701-8" type="10"/>
  <title><narrative xml:lang="ja">空港保安</narrative><narrative xml:lang="en">Airport security equipment</narrative></title>
  <participating-org ref="44000" role="1"/>
  <activity-status code="3"/><activity-date type="1" iso-date="2022-02-01"/>
  <recipient-region code="998"/>
  <transaction><transaction-type code="3"/><transaction-date iso-date="2022-03-01"/><value currency="JPY" value-date="2022-03-01">5000000</value><recipient-country code="LK"/><sector vocabulary="1" code="21050"/></transaction>
 </iati-activity>
</iati-activities>
)";

TEST_F(IatiCliTest, ImportsAPublishersFile) {
  write("giz.xml", kPublisherFile);
  auto r = json({"import", path("giz.xml")});
  EXPECT_EQ(r["activities"], 4);
  EXPECT_EQ(r["imported"], 2) << r.dump(1);
  EXPECT_EQ(r["skipped_count"], 2);
  auto skipped = r["skipped"].dump();
  EXPECT_NE(skipped.find("XM-DAC-701-8-EDU-001: no sector maps to a thematic area"), std::string::npos) << skipped;
  EXPECT_NE(skipped.find("GB-GOV-1-300999: no liaison org has the iati_ref"), std::string::npos) << skipped;
  auto unknown = r["unknown_orgs"].dump();
  EXPECT_NE(unknown.find("XM-DAC-5-7 (Federal Foreign Office)"), std::string::npos) << unknown;
  EXPECT_NE(unknown.find("(no ref) (Example Implementing Partner e.V.)"), std::string::npos) << unknown;
  EXPECT_NE(unknown.find("GB-GOV-1 (Example ministry)"), std::string::npos) << unknown;
  auto offers = json({"list", "offers"});
  ASSERT_EQ(offers.size(), 2u);
  nlohmann::json o, trans;
  for (const auto& listed : offers) {
    auto shown = json({"offer", "show", listed["id"]});
    (shown["provider"] == "giz" ? o : trans) = shown;
  }
  // Its country is on its transaction only (IATI allows one level or the other).
  EXPECT_EQ(trans["provider"], "jica");
  EXPECT_EQ(trans["iati_id"], "XM-DAC-701-8-TRANS-7");
  EXPECT_EQ(trans["recipients"], nlohmann::json::array({"LK"}));
  EXPECT_EQ(o["provider"], "giz");
  EXPECT_EQ(o["title"], "Strengthening financial intelligence units");
  EXPECT_EQ(o["description"], "Mentoring of analysts in the FIUs of the region.");
  EXPECT_EQ(o["status"], "ongoing");
  EXPECT_EQ(o["start"], "2024-05-15");  // actual before planned
  EXPECT_EQ(o["end"], "2027-03-31");
  EXPECT_EQ(o["areas"], nlohmann::json::array({"cft"}));  // 15113 maps to no area
  EXPECT_EQ(o["recipients"], nlohmann::json::array({"SN", "ML"}));
  EXPECT_EQ(o["budget"], "1000000.25");  // the two original budgets, not the revised one
  EXPECT_EQ(o["currency"], "EUR");
  EXPECT_EQ(o["iati_id"], "XM-DAC-5-52-2024.2071.5");
  EXPECT_FALSE(o.contains("funder"));
  // The same file again: nothing changes.
  auto again = json({"import", path("giz.xml")});
  EXPECT_EQ(again["unchanged"], 2);
  EXPECT_EQ(again["commit"], "");
  // The text report lists what was skipped and the unknown organisations.
  auto text = ok({"import", path("giz.xml")});
  EXPECT_NE(text.find("4 activities: 0 imported, 0 updated, 2 unchanged, 2 skipped"), std::string::npos) << text;
  EXPECT_NE(text.find("not created"), std::string::npos) << text;
}

// A donor's activities link to no need; duplicates shows the needs they
// reach by area and state that other providers' offers already cover.
TEST_F(IatiCliTest, DuplicatesShowWhereAnImportedActivityReachesNeedsOthersCover) {
  std::string covered = json({"need", "add", "--org", "osce", "--state", "SN", "--area", "cft-fiu", "--title",
                              "FIU case management", "--priority", "high"})["id"];
  std::string uncovered = json({"need", "add", "--org", "osce", "--state", "ML", "--area", "cft-fiu", "--title",
                                "FIU staff training"})["id"];
  std::string elsewhere = json({"need", "add", "--org", "osce", "--state", "KH", "--area", "cft-fiu", "--title",
                                "FIU in a state the activity does not reach"})["id"];
  add_offer({"--provider", "unodc", "--title", "FIU mentoring", "--kind", "mentoring", "--area", "cft-fiu",
             "--recipient", "SN", "--recipient", "KH", "--need", covered, "--need", elsewhere});
  auto before = json({"duplicates"})["offers_reaching_needs_others_cover"];
  EXPECT_TRUE(before.empty()) << before.dump(1);

  write("giz.xml", kPublisherFile);
  ok({"import", path("giz.xml")});
  auto overlaps = json({"duplicates"})["offers_reaching_needs_others_cover"];
  // ML's need is reached too, but no one covers it; KH's is covered, but
  // the activity does not reach KH.
  ASSERT_EQ(overlaps.size(), 1u) << overlaps.dump(1);
  EXPECT_NE(overlaps[0]["need"]["id"], uncovered);
  EXPECT_EQ(overlaps[0]["offer"]["provider"], "giz");
  EXPECT_EQ(overlaps[0]["need"]["id"], covered);
  EXPECT_EQ(overlaps[0]["covering_providers"], nlohmann::json::array({"unodc"}));
  auto text = ok({"duplicates"});
  EXPECT_NE(text.find("reaches need"), std::string::npos) << text;
  EXPECT_NE(text.find("covered by unodc"), std::string::npos) << text;

  // Once the need is met, the overlap is history, not a duplicate.
  ok({"need", "edit", covered, "--status", "matched"});
  ok({"need", "edit", covered, "--status", "in-progress"});
  ok({"need", "edit", covered, "--status", "fulfilled"});
  EXPECT_TRUE(json({"duplicates"})["offers_reaching_needs_others_cover"].empty());
}

TEST_F(IatiCliTest, RefusesMalformedAndHostileFilesAndImportsNothing) {
  std::string before = head();
  write("broken.xml", "<iati-activities version=\"2.03\">\n<iati-activity>\n<title></iati-activity>\n");
  auto r = liaison({"import", path("broken.xml")});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("broken.xml:3: malformed XML"), std::string::npos) << r.err;
  write("xxe.xml", "<?xml version=\"1.0\"?>\n<!DOCTYPE iati-activities [\n<!ENTITY secret SYSTEM "
                   "\"file:///etc/passwd\">\n<!ENTITY remote SYSTEM \"http://example.org/x\">]>\n"
                   "<iati-activities version=\"2.03\"><iati-activity><iati-identifier>&secret;&remote;"
                   "</iati-identifier></iati-activity></iati-activities>\n");
  r = liaison({"import", path("xxe.xml")});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("DOCTYPE"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("root:"), std::string::npos) << r.err;
  write("laughs.xml", "<?xml version=\"1.0\"?><!DOCTYPE l [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;\">]>"
                      "<iati-activities version=\"2.03\">&b;</iati-activities>");
  r = liaison({"import", path("laughs.xml")});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("DOCTYPE"), std::string::npos) << r.err;
  // A bad value in the last activity: the first is not imported either.
  std::string bad = kPublisherFile;
  bad.insert(bad.find("</iati-activities>"),
             "<iati-activity><iati-identifier>44000-BAD</iati-identifier><reporting-org ref=\"44000\"/>"
             "<title><narrative>Bad</narrative></title><activity-date type=\"2\" iso-date=\"2024-02-30\"/>"
             "<recipient-country code=\"KE\"/><sector code=\"15132\"/></iati-activity>\n");
  write("bad.xml", bad);
  r = liaison({"import", path("bad.xml")});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("activity 44000-BAD: <activity-date type=\"2\" iso-date=\"2024-02-30\">: not a date"),
            std::string::npos)
      << r.err;
  EXPECT_EQ(head(), before);
}

TEST_F(IatiCliTest, ALargeFileIsStreamedWithBoundedMemory) {
  // Activities of 1 kB, most of them outside liaison's areas, as a large
  // donor's file is: peak memory for 20 MB stays close to that for 1 MB.
  auto generate = [&](const std::string& name, int activities) {
    std::ofstream out(path(name), std::ios::binary);
    out << "<iati-activities version=\"2.03\">\n";
    std::string filler(700, 'x');
    for (int i = 0; i < activities; ++i) {
      bool ours = i % 1000 == 0;
      out << "<iati-activity><iati-identifier>44000-P" << i << "</iati-identifier><reporting-org ref=\"44000\"/>"
          << "<title><narrative>Activity " << i << "</narrative></title><description><narrative>" << filler
          << "</narrative></description><activity-status code=\"2\"/><activity-date type=\"2\" iso-date=\"2024-01-01\"/>"
          << "<recipient-country code=\"KE\"/><sector code=\"" << (ours ? "15132" : "11110") << "\"/></iati-activity>\n";
    }
    out << "</iati-activities>\n";
  };
  generate("small.xml", 1000);
  generate("large.xml", 20000);
  EXPECT_GT(std::filesystem::file_size(path("large.xml")), 19u * 1000 * 1000);
  int code = 0;
  long small = peak_rss_kb({LIAISON_BIN, "-C", path("copy"), "import", path("small.xml")}, env(), code);
  EXPECT_EQ(code, 0);
  long large = peak_rss_kb({LIAISON_BIN, "-C", path("copy"), "import", path("large.xml")}, env(), code);
  EXPECT_EQ(code, 0);
#ifdef LIAISON_SANITIZED
  // AddressSanitizer holds freed memory in quarantine, so peak RSS grows
  // with what was ever allocated: the bound is checked by the plain build.
  EXPECT_GT(large, 0) << small;
#else
  EXPECT_LT(large - small, 8 * 1024) << "peak RSS " << small << " kB for 1 MB, " << large << " kB for 20 MB";
#endif
  EXPECT_EQ(json({"list", "offers"}).size(), 20u);
}

}  // namespace
}  // namespace liaison::test
