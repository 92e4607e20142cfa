// Unit tests of the local copy (store/store.h): init with reference data,
// add/update/remove through commit(), reference checks that reject a change
// and write nothing, catching the view up with history, doctor(), id
// prefix resolution, records handed over as their text and row alone, and
// the page cache limit a large change leaves as it found it.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <functional>

#include "base/error.h"
#include "model/record.h"
#include "store/store.h"
#include "tests/unit/temp_copy.h"

namespace liaison {
namespace {

const std::string kA1 = "abc00000000000000000000000000001";
const std::string kA2 = "abc00000000000000000000000000002";
const std::string kB1 = "abd00000000000000000000000000001";

Json contact(const std::string& id, const std::string& org, const std::string& name) {
  return {{"id", id}, {"org", org}, {"role", "Desk officer"}, {"name", name}, {"status", "active"}};
}

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const UserError& e) {
    return e.what();
  }
  return "(no error)";
}

std::string commit_first_line(const std::string& message) { return message.substr(0, message.find('\n')); }

// Loose objects in a bare repository: every file under objects/xx/.
std::size_t loose_objects(const std::filesystem::path& git_dir) {
  std::size_t n = 0;
  for (const auto& e : std::filesystem::recursive_directory_iterator(git_dir / "objects")) {
    if (!e.is_regular_file()) continue;
    auto folder = e.path().parent_path().filename().string();
    n += folder.size() == 2;
  }
  return n;
}

class StoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store.emplace(Store::init(copy, {"cis-atc", Person{"Unit Test", "unit.test@example.org"}, true}));
  }
  Store& s() { return *store; }
  // Asserts that `f` throws UserError and leaves history and view as they were.
  std::string rejected(const std::function<void()>& f) {
    auto head = s().history().head();
    auto view_head = s().view().head();
    auto contacts = s().view().count(Kind::Contact);
    auto orgs = s().view().count(Kind::Org);
    auto objects = loose_objects(copy / "history.git");
    auto msg = error_of(f);
    EXPECT_NE(msg, "(no error)");
    EXPECT_EQ(s().history().head(), head) << "head moved on a rejected change";
    EXPECT_EQ(s().view().head(), view_head);
    EXPECT_EQ(s().view().count(Kind::Contact), contacts);
    EXPECT_EQ(s().view().count(Kind::Org), orgs);
    EXPECT_EQ(loose_objects(copy / "history.git"), objects) << "objects written for a rejected change";
    return msg;
  }

  test::TempDir dir;
  std::filesystem::path copy = dir / "copy";
  std::optional<Store> store;
};

TEST_F(StoreTest, InitCommitsReferenceDataAndSettings) {
  EXPECT_EQ(s().org(), "cis-atc");
  EXPECT_EQ(s().user().email, "unit.test@example.org");
  ASSERT_TRUE(s().history().head().has_value());
  EXPECT_EQ(s().view().head(), s().history().head());
  EXPECT_EQ(s().history().log().size(), 1u);
  EXPECT_GT(s().view().count(Kind::Area), 10);
  EXPECT_GT(s().view().count(Kind::Org), 10);
  EXPECT_EQ(s().get(Kind::Org, "cis-atc")["slug"], "cis-atc");
  EXPECT_EQ(s().get(Kind::Area, "border-api-pnr")["parent"], "border");
  EXPECT_TRUE(Store::is_copy(copy));
  EXPECT_EQ(Store::locate(copy / "history.git" / "refs"), copy);
  auto report = s().doctor();
  EXPECT_TRUE(report.ok()) << (report.problems.empty() ? "" : report.problems.front());
  EXPECT_EQ(static_cast<std::int64_t>(report.records_checked),
            s().view().count(Kind::Area) + s().view().count(Kind::Org));
}

