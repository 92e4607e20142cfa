// Unit tests of the review queue's store (server/submissions.h): a
// submission round-trips (binary patches included, only when asked for),
// find() answers the org's newest submission of exactly one head, pending()
// and list() filter by org and status newest first, update() replaces a
// pending submission's commits under its id and counts revisions but leaves
// a decided one alone, decide() records accepted and rejected states, the
// stamp changes whenever the org's list would and only then, summary_json
// says what the client sees, and an older server.db gains the revision column.
#include <gtest/gtest.h>

#include <string>

#include "base/canonical_json.h"
#include "server/submissions.h"
#include "tests/unit/temp_copy.h"
#include "view/sqlite_db.h"

namespace liaison::server {
namespace {

const std::string kHeadA(40, 'a');
const std::string kHeadB(40, 'b');
const std::string kHeadC(40, 'c');

Submission submission(const std::string& org, const std::string& head, std::int64_t token_id = 7) {
  Submission s;
  s.org = org;
  s.token_id = token_id;
  s.head = head;
  s.changes = Json::array({Json{{"kind", "contact"}, {"id", "3fa2c1d9"}, {"fields", {"email"}}}});
  // Patches are compressed bytes: NUL and high bytes must survive.
  s.patches = std::string("\x00\x01patch\xff\x80", 9) + head;
  return s;
}

class SubmissionStoreTest : public ::testing::Test {
 protected:
  test::TempDir dir;
  Database db = Database::open(dir / "server.db");
  SubmissionStore store{db};
};

TEST_F(SubmissionStoreTest, AddedSubmissionReadsBackPending) {
  auto s = submission("cis-atc", kHeadA, 12);
  auto id = store.add(s);
  EXPECT_GT(id, 0);

  auto got = store.get(id, true);
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(got->id, id);
  EXPECT_EQ(got->org, "cis-atc");
  EXPECT_EQ(got->token_id, 12);
  EXPECT_EQ(got->status, "pending");
  EXPECT_EQ(got->reason, "");
  EXPECT_EQ(got->head, kHeadA);
  EXPECT_EQ(got->changes, s.changes);
  EXPECT_EQ(got->patches, s.patches);
  EXPECT_EQ(got->patches.size(), s.patches.size());
  EXPECT_EQ(got->result_head, "");
  EXPECT_EQ(got->revision, 0);
  EXPECT_EQ(got->created.size(), 19u) << got->created;

  // Without patches when not asked for.
  auto light = store.get(id, false);
  ASSERT_TRUE(light.has_value());
  EXPECT_TRUE(light->patches.empty());
  EXPECT_EQ(light->head, kHeadA);

  EXPECT_FALSE(store.get(id + 1, true).has_value());
  EXPECT_FALSE(store.get(0, false).has_value());
  EXPECT_NE(store.add(submission("cis-atc", kHeadB)), id);
}

TEST_F(SubmissionStoreTest, FindAnswersTheOrgsNewestSubmissionOfThatHead) {
  auto first = store.add(submission("cis-atc", kHeadA));
  auto other_org = store.add(submission("red-cross", kHeadA));
  auto second = store.add(submission("cis-atc", kHeadA));
  store.add(submission("cis-atc", kHeadB));

  auto found = store.find("cis-atc", kHeadA);
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->id, second);
  EXPECT_NE(found->id, first);
  EXPECT_TRUE(found->patches.empty());
  found = store.find("red-cross", kHeadA);
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->id, other_org);

  EXPECT_FALSE(store.find("red-cross", kHeadB).has_value());
  EXPECT_FALSE(store.find("cis-atc", kHeadC).has_value());
  EXPECT_FALSE(store.find("cis-atc", kHeadA.substr(0, 39)).has_value()) << "a head matches exactly";
  EXPECT_FALSE(store.find("", kHeadA).has_value());
}

TEST_F(SubmissionStoreTest, PendingIsTheOrgsUndecidedSubmissionsNewestFirst) {
  auto a = store.add(submission("cis-atc", kHeadA));
  auto b = store.add(submission("cis-atc", kHeadB));
  auto c = store.add(submission("cis-atc", kHeadC));
  store.add(submission("red-cross", kHeadA));
  store.decide(b, "rejected", "touches another org's contact", "");

  auto pending = store.pending("cis-atc");
  ASSERT_EQ(pending.size(), 2u);
  EXPECT_EQ(pending[0].id, c);
  EXPECT_EQ(pending[1].id, a);
  for (const auto& s : pending) {
    EXPECT_EQ(s.status, "pending");
    EXPECT_EQ(s.org, "cis-atc");
    EXPECT_TRUE(s.patches.empty());
  }
  EXPECT_EQ(store.pending("red-cross").size(), 1u);
  EXPECT_TRUE(store.pending("nobody").empty());
}

