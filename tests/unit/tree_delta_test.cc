// Unit tests of tree edits made from raw bytes (git/tree_delta.h): whatever
// the edits (files set, replaced, removed, removed when missing, in the
// middle, first or last, directories among files whose names sort
// differently with git's '/' rule), the new tree's bytes are those
// libgit2's tree builder makes, and its delta, stored in a pack beside its
// base by PackWriter::add_delta, reads back through libgit2 and
// `git verify-pack` as that tree. A malformed base and a name edited twice are
// refused; a delta whose base is not in its pack is refused.
#include <gtest/gtest.h>

#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include "base/error.h"
#include "git/git_handles.h"
#include "git/history.h"
#include "git/pack_writer.h"
#include "git/tree_delta.h"
#include "tests/unit/temp_copy.h"

namespace liaison {
namespace {

class TreeDeltaTest : public ::testing::Test {
 protected:
  void SetUp() override {
    git_library_init();
    git_repository* r = nullptr;
    ASSERT_EQ(git_repository_init(&r, (dir / "history.git").c_str(), 1), 0);
    repo = GitRepository(r);
  }

  git_oid blob(const std::string& text) {
    git_oid id;
    EXPECT_EQ(git_blob_create_from_buffer(&id, repo.get(), text.data(), text.size()), 0);
    return id;
  }
  std::string raw(const git_oid& id) {
    auto odb = object_store(repo.get());
    return read_raw_object(odb.get(), id);
  }
  // A tree built by libgit2 from (name, id, directory) entries.
  git_oid tree_of(const std::vector<EntryEdit>& entries) {
    git_treebuilder* b = nullptr;
    EXPECT_EQ(git_treebuilder_new(&b, repo.get(), nullptr), 0);
    GitTreeBuilder guard(b);
    for (const auto& e : entries)
      EXPECT_EQ(git_treebuilder_insert(nullptr, b, e.name.c_str(), &*e.id, e.directory ? GIT_FILEMODE_TREE : GIT_FILEMODE_BLOB), 0);
    git_oid id;
    EXPECT_EQ(git_treebuilder_write(&id, b), 0);
    return id;
  }
  // What libgit2 makes of `base` with `edits`.
  git_oid libgit2_edit(const git_oid& base, const std::vector<EntryEdit>& edits) {
    git_tree* t = nullptr;
    EXPECT_EQ(git_tree_lookup(&t, repo.get(), &base), 0);
    GitTree tree(t);
    std::vector<git_tree_update> updates;
    for (const auto& e : edits) {
      git_tree_update u{};
      u.path = e.name.c_str();
      if (e.id) {
        u.action = GIT_TREE_UPDATE_UPSERT;
        u.id = *e.id;
        u.filemode = e.directory ? GIT_FILEMODE_TREE : GIT_FILEMODE_BLOB;
      } else {
        if (!git_tree_entry_byname(t, e.name.c_str())) continue;
        u.action = GIT_TREE_UPDATE_REMOVE;
      }
      updates.push_back(u);
    }
    git_oid out;
    EXPECT_EQ(git_tree_create_updated(&out, repo.get(), t, updates.size(), updates.data()), 0) << git_error_last()->message;
    return out;
  }