TEST_F(StoreTest, InitAddsAnUnknownOrgAndRefusesBadInput) {
  Store other = Store::init(dir / "other", {"example-ngo", std::nullopt, true});
  EXPECT_EQ(other.get(Kind::Org, "example-ngo")["name"], "example-ngo");
  EXPECT_THROW(Store::init(dir / "bad", {"Not A Slug", std::nullopt, true}), UserError);
  EXPECT_THROW(Store::init(copy, {"cis-atc", std::nullopt, true}), UserError) << "folder not empty";
  Store bare = Store::init(dir / "bare", {"cis-atc", std::nullopt, false});
  EXPECT_FALSE(bare.history().head().has_value());
  EXPECT_EQ(bare.view().count(Kind::Org), 0);
  EXPECT_FALSE(Store::is_copy(dir / "nowhere"));
  EXPECT_THROW(Store::open(dir / "nowhere"), UserError);
}

TEST_F(StoreTest, AddUpdateRemoveThroughCommit) {
  auto h0 = *s().history().head();
  auto c1 = s().commit({{Kind::Contact, kA1, contact(kA1, "CIS-ATC", "  Jane Roe ")}}, "");
  ASSERT_TRUE(c1.has_value());
  EXPECT_EQ(s().history().head(), c1);
  EXPECT_EQ(s().view().head(), c1);
  Json stored = s().get(Kind::Contact, kA1);
  EXPECT_EQ(stored["org"], "cis-atc") << "records are normalised";
  EXPECT_EQ(stored["name"], "Jane Roe");
  EXPECT_EQ(s().history().read_file(*c1, record_path(Kind::Contact, kA1)), canonical_json(stored));
  auto info = s().history().commit_info(*c1);
  EXPECT_EQ(info.parents, std::vector<CommitId>{h0});
  EXPECT_EQ(info.author.name, "Unit Test");
  EXPECT_EQ(info.message, "Add contact abc00000 (Jane Roe)\n\nLiaison-Org: cis-atc\n");

  Json edited = stored;
  edited["role"] = "Head of unit";
  edited["emails"] = {"jane.roe@example.org"};
  auto c2 = s().commit({{Kind::Contact, kA1, edited}}, "");
  ASSERT_TRUE(c2.has_value());
  EXPECT_EQ(s().get(Kind::Contact, kA1)["role"], "Head of unit");
  EXPECT_EQ(commit_first_line(s().history().commit_info(*c2).message), "Edit contact abc00000 (Jane Roe): emails, role");

  // Unchanged: nothing written.
  EXPECT_FALSE(s().commit({{Kind::Contact, kA1, edited}}, "").has_value());
  EXPECT_EQ(s().history().head(), c2);

  auto c3 = s().commit({{Kind::Contact, kA1, std::nullopt}}, "Remove Jane");
  ASSERT_TRUE(c3.has_value());
  EXPECT_THROW(s().get(Kind::Contact, kA1), UserError);
  EXPECT_FALSE(s().history().read_file(*c3, record_path(Kind::Contact, kA1)).has_value());
  EXPECT_EQ(s().history().commit_info(*c3).message, "Remove Jane\n\nLiaison-Org: cis-atc\n");
  EXPECT_EQ(s().history().log().size(), 4u);
  EXPECT_TRUE(s().doctor().ok());
}

TEST_F(StoreTest, OneCommitForManyChanges) {
  auto before = s().history().log().size();
  auto id = s().commit({{Kind::Org, "example-org", Json{{"slug", "example-org"}, {"name", "Example Org"}, {"kind", "ngo"}}},
                        {Kind::Contact, kA1, contact(kA1, "example-org", "Jane Roe")},
                        {Kind::Contact, kB1, contact(kB1, "example-org", "John Doe")}},
                       "Example org and its contacts");
  ASSERT_TRUE(id.has_value());
  EXPECT_EQ(s().history().log().size(), before + 1);
  EXPECT_EQ(s().view().count(Kind::Contact), 2);
  EXPECT_TRUE(s().doctor().ok());
}

TEST_F(StoreTest, HelpersAddUpdateRemove) {
  Json added = s().add(Kind::Contact, {{"org", "cis-atc"}, {"role", "Duty desk"}});
  std::string id = added["id"];
  EXPECT_EQ(id.size(), 32u);
  EXPECT_EQ(added["status"], "active") << "defaults applied on add";
  EXPECT_EQ(s().get(Kind::Contact, id), added);
  Json need = s().add(Kind::Need, {{"org", "cis-atc"}, {"area", "border"}, {"title", "Scanners"}});
  EXPECT_EQ(need["raised"], "2026-11-22") << "LIAISON_TODAY";
  EXPECT_EQ(need["status"], "open");
  EXPECT_EQ(need["priority"], "medium");

  added["hours"] = "24/7";
  s().update(Kind::Contact, id, added);
  EXPECT_EQ(s().get(Kind::Contact, id)["hours"], "24/7");
  s().remove(Kind::Contact, id);
  EXPECT_FALSE(s().view().exists(Kind::Contact, id));

  EXPECT_EQ(rejected([&] { s().add(Kind::Org, {{"slug", "cis-atc"}, {"name", "Again"}}); }),
            "org 'cis-atc' already exists");
}