TEST_F(SubmissionStoreTest, ListIsNewestFirstForOneOrgOrAll) {
  auto a = store.add(submission("cis-atc", kHeadA));
  auto b = store.add(submission("red-cross", kHeadB));
  auto c = store.add(submission("cis-atc", kHeadC));
  store.decide(a, "accepted", "", kHeadC);

  auto all = store.list("");
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[0].id, c);
  EXPECT_EQ(all[1].id, b);
  EXPECT_EQ(all[2].id, a);
  EXPECT_EQ(all[2].status, "accepted");
  for (const auto& s : all) EXPECT_TRUE(s.patches.empty());

  auto mine = store.list("cis-atc");
  ASSERT_EQ(mine.size(), 2u);
  EXPECT_EQ(mine[0].id, c);
  EXPECT_EQ(mine[1].id, a);
  EXPECT_EQ(mine[0].changes, submission("cis-atc", kHeadC).changes);
  EXPECT_TRUE(store.list("nobody").empty());
}

TEST_F(SubmissionStoreTest, UpdateReplacesAPendingSubmissionsCommitsUnderItsId) {
  auto id = store.add(submission("cis-atc", kHeadA, 7));
  auto next = submission("cis-atc", kHeadB, 8);
  next.changes.push_back(Json{{"kind", "need"}, {"id", "00ab"}, {"fields", {"status"}}});
  store.update(id, next);

  auto got = store.get(id, true);
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(got->head, kHeadB);
  EXPECT_EQ(got->changes, next.changes);
  EXPECT_EQ(got->patches, next.patches);
  EXPECT_EQ(got->token_id, 8);
  EXPECT_EQ(got->revision, 1);
  EXPECT_EQ(got->status, "pending");
  EXPECT_EQ(store.list("").size(), 1u) << "an update files nothing new";

  // Found by its new head, no longer by the old one.
  EXPECT_FALSE(store.find("cis-atc", kHeadA).has_value());
  ASSERT_TRUE(store.find("cis-atc", kHeadB).has_value());
  EXPECT_EQ(store.find("cis-atc", kHeadB)->id, id);

  store.update(id, submission("cis-atc", kHeadC));
  EXPECT_EQ(store.get(id, false)->revision, 2);
  EXPECT_EQ(store.get(id, false)->head, kHeadC);
}

TEST_F(SubmissionStoreTest, UpdateLeavesADecidedSubmissionAlone) {
  auto id = store.add(submission("cis-atc", kHeadA));
  store.decide(id, "accepted", "", kHeadB);
  auto stamp = store.stamp("cis-atc");
  store.update(id, submission("cis-atc", kHeadC));

  auto got = store.get(id, true);
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(got->head, kHeadA);
  EXPECT_EQ(got->patches, submission("cis-atc", kHeadA).patches);
  EXPECT_EQ(got->revision, 0);
  EXPECT_EQ(got->status, "accepted");
  EXPECT_EQ(store.stamp("cis-atc"), stamp);
}

TEST_F(SubmissionStoreTest, DecideRecordsAcceptedAndRejected) {
  auto accepted = store.add(submission("cis-atc", kHeadA));
  auto rejected = store.add(submission("cis-atc", kHeadB));
  store.decide(accepted, "accepted", "", kHeadC);
  store.decide(rejected, "rejected", "the contact belongs to red-cross", "");

  auto a = store.get(accepted, false);
  ASSERT_TRUE(a.has_value());
  EXPECT_EQ(a->status, "accepted");
  EXPECT_EQ(a->result_head, kHeadC);
  EXPECT_EQ(a->reason, "");
  auto r = store.get(rejected, false);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->status, "rejected");
  EXPECT_EQ(r->reason, "the contact belongs to red-cross");
  EXPECT_EQ(r->result_head, "");
  // Decided submissions stay in the list, and still answer find().
  EXPECT_TRUE(store.pending("cis-atc").empty());
  EXPECT_EQ(store.list("cis-atc").size(), 2u);
  ASSERT_TRUE(store.find("cis-atc", kHeadB).has_value());
  EXPECT_EQ(store.find("cis-atc", kHeadB)->status, "rejected");
}

