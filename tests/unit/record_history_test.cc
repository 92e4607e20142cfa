// Unit tests of the history seen as records (store/record_history.h): blame,
// revert (field by field, refusing to overwrite later changes), and the
// record differences between commits.
#include <gtest/gtest.h>

#include <functional>
#include <map>

#include "base/error.h"
#include "model/record.h"
#include "store/record_history.h"
#include "store/store.h"
#include "tests/unit/temp_copy.h"

namespace liaison {
namespace {

const std::string kC = "c0ffee00000000000000000000000001";
const std::string kD = "d0ffee00000000000000000000000002";

class RecordHistoryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store.emplace(Store::init(dir / "copy", {"cis-atc", Person{"Unit Test", "unit.test@example.org"}, true}));
    base = *store->history().head();
    // A: add the contact. B: change the role. C: add an email.
    a = commit(Json{{"id", kC}, {"org", "cis-atc"}, {"role", "Desk officer"}, {"name", "Jane Roe"},
                    {"emails", {"jane.roe@example.org"}}, {"status", "active"}},
               "A: add Jane");
    b = edit([](Json& r) { r["role"] = "Head of unit"; }, "B: promote Jane");
    c = edit([](Json& r) { r["emails"].push_back("desk@example.org"); }, "C: add desk email");
  }
  CommitId commit(const Json& record, const std::string& message, Kind kind = Kind::Contact) {
    auto id = store->commit({{kind, record_id(kind, record), record}}, message);
    EXPECT_TRUE(id.has_value());
    return id.value_or("");
  }
  CommitId edit(const std::function<void(Json&)>& change, const std::string& message, const std::string& id = kC) {
    Json r = store->get(Kind::Contact, id);
    change(r);
    return commit(r, message);
  }
  std::map<std::string, FieldBlame> blame_map(const std::string& id = kC) {
    std::map<std::string, FieldBlame> out;
    for (auto& f : blame(store->history(), Kind::Contact, id)) out.emplace(f.field, f);
    return out;
  }
  std::string revert_error(const CommitId& commit) {
    try {
      revert_changes(*store, commit);
    } catch (const UserError& e) {
      return e.what();
    }
    return "(no error)";
  }

  test::TempDir dir;
  std::optional<Store> store;
  CommitId base, a, b, c;
};

TEST_F(RecordHistoryTest, BlameNamesTheCommitThatLastSetEachField) {
  auto bl = blame(store->history(), Kind::Contact, kC);
  std::vector<std::string> fields;
  for (const auto& f : bl) fields.push_back(f.field);
  EXPECT_EQ(fields, (std::vector<std::string>{"org", "role", "name", "emails", "status"}))
      << "schema order, without the id";
  auto m = blame_map();
  EXPECT_EQ(m.at("org").commit.id, a);
  EXPECT_EQ(m.at("name").commit.id, a);
  EXPECT_EQ(m.at("status").commit.id, a);
  EXPECT_EQ(m.at("role").commit.id, b);
  EXPECT_EQ(m.at("role").value, "Head of unit");
  EXPECT_EQ(m.at("emails").commit.id, c);
  EXPECT_EQ(m.at("emails").value, Json({"jane.roe@example.org", "desk@example.org"})) << "in the order given";
  EXPECT_EQ(commit_summary(m.at("role").commit), "B: promote Jane");
  EXPECT_EQ(m.at("role").commit.author.email, "unit.test@example.org");
}

TEST_F(RecordHistoryTest, BlameOfAValueSetBackIsTheCommitThatSetItBack) {
  auto d = edit([](Json& r) { r["role"] = "Desk officer"; }, "D: role back");
  auto m = blame_map();
  EXPECT_EQ(m.at("role").commit.id, d);
  EXPECT_EQ(m.at("name").commit.id, a);
}

TEST_F(RecordHistoryTest, BlameIgnoresCommitsOfOtherRecords) {
  commit(Json{{"id", kD}, {"org", "osce"}, {"role", "Analyst"}, {"status", "active"}}, "other contact");
  auto m = blame_map();
  EXPECT_EQ(m.at("emails").commit.id, c);
  EXPECT_EQ(blame_map(kD).at("role").commit.id, *store->history().head());
}