TEST_F(StoreTest, UnknownOrgIsRejectedAndNothingIsWritten) {
  auto msg = rejected([&] { s().commit({{Kind::Contact, kA1, contact(kA1, "no-such-org", "Jane Roe")}}, ""); });
  EXPECT_EQ(msg, "contact abc00000 (Jane Roe): org: unknown org 'no-such-org'");
  EXPECT_FALSE(s().view().exists(Kind::Contact, kA1));
}

TEST_F(StoreTest, UnknownAreaOrNeedIsRejected) {
  Json c = contact(kA1, "cis-atc", "Jane Roe");
  c["areas"] = {"border", "no-such-area"};
  EXPECT_EQ(rejected([&] { s().commit({{Kind::Contact, kA1, c}}, ""); }),
            "contact abc00000 (Jane Roe): areas: unknown area 'no-such-area'");
  Json offer = {{"id", kB1}, {"provider", "osce"}, {"title", "Workshop"}, {"kind", "training"}, {"status", "planned"},
                {"needs", {kA2}}};
  EXPECT_EQ(rejected([&] { s().commit({{Kind::Offer, kB1, offer}}, ""); }),
            "offer abd00000 (Workshop): needs: unknown need '" + kA2 + "'");
}

TEST_F(StoreTest, ARejectedRecordRejectsTheWholeCommit) {
  auto msg = rejected([&] {
    s().commit({{Kind::Contact, kA1, contact(kA1, "cis-atc", "Jane Roe")},
                {Kind::Contact, kA2, contact(kA2, "no-such-org", "John Doe")}},
               "");
  });
  EXPECT_NE(msg.find("no-such-org"), std::string::npos);
  EXPECT_FALSE(s().view().exists(Kind::Contact, kA1)) << "the valid half was not committed either";
}

TEST_F(StoreTest, RemovingARecordStillReferredToIsRejected) {
  s().commit({{Kind::Org, "example-org", Json{{"slug", "example-org"}, {"name", "Example Org"}, {"kind", "ngo"}}},
              {Kind::Contact, kA1, contact(kA1, "example-org", "Jane Roe")}},
             "");
  auto msg = rejected([&] { s().remove(Kind::Org, "example-org"); });
  EXPECT_EQ(msg, "cannot remove org example-org: still referred to by contact abc00000 (Jane Roe) (org)");
  EXPECT_TRUE(s().view().exists(Kind::Org, "example-org"));

  // Referred to by another org (parent) and by an area (parent).
  EXPECT_NE(rejected([&] { s().remove(Kind::Org, "coe"); }).find("still referred to by org coe-codexter"),
            std::string::npos);
  EXPECT_NE(rejected([&] { s().remove(Kind::Area, "border"); }).find("still referred to by area"), std::string::npos);

  // Removing the referrer in the same commit is fine.
  auto id = s().commit({{Kind::Contact, kA1, std::nullopt}, {Kind::Org, "example-org", std::nullopt}}, "");
  ASSERT_TRUE(id.has_value());
  EXPECT_FALSE(s().view().exists(Kind::Org, "example-org"));
  EXPECT_TRUE(s().doctor().ok());
}

TEST_F(StoreTest, MovingTheReferrerAwayInTheSameCommitAllowsTheRemoval) {
  s().commit({{Kind::Org, "example-org", Json{{"slug", "example-org"}, {"name", "Example Org"}, {"kind", "ngo"}}},
              {Kind::Contact, kA1, contact(kA1, "example-org", "Jane Roe")}},
             "");
  auto id = s().commit({{Kind::Contact, kA1, contact(kA1, "osce", "Jane Roe")}, {Kind::Org, "example-org", std::nullopt}},
                       "Jane moves to OSCE");
  ASSERT_TRUE(id.has_value());
  EXPECT_EQ(s().get(Kind::Contact, kA1)["org"], "osce");
}

