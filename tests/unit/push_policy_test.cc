// Unit tests of the push checks (server/push_policy.h): every commit a push
// brings is checked on its own against its parents, rights are judged on
// every version a commit touches and on central's current version, a merge
// that takes a parent's version writes nothing, and the contribution shown
// to reviewers is the push's end result.
#include <gtest/gtest.h>

#include <algorithm>

#include "base/error.h"
#include "git/history.h"
#include "model/record.h"
#include "server/push_policy.h"
#include "tests/unit/temp_copy.h"

namespace liaison::server {
namespace {

const Person kAuthor{"Unit Test", "unit.test@example.org"};

std::string id_of(char c) { return std::string(32, c); }
std::string path_of(char c) { return record_path(Kind::Contact, id_of(c)); }
std::string text_of(char c, const std::string& role, const std::string& org = "osce") {
  return canonical_json(normalize_record(
      Kind::Contact, Json{{"id", id_of(c)}, {"org", org}, {"role", role}, {"status", "active"}}));
}
FileChange org_file(const std::string& slug) {
  return {record_path(Kind::Org, slug),
          canonical_json(normalize_record(Kind::Org, Json{{"slug", slug}, {"name", "Org " + slug}, {"kind", "regional"}}))};
}
FileChange area_file(const std::string& code) {
  return {record_path(Kind::Area, code),
          canonical_json(normalize_record(Kind::Area, Json{{"code", code}, {"name", "Area " + code}}))};
}

std::vector<std::string> ids(const std::vector<Contribution>& contributions) {
  std::vector<std::string> out;
  for (const auto& c : contributions) out.push_back(c.id);
  std::sort(out.begin(), out.end());
  return out;
}

const Identity kCis{1, "cis-atc", Role::Editor};
const Identity kOsce{2, "osce", Role::Editor};
const Identity kAdmin{3, "un-ctc", Role::Admin};

class PushPolicyTest : public ::testing::Test {
 protected:
  CommitId commit(const std::vector<CommitId>& parents, const std::vector<FileChange>& changes) {
    return history.write_commit(parents, changes, kAuthor, "test\n");
  }
  // A central history holding the organizations and one area.
  CommitId start() { return commit({}, {org_file("osce"), org_file("cis-atc"), area_file("border")}); }
  PushReview review(const CommitId& central, const CommitId& pushed) {
    return review_push(history, central, pushed, [](Kind, const std::string&) { return std::vector<RecordKey>{}; });
  }
  std::string refusal_of(const CommitId& central, const CommitId& pushed, const std::string& want) {
    try {
      review(central, pushed);
    } catch (const UserError& e) {
      EXPECT_NE(std::string(e.what()).find(want), std::string::npos) << e.what();
      return e.what();
    }
    ADD_FAILURE() << "accepted a push that should fail with: " << want;
    return "";
  }
  test::TempDir dir;
  History history = History::init(dir / "history.git");
};

TEST_F(PushPolicyTest, RecordsTakenFromCentralAreNotContributed) {
  auto root = start();
  auto base = commit({root}, {{path_of('a'), text_of('a', "A1")}, {path_of('b'), text_of('b', "B1")},
                              {path_of('c'), text_of('c', "C1")}, {path_of('f'), text_of('f', "F1")}});
  // Central changed a, removed c, added d and changed f.
  auto central = commit({base}, {{path_of('a'), text_of('a', "A2")}, {path_of('c'), std::nullopt},
                                 {path_of('d'), text_of('d', "D1")}, {path_of('f'), text_of('f', "F2")}});
  // The client took a, c and d from central, changed b, added e, and
  // changed f its own way.
  auto pushed = commit({base}, {{path_of('a'), text_of('a', "A2")}, {path_of('c'), std::nullopt},
                                {path_of('d'), text_of('d', "D1")}, {path_of('b'), text_of('b', "B2")},
                                {path_of('e'), text_of('e', "E1")}, {path_of('f'), text_of('f', "F3")}});
  auto contributed = contributions(history, base, central, pushed);
  EXPECT_EQ(ids(contributed), (std::vector<std::string>{id_of('b'), id_of('e'), id_of('f')}));
  for (const auto& c : contributed) {
    ASSERT_TRUE(c.after.has_value());
    EXPECT_EQ(c.before.has_value(), c.id != id_of('e')) << c.id;
    if (c.id == id_of('f')) {
      EXPECT_EQ((*c.after)["role"], "F3");
      EXPECT_EQ((*c.before)["role"], "F1");
    }
  }

  // Pushed straight onto central's head: everything it changed is its own.
  auto onto_central = commit({central}, {{path_of('a'), text_of('a', "A3")}, {path_of('d'), std::nullopt}});
  EXPECT_EQ(ids(contributions(history, central, central, onto_central)),
            (std::vector<std::string>{id_of('a'), id_of('d')}));
}

TEST_F(PushPolicyTest, EveryCommitIsJudgedNotOnlyTheEndResult) {
  auto root = start();
  auto central = commit({root}, {{path_of('a'), text_of('a', "Duty officer", "osce")},
                                 {path_of('e'), text_of('e', "Mine", "cis-atc")}});
  // c1 rewrites osce's contact, c2 puts it back, c3 edits cis's own.
  auto c1 = commit({central}, {{path_of('a'), text_of('a', "Hijacked", "osce")}});
  auto c2 = commit({c1}, {{path_of('a'), text_of('a', "Duty officer", "osce")}});
  auto c3 = commit({c2}, {{path_of('e'), text_of('e', "Mine, edited", "cis-atc")}});
  auto r = review(central, c3);
  EXPECT_EQ(r.commits, (std::vector<CommitId>{c1, c2, c3}));
  EXPECT_EQ(r.writes.size(), 3u);
  EXPECT_EQ(r.records, 2u);
  auto why = refused_write(kCis, r);
  EXPECT_NE(why.find("commit " + c1.substr(0, 10)), std::string::npos) << why;
  EXPECT_NE(why.find("belongs to osce"), std::string::npos) << why;
  EXPECT_EQ(refused_write(kAdmin, r), "");
  // Without c1 and c2 the same token may push c3's change.
  auto own = commit({central}, {{path_of('e'), text_of('e', "Mine, edited", "cis-atc")}});
  EXPECT_EQ(refused_write(kCis, review(central, own)), "");
  EXPECT_NE(refused_write(Identity{4, "cis-atc", Role::Reader}, review(central, own)), "");
}

TEST_F(PushPolicyTest, RightsAreJudgedOnCentralsCurrentVersion) {
  auto root = start();
  auto base = commit({root}, {{path_of('a'), text_of('a', "Duty officer", "cis-atc")}});
  // Central staff move the contact to osce; an old copy of cis edits it.
  auto central = commit({base}, {{path_of('a'), text_of('a', "Duty officer", "osce")}});
  auto pushed = commit({base}, {{path_of('a'), text_of('a', "Edited by cis", "cis-atc")}});
  auto why = refused_write(kCis, review(central, pushed));
  EXPECT_NE(why.find("belongs to osce on central now"), std::string::npos) << why;
  // Giving one's own record away is not allowed either.
  auto give = commit({central}, {{path_of('b'), text_of('b', "New", "osce")}});
  EXPECT_NE(refused_write(kCis, review(central, give)).find("as osce's"), std::string::npos);
  EXPECT_EQ(refused_write(kOsce, review(central, give)), "");
}

TEST_F(PushPolicyTest, AMergeTakingAParentsVersionWritesNothing) {
  auto root = start();
  auto base = commit({root}, {{path_of('a'), text_of('a', "A1", "osce")}, {path_of('e'), text_of('e', "M1", "cis-atc")}});
  auto central = commit({base}, {{path_of('a'), text_of('a', "A2", "osce")}});
  auto local = commit({base}, {{path_of('e'), text_of('e', "M2", "cis-atc")}});
  // cis merges central's change to osce's contact into its copy.
  auto merge = commit({local, central}, {{path_of('a'), text_of('a', "A2", "osce")}});
  auto r = review(central, merge);
  ASSERT_EQ(r.writes.size(), 1u);
  EXPECT_EQ(r.writes[0].id, id_of('e'));
  EXPECT_EQ(r.writes[0].commit, local);
  EXPECT_EQ(refused_write(kCis, r), "");
  // A merge that writes its own version of osce's contact is judged.
  auto resolved = commit({local, central}, {{path_of('a'), text_of('a', "Resolved by cis", "osce")}});
  auto why = refused_write(kCis, review(central, resolved));
  EXPECT_NE(why.find("commit " + resolved.substr(0, 10)), std::string::npos) << why;
}

TEST_F(PushPolicyTest, AMergeReachingForAnOldCommitWritesWhatItReverts) {
  auto root = start();
  auto central = commit({root}, {{path_of('a'), text_of('a', "Desk", "osce")}, {path_of('e'), text_of('e', "Mine", "cis-atc")}});
  // Parents: central's head and its old root, tree: the root's. A real
  // three-way merge would keep central's changes; this one reverts them.
  for (const auto& parents : {std::vector<CommitId>{central, root}, std::vector<CommitId>{root, central}}) {
    auto revert = history.write_commit(parents, parents[0] == central ? std::vector<FileChange>{{path_of('a'), std::nullopt}, {path_of('e'), std::nullopt}}
                                                                       : std::vector<FileChange>{},
                                       kAuthor, "revert\n");
    auto r = review(central, revert);
    EXPECT_EQ(r.records, 2u);
    auto why = refused_write(kCis, r);
    EXPECT_NE(why.find("belongs to osce"), std::string::npos) << why;
  }
}

TEST_F(PushPolicyTest, MalformedCommitsAreRefused) {
  auto central = start();
  refusal_of(central, commit({central}, {{"README", "hello\n"}}), "README, which is not a record");
  refusal_of(central, commit({central}, {{".gitmodules", "[submodule]\n"}}), "not a record");
  refusal_of(central, commit({central}, {{path_of('b'), "{\"role\": \"B1\", \"org\": \"osce\", \"id\": \"" + id_of('b') +
                                                        "\", \"status\": \"active\"}\n"}}),
             "not in canonical form");
  refusal_of(central, commit({central}, {{path_of('b'), "{not json"}}), "malformed JSON");
  refusal_of(central, commit({central}, {{path_of('b'), text_of('c', "Elsewhere")}}), "another id's path");
  refusal_of(central, commit({central}, {{path_of('b'), std::string(2 << 20, ' ')}}), "bytes");
  auto root = commit({}, {{path_of('b'), text_of('b', "Root")}});
  refusal_of(central, root, "shares no history");
  refusal_of(central, commit({central, root}, {}), "commit " + root.substr(0, 10) + " has no parent");
  // A bad commit in the middle is found although the end result is clean.
  auto bad = commit({central}, {{path_of('b'), "{not json"}});
  auto fixed = commit({bad}, {{path_of('b'), std::nullopt}});
  refusal_of(central, fixed, "commit " + bad.substr(0, 10));
}

TEST_F(PushPolicyTest, ReferencesAreCheckedInEachCommitsTree) {
  auto central = start();
  auto with_area = [](char c, const std::string& area) {
    return canonical_json(normalize_record(Kind::Contact, Json{{"id", id_of(c)},
                                                               {"org", "cis-atc"},
                                                               {"role", "Border desk"},
                                                               {"status", "active"},
                                                               {"areas", Json::array({area})}}));
  };
  refusal_of(central, commit({central}, {{path_of('b'), with_area('b', "no-such-area")}}), "unknown area 'no-such-area'");
  refusal_of(central, commit({central}, {{path_of('b'), text_of('b', "Duty", "no-such-org")}}), "unknown org");
  EXPECT_EQ(review(central, commit({central}, {{path_of('b'), with_area('b', "border")}})).writes.size(), 1u);
  // The same commit may add the area it refers to.
  auto both = commit({central}, {area_file("cyber"), {path_of('b'), with_area('b', "cyber")}});
  EXPECT_EQ(review(central, both).writes.size(), 2u);
  // Removing what a record of the tree still refers to is refused; with
  // the referrer gone in the same commit it is not.
  auto referring = commit({central}, {{path_of('b'), with_area('b', "border")}});
  auto removal = commit({referring}, {{record_path(Kind::Area, "border"), std::nullopt}});
  refusal_of(central, removal, "cannot remove area border");
  auto both_gone = commit({referring}, {{record_path(Kind::Area, "border"), std::nullopt}, {path_of('b'), std::nullopt}});
  EXPECT_EQ(review(central, both_gone).writes.size(), 3u);
}

}  // namespace
}  // namespace liaison::server