TEST_F(RecordHistoryTest, BlameRefusesUnknownAndRemovedRecords) {
  EXPECT_THROW(blame(store->history(), Kind::Contact, kD), UserError);
  store->remove(Kind::Contact, kC);
  EXPECT_THROW(blame(store->history(), Kind::Contact, kC), UserError);
}

TEST_F(RecordHistoryTest, RevertOfAFieldChangeRestoresTheOldValue) {
  auto changes = revert_changes(*store, b);
  ASSERT_EQ(changes.size(), 1u);
  EXPECT_EQ(changes[0].kind, Kind::Contact);
  EXPECT_EQ(changes[0].id, kC);
  ASSERT_TRUE(changes[0].after.has_value());
  EXPECT_EQ((*changes[0].after)["role"], "Desk officer");
  EXPECT_EQ((*changes[0].after)["emails"].size(), 2u) << "the later email addition stays";
  store->commit(changes, "Revert B");
  EXPECT_EQ(store->get(Kind::Contact, kC)["role"], "Desk officer");
}

TEST_F(RecordHistoryTest, RevertRefusesWhenALaterCommitChangedTheField) {
  edit([](Json& r) { r["role"] = "Director"; }, "D: promote again");
  auto msg = revert_error(b);
  EXPECT_NE(msg.find("cannot revert"), std::string::npos) << msg;
  EXPECT_NE(msg.find("contact c0ffee00 (Jane Roe)"), std::string::npos) << msg;
  EXPECT_NE(msg.find("role changed since"), std::string::npos) << msg;
  EXPECT_EQ(store->get(Kind::Contact, kC)["role"], "Director");
}

TEST_F(RecordHistoryTest, RevertKeepsLaterChangesToOtherFields) {
  edit([](Json& r) { r["name"] = "Jane Q. Roe"; }, "D: rename");
  auto changes = revert_changes(*store, b);
  ASSERT_EQ(changes.size(), 1u);
  EXPECT_EQ((*changes[0].after)["role"], "Desk officer");
  EXPECT_EQ((*changes[0].after)["name"], "Jane Q. Roe");
}

TEST_F(RecordHistoryTest, RevertOfASetChangeUndoesOnlyItsMembers) {
  edit([](Json& r) { r["emails"].push_back("zeta@example.org"); }, "D: another email");
  auto changes = revert_changes(*store, c);
  ASSERT_EQ(changes.size(), 1u);
  EXPECT_EQ((*changes[0].after)["emails"], Json({"jane.roe@example.org", "zeta@example.org"}));
  // Undoing a removal puts the member back.
  auto e = edit([](Json& r) { r["emails"] = Json({"zeta@example.org"}); }, "E: drop two emails");
  auto back = revert_changes(*store, e);
  ASSERT_EQ(back.size(), 1u);
  EXPECT_EQ((*back[0].after)["emails"], Json({"jane.roe@example.org", "desk@example.org", "zeta@example.org"}))
      << "unchanged since: the old members in their old order";
}

TEST_F(RecordHistoryTest, RevertOfAnAddRemovesTheRecordUnlessChangedSince) {
  auto msg = revert_error(a);
  EXPECT_NE(msg.find("cannot revert: contact c0ffee00 (Jane Roe) changed since"), std::string::npos)
      << "B and C changed it: " << msg;
  EXPECT_TRUE(store->view().exists(Kind::Contact, kC));
}

TEST_F(RecordHistoryTest, RevertOfAnUnchangedAddRemovesIt) {
  auto d = commit(Json{{"id", kD}, {"org", "osce"}, {"role", "Analyst"}, {"status", "active"}}, "add D");
  auto changes = revert_changes(*store, d);
  ASSERT_EQ(changes.size(), 1u);
  EXPECT_EQ(changes[0].id, kD);
  EXPECT_FALSE(changes[0].after.has_value());
  store->commit(changes, "Revert add D");
  EXPECT_FALSE(store->view().exists(Kind::Contact, kD));
}

TEST_F(RecordHistoryTest, RevertOfARemovalAddsTheRecordBack) {
  Json before = store->get(Kind::Contact, kC);
  store->remove(Kind::Contact, kC);
  auto removal = *store->history().head();
  auto changes = revert_changes(*store, removal);
  ASSERT_EQ(changes.size(), 1u);
  EXPECT_EQ(changes[0].after, before);
  store->commit(changes, "Revert removal");
  EXPECT_EQ(store->get(Kind::Contact, kC), before);
  EXPECT_TRUE(store->doctor().ok());
}