TEST_F(StoreTest, InvalidInputChangesNothing) {
  Json bad = contact(kA1, "cis-atc", "Jane Roe");
  bad["Nickname"] = "JR";  // a well-formed unknown field would be kept (a newer version's)
  EXPECT_EQ(rejected([&] { s().commit({{Kind::Contact, kA1, bad}}, ""); }),
            "contact abc00000: unknown field 'Nickname' is not a well-formed name (a lowercase letter, then up to 63 "
            "lowercase letters, digits or _)");
  EXPECT_NE(rejected([&] {
              s().commit({{Kind::Contact, kA1, contact(kA1, "cis-atc", "A")}, {Kind::Contact, kA1, contact(kA1, "cis-atc", "B")}},
                         "");
            }).find("appears twice"),
            std::string::npos);
  EXPECT_NE(rejected([&] { s().commit({{Kind::Contact, kA2, contact(kA1, "cis-atc", "Jane Roe")}}, ""); })
                .find("id does not match"),
            std::string::npos);
  EXPECT_EQ(rejected([&] { s().remove(Kind::Contact, kA1); }), "no contact with id '" + kA1 + "'");
}

TEST_F(StoreTest, NeedStatusMustFollowItsLifecycle) {
  Json need = s().add(Kind::Need, {{"org", "cis-atc"}, {"area", "border"}, {"title", "Scanners"}});
  std::string id = need["id"];
  need["status"] = "fulfilled";
  auto msg = rejected([&] { s().update(Kind::Need, id, need); });
  EXPECT_NE(msg.find("status: cannot go from open to fulfilled"), std::string::npos) << msg;
  EXPECT_EQ(s().get(Kind::Need, id)["status"], "open");
  for (const char* step : {"matched", "in-progress", "fulfilled"}) {
    need["status"] = step;
    s().update(Kind::Need, id, need);
  }
  EXPECT_EQ(s().get(Kind::Need, id)["status"], "fulfilled");
  need["status"] = "withdrawn";
  rejected([&] { s().update(Kind::Need, id, need); });
}

TEST_F(StoreTest, CatchUpBringsABehindViewToTheHistoryHead) {
  s().commit({{Kind::Contact, kA1, contact(kA1, "cis-atc", "Jane Roe")}}, "");
  auto head = *s().history().head();
  // A commit written to history only, as when a process dies after moving
  // the head and before updating the view: adds one contact, removes another.
  Json added = normalize_record(Kind::Contact, contact(kB1, "osce", "John Doe"));
  auto next = s().history().write_commit({head},
                                         {{record_path(Kind::Contact, kB1), canonical_json(added)},
                                          {record_path(Kind::Contact, kA1), std::nullopt}},
                                         Person{"Other Process", "other@example.org"}, "Written behind the view");
  ASSERT_TRUE(s().history().advance_head(head, next, "test"));
  EXPECT_EQ(s().view().head(), head);

  auto report = s().doctor();
  EXPECT_FALSE(report.ok());
  ASSERT_FALSE(report.problems.empty());
  EXPECT_NE(report.problems.front().find("view reflects commit"), std::string::npos) << report.problems.front();

  s().catch_up();
  EXPECT_EQ(s().view().head(), next);
  EXPECT_EQ(s().get(Kind::Contact, kB1), added);
  EXPECT_FALSE(s().view().exists(Kind::Contact, kA1));
  auto after = s().doctor();
  EXPECT_TRUE(after.ok()) << (after.problems.empty() ? "" : after.problems.front());
}