  test::TempDir dir;
  GitRepository repo;
};

TEST_F(TreeDeltaTest, EditsMakeTheTreeLibgit2MakesAndItsDeltaReadsBackFromAPack) {
  std::mt19937 rng(7);
  auto pick = [&](std::size_t n) { return std::uniform_int_distribution<std::size_t>(0, n - 1)(rng); };
  std::vector<git_oid> blobs;
  for (int i = 0; i < 40; ++i) blobs.push_back(blob("{\"n\":" + std::to_string(i) + "}\n"));
  auto sub = tree_of({{"x.json", blobs[0], false}});
  // Names around the '/' rule: "ab" as a directory sorts after "ab.json"
  // and "ab-x", though "ab" < "ab-x" < "ab.json" as plain names.
  std::vector<std::string> names = {"ab", "ab-x", "ab.json", "ab0", "b", "c.json", "ca", "d"};
  for (int i = 0; i < 30; ++i) names.push_back(std::to_string(1000 + i * 7) + ".json");
  // The pack goes into a repository that holds nothing else, so what is
  // read back comes from the pack alone.
  git_repository* r = nullptr;
  ASSERT_EQ(git_repository_init(&r, (dir / "other.git").c_str(), 1), 0);
  GitRepository other(r);
  PackWriter pack(1, dir / "other.git");
  std::vector<std::pair<git_oid, std::string>> expected;  // id, bytes
  for (int round = 0; round < 60; ++round) {
    SCOPED_TRACE("round " + std::to_string(round));
    std::vector<EntryEdit> base_entries;
    for (const auto& name : names) {
      if (pick(3) == 0) continue;
      bool directory = pick(4) == 0;
      base_entries.push_back({name, directory ? sub : blobs[pick(blobs.size())], directory});
    }
    auto base = tree_of(base_entries);
    std::vector<EntryEdit> edits;
    std::vector<std::string> shuffled = names;
    std::shuffle(shuffled.begin(), shuffled.end(), rng);
    for (std::size_t i = 0, n = pick(6) + (round == 0 ? 0 : 1); i < n; ++i) {
      // A name keeps its type: libgit2 replaces no file with a directory.
      EntryEdit e{shuffled[i], std::nullopt, pick(4) == 0};
      for (const auto& b : base_entries)
        if (b.name == e.name) e.directory = b.directory;
      if (pick(3) != 0) e.id = e.directory ? sub : blobs[pick(blobs.size())];
      edits.push_back(e);
    }
    auto want = libgit2_edit(base, edits);
    auto edited = edit_tree(raw(base), edits);
    ASSERT_TRUE(edited);
    EXPECT_EQ(edited->tree, raw(want));
    expected.emplace_back(want, edited->tree);
    if (!pack.holds(base)) pack.add(GIT_OBJECT_TREE, raw(base));
    pack.add_delta(want, base, edited->delta);
  }
  pack.write(dir / "other.git");
  auto odb = object_store(other.get());
  ASSERT_EQ(git_odb_refresh(odb.get()), 0);
  for (const auto& [id, bytes] : expected) {
    git_odb_object* obj = nullptr;
    ASSERT_EQ(git_odb_read(&obj, odb.get(), &id), 0);
    GitOdbObject guard(obj);
    EXPECT_EQ(std::string(static_cast<const char*>(git_odb_object_data(obj)), git_odb_object_size(obj)), bytes);
  }
  std::string idx;
  for (const auto& e : std::filesystem::directory_iterator(dir / "other.git" / "objects" / "pack"))
    if (e.path().extension() == ".idx") idx = e.path().string();
  ASSERT_FALSE(idx.empty());
  int status = 0;
  std::string cmd = "git verify-pack -v '" + idx + "' 2>&1";
  FILE* p = popen(cmd.c_str(), "r");
  ASSERT_TRUE(p);
  std::string out;
  char buf[4096];
  for (std::size_t n; (n = fread(buf, 1, sizeof buf, p)) > 0;) out.append(buf, n);
  status = pclose(p);
  EXPECT_EQ(status, 0) << out;
  EXPECT_NE(out.find(": ok"), std::string::npos) << out;
  EXPECT_NE(out.find("chain length = 1"), std::string::npos) << out;  // stored as deltas
}

TEST_F(TreeDeltaTest, AMalformedBaseANameEditedTwiceAndADeltaWithoutItsBaseAreRefused) {
  auto b = blob("{}\n");
  EXPECT_FALSE(edit_tree("100644 a.json", {}));           // no NUL, no id
  EXPECT_FALSE(edit_tree(std::string("100644 a\0xx", 11), {}));  // id cut short
  EXPECT_FALSE(edit_tree("", {{"a.json", b, false}, {"a.json", std::nullopt, false}}));
  auto empty = edit_tree("", {{"a.json", std::nullopt, false}});
  ASSERT_TRUE(empty);
  EXPECT_TRUE(empty->tree.empty());  // removing what is missing leaves the empty tree
  PackWriter pack(1);
  auto made = edit_tree("", {{"a.json", b, false}});
  ASSERT_TRUE(made);
  EXPECT_THROW(pack.add_delta(object_id(GIT_OBJECT_TREE, made->tree), b, made->delta), Failure);
  EXPECT_EQ(pack.size(), 0u);
}

}  // namespace
}  // namespace liaison