TEST_F(RecordHistoryTest, RevertOfAChangeToARemovedRecordIsRefused) {
  store->remove(Kind::Contact, kC);
  EXPECT_NE(revert_error(b).find("was removed since"), std::string::npos);
}

TEST_F(RecordHistoryTest, DiffCommitsListsRecordChanges) {
  auto d = diff_commits(store->history(), a, c);
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0].kind, Kind::Contact);
  EXPECT_EQ(d[0].id, kC);
  EXPECT_EQ(d[0].type, RecordDiff::Type::Changed);
  ASSERT_EQ(d[0].fields.size(), 2u);
  EXPECT_EQ(d[0].fields[0].field, "role");
  EXPECT_EQ(d[0].fields[1].field, "emails");
  EXPECT_EQ(d[0].fields[1].added, std::vector<std::string>{"desk@example.org"});

  auto added = diff_commits(store->history(), base, a);
  ASSERT_EQ(added.size(), 1u);
  EXPECT_EQ(added[0].type, RecordDiff::Type::Added);

  auto reverse = diff_commits(store->history(), c, base);
  ASSERT_EQ(reverse.size(), 1u);
  EXPECT_EQ(reverse[0].type, RecordDiff::Type::Removed);

  auto from_empty = diff_commits(store->history(), std::nullopt, c);
  std::int64_t total = 0;
  for (Kind k : kAllKinds) total += store->view().count(k);
  EXPECT_EQ(static_cast<std::int64_t>(from_empty.size()), total);
  for (const auto& r : from_empty) EXPECT_EQ(r.type, RecordDiff::Type::Added);
  EXPECT_TRUE(diff_commits(store->history(), c, c).empty());
}

TEST_F(RecordHistoryTest, CommitChangesComparesWithTheFirstParent) {
  auto changes = commit_changes(store->history(), c);
  ASSERT_EQ(changes.size(), 1u);
  ASSERT_EQ(changes[0].fields.size(), 1u);
  EXPECT_EQ(changes[0].fields[0].field, "emails");
  auto initial = commit_changes(store->history(), base);
  EXPECT_GT(initial.size(), 20u) << "the root commit is compared with the empty tree";
}

TEST(CommitSummary, FirstLineOfTheMessage) {
  CommitInfo info;
  info.message = "Edit contact c0ffee00: role\n\nLiaison-Org: cis-atc\n";
  EXPECT_EQ(commit_summary(info), "Edit contact c0ffee00: role");
  info.message = "single line";
  EXPECT_EQ(commit_summary(info), "single line");
}

TEST_F(RecordHistoryTest, ALimitedDiffReadsTheFirstRecordsAndCountsThemAll) {
  commit(Json{{"id", kD}, {"org", "cis-atc"}, {"role", "Second desk"}, {"status", "active"}}, "D: add a desk");
  auto head = *store->history().head();
  auto all = diff_commits(store->history(), base, head);
  ASSERT_EQ(all.size(), 2u);
  std::size_t total = 0;
  auto first = diff_commits(store->history(), base, head, 1, total);
  EXPECT_EQ(total, 2u);
  ASSERT_EQ(first.size(), 1u);
  EXPECT_EQ(first[0].id, all[0].id);
  EXPECT_EQ(diff_commits(store->history(), base, head, 5, total).size(), 2u);
  EXPECT_EQ(total, 2u);
}

TEST_F(RecordHistoryTest, TheCommitBeforeADateIsTheNewestOlderOneOnTheMainLine) {
  auto head = *store->history().head();
  // Every commit here is of today: newer than 2000-01-01, older than
  // 2999-01-01, so the head is the newest older one.
  EXPECT_EQ(commit_before_date(store->history(), head, "2000-01-01", "--since"), std::nullopt);
  EXPECT_EQ(commit_before_date(store->history(), head, "2999-01-01", "--since"), std::optional<CommitId>(head));
  for (const char* bad : {"2026-02-30x", "2026-13-01", "yesterday", "20260101", "c0ffee"}) {
    try {
      commit_before_date(store->history(), head, bad, "since");
      ADD_FAILURE() << bad;
    } catch (const UserError& e) {
      EXPECT_EQ(std::string(e.what()), "since: '" + std::string(bad) + "' is not a date (YYYY-MM-DD)");
    }
  }
}

}  // namespace
}  // namespace liaison
