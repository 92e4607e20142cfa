// The property behind server/segments: whatever the history (branches,
// merges, visibility widened and narrowed, offers linked to needs that turn
// hidden), every audience's projection of every central commit holds
// exactly project_record() of each record of that commit, has the
// projections of its parents as parents, and is the same commit when it is
// derived again from scratch, in another order, into another server.db.
#include "server/segments.h"

#include <filesystem>
#include <map>
#include <random>

#include <gtest/gtest.h>
#include <unistd.h>

#include "model/record.h"
#include "server/segment_deriver.h"

namespace liaison::server {
namespace {

const std::vector<std::string> kOrgs = {"cis-atc", "sco-rats", "osce"};
const std::vector<Audience> kAudiences = {Audience::everyone(), Audience::partners(), Audience::of_org("cis-atc"),
                                          Audience::of_org("sco-rats"), Audience::of_org("osce")};
const Person kAuthor{"Test Author", "author@example.org"};

class SegmentsProperty : public ::testing::TestWithParam<unsigned> {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("liaison-segments-" + std::to_string(GetParam()) + "-" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    history_ = std::make_unique<History>(History::init(dir_ / "history.git"));
    rng_.seed(GetParam());
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::size_t pick(std::size_t n) { return std::uniform_int_distribution<std::size_t>(0, n - 1)(rng_); }
  bool chance(double p) { return std::bernoulli_distribution(p)(rng_); }
  std::string random_id() {
    static const char* hex = "0123456789abcdef";
    std::string id;
    for (int i = 0; i < 32; ++i) id += hex[pick(16)];
    return id;
  }
  void set_visibility(Json& record) {
    static const std::vector<std::string> levels = {"", "public", "partners", "restricted"};
    record.erase("visibility");
    record.erase("shared_with");
    auto level = levels[pick(levels.size())];
    if (level.empty()) return;
    record["visibility"] = level;
    Json shared = Json::array();
    for (const auto& org : kOrgs)
      if (chance(0.3)) shared.push_back(org);
    if (!shared.empty()) record["shared_with"] = shared;
  }

  // The records of a commit, by path.
  std::map<std::string, Json> records_at(const CommitId& commit) {
    std::map<std::string, Json> out;
    history_->for_each_file(commit, [&](const std::string& path, std::string_view text) {
      out.emplace(path, parse_json(text, path));
    });
    return out;
  }
  CommitId write(const std::vector<CommitId>& parents, const std::vector<FileChange>& changes, const std::string& msg) {
    return history_->write_commit(parents, changes, kAuthor, msg + "\n\nLiaison-Org: cis-atc\n");
  }
  FileChange file(Kind kind, const Json& record) {
    return {record_path(kind, record_id(kind, record)), canonical_json(record)};
  }

  // One random change on top of `tip`.
  CommitId change(const CommitId& tip) {
    auto records = records_at(tip);
    std::vector<std::pair<Kind, Json>> contacts, needs, offers;
    for (auto& [path, record] : records) {
      auto key = parse_record_path(path);
      if (key->kind == Kind::Contact) contacts.emplace_back(key->kind, record);
      if (key->kind == Kind::Need) needs.emplace_back(key->kind, record);
      if (key->kind == Kind::Offer) offers.emplace_back(key->kind, record);
    }
    auto owner = kOrgs[pick(kOrgs.size())];
    if (chance(0.15)) return bulk(tip, needs);
    switch (pick(6)) {
      case 0: {
        Json c = {{"id", random_id()}, {"org", owner}, {"role", "Desk " + std::to_string(pick(1000))},
                  {"name", "Person " + std::to_string(pick(1000))}, {"phones", {"+74951234567"}}};
        set_visibility(c);
        return write({tip}, {file(Kind::Contact, c)}, "Add contact " + c["id"].get<std::string>() + " (" +
                                                           c["name"].get<std::string>() + ")");
      }
      case 1: {
        Json n = {{"id", random_id()}, {"org", owner}, {"area", "border"}, {"title", "Need " + std::to_string(pick(999))}};
        set_visibility(n);
        return write({tip}, {file(Kind::Need, n)}, "Add need");
      }
      case 2: {
        Json o = {{"id", random_id()}, {"provider", owner}, {"title", "Offer"}};
        Json linked = Json::array();
        for (const auto& [kind, need] : needs)
          if (chance(0.4)) linked.push_back(need["id"]);
        if (!linked.empty()) o["needs"] = linked;
        set_visibility(o);
        return write({tip}, {file(Kind::Offer, o)}, "Add offer");
      }
      case 3:
      case 4: {  // visibility or title of an existing record
        std::vector<std::pair<Kind, Json>> all = needs;
        all.insert(all.end(), contacts.begin(), contacts.end());
        if (all.empty()) return change(tip);
        auto [kind, record] = all[pick(all.size())];
        if (chance(0.7)) set_visibility(record);
        else record[kind == Kind::Need ? "title" : "role"] = "Edited " + std::to_string(pick(1000));
        return write({tip}, {file(kind, record)}, "Edit " + record["id"].get<std::string>());
      }
      default: {
        if (offers.empty() && contacts.empty()) return change(tip);
        auto& from = !offers.empty() && (contacts.empty() || chance(0.5)) ? offers : contacts;
        auto [kind, record] = from[pick(from.size())];
        return write({tip}, {{record_path(kind, record_id(kind, record)), std::nullopt}}, "Remove a record");
      }
    }
  }

  // Several records at once, as an import makes them: new ones, and
  // existing needs made visible to others or hidden from them.
  CommitId bulk(const CommitId& tip, const std::vector<std::pair<Kind, Json>>& needs) {
    std::vector<FileChange> changes;
    std::vector<Json> linkable;
    for (const auto& [kind, need] : needs) linkable.push_back(need);
    for (std::size_t i = 0, n = 2 + pick(8); i < n; ++i) {
      auto owner = kOrgs[pick(kOrgs.size())];
      switch (pick(4)) {
        case 0: {
          Json c = {{"id", random_id()}, {"org", owner}, {"role", "Desk"}, {"name", "Person " + std::to_string(i)}};
          set_visibility(c);
          changes.push_back(file(Kind::Contact, c));
          break;
        }
        case 1: {
          Json n = {{"id", random_id()}, {"org", owner}, {"area", "border"}, {"title", "Bulk need"}};
          set_visibility(n);
          linkable.push_back(n);
          changes.push_back(file(Kind::Need, n));
          break;
        }
        case 2: {
          Json o = {{"id", random_id()}, {"provider", owner}, {"title", "Bulk offer"}};
          Json linked = Json::array();
          for (const auto& need : linkable)
            if (chance(0.4)) linked.push_back(need["id"]);
          if (!linked.empty()) o["needs"] = linked;
          set_visibility(o);
          changes.push_back(file(Kind::Offer, o));
          break;
        }
        default: {
          if (needs.empty()) break;
          auto need = needs[pick(needs.size())].second;
          set_visibility(need);
          changes.push_back(file(Kind::Need, need));
        }
      }
    }
    // One version of each record: the last.
    std::map<std::string, FileChange> by_path;
    for (auto& c : changes) by_path[c.path] = std::move(c);
    changes.clear();
    for (auto& [path, c] : by_path) changes.push_back(std::move(c));
    if (changes.empty()) return change(tip);
    return write({tip}, changes, "Import " + std::to_string(changes.size()) + " records");
  }

  // A merge of `b` into `a`: a's records, with what b changed since their base.
  CommitId merge(const CommitId& a, const CommitId& b) {
    auto base = history_->merge_base(a, b);
    auto ours = records_at(a);
    std::vector<FileChange> changes;
    for (auto& d : history_->diff(base, b))
      if (d.new_content || ours.count(d.path)) changes.push_back({d.path, d.new_content});
    return write({a, b}, changes, "Merge");
  }

  // What the audience's projection of `commit` must hold.
  std::map<std::string, std::string> expected(const Audience& audience, const CommitId& commit) {
    auto records = records_at(commit);
    auto sees = [&](Kind kind, const std::string& id) {
      auto it = records.find(record_path(kind, id));
      return it != records.end() && may_see(audience, kind, it->second);
    };
    std::map<std::string, std::string> out;
    for (const auto& [path, record] : records)
      if (auto shown = project_record(audience, parse_record_path(path)->kind, record, sees))
        out.emplace(path, canonical_json(*shown));
    return out;
  }
  std::map<std::string, std::string> files_at(const CommitId& commit) {
    std::map<std::string, std::string> out;
    history_->for_each_file(commit, [&](const std::string& path, std::string_view text) { out.emplace(path, text); });
    return out;
  }

  // The root commit: the organizations and the one area.
  CommitId reference_data() {
    std::vector<FileChange> reference;
    for (const auto& org : kOrgs)
      reference.push_back(file(Kind::Org, {{"slug", org}, {"name", org + " organization"}, {"kind", "regional"}}));
    reference.push_back(file(Kind::Area, {{"code", "border"}, {"name", "Border security"}}));
    return write({}, reference, "Reference data");
  }

  std::filesystem::path dir_;
  std::unique_ptr<History> history_;
  std::mt19937 rng_;
};

TEST_P(SegmentsProperty, EveryProjectionHoldsWhatItsAudienceMaySeeAndNothingElse) {
  std::vector<CommitId> tips = {reference_data()};
  std::vector<CommitId> all = tips;
  for (int step = 0; step < 40; ++step) {
    auto at = pick(tips.size());
    if (tips.size() > 1 && chance(0.2)) {
      auto other = pick(tips.size());
      if (tips[other] != tips[at]) {
        tips[at] = merge(tips[at], tips[other]);
        all.push_back(tips[at]);
        continue;
      }
    }
    if (chance(0.15)) tips.push_back(tips[at]);  // a branch from here
    tips[at] = change(tips[at]);
    all.push_back(tips[at]);
  }

  Segments first(dir_ / "history.git", dir_ / "first.db");
  for (const auto& audience : kAudiences) {
    for (const auto& commit : all) {
      SCOPED_TRACE(audience.name() + " at " + short_commit(commit));
      auto projected = first.at(audience, commit);
      EXPECT_EQ(files_at(projected), expected(audience, commit));
      auto info = history_->commit_info(commit), shown = history_->commit_info(projected);
      std::vector<CommitId> parents;
      for (const auto& p : info.parents)
        if (auto pp = first.at(audience, p); std::find(parents.begin(), parents.end(), pp) == parents.end())
          parents.push_back(pp);
      EXPECT_EQ(shown.parents, parents);
      EXPECT_EQ(shown.author.name, info.author.name);
      EXPECT_EQ(shown.time, info.time);
      // Commits that differ only in what the audience may not see can
      // project to the same commit: the source is one of them.
      auto source = first.source_of(audience, projected);
      ASSERT_TRUE(source);
      EXPECT_EQ(first.at(audience, *source), projected);
      // A message names no record the audience may not see.
      for (const auto& [path, record] : records_at(commit)) {
        auto kind = parse_record_path(path)->kind;
        if (!may_see(audience, kind, record)) {
          EXPECT_EQ(shown.message.find(record_id(kind, record)), std::string::npos);
        }
      }
    }
  }
  // Pages are kept by the last commit that changed what the audience sees:
  // going back along first parents, the last whose projection's tree differs
  // from its parent's (or the root), worked out here without the cache.
  auto tree = [&](const Audience& audience, const CommitId& c) {
    return history_->commit_info(first.at(audience, c)).tree;
  };
  int unchanged = 0;  // commits that changed nothing an audience sees
  for (const auto& audience : kAudiences) {
    for (auto it = all.rbegin(); it != all.rend(); ++it) {
      SCOPED_TRACE(audience.name() + " at " + short_commit(*it));
      CommitId expected_change = *it;
      for (;;) {
        auto parents = history_->commit_info(expected_change).parents;
        if (parents.empty() || tree(audience, parents.front()) != tree(audience, expected_change)) break;
        expected_change = parents.front();
      }
      unchanged += expected_change != *it;
      EXPECT_EQ(first.last_visible_change(audience, *it), expected_change);
      EXPECT_EQ(first.known_last_visible_change(audience, *it), expected_change);
    }
  }
  EXPECT_GT(unchanged, 0) << "the history should hold changes some audience does not see";
  EXPECT_EQ(first.last_visible_change(Audience::all(), all.back()), all.back());
  // Derived again from nothing, newest heads first: the same commits.
  Segments second(dir_ / "history.git", dir_ / "second.db");
  for (const auto& audience : kAudiences)
    for (auto it = all.rbegin(); it != all.rend(); ++it) EXPECT_EQ(second.at(audience, *it), first.at(audience, *it));
  // Derived together, organizations on the partners' trees, the commits
  // changing more than one record (or every commit) through overlays: the
  // same commits again.
  for (std::size_t large : {std::size_t{1}, std::size_t{2}, Segments::kLargeCommit}) {
    SCOPED_TRACE("large commits: " + std::to_string(large) + " records");
    auto db = dir_ / ("together-" + std::to_string(large) + ".db");
    Segments together(dir_ / "history.git", db);
    for (const auto& tip : tips) together.derive_all(kAudiences, tip, large);
    for (const auto& audience : kAudiences)
      for (const auto& commit : all) EXPECT_EQ(together.at(audience, commit), first.at(audience, commit));
  }
  // Asked oldest first, each answer builds on its parent's: the same.
  for (const auto& audience : kAudiences)
    for (const auto& commit : all)
      EXPECT_EQ(second.last_visible_change(audience, commit), first.last_visible_change(audience, commit));
}

INSTANTIATE_TEST_SUITE_P(Seeds, SegmentsProperty, ::testing::Values(1u, 2u, 3u, 4u, 5u, 6u));

// derive_all when the audiences were brought up to different commits: the
// partners and one organization part-way (as at() leaves them), another
// organization from nothing, which needs the partners' later commits first.
TEST_P(SegmentsProperty, OrganizationsDerivedTogetherFromDifferentHeadsMatchTheirOwnDerivation) {
  std::vector<CommitId> line = {reference_data()};
  for (int step = 0; step < 16; ++step) line.push_back(change(line.back()));
  const auto middle = line[line.size() / 2];
  Segments alone(dir_ / "history.git", dir_ / "alone.db");
  Segments together(dir_ / "history.git", dir_ / "together.db");
  together.at(Audience::partners(), middle);
  together.at(Audience::of_org("cis-atc"), middle);
  together.derive_all({Audience::of_org("cis-atc"), Audience::of_org("osce")}, line.back(), 1);
  for (const auto& org : {"cis-atc", "osce"})
    for (const auto& c : line) EXPECT_EQ(together.at(Audience::of_org(org), c), alone.at(Audience::of_org(org), c));
}

// A record's own visibility decides, not one inside a field this version
// does not know, which sorts before it in the canonical text.
TEST(SegmentsShownAsStored, AVisibilityNestedInAnUnknownFieldDoesNotHideTheRecordsOwn) {
  Json need = {{"id", "0123456789abcdef0123456789abcdef"}, {"org", "osce"}, {"area", "border"}, {"title", "Canary"},
               {"aaa", {{"visibility", "public"}}}, {"visibility", "restricted"}};
  auto text = canonical_json(need);
  ASSERT_LT(text.find("\"visibility\":\"public\""), text.find("\"visibility\":\"restricted\""));
  EXPECT_FALSE(shown_as_stored(Audience::partners(), Kind::Need, text));
  EXPECT_FALSE(shown_as_stored(Audience::of_org("cis-atc"), Kind::Need, text));
  EXPECT_FALSE(project_record(Audience::partners(), Kind::Need, need, [](Kind, const std::string&) { return true; }));
  need["visibility"] = "partners";
  EXPECT_TRUE(shown_as_stored(Audience::partners(), Kind::Need, canonical_json(need)));
}

}  // namespace
}  // namespace liaison::server