TEST_F(StoreTest, CatchUpOfAChangeLargerThanTheViewReloadsIt) {
  // A central copy fast-forwarded to a 3000-record import, with one of its
  // own records removed on the way: the view is loaded again in bulk, and
  // ends up the same as one caught up record by record.
  s().commit({{Kind::Contact, kA1, contact(kA1, "cis-atc", "Jane Roe")}}, "");
  auto head = *s().history().head();
  std::vector<FileChange> files{{record_path(Kind::Contact, kA1), std::nullopt}};
  for (int i = 0; i < 3000; ++i) {
    char id[33];
    std::snprintf(id, sizeof id, "%032x", i + 1);
    Json c = contact(id, i % 2 ? "osce" : "unodc", "Person " + std::to_string(i));
    c["areas"] = {"border"};
    files.push_back({record_path(Kind::Contact, id), canonical_json(normalize_record(Kind::Contact, c))});
  }
  auto next = s().history().write_commit({head}, files, Person{"Other Process", "other@example.org"}, "Bulk");
  ASSERT_TRUE(s().history().advance_head(head, next, "test"));
  s().catch_up();
  EXPECT_EQ(s().view().head(), next);
  EXPECT_EQ(s().view().count(Kind::Contact), 3000);
  EXPECT_FALSE(s().view().exists(Kind::Contact, kA1));
  EXPECT_EQ(s().view().db().scalar("SELECT count(*) FROM contacts_areas"), "3000");
  EXPECT_GT(s().view().count(Kind::Org), 20) << "the records already there were loaded again";
  EXPECT_TRUE(s().doctor().ok());
}

TEST_F(StoreTest, CommitCatchesUpABehindViewFirst) {
  auto head = *s().history().head();
  Json added = normalize_record(Kind::Contact, contact(kB1, "osce", "John Doe"));
  auto next = s().history().write_commit({head}, {{record_path(Kind::Contact, kB1), canonical_json(added)}},
                                         Person{"Other Process", "other@example.org"}, "Written behind the view");
  ASSERT_TRUE(s().history().advance_head(head, next, "test"));
  // A contact referring to nothing new, committed while the view is behind.
  auto id = s().commit({{Kind::Contact, kA1, contact(kA1, "cis-atc", "Jane Roe")}}, "");
  ASSERT_TRUE(id.has_value());
  EXPECT_EQ(s().history().commit_info(*id).parents, std::vector<CommitId>{next}) << "built on the real head";
  EXPECT_TRUE(s().view().exists(Kind::Contact, kB1));
  EXPECT_TRUE(s().view().exists(Kind::Contact, kA1));
  EXPECT_TRUE(s().doctor().ok());
  // Removing what only the history knew about works too, and checks referrers.
  EXPECT_TRUE(s().commit({{Kind::Contact, kB1, std::nullopt}}, "").has_value());
}

TEST_F(StoreTest, OpenCatchesUpAViewLeftBehind) {
  auto head = *s().history().head();
  Json added = normalize_record(Kind::Contact, contact(kB1, "osce", "John Doe"));
  auto next = s().history().write_commit({head}, {{record_path(Kind::Contact, kB1), canonical_json(added)}},
                                         Person{"Other Process", "other@example.org"}, "Written behind the view");
  ASSERT_TRUE(s().history().advance_head(head, next, "test"));
  store.reset();  // close the first handle

  Store reopened = Store::open(copy);
  EXPECT_EQ(reopened.view().head(), next);
  EXPECT_EQ(reopened.get(Kind::Contact, kB1)["name"], "John Doe");
  EXPECT_TRUE(reopened.doctor().ok());
}

TEST_F(StoreTest, ViewHeadSetBackIsCaughtUp) {
  auto h0 = *s().history().head();
  s().commit({{Kind::Contact, kA1, contact(kA1, "cis-atc", "Jane Roe")}}, "");
  Json edited = s().get(Kind::Contact, kA1);
  edited["role"] = "Head of unit";
  s().commit({{Kind::Contact, kA1, edited}}, "");
  s().commit({{Kind::Contact, kA2, contact(kA2, "cis-atc", "John Doe")}}, "");
  // Pretend the view still reflects the initial commit.
  s().view().set_head(h0);
  EXPECT_FALSE(s().doctor().ok());
  s().catch_up();
  EXPECT_EQ(s().view().head(), s().history().head());
  EXPECT_EQ(s().get(Kind::Contact, kA1)["role"], "Head of unit");
  EXPECT_EQ(s().view().count(Kind::Contact), 2);
  EXPECT_TRUE(s().doctor().ok());
}

