// Unit tests of the merge rules (merge/merge.h) and the merge workflow
// (store/merge_session.h) on real copies.
#include <gtest/gtest.h>

#include "store/exchange.h"
#include "merge/merge.h"
#include "store/merge_session.h"
#include "model/record.h"
#include "store/store.h"
#include "git/git_handles.h"
#include "git/transfer.h"
#include "tests/unit/temp_copy.h"

namespace liaison {
namespace {

Json contact(const std::string& role) {
  return {{"id", "c0000000000000000000000000000001"}, {"org", "cis-atc"}, {"role", role}, {"status", "active"}};
}

const std::string kId = "c0000000000000000000000000000001";

TEST(MergeRecord, OneSideChangedTakesThatSide) {
  Json base = contact("base");
  Json ours = base;
  Json theirs = contact("theirs");
  for (bool swap : {false, true}) {
    auto r = swap ? merge_record(Kind::Contact, kId, base, theirs, ours) : merge_record(Kind::Contact, kId, base, ours, theirs);
    ASSERT_TRUE(r.merged);
    EXPECT_EQ((*r.merged)["role"], "theirs");
    EXPECT_TRUE(r.conflicts.empty());
  }
}

TEST(MergeRecord, DifferentFieldsBothApply) {
  Json base = contact("base");
  Json ours = base, theirs = base;
  ours["role"] = "new role";
  theirs["hours"] = "Mon-Fri";
  for (bool swap : {false, true}) {
    auto r = swap ? merge_record(Kind::Contact, kId, base, theirs, ours) : merge_record(Kind::Contact, kId, base, ours, theirs);
    EXPECT_EQ((*r.merged)["role"], "new role");
    EXPECT_EQ((*r.merged)["hours"], "Mon-Fri");
    EXPECT_TRUE(r.conflicts.empty());
  }
}

TEST(MergeRecord, SameFieldDifferentValuesIsAConflictWithAllThreeValues) {
  Json base = contact("base");
  auto r = merge_record(Kind::Contact, kId, base, contact("ours"), contact("theirs"));
  ASSERT_EQ(r.conflicts.size(), 1u);
  EXPECT_EQ(r.conflicts[0].field, "role");
  EXPECT_EQ(r.conflicts[0].base, "base");
  EXPECT_EQ(r.conflicts[0].ours, "ours");
  EXPECT_EQ(r.conflicts[0].theirs, "theirs");
}

TEST(MergeRecord, SetsApplyAdditionsAndRemovalsFromBothSides) {
  Json base = contact("r");
  base["emails"] = {"a@example.org", "b@example.org", "c@example.org"};
  Json ours = base, theirs = base;
  ours["emails"] = {"a@example.org", "c@example.org", "d@example.org"};    // -b +d
  theirs["emails"] = {"a@example.org", "b@example.org", "e@example.org"};  // -c +e
  for (bool swap : {false, true}) {
    auto r = swap ? merge_record(Kind::Contact, kId, base, theirs, ours) : merge_record(Kind::Contact, kId, base, ours, theirs);
    EXPECT_TRUE(r.conflicts.empty());
    EXPECT_EQ((*r.merged)["emails"], Json({"a@example.org", "d@example.org", "e@example.org"}));
    ASSERT_EQ(r.decisions.size(), 1u);
    EXPECT_EQ(r.decisions[0].rule, "set");
  }
}

// Sets keep an order (the first member is the preferred one); merging
// them must still not depend on which side is ours.
Json merged_emails(const Json& base, const Json& ours, const Json& theirs) {
  Json b = contact("r"), o = b, t = b;
  b["emails"] = base;
  o["emails"] = ours;
  t["emails"] = theirs;
  auto r = merge_record(Kind::Contact, kId, b, o, t);
  auto swapped = merge_record(Kind::Contact, kId, b, t, o);
  EXPECT_TRUE(r.conflicts.empty());
  EXPECT_EQ(r.merged, swapped.merged) << "the result does not depend on which side is ours";
  return (*r.merged)["emails"];
}

TEST(MergeRecord, SetOrderChangedOnOneSideIsKeptWithTheOtherSidesAdditionsAfter) {
  Json a = "a@example.org", b = "b@example.org", c = "c@example.org";
  EXPECT_EQ(merged_emails({a, b}, {b, a}, {a, b, c}), Json({b, a, c})) << "ours reordered, theirs added";
  Json n = "n@example.org";
  EXPECT_EQ(merged_emails({a, b}, {n, a, b}, {a, b, c}), Json({n, a, b, c}))
      << "a new member made preferred on one side stays first";
  EXPECT_EQ(merged_emails({a, b, c}, {c, b, a}, {a, b}), Json({b, a})) << "a removal on the other side applies";
}

TEST(MergeRecord, SetOrderChangedOnBothSidesTakesTheOrderThatSortsFirst) {
  Json a = "a@example.org", b = "b@example.org", c = "c@example.org", d = "d@example.org";
  EXPECT_EQ(merged_emails({a, b, c}, {c, a, b}, {b, a, c, d}), Json({b, a, c, d}));
  // Neither reordered: the base order, then the additions of the side whose
  // members sort first, then the other's.
  Json e = "e@example.org";
  EXPECT_EQ(merged_emails({b, c}, {b, c, e}, {b, c, d}), Json({b, c, d, e}));
  Json base = contact("r"), ours = base, theirs = base;
  base["emails"] = {a, b};
  ours["emails"] = {b, a};
  theirs["emails"] = {a, b, c};
  auto r = merge_record(Kind::Contact, kId, base, ours, theirs);
  ASSERT_EQ(r.decisions.size(), 1u);
  EXPECT_NE(r.decisions[0].explanation.find("in the order of ours (reordered there)"), std::string::npos)
      << r.decisions[0].explanation;
}

TEST(MergeRecord, LastVerifiedTakesTheLaterDateWithItsVerifier) {
  Json base = contact("r");
  base["last_verified"] = "2025-01-01";
  base["verified_by"] = "Base Person";
  Json ours = base, theirs = base;
  ours["last_verified"] = "2026-03-02";
  ours["verified_by"] = "Ours Person";
  theirs["last_verified"] = "2026-05-01";
  theirs["verified_by"] = "Theirs Person";
  for (bool swap : {false, true}) {
    auto r = swap ? merge_record(Kind::Contact, kId, base, theirs, ours) : merge_record(Kind::Contact, kId, base, ours, theirs);
    EXPECT_TRUE(r.conflicts.empty());
    EXPECT_EQ((*r.merged)["last_verified"], "2026-05-01");
    EXPECT_EQ((*r.merged)["verified_by"], "Theirs Person");
    ASSERT_EQ(r.decisions.size(), 1u);
    EXPECT_EQ(r.decisions[0].rule, "later-date");
  }
}

TEST(MergeRecord, ModifyDeleteIsAWholeRecordConflict) {
  Json base = contact("base");
  for (bool swap : {false, true}) {
    auto r = swap ? merge_record(Kind::Contact, kId, base, std::nullopt, contact("changed"))
                  : merge_record(Kind::Contact, kId, base, contact("changed"), std::nullopt);
    ASSERT_EQ(r.conflicts.size(), 1u);
    EXPECT_EQ(r.conflicts[0].field, kWholeRecord);
  }
  // Both removed: no conflict.
  auto both = merge_record(Kind::Contact, kId, base, std::nullopt, std::nullopt);
  EXPECT_TRUE(both.conflicts.empty());
  EXPECT_FALSE(both.merged);
}

// ---- fields this version does not know ----------------------------------

Json newer_contact(const Json& funding) {
  Json out = contact("base");
  out["funding_window"] = funding;
  return out;
}

TEST(MergeRecord, UnknownFieldChangedOnOneSideIsTakenFromThatSide) {
  Json base = newer_contact({{"from", "2027-01"}});
  Json ours = base, theirs = base;
  ours["role"] = "new role";
  theirs["funding_window"] = {{"from", "2027-03"}, {"ratio", 0.5}};
  for (bool swap : {false, true}) {
    auto r = swap ? merge_record(Kind::Contact, kId, base, theirs, ours) : merge_record(Kind::Contact, kId, base, ours, theirs);
    ASSERT_TRUE(r.merged);
    EXPECT_TRUE(r.conflicts.empty());
    EXPECT_EQ((*r.merged)["role"], "new role");
    EXPECT_EQ((*r.merged)["funding_window"], theirs["funding_window"]);
    EXPECT_TRUE(r.decisions.empty()) << "a plain value, no rule decided";
  }
}

TEST(MergeRecord, UnknownFieldUntouchedOnBothSidesIsKept) {
  Json base = newer_contact({1, 2, 3});
  Json ours = base, theirs = base;
  ours["role"] = "new role";
  theirs["hours"] = "Mon-Fri";
  auto r = merge_record(Kind::Contact, kId, base, ours, theirs);
  ASSERT_TRUE(r.merged);
  EXPECT_TRUE(r.conflicts.empty());
  EXPECT_EQ((*r.merged)["funding_window"], Json({1, 2, 3}));
  EXPECT_EQ((*r.merged)["hours"], "Mon-Fri");
  EXPECT_EQ((*r.merged)["role"], "new role");
}

TEST(MergeRecord, UnknownFieldAddedOrRemovedOnOneSideFollowsThatSide) {
  Json base = contact("base");
  Json ours = base;
  ours["role"] = "new role";
  Json theirs = newer_contact(nullptr);  // a null is a value here, kept
  auto added = merge_record(Kind::Contact, kId, base, ours, theirs);
  ASSERT_TRUE(added.merged);
  ASSERT_TRUE(added.merged->contains("funding_window"));
  EXPECT_TRUE((*added.merged)["funding_window"].is_null());
  EXPECT_EQ((*added.merged)["role"], "new role");

  Json had = newer_contact("2027");
  Json removed = had;
  removed.erase("funding_window");
  Json edited = had;
  edited["role"] = "new role";
  auto r = merge_record(Kind::Contact, kId, had, edited, removed);
  ASSERT_TRUE(r.merged);
  EXPECT_TRUE(r.conflicts.empty());
  EXPECT_FALSE(r.merged->contains("funding_window"));
  EXPECT_EQ((*r.merged)["role"], "new role");
}

TEST(MergeRecord, UnknownFieldChangedAlikeOnBothSidesIsNoConflict) {
  Json base = newer_contact("2027");
  Json ours = newer_contact({{"from", "2028"}}), theirs = ours;
  ours["role"] = "ours";
  auto r = merge_record(Kind::Contact, kId, base, ours, theirs);
  ASSERT_TRUE(r.merged);
  EXPECT_TRUE(r.conflicts.empty());
  EXPECT_EQ((*r.merged)["funding_window"], Json({{"from", "2028"}}));
  EXPECT_EQ((*r.merged)["role"], "ours");
}

TEST(MergeRecord, UnknownFieldChangedDifferentlyOnBothSidesIsAConflict) {
  Json base = newer_contact("2027");
  Json ours = newer_contact("2028"), theirs = newer_contact({{"from", "2029"}});
  theirs["hours"] = "Mon-Fri";
  auto r = merge_record(Kind::Contact, kId, base, ours, theirs);
  ASSERT_EQ(r.conflicts.size(), 1u);
  EXPECT_EQ(r.conflicts[0].field, "funding_window");
  EXPECT_EQ(r.conflicts[0].base, "2027");
  EXPECT_EQ(r.conflicts[0].ours, "2028");
  EXPECT_EQ(r.conflicts[0].theirs, Json({{"from", "2029"}}));
  EXPECT_EQ(r.conflicts[0].reason, "changed on both sides");
  ASSERT_TRUE(r.merged);
  EXPECT_EQ((*r.merged)["funding_window"], "2028") << "the clean part keeps ours";
  EXPECT_EQ((*r.merged)["hours"], "Mon-Fri");
  // Added on both sides with different values: a conflict too.
  auto both_added = merge_record(Kind::Contact, kId, contact("base"), newer_contact(1), newer_contact(2));
  ASSERT_EQ(both_added.conflicts.size(), 1u);
  EXPECT_TRUE(both_added.conflicts[0].base.is_null());
}

class MergeCopies : public ::testing::Test {
 protected:
  void SetUp() override {
    hq.emplace(Store::init(dir / "hq", {"un-ctc", std::nullopt, true}));
    hq->commit({{Kind::Contact, kId, contact("base")}}, "seed");
    a.emplace(clone_copy(dir / "hq", dir / "a", std::string("cis-atc")));
    b.emplace(clone_copy(dir / "hq", dir / "b", std::string("osce")));
  }
  MergeOutcome pull(Store& into, const std::string& from) {
    return start_merge(into, fetch_from_copy(into, dir / from), from);
  }
  std::string tree_of(Store& s) {
    auto head = *s.history().head();
    git_oid oid;
    git_oid_fromstr(&oid, head.c_str());
    git_commit* c = nullptr;
    git_commit_lookup(&c, s.history().raw(), &oid);
    auto tree = oid_hex(*git_commit_tree_id(c));
    git_commit_free(c);
    return tree;
  }
  Json edit(Store& s, const std::function<void(Json&)>& change) {
    Json rec = s.get(Kind::Contact, kId);
    change(rec);
    s.commit({{Kind::Contact, kId, rec}}, "");
    return rec;
  }
  test::TempDir dir;
  std::optional<Store> hq, a, b;
};

TEST_F(MergeCopies, CleanMergeMakesOneCommitWithBothParentsAndIsSymmetric) {
  edit(*a, [](Json& r) { r["role"] = "from a"; });
  edit(*b, [](Json& r) { r["hours"] = "from b"; });
  // c is b before any merge, to merge in the other direction.
  auto c = clone_copy(dir / "b", dir / "c", std::string("osce"));
  auto ab = pull(*a, "b");
  ASSERT_EQ(ab.result, MergeOutcome::Result::Merged);
  auto info = a->history().commit_info(*a->history().head());
  EXPECT_EQ(info.parents.size(), 2u);
  // b pulling a now just fast-forwards: a's merge contains b's head.
  EXPECT_EQ(pull(*b, "a").result, MergeOutcome::Result::FastForward);
  // The other order: c (= b before) merges a's commit from before the merge.
  auto a_pre = info.parents[0];
  fetch_from_copy(c, dir / "a");
  auto other = start_merge(c, a_pre, "a");
  ASSERT_EQ(other.result, MergeOutcome::Result::Merged);
  EXPECT_EQ(tree_of(*a), tree_of(c));
  Json merged = a->get(Kind::Contact, kId);
  EXPECT_EQ(merged["role"], "from a");
  EXPECT_EQ(merged["hours"], "from b");
}

// Past kCopyFilesAboveRecords records, a fetch between copies copies object files
// instead of objects; either way the merge finds every record it needs.
TEST_F(MergeCopies, FetchOfManyRecordsCopiesObjectFilesAndMergesThem) {
  for (std::size_t batch : {kCopyFilesAboveRecords + 200, std::size_t{20}}) {
    std::vector<RecordChange> adds;
    for (std::size_t i = 0; i < batch; ++i) {
      Json rec = contact("added " + std::to_string(i));
      char id[33];
      std::snprintf(id, sizeof id, "d%02zx%029zx", batch % 256, i);
      rec["id"] = id;
      adds.push_back({Kind::Contact, id, rec});
    }
    b->commit(adds, "many");
    edit(*a, [&](Json& r) { r["hours"] = "a " + std::to_string(batch); });
    auto packs_before = std::distance(std::filesystem::directory_iterator(dir / "a/history.git/objects/pack"),
                                      std::filesystem::directory_iterator());
    ASSERT_EQ(pull(*a, "b").result, MergeOutcome::Result::Merged);
    auto packs_after = std::distance(std::filesystem::directory_iterator(dir / "a/history.git/objects/pack"),
                                     std::filesystem::directory_iterator());
    // Many: b's pack (and its index) copied into a's folder. Few: objects
    // copied one by one, as loose objects.
    if (batch > kCopyFilesAboveRecords) {
      EXPECT_GT(packs_after, packs_before);
      for (const auto& f : std::filesystem::directory_iterator(dir / "b/history.git/objects/pack"))
        EXPECT_TRUE(std::filesystem::exists(dir / "a/history.git/objects/pack" / f.path().filename()))
            << f.path().filename();
    } else {
      EXPECT_EQ(packs_after, packs_before);
    }
    for (std::size_t i = 0; i < batch; i += 97) {
      char id[33];
      std::snprintf(id, sizeof id, "d%02zx%029zx", batch % 256, i);
      EXPECT_EQ(a->get(Kind::Contact, id)["role"], "added " + std::to_string(i));
    }
  }
  // The merged history reads back whole: every blob of the head is there.
  EXPECT_EQ(a->history().count_files(*a->history().head(), "contacts"), 1u + kCopyFilesAboveRecords + 200 + 20);
  EXPECT_EQ(a->view().count(Kind::Contact), static_cast<std::int64_t>(1 + kCopyFilesAboveRecords + 200 + 20));
}

TEST_F(MergeCopies, ConflictStopsThenResolveAndContinueCommits) {
  edit(*a, [](Json& r) { r["role"] = "a role"; });
  edit(*b, [](Json& r) { r["role"] = "b role"; });
  auto head_before = *a->history().head();
  auto m = pull(*a, "b");
  ASSERT_EQ(m.result, MergeOutcome::Result::Conflicts);
  EXPECT_EQ(m.conflicts, 1u);
  EXPECT_EQ(*a->history().head(), head_before);
  // Edits are refused while the merge is pending.
  EXPECT_THROW(edit(*a, [](Json& r) { r["hours"] = "x"; }), UserError);
  EXPECT_THROW(merge_continue(*a), UserError);
  resolve_conflict(*a, {Kind::Contact, kId}, "role", Side::Theirs, std::nullopt);
  auto id = merge_continue(*a);
  EXPECT_EQ(a->get(Kind::Contact, kId)["role"], "b role");
  auto info = a->history().commit_info(id);
  EXPECT_EQ(info.parents.size(), 2u);
  EXPECT_NE(info.message.find("Merge-Resolved: contact c0000000 role: theirs"), std::string::npos);
  EXPECT_FALSE(pending_merge(*a));
  EXPECT_TRUE(a->doctor().ok());
}

TEST_F(MergeCopies, UnknownFieldsSurviveACleanMergeAndAResolvedConflict) {
  // The record as a newer version wrote it, on both copies.
  Json newer = contact("base");
  newer["funding_window"] = {{"from", "2027-01-01"}, {"ratio", 0.25}};
  edit(*hq, [&](Json& r) { r = newer; });
  for (auto* s : {&*a, &*b}) ASSERT_EQ(pull(*s, "hq").result, MergeOutcome::Result::FastForward);
  edit(*a, [](Json& r) { r["role"] = "from a"; });
  edit(*b, [](Json& r) { r["hours"] = "from b"; });
  ASSERT_EQ(pull(*a, "b").result, MergeOutcome::Result::Merged);
  Json merged = a->get(Kind::Contact, kId);
  EXPECT_EQ(merged["funding_window"], newer["funding_window"]);
  EXPECT_EQ(merged["role"], "from a");
  EXPECT_EQ(merged["hours"], "from b");
  auto text = a->history().read_file(*a->history().head(), record_path(Kind::Contact, kId));
  ASSERT_TRUE(text);
  EXPECT_NE(text->find(R"("funding_window":{"from":"2027-01-01","ratio":0.25})"), std::string::npos) << *text;

  // Both change it differently: a conflict on the field, settled by --theirs.
  ASSERT_EQ(pull(*b, "a").result, MergeOutcome::Result::FastForward);
  edit(*a, [](Json& r) { r["funding_window"] = "a"; });
  edit(*b, [](Json& r) { r["funding_window"] = {"b", 2}; });
  auto m = pull(*a, "b");
  ASSERT_EQ(m.result, MergeOutcome::Result::Conflicts);
  EXPECT_EQ(m.conflicts, 1u);
  // A value typed for a field this version cannot parse is refused.
  try {
    resolve_conflict(*a, {Kind::Contact, kId}, "funding_window", std::nullopt, std::string("c"));
    ADD_FAILURE() << "a --value for an unknown field was taken";
  } catch (const UserError& e) {
    EXPECT_NE(std::string(e.what()).find("resolve it with --ours or --theirs"), std::string::npos) << e.what();
  }
  resolve_conflict(*a, {Kind::Contact, kId}, "funding_window", Side::Theirs, std::nullopt);
  merge_continue(*a);
  EXPECT_EQ(a->get(Kind::Contact, kId)["funding_window"], Json({"b", 2}));
  EXPECT_TRUE(a->doctor().ok());
}

TEST_F(MergeCopies, AbortLeavesTheCopyExactlyAsBefore) {
  edit(*a, [](Json& r) { r["role"] = "a role"; });
  edit(*b, [](Json& r) { r["role"] = "b role"; });
  auto head_before = *a->history().head();
  Json record_before = a->get(Kind::Contact, kId);
  ASSERT_EQ(pull(*a, "b").result, MergeOutcome::Result::Conflicts);
  merge_abort(*a);
  EXPECT_EQ(*a->history().head(), head_before);
  EXPECT_EQ(a->get(Kind::Contact, kId), record_before);
  EXPECT_FALSE(pending_merge(*a));
  edit(*a, [](Json& r) { r["hours"] = "editable again"; });
}

TEST_F(MergeCopies, RemovedOrgStillReferencedIsAConflict) {
  // a removes an org that nothing refers to in a; b adds a contact of it.
  a->commit({{Kind::Org, "eag", std::nullopt}}, "remove EAG");
  Json c2 = {{"id", "c0000000000000000000000000000002"}, {"org", "eag"}, {"role", "Analyst"}, {"status", "active"}};
  b->commit({{Kind::Contact, "c0000000000000000000000000000002", c2}}, "");
  auto m = pull(*a, "b");
  ASSERT_EQ(m.result, MergeOutcome::Result::Conflicts);
  auto pending = pending_merge(*a);
  ASSERT_EQ(pending->conflicts.size(), 1u);
  EXPECT_EQ(pending->conflicts[0].kind, Kind::Org);
  EXPECT_EQ(pending->conflicts[0].id, "eag");
  EXPECT_NE(pending->conflicts[0].reason.find("still referred to"), std::string::npos);
  resolve_conflict(*a, {Kind::Org, "eag"}, kWholeRecord, Side::Theirs, std::nullopt);  // keep the org
  merge_continue(*a);
  EXPECT_TRUE(a->view().exists(Kind::Org, "eag"));
  EXPECT_TRUE(a->view().exists(Kind::Contact, "c0000000000000000000000000000002"));
}

}  // namespace
}  // namespace liaison
