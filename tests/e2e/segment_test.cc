// Segments end to end: a real liaisond on loopback and real `liaison`
// copies cloned with reader and editor tokens. Restricted records and
// personal fields carry marker strings; every byte a copy holds (its files,
// and every git object decompressed) is searched for them.
#include <filesystem>
#include <fstream>

#include "tests/e2e/server_fixture.h"

namespace liaison::test {
namespace {

constexpr const char* kPersonal = "CANARYPERSONAL";      // a contact's name and notes
constexpr const char* kRestricted = "CANARYRESTRICTED";  // a need shared with sco-rats only

class SegmentTest : public ServerTest {
 protected:
  void SetUp() override {
    ServerTest::SetUp();
    sco = token("sco-rats", "editor");
  }

  // Every byte of the copy: its files as stored, and every object of its
  // history as git reads it (loose and packed objects are compressed).
  std::string everything_in(const std::string& copy) {
    std::string all;
    for (const auto& e : std::filesystem::recursive_directory_iterator(path(copy))) {
      if (!e.is_regular_file()) continue;
      std::ifstream in(e.path(), std::ios::binary);
      all.append(std::istreambuf_iterator<char>(in), {});
    }
    auto r = run_process({"/usr/bin/git", "--git-dir", path(copy + "/history.git"), "cat-file",
                          "--batch-all-objects", "--batch", "--unordered"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    all += r.out;
    return all;
  }
  void expect_nowhere(const std::string& copy, const std::string& marker) {
    auto all = everything_in(copy);
    EXPECT_GT(all.size(), 1000u) << copy;
    EXPECT_EQ(all.find(marker), std::string::npos) << marker << " found in " << copy;
  }
  void expect_somewhere(const std::string& copy, const std::string& marker) {
    EXPECT_NE(everything_in(copy).find(marker), std::string::npos) << marker << " not found in " << copy;
  }
  static bool has_id(const nlohmann::json& records, const std::string& id) {
    for (const auto& r : records)
      if (r["id"] == id) return true;
    return false;
  }

  // cis-atc's records: a public functional point with personal data, a need
  // restricted to cis-atc and sco-rats, a public need, and a public offer
  // answering both needs. Pushed by cis; every copy pulls.
  struct Records {
    std::string contact, restricted, open, offer;
  };
  Records start_with_records() {
    start_server();
    clone("hq", admin);
    clone("cis", cis);
    clone("sco", sco);
    clone("osce", osce);
    clone("bank", reader);
    Records r;
    r.contact = json({"contact", "add", "--role", "Border focal point", "--name", std::string(kPersonal) + " Doe",
                      "--email", "canarypersonal@example.org", "--notes", std::string("home: ") + kPersonal,
                      "--language", "ru", "--available-24-7", "yes", "--visibility", "public"},
                     "cis")["id"];
    r.restricted = json({"need", "add", "--area", "border", "--state", "KG", "--title",
                         std::string("Assessment finding ") + kRestricted, "--visibility", "restricted",
                         "--share-with", "sco-rats"},
                        "cis")["id"];
    r.open = json({"need", "add", "--area", "border", "--state", "KG", "--title", "Border guards training"},
                  "cis")["id"];
    r.offer = json({"offer", "add", "--title", "Training course", "--need", r.restricted, "--need", r.open}, "cis")["id"];
    EXPECT_EQ(json({"push"}, "cis")["result"], "applied");
    for (const char* copy : {"hq", "sco", "osce", "bank"}) ok({"pull"}, copy);
    return r;
  }

  std::string sco;
};

TEST_F(SegmentTest, EachTokenHoldsExactlyWhatItMaySee) {
  auto r = start_with_records();
  // The donor's copy: the unclassified segment, functional points only.
  expect_nowhere("bank", kPersonal);
  expect_nowhere("bank", kRestricted);
  expect_nowhere("bank", r.restricted);
  auto point = json({"contact", "show", r.contact}, "bank");
  EXPECT_EQ(point["role"], "Border focal point");
  EXPECT_EQ(point["available_24_7"], true);
  EXPECT_EQ(point["languages"], nlohmann::json::array({"ru"}));
  EXPECT_FALSE(point.contains("name"));
  EXPECT_FALSE(point.contains("emails"));
  EXPECT_EQ(json({"offer", "show", r.offer}, "bank")["needs"], nlohmann::json::array({r.open}));
  EXPECT_TRUE(has_id(json({"list", "needs"}, "bank"), r.open));
  // Another organization's editor: partners' data, personal fields
  // included, but not a record restricted to others.
  expect_somewhere("osce", kPersonal);
  expect_nowhere("osce", kRestricted);
  expect_nowhere("osce", r.restricted);
  EXPECT_EQ(json({"contact", "show", r.contact}, "osce")["name"], std::string(kPersonal) + " Doe");
  // The organization the need is shared with, and central staff, see it.
  expect_somewhere("sco", kRestricted);
  EXPECT_EQ(json({"offer", "show", r.offer}, "sco")["needs"].size(), 2u);
  expect_somewhere("hq", kRestricted);
  // Each copy says which segment it holds, and each passes doctor.
  EXPECT_EQ(json({"status"}, "bank")["segments"]["origin"], "public");
  EXPECT_EQ(json({"status"}, "osce")["segments"]["origin"], "org:osce");
  EXPECT_EQ(json({"status"}, "hq")["segments"]["origin"], "all");
  EXPECT_NE(ok({"status"}, "bank").find("Segment: public"), std::string::npos);
  for (const char* copy : {"hq", "cis", "sco", "osce", "bank"}) ok({"doctor"}, copy);
}

TEST_F(SegmentTest, TheMarkersStayOutAfterNarrowingWideningEditsMergesAndReview) {
  auto r = start_with_records();
  // The owner edits the restricted need; central edits another field of it
  // meanwhile, so the owner's next sync merges.
  ok({"need", "edit", r.restricted, "--description", std::string("details: ") + kRestricted}, "cis");
  ok({"need", "edit", r.restricted, "--priority", "high"}, "hq");
  ok({"push"}, "hq");
  ok({"sync"}, "cis");
  // Widened to partners, then narrowed back: osce saw it in between (that
  // cannot be undone), so the canary for osce is a second restricted need.
  auto second = json({"need", "add", "--area", "border", "--state", "KG", "--title",
                      std::string("Second finding ") + kRestricted + "2", "--visibility", "restricted"},
                     "cis")["id"];
  ok({"need", "edit", r.open, "--visibility", "partners"}, "cis");
  auto narrowed = liaison({"need", "edit", r.open, "--visibility", "restricted"}, "cis");
  EXPECT_EQ(narrowed.exit_code, 0) << narrowed.err;
  EXPECT_NE(narrowed.err.find("histories keep the versions they held before"), std::string::npos) << narrowed.err;
  ok({"sync"}, "cis");
  // A change osce may not make on its own goes to review; central accepts it.
  ok({"pull"}, "osce");
  auto submitted = json({"push"}, "osce");
  EXPECT_EQ(submitted["result"], "up-to-date");
  ok({"contact", "edit", r.contact, "--hours", "24/7"}, "osce");
  auto review = json({"push"}, "osce");
  ASSERT_EQ(review["result"], "submission");
  ok({"pull"}, "hq");
  ok({"review", "accept", std::to_string(review["submission"].get<int>())}, "hq");
  for (const char* copy : {"bank", "osce", "sco", "cis", "hq"}) ok({"pull"}, copy);
  expect_nowhere("bank", kPersonal);
  expect_nowhere("bank", kRestricted);
  expect_nowhere("osce", kRestricted);
  expect_nowhere("osce", second);
  expect_nowhere("sco", std::string(kRestricted) + "2");
  EXPECT_EQ(json({"contact", "show", r.contact}, "bank")["hours"], "24/7");
  EXPECT_EQ(json({"need", "show", r.restricted}, "sco")["priority"], "high");
  EXPECT_NE(json({"need", "show", r.restricted}, "sco")["description"].get<std::string>().find(kRestricted),
            std::string::npos);
}

TEST_F(SegmentTest, APushFromAPartialCopyKeepsWhatItCouldNotSee) {
  auto r = start_with_records();
  // Central links osce's offer to the need restricted to cis-atc and sco-rats.
  auto offer = json({"offer", "add", "--title", "OSCE border course", "--need", r.open}, "osce")["id"];
  ok({"push"}, "osce");
  ok({"pull"}, "hq");
  ok({"offer", "edit", offer, "--add-need", r.restricted}, "hq");
  ok({"push"}, "hq");
  ok({"pull"}, "osce");
  EXPECT_EQ(json({"offer", "show", offer}, "osce")["needs"], nlohmann::json::array({r.open}));
  // osce edits its offer from its copy, where the restricted need is absent.
  ok({"offer", "edit", offer, "--title", "OSCE border course 2027", "--rm-need", r.open}, "osce");
  EXPECT_EQ(json({"push"}, "osce")["result"], "applied");
  ok({"pull"}, "hq");
  auto central = json({"offer", "show", offer}, "hq");
  EXPECT_EQ(central["title"], "OSCE border course 2027");
  EXPECT_EQ(central["needs"], nlohmann::json::array({r.restricted}));
  EXPECT_FALSE(json({"offer", "show", offer}, "osce").contains("needs"));
  expect_nowhere("osce", r.restricted);
  ok({"doctor"}, "osce");
}

TEST_F(SegmentTest, RemovalsAreCheckedAgainstCentralWithoutNamingHiddenReferrers) {
  auto r = start_with_records();
  // sco-rats links a restricted offer of its own, which cis cannot see, to
  // cis's public need.
  auto hidden = json({"offer", "add", "--title", std::string("Hidden offer ") + kRestricted, "--need", r.open,
                      "--visibility", "restricted"},
                     "sco")["id"];
  ok({"push"}, "sco");
  ok({"pull"}, "cis");
  auto before = central_head();
  // cis's offer and the need: the offer goes with it, but the hidden one stays.
  ok({"offer", "rm", r.offer}, "cis");
  ok({"need", "rm", r.open}, "cis");
  auto refused = liaison({"push"}, "cis");
  EXPECT_NE(refused.exit_code, 0);
  EXPECT_NE(refused.err.find("still referred to by a record outside this segment"), std::string::npos) << refused.err;
  EXPECT_EQ(refused.err.find(hidden.get<std::string>().substr(0, 8)), std::string::npos) << refused.err;
  EXPECT_EQ(central_head(), before);
  // The need's removal undone, the offer's goes through, on its own.
  ok({"revert", "HEAD"}, "cis");
  EXPECT_EQ(json({"push"}, "cis")["result"], "applied");
  ok({"pull"}, "hq");
  EXPECT_NE(liaison({"offer", "show", r.offer}, "hq").exit_code, 0);
  EXPECT_EQ(json({"need", "show", r.open}, "hq")["id"], r.open);
  EXPECT_EQ(json({"offer", "show", hidden}, "hq")["needs"], nlohmann::json::array({r.open}));
}

TEST_F(SegmentTest, ACopyRefusesTheSegmentOfAnotherToken) {
  auto r = start_with_records();
  (void)r;
  // osce's copy given the donor's token: a narrower segment, another history;
  // and a copy cloned from no server at all.
  ok({"remote", "add", "donor", url, "--token", reader}, "osce");
  auto before = head("osce");
  auto pulled = liaison({"pull", "donor"}, "osce");
  EXPECT_NE(pulled.exit_code, 0);
  EXPECT_NE(pulled.err.find("holds the org:osce segment"), std::string::npos) << pulled.err;
  EXPECT_NE(pulled.err.find("clone again"), std::string::npos) << pulled.err;
  EXPECT_EQ(head("osce"), before);
  EXPECT_EQ(std::count(pulled.err.begin(), pulled.err.end(), '\n'), 1) << pulled.err;
  init("own", "osce");
  ok({"remote", "add", "origin", url, "--token", osce}, "own");
  auto own = liaison({"pull"}, "own");
  EXPECT_NE(own.exit_code, 0);
  EXPECT_NE(own.err.find("does not hold the org:osce segment"), std::string::npos) << own.err;
}

TEST_F(SegmentTest, SegmentsArePureFunctionsOfCentralsHistory) {
  auto r = start_with_records();
  (void)r;
  auto bank = head("bank"), osce_head = head("osce");
  // Forget every derived commit and derive them again from central alone.
  stop_server();
  auto db = run_process({"/usr/bin/sqlite3", "-cmd", ".timeout 10000", path("data/server.db"),
                         "DELETE FROM segment_commits; DELETE FROM segment_heads;"});
  ASSERT_EQ(db.exit_code, 0) << db.err;
  std::filesystem::remove_all(path("data/central/history.git/refs/segments"));
  url.clear();
  start_server();
  clone("bank2", reader);
  clone("osce2", osce);
  EXPECT_EQ(head("bank2"), bank);
  EXPECT_EQ(head("osce2"), osce_head);
  EXPECT_NE(bank, osce_head);
  // `liaisond segments`, beside the running server, names the same heads.
  auto listed = run_process({LIAISOND_BIN, "segments", "--data", path("data")}, env());
  ASSERT_EQ(listed.exit_code, 0) << listed.err;
  EXPECT_NE(listed.out.find("public\t" + bank + "\t"), std::string::npos) << listed.out;
  EXPECT_NE(listed.out.find("org:osce\t" + osce_head + "\n"), std::string::npos) << listed.out;
  EXPECT_NE(listed.out.find("org:sco-rats\t"), std::string::npos) << listed.out;
}

}  // namespace
}  // namespace liaison::test