TEST_F(StoreTest, SecondHandleSeesTheFirstHandlesCommits) {
  Store second = Store::open(copy);
  s().commit({{Kind::Contact, kA1, contact(kA1, "cis-atc", "Jane Roe")}}, "");
  // The second handle commits on top of the first one's commit, never over it.
  auto id = second.commit({{Kind::Contact, kA2, contact(kA2, "cis-atc", "John Doe")}}, "");
  ASSERT_TRUE(id.has_value());
  EXPECT_EQ(second.history().commit_info(*id).parents.front(),
            s().history().log(std::nullopt, 2).back().id);
  s().catch_up();
  EXPECT_TRUE(s().view().exists(Kind::Contact, kA1));
  EXPECT_TRUE(s().view().exists(Kind::Contact, kA2));
  EXPECT_TRUE(s().doctor().ok());
}

TEST_F(StoreTest, DoctorFindsAViewThatDiffersFromHistory) {
  s().commit({{Kind::Contact, kA1, contact(kA1, "cis-atc", "Jane Roe")}}, "");
  s().view().db().exec("UPDATE contacts SET json = '{\"id\":\"" + kA1 + "\",\"role\":\"tampered\"}'");
  auto report = s().doctor();
  EXPECT_FALSE(report.ok());
  bool found = false;
  for (const auto& p : report.problems) found |= p.find("view differs from history") != std::string::npos;
  EXPECT_TRUE(found);
  s().rebuild_view();
  EXPECT_TRUE(s().doctor().ok());
  EXPECT_EQ(s().get(Kind::Contact, kA1)["name"], "Jane Roe");
}

TEST_F(StoreTest, ResolveIdByUniqueAmbiguousAndUnknownPrefix) {
  s().commit({{Kind::Contact, kA1, contact(kA1, "cis-atc", "Jane Roe")},
              {Kind::Contact, kA2, contact(kA2, "cis-atc", "John Doe")},
              {Kind::Contact, kB1, contact(kB1, "cis-atc", "Ann Example")}},
             "");
  EXPECT_EQ(s().resolve_id(Kind::Contact, "abd"), kB1);
  EXPECT_EQ(s().resolve_id(Kind::Contact, "ABD0"), kB1) << "prefixes are case-insensitive";
  EXPECT_EQ(s().resolve_id(Kind::Contact, kA2), kA2);
  EXPECT_EQ(s().resolve_id(Kind::Contact, kB1.substr(0, 31)), kB1);

  auto ambiguous = error_of([&] { s().resolve_id(Kind::Contact, "abc"); });
  EXPECT_NE(ambiguous.find("id 'abc' is ambiguous"), std::string::npos) << ambiguous;
  EXPECT_NE(ambiguous.find("contact abc00000 (Jane Roe)"), std::string::npos) << ambiguous;
  EXPECT_NE(ambiguous.find("contact abc00000 (John Doe)"), std::string::npos) << ambiguous;
  EXPECT_EQ(ambiguous.find("Ann Example"), std::string::npos) << ambiguous;

  EXPECT_EQ(error_of([&] { s().resolve_id(Kind::Contact, "fff"); }), "no contact with id 'fff'");
  EXPECT_EQ(error_of([&] { s().resolve_id(Kind::Need, "abd"); }), "no need with id 'abd'");
  EXPECT_EQ(error_of([&] { s().resolve_id(Kind::Contact, ""); }), "empty contact id");

  // Slugs: an exact slug wins over longer ones sharing the prefix.
  EXPECT_EQ(s().resolve_id(Kind::Org, "coe"), "coe");
  EXPECT_EQ(s().resolve_id(Kind::Org, "CIS-ATC"), "cis-atc");
  EXPECT_EQ(s().resolve_id(Kind::Org, "cis-"), "cis-atc");
  EXPECT_NE(error_of([&] { s().resolve_id(Kind::Org, "un-"); }).find("ambiguous"), std::string::npos);
}

TEST_F(StoreTest, ResolveAnyLooksAcrossKinds) {
  s().commit({{Kind::Contact, kA1, contact(kA1, "cis-atc", "Jane Roe")}}, "");
  EXPECT_EQ(s().resolve_any("abc0").kind, Kind::Contact);
  EXPECT_EQ(s().resolve_any("abc0").id, kA1);
  EXPECT_EQ(s().resolve_any("osce").kind, Kind::Org);
  EXPECT_EQ(s().resolve_any("border").kind, Kind::Area);
  EXPECT_THROW(s().resolve_any("zzzz"), UserError);
}