TEST_F(SubmissionStoreTest, StampChangesWheneverTheOrgsListDoes) {
  auto empty = store.stamp("cis-atc");
  auto all_empty = store.stamp("");
  EXPECT_EQ(store.stamp("cis-atc"), empty) << "nothing changed, same stamp";

  auto id = store.add(submission("cis-atc", kHeadA));
  auto added = store.stamp("cis-atc");
  EXPECT_NE(added, empty);
  EXPECT_NE(store.stamp(""), all_empty);

  store.update(id, submission("cis-atc", kHeadB));
  auto updated = store.stamp("cis-atc");
  EXPECT_NE(updated, added);

  auto second = store.add(submission("cis-atc", kHeadC));
  auto two = store.stamp("cis-atc");
  EXPECT_NE(two, updated);

  store.decide(second, "rejected", "no", "");
  auto decided = store.stamp("cis-atc");
  EXPECT_NE(decided, two);
  store.decide(id, "accepted", "", kHeadC);
  auto both_decided = store.stamp("cis-atc");
  EXPECT_NE(both_decided, decided);
  EXPECT_EQ(store.stamp("cis-atc"), both_decided);

  // Another org's submissions leave this org's stamp as it was, not the
  // stamp of everything.
  auto everything = store.stamp("");
  auto other = store.add(submission("red-cross", kHeadA));
  EXPECT_EQ(store.stamp("cis-atc"), both_decided);
  EXPECT_NE(store.stamp(""), everything);
  auto red = store.stamp("red-cross");
  store.update(other, submission("red-cross", kHeadB));
  EXPECT_NE(store.stamp("red-cross"), red);
  EXPECT_EQ(store.stamp("cis-atc"), both_decided);
}

TEST_F(SubmissionStoreTest, SummaryJsonSaysWhatTheSubmitterSees) {
  auto id = store.add(submission("cis-atc", kHeadA));
  store.decide(id, "rejected", "the contact belongs to red-cross", "");
  auto s = *store.get(id, false);

  auto out = summary_json(s, false);
  EXPECT_EQ(out["id"], id);
  EXPECT_EQ(out["org"], "cis-atc");
  EXPECT_EQ(out["status"], "rejected");
  EXPECT_EQ(out["reason"], "the contact belongs to red-cross");
  EXPECT_EQ(out["head"], kHeadA);
  EXPECT_EQ(out["result_head"], "");
  EXPECT_EQ(out["revision"], 0);
  EXPECT_EQ(out["records"], 1);
  EXPECT_EQ(out["created"], s.created);
  EXPECT_FALSE(out.contains("changes"));
  EXPECT_FALSE(out.contains("patches"));
  EXPECT_FALSE(out.contains("token_id"));

  auto full = summary_json(s, true);
  ASSERT_TRUE(full.contains("changes"));
  EXPECT_EQ(full["changes"], s.changes);
}

TEST_F(SubmissionStoreTest, OlderServerDbGainsTheRevisionColumn) {
  test::TempDir old_dir;
  auto old = Database::open(old_dir / "server.db");
  old.exec(
      "CREATE TABLE submissions(id INTEGER PRIMARY KEY, org TEXT NOT NULL, token_id INTEGER,"
      " created TEXT NOT NULL DEFAULT (datetime('now')), status TEXT NOT NULL DEFAULT 'pending', reason TEXT,"
      " head TEXT NOT NULL, changes TEXT NOT NULL, patches BLOB NOT NULL, result_head TEXT)");
  old.exec("INSERT INTO submissions(org, token_id, head, changes, patches) VALUES('cis-atc', 3, '" + kHeadA +
           "', '[]', x'00ff')");

  SubmissionStore upgraded(old);
  auto s = upgraded.get(1, true);
  ASSERT_TRUE(s.has_value());
  EXPECT_EQ(s->revision, 0);
  EXPECT_EQ(s->head, kHeadA);
  EXPECT_EQ(s->patches, std::string("\x00\xff", 2));
  upgraded.update(1, submission("cis-atc", kHeadB));
  EXPECT_EQ(upgraded.get(1, false)->revision, 1);

  // Opening the store again on an up-to-date table changes nothing.
  SubmissionStore again(old);
  EXPECT_EQ(again.get(1, false)->revision, 1);
  EXPECT_EQ(again.list("").size(), 1u);
}

}  // namespace
}  // namespace liaison::server