// A change as an import hands it over: its canonical text and view row,
// its JSON left null (RecordChange::after).
RecordChange by_text(Kind kind, const Json& record) {
  Json normal = normalize_record(kind, record);
  return RecordChange{kind, record_id(kind, normal), Json(), canonical_json(normal), make_view_row(kind, normal)};
}

TEST_F(StoreTest, RecordsGivenByTheirTextAloneAreWrittenComparedAndChecked) {
  auto c1 = s().commit({by_text(Kind::Contact, contact(kA1, "cis-atc", "Jane Roe"))}, "", true);
  ASSERT_TRUE(c1.has_value());
  Json stored = s().get(Kind::Contact, kA1);
  EXPECT_EQ(stored["name"], "Jane Roe");
  EXPECT_EQ(s().history().read_file(*c1, record_path(Kind::Contact, kA1)), canonical_json(stored));
  EXPECT_EQ(commit_first_line(s().history().commit_info(*c1).message), "Add contact abc00000 (Jane Roe)")
      << "the message is made from the text";

  // Replacing a record: read from the text, compared with the stored one.
  EXPECT_FALSE(s().commit({by_text(Kind::Contact, stored)}, "", true).has_value()) << "the same record changes nothing";
  Json edited = stored;
  edited["role"] = "Head of unit";
  auto c2 = s().commit({by_text(Kind::Contact, edited)}, "", true);
  ASSERT_TRUE(c2.has_value());
  EXPECT_EQ(commit_first_line(s().history().commit_info(*c2).message), "Edit contact abc00000 (Jane Roe): role");
  EXPECT_EQ(s().get(Kind::Contact, kA1)["role"], "Head of unit");

  // Cross-record checks name the record from its text.
  auto msg = rejected([&] { s().commit({by_text(Kind::Contact, contact(kA2, "no-such-org", "John Doe"))}, "", true); });
  EXPECT_NE(msg.find("John Doe"), std::string::npos) << msg;
  EXPECT_NE(msg.find("unknown org 'no-such-org'"), std::string::npos) << msg;

  // A null record without its row is a caller's mistake, not a user's.
  auto without_row = by_text(Kind::Contact, contact(kA2, "cis-atc", "John Doe"));
  without_row.row.reset();
  EXPECT_THROW(s().commit({without_row}, "", true), Failure);
  EXPECT_TRUE(s().doctor().ok());
}

TEST_F(StoreTest, ALargeChangeGivesTheViewItsPageCacheLimitBack) {
  // A large change caps the page cache while it writes the view (its pages
  // spill to the WAL); the limit a server set is there again afterwards.
  s().view().limit_page_cache(32 << 20);
  std::vector<RecordChange> changes;
  for (int i = 0; i < 6000; ++i) {
    char id[33];
    std::snprintf(id, sizeof id, "%032x", i + 1);
    changes.push_back(by_text(Kind::Contact, contact(id, i % 2 ? "osce" : "unodc", "Person " + std::to_string(i))));
  }
  ASSERT_TRUE(s().commit(std::move(changes), "Bulk", true).has_value());
  EXPECT_EQ(s().view().page_cache_limit(), 32 << 20);
  EXPECT_EQ(s().view().count(Kind::Contact), 6000);
  EXPECT_TRUE(s().doctor().ok());
}

TEST(DescribeChange, NamesTheChangedFields) {
  Json before = contact(kA1, "cis-atc", "Jane Roe");
  Json after = before;
  after["role"] = "Analyst";
  after["hours"] = "24/7";
  after.erase("name");
  EXPECT_EQ(describe_change(Kind::Contact, before, after), "Edit contact abc00000 (Analyst): hours, name, role");
  EXPECT_EQ(describe_change(Kind::Contact, std::nullopt, before), "Add contact abc00000 (Jane Roe)");
  EXPECT_EQ(describe_change(Kind::Contact, before, std::nullopt), "Remove contact abc00000 (Jane Roe)");
}

}  // namespace
}  // namespace liaison
