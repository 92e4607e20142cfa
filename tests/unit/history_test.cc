// Unit tests of the git history (git/history.h): small commits written as
// loose objects, bulk commits (> 128 files) written as one pack by
// git/pack_writer.cc and checked with `git fsck`, reading files back,
// diffs, log with a path, revisions, and the compare-and-swap head.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>

#include "base/error.h"
#include "git/history.h"
#include "git/git_handles.h"
#include "tests/unit/temp_copy.h"

namespace liaison {
namespace {

const Person kAuthor{"Unit Test", "unit.test@example.org"};

std::string contact_path(int i) {
  char id[33];
  std::snprintf(id, sizeof id, "%02x%030d", i % 256, i);
  return std::string("contacts/") + std::string(id, 2) + "/" + id + ".json";
}

std::string content(int i, const std::string& tag = "v1") {
  return "{\"id\":\"" + std::to_string(i) + "\",\"role\":\"Role " + std::to_string(i) + " " + tag + "\"}\n";
}

std::string tree_of(History& h, const CommitId& commit) {
  git_oid oid;
  EXPECT_EQ(git_oid_fromstr(&oid, commit.c_str()), 0);
  git_commit* c = nullptr;
  EXPECT_EQ(git_commit_lookup(&c, h.raw(), &oid), 0);
  std::string out = oid_hex(*git_commit_tree_id(c));
  git_commit_free(c);
  return out;
}

int git(const std::filesystem::path& git_dir, const std::string& args) {
  std::string cmd = "git --git-dir='" + git_dir.string() + "' " + args + " >/dev/null 2>&1";
  return std::system(cmd.c_str());
}

std::string git_output(const std::filesystem::path& git_dir, const std::string& args) {
  std::string cmd = "git --git-dir='" + git_dir.string() + "' " + args + " 2>/dev/null";
  std::string out;
  if (FILE* p = popen(cmd.c_str(), "r")) {
    char buf[4096];
    std::size_t n;
    while ((n = fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
    pclose(p);
  }
  return out;
}

std::size_t count_packs(const std::filesystem::path& git_dir) {
  std::size_t n = 0;
  if (!std::filesystem::exists(git_dir / "objects" / "pack")) return 0;
  for (const auto& e : std::filesystem::directory_iterator(git_dir / "objects" / "pack"))
    n += e.path().extension() == ".pack";
  return n;
}

class HistoryTest : public ::testing::Test {
 protected:
  test::TempDir dir;
  std::filesystem::path git_dir = dir / "history.git";
  History h = History::init(git_dir);
};

TEST_F(HistoryTest, NewHistoryIsEmpty) {
  EXPECT_FALSE(h.head().has_value());
  EXPECT_TRUE(h.log().empty());
  EXPECT_TRUE(std::filesystem::exists(git_dir / "HEAD"));
  EXPECT_THROW(h.resolve("HEAD"), UserError);
  // Reopening finds the same empty history.
  auto again = History::open(git_dir);
  EXPECT_FALSE(again.head().has_value());
}

// The reads git_handles.h offers the git layer's modules.
TEST_F(HistoryTest, GitHandlesParseIdsAndReadObjects) {
  auto commit = h.write_commit({}, {{contact_path(1), content(1)}}, kAuthor, "one");
  ASSERT_TRUE(parse_oid(commit).has_value());
  EXPECT_EQ(oid_hex(*parse_oid(commit)), commit);
  for (std::string bad : {commit.substr(0, 39), commit + "0", std::string(40, 'g'), std::string()})
    EXPECT_FALSE(parse_oid(bad).has_value()) << bad;
  EXPECT_TRUE(commit_exists(h.raw(), *parse_oid(commit)));
  EXPECT_FALSE(commit_exists(h.raw(), *parse_oid(std::string(40, '0'))));
  EXPECT_TRUE(h.has_commit(commit));
  EXPECT_FALSE(h.has_commit("not an id"));
  // git's well-known id of the empty tree.
  EXPECT_EQ(oid_hex(empty_tree_id(h.raw())), "4b825dc642cb6eb9a060e54bf8d69288fbee4904");
  auto guard = object_store(h.raw());
  git_odb* odb = guard.get();
  auto blob = h.blob_id(commit, contact_path(1));
  EXPECT_EQ(read_raw_object(odb, *parse_oid(blob)), content(1));
  EXPECT_THROW(read_raw_object(odb, *parse_oid(std::string(40, '1'))), Failure);
}

TEST_F(HistoryTest, InitRefusesAnExistingHistory) { EXPECT_THROW(History::init(git_dir), Failure); }

TEST_F(HistoryTest, OpenRefusesAFolderWithoutHistory) {
  std::filesystem::create_directories(dir / "empty");
  EXPECT_THROW(History::open(dir / "empty"), Failure);
}

TEST_F(HistoryTest, SmallCommitIsWrittenButDoesNotMoveTheHead) {
  auto c1 = h.write_commit({}, {{"orgs/example-org.json", "{\"slug\":\"example-org\"}\n"},
                                {contact_path(1), content(1)}},
                           kAuthor, "First commit\n\nbody");
  EXPECT_EQ(c1.size(), 40u);
  EXPECT_FALSE(h.head().has_value()) << "write_commit does not move the head";
  EXPECT_EQ(h.read_file(c1, "orgs/example-org.json"), "{\"slug\":\"example-org\"}\n");
  EXPECT_EQ(h.read_file(c1, contact_path(1)), content(1));
  EXPECT_FALSE(h.read_file(c1, "orgs/missing.json").has_value());
  EXPECT_EQ(h.blob_id(c1, contact_path(1)).size(), 40u);
  EXPECT_EQ(h.blob_id(c1, "orgs/missing.json"), "");

  auto info = h.commit_info(c1);
  EXPECT_EQ(info.id, c1);
  EXPECT_TRUE(info.parents.empty());
  EXPECT_EQ(info.author.name, "Unit Test");
  EXPECT_EQ(info.author.email, "unit.test@example.org");
  EXPECT_EQ(info.message.rfind("First commit\n\nbody", 0), 0u);
  EXPECT_GT(info.time, 1700000000);

  ASSERT_TRUE(h.advance_head(std::nullopt, c1, "first"));
  EXPECT_EQ(h.head(), c1);
  EXPECT_EQ(History::open(git_dir).head(), c1);
  EXPECT_EQ(git(git_dir, "fsck --full --strict"), 0);
}

TEST_F(HistoryTest, BlobIdsAreGitBlobIds) {
  auto c1 = h.write_commit({}, {{"a.json", "hello\n"}}, kAuthor, "blob");
  // `git hash-object` of "hello\n".
  EXPECT_EQ(h.blob_id(c1, "a.json"), "ce013625030ba8dba906f756967f9e9ca394464a");
}

TEST_F(HistoryTest, SecondCommitChangesAndDeletesFiles) {
  auto c1 = h.write_commit({}, {{contact_path(1), content(1)}, {contact_path(2), content(2)},
                                {"orgs/example-org.json", "{}\n"}},
                           kAuthor, "one");
  ASSERT_TRUE(h.advance_head(std::nullopt, c1, "one"));
  auto c2 = h.write_commit({c1}, {{contact_path(1), content(1, "v2")}, {contact_path(2), std::nullopt}}, kAuthor, "two");
  ASSERT_TRUE(h.advance_head(c1, c2, "two"));

  EXPECT_EQ(h.commit_info(c2).parents, std::vector<CommitId>{c1});
  EXPECT_EQ(h.read_file(c2, contact_path(1)), content(1, "v2"));
  EXPECT_FALSE(h.read_file(c2, contact_path(2)).has_value());
  EXPECT_EQ(h.read_file(c2, "orgs/example-org.json"), "{}\n") << "untouched files carry over";
  EXPECT_EQ(h.read_file(c1, contact_path(2)), content(2)) << "old commits keep their content";

  auto diffs = h.diff(c1, c2);
  ASSERT_EQ(diffs.size(), 2u);
  std::map<std::string, FileDiff> by_path;
  for (auto& d : diffs) by_path[d.path] = d;
  ASSERT_TRUE(by_path.count(contact_path(1)));
  EXPECT_EQ(by_path[contact_path(1)].old_content, content(1));
  EXPECT_EQ(by_path[contact_path(1)].new_content, content(1, "v2"));
  ASSERT_TRUE(by_path.count(contact_path(2)));
  EXPECT_EQ(by_path[contact_path(2)].old_content, content(2));
  EXPECT_FALSE(by_path[contact_path(2)].new_content.has_value());

  auto from_empty = h.diff(std::nullopt, c1);
  EXPECT_EQ(from_empty.size(), 3u);
  for (const auto& d : from_empty) {
    EXPECT_FALSE(d.old_content.has_value()) << d.path;
    EXPECT_TRUE(d.new_content.has_value()) << d.path;
  }

  std::set<std::string> files;
  h.for_each_file(c2, [&](const std::string& path, std::string_view) { files.insert(path); });
  EXPECT_EQ(files, (std::set<std::string>{contact_path(1), "orgs/example-org.json"}));
  // One folder only, paths still whole; a folder the tree lacks has no file.
  std::map<std::string, std::string> in_folder;
  h.for_each_file(c2, [&](const std::string& path, std::string_view text) { in_folder[path] = text; }, "contacts");
  EXPECT_EQ(in_folder, (std::map<std::string, std::string>{{contact_path(1), content(1, "v2")}}));
  std::size_t none = 0;
  h.for_each_file(c2, [&](const std::string&, std::string_view) { ++none; }, "offers");
  EXPECT_EQ(none, 0u);
  EXPECT_EQ(git(git_dir, "fsck --full --strict"), 0);
}

TEST_F(HistoryTest, LogIsNewestFirstAndFiltersByPath) {
  auto c1 = h.write_commit({}, {{"a.json", "1\n"}, {"b.json", "1\n"}}, kAuthor, "c1");
  auto c2 = h.write_commit({c1}, {{"a.json", "2\n"}}, kAuthor, "c2");
  auto c3 = h.write_commit({c2}, {{"b.json", "2\n"}}, kAuthor, "c3");
  auto c4 = h.write_commit({c3}, {{"a.json", std::nullopt}}, kAuthor, "c4");
  auto c5 = h.write_commit({c4}, {{"c.json", "1\n"}}, kAuthor, "c5");
  ASSERT_TRUE(h.advance_head(std::nullopt, c5, "log"));

  auto ids = [](const std::vector<CommitInfo>& infos) {
    std::vector<CommitId> out;
    for (const auto& i : infos) out.push_back(i.id);
    return out;
  };
  EXPECT_EQ(ids(h.log()), (std::vector<CommitId>{c5, c4, c3, c2, c1}));
  EXPECT_EQ(ids(h.log(std::string("a.json"))), (std::vector<CommitId>{c4, c2, c1})) << "creation, change, deletion";
  EXPECT_EQ(ids(h.log(std::string("b.json"))), (std::vector<CommitId>{c3, c1}));
  EXPECT_EQ(ids(h.log(std::string("c.json"))), (std::vector<CommitId>{c5}));
  EXPECT_TRUE(h.log(std::string("never.json")).empty());
  EXPECT_EQ(ids(h.log(std::nullopt, 2)), (std::vector<CommitId>{c5, c4}));
  EXPECT_EQ(ids(h.log(std::string("a.json"), 1)), (std::vector<CommitId>{c4}));
  EXPECT_EQ(ids(h.log(std::nullopt, 0, c3)), (std::vector<CommitId>{c3, c2, c1}));
  EXPECT_EQ(ids(h.log(std::string("a.json"), 0, c3)), (std::vector<CommitId>{c2, c1}));
}

TEST_F(HistoryTest, ResolvesRevisions) {
  auto c1 = h.write_commit({}, {{"a.json", "1\n"}}, kAuthor, "c1");
  auto c2 = h.write_commit({c1}, {{"a.json", "2\n"}}, kAuthor, "c2");
  ASSERT_TRUE(h.advance_head(std::nullopt, c2, "rev"));
  EXPECT_EQ(h.resolve("HEAD"), c2);
  EXPECT_EQ(h.resolve("main"), c2);
  EXPECT_EQ(h.resolve("HEAD~1"), c1);
  EXPECT_EQ(h.resolve(c1), c1);
  EXPECT_EQ(h.resolve(c1.substr(0, 10)), c1);
  EXPECT_THROW(h.resolve("HEAD~5"), UserError);
  EXPECT_THROW(h.resolve("no-such-branch"), UserError);
  EXPECT_THROW(h.resolve("0000000000000000000000000000000000000000"), UserError);
}

TEST_F(HistoryTest, AdvanceHeadIsACompareAndSwap) {
  auto c1 = h.write_commit({}, {{"a.json", "1\n"}}, kAuthor, "c1");
  auto c2 = h.write_commit({c1}, {{"a.json", "2\n"}}, kAuthor, "c2");
  auto c3 = h.write_commit({c1}, {{"a.json", "3\n"}}, kAuthor, "c3 (concurrent)");
  ASSERT_TRUE(h.advance_head(std::nullopt, c1, "c1"));
  EXPECT_FALSE(h.advance_head(std::nullopt, c2, "expects an empty history")) << "head already exists";
  EXPECT_EQ(h.head(), c1);
  ASSERT_TRUE(h.advance_head(c1, c2, "c2"));
  // A second writer that read c1 as the head must not overwrite c2.
  EXPECT_FALSE(h.advance_head(c1, c3, "stale"));
  EXPECT_EQ(h.head(), c2);
  // Another handle on the same history sees the same head and obeys the same rule.
  auto other = History::open(git_dir);
  EXPECT_FALSE(other.advance_head(c1, c3, "stale too"));
  EXPECT_TRUE(other.advance_head(c2, c3, "fresh"));
  EXPECT_EQ(h.head(), c3);
}

// A writer killed while moving a ref leaves its .lock, which refuses every
// later move of that ref: main's sweep takes main's and packed-refs' only
// (a segment ref may be moving on another thread), the full sweep every one.
TEST_F(HistoryTest, StaleRefLocksAreRemovedMainsAloneOrEveryOne) {
  auto c1 = h.write_commit({}, {{"a.json", "1\n"}}, kAuthor, "c1");
  ASSERT_TRUE(h.advance_head(std::nullopt, c1, "c1"));
  h.set_ref("refs/segments/org/cis-atc", c1);
  auto touch = [&](const std::filesystem::path& p) {
    std::filesystem::create_directories(p.parent_path());
    std::ofstream(p) << "";
  };
  auto segment_lock = git_dir / "refs/segments/org/cis-atc.lock";
  touch(git_dir / "refs/heads/main.lock");
  touch(segment_lock);
  EXPECT_THROW(h.set_ref("refs/segments/org/cis-atc", c1), Failure) << "the stale lock refuses the move";
  EXPECT_EQ(h.remove_stale_ref_locks(), 1);
  EXPECT_TRUE(std::filesystem::exists(segment_lock));
  touch(git_dir / "packed-refs.lock");
  EXPECT_EQ(h.remove_every_stale_ref_lock(), 2);
  EXPECT_FALSE(std::filesystem::exists(segment_lock));
  EXPECT_NO_THROW(h.set_ref("refs/segments/org/cis-atc", c1));
  EXPECT_EQ(git_output(git_dir, "rev-parse refs/segments/org/cis-atc"), c1 + "\n");
  EXPECT_EQ(h.remove_every_stale_ref_lock(), 0);
}

TEST_F(HistoryTest, AdvanceHeadExpectingAHeadThatDoesNotExistReturnsFalse) {
  auto c1 = h.write_commit({}, {{"a.json", "1\n"}}, kAuthor, "c1");
  auto c2 = h.write_commit({c1}, {{"a.json", "2\n"}}, kAuthor, "c2");
  bool moved = true;
  std::string error;
  try {
    moved = h.advance_head(c1, c2, "expects a head that is not there");
  } catch (const Failure& e) {
    error = e.what();
  }
  EXPECT_FALSE(h.head().has_value()) << "the head must not be created";
  EXPECT_EQ(error, "");
  EXPECT_FALSE(moved);
}

TEST_F(HistoryTest, BulkCommitIsOneValidPack) {
  // A small base commit, then a bulk commit on top of it that adds 300
  // files across many folders, changes one base file and deletes another.
  auto base = h.write_commit({}, {{contact_path(1000), content(1000)}, {contact_path(1001), content(1001)},
                                  {"orgs/example-org.json", "{}\n"}},
                             kAuthor, "base");
  ASSERT_TRUE(h.advance_head(std::nullopt, base, "base"));
  std::size_t packs_before = count_packs(git_dir);

  std::vector<FileChange> changes;
  for (int i = 0; i < 300; ++i) changes.push_back({contact_path(i), content(i)});
  changes.push_back({"orgs/other-org.json", "{\"slug\":\"other-org\"}\n"});
  changes.push_back({contact_path(1000), content(1000, "v2")});
  changes.push_back({contact_path(1001), std::nullopt});
  ASSERT_GT(changes.size(), 128u);
  auto bulk = h.write_commit({base}, changes, kAuthor, "Bulk import of 300 contacts\n");
  EXPECT_EQ(count_packs(git_dir), packs_before + 1) << "the bulk commit is written as one pack";
  ASSERT_TRUE(h.advance_head(base, bulk, "bulk"));

  // The pack is a valid git pack, the objects are all reachable and sound.
  EXPECT_EQ(git(git_dir, "fsck --full --strict --no-dangling"), 0);
  for (const auto& e : std::filesystem::directory_iterator(git_dir / "objects" / "pack")) {
    if (e.path().extension() == ".idx") {
      EXPECT_EQ(git(git_dir, "verify-pack '" + e.path().string() + "'"), 0) << e.path();
    }
  }
  // git itself reads the files.
  EXPECT_EQ(git_output(git_dir, "show main:" + contact_path(42)), content(42));
  EXPECT_EQ(git_output(git_dir, "rev-list --count main"), "2\n");

  // Read back through History.
  EXPECT_EQ(h.commit_info(bulk).parents, std::vector<CommitId>{base});
  EXPECT_EQ(h.commit_info(bulk).author.email, "unit.test@example.org");
  EXPECT_EQ(h.commit_info(bulk).message, "Bulk import of 300 contacts\n");
  for (int i : {0, 1, 128, 255, 256, 299}) EXPECT_EQ(h.read_file(bulk, contact_path(i)), content(i)) << i;
  EXPECT_EQ(h.read_file(bulk, contact_path(1000)), content(1000, "v2"));
  EXPECT_FALSE(h.read_file(bulk, contact_path(1001)).has_value());
  EXPECT_EQ(h.read_file(bulk, "orgs/example-org.json"), "{}\n");
  std::size_t files = 0;
  h.for_each_file(bulk, [&](const std::string&, std::string_view) { ++files; });
  EXPECT_EQ(files, 300u + 1 + 1 + 1);

  auto diffs = h.diff(base, bulk);
  EXPECT_EQ(diffs.size(), 303u);
  auto log = h.log(contact_path(1001));
  ASSERT_EQ(log.size(), 2u);
  EXPECT_EQ(log[0].id, bulk);
  EXPECT_EQ(log[1].id, base);
  EXPECT_EQ(h.log(contact_path(7)).size(), 1u);
  EXPECT_TRUE(h.log(contact_path(1)).front().id == bulk);
}

// Bytes of the newest pack under `git_dir`.
std::uintmax_t newest_pack_size(const std::filesystem::path& git_dir) {
  auto newest = std::filesystem::file_time_type::min();
  std::uintmax_t size = 0;
  for (const auto& e : std::filesystem::directory_iterator(git_dir / "objects" / "pack"))
    if (e.path().extension() == ".pack" && e.last_write_time() >= newest) {
      newest = e.last_write_time();
      size = e.file_size();
    }
  return size;
}

TEST_F(HistoryTest, BulkPacksAreStoredUnlessCoreCompressionIsSet) {
  // 200 files of 2 KB that compress well: stored, the pack holds every byte;
  // with core.compression set, a fraction of them. Both are sound packs.
  auto files = [](const std::string& version) {
    std::vector<FileChange> out;
    for (int i = 0; i < 200; ++i) {
      std::string text;
      while (text.size() < 2000) text += "{\"role\": \"Focal point for border security\", \"v\": \"" + version + "\"}\n";
      out.push_back({contact_path(i), text + std::to_string(i)});
    }
    return out;
  };
  EXPECT_EQ(h.pack_compression_level(), 0);
  auto first = h.write_commit({}, files("1"), kAuthor, "stored");
  ASSERT_TRUE(h.advance_head(std::nullopt, first, "stored"));
  EXPECT_GT(newest_pack_size(git_dir), 200u * 2000);

  ASSERT_EQ(git(git_dir, "config core.compression 6"), 0);
  EXPECT_EQ(h.pack_compression_level(), 6);
  auto second = h.write_commit({first}, files("2"), kAuthor, "compressed");
  ASSERT_TRUE(h.advance_head(first, second, "compressed"));
  EXPECT_LT(newest_pack_size(git_dir), 200u * 2000 / 4);
  EXPECT_EQ(git(git_dir, "fsck --full --strict --no-dangling"), 0);
  EXPECT_EQ(h.read_file(first, contact_path(7)), files("1")[7].content);
  EXPECT_EQ(git_output(git_dir, "show main:" + contact_path(7)), files("2")[7].content);

  ASSERT_EQ(git(git_dir, "config core.compression -1"), 0);
  EXPECT_EQ(h.pack_compression_level(), 6) << "-1 is zlib's default";
  ASSERT_EQ(git(git_dir, "config pack.compression 2"), 0);
  EXPECT_EQ(h.pack_compression_level(), 2) << "pack.compression comes first, as in git";
  ASSERT_EQ(git(git_dir, "config pack.compression 12"), 0);
  EXPECT_THROW(h.pack_compression_level(), UserError);
}

TEST_F(HistoryTest, BulkTreeEqualsTheTreeLibgit2Builds) {
  // The same changes written in small batches (libgit2's tree builder) and
  // in one bulk commit (our tree writer) give the same tree id.
  std::vector<FileChange> all;
  for (int i = 0; i < 200; ++i) all.push_back({contact_path(i * 7), content(i)});
  all.push_back({"orgs/example-org.json", "{}\n"});
  all.push_back({"areas/border.json", "{\"code\":\"border\"}\n"});
  all.push_back({"areas/border-api-pnr.json", "{\"code\":\"border-api-pnr\"}\n"});
  // Git sorts a folder as if its name ended in '/': "border-x" < "border.json" < "border/" < "border0".
  all.push_back({"areas/border/sub.json", "{\"code\":\"sub\"}\n"});
  all.push_back({"areas/border0.json", "{\"code\":\"border0\"}\n"});
  all.push_back({"areas/border-x.json", "{\"code\":\"border-x\"}\n"});

  auto bulk = h.write_commit({}, all, kAuthor, "bulk");
  std::optional<CommitId> small;
  for (std::size_t start = 0; start < all.size(); start += 100) {
    std::vector<FileChange> batch(all.begin() + start, all.begin() + std::min(all.size(), start + 100));
    small = h.write_commit(small ? std::vector<CommitId>{*small} : std::vector<CommitId>{}, batch, kAuthor, "small");
  }
  EXPECT_EQ(tree_of(h, bulk), tree_of(h, *small));

  // Deleting most files in bulk matches deleting them in small batches, and
  // a folder emptied by the deletions disappears.
  std::vector<FileChange> removals;
  for (int i = 0; i < 200; ++i) removals.push_back({contact_path(i * 7), std::nullopt});
  auto bulk_removed = h.write_commit({bulk}, removals, kAuthor, "bulk removal");
  std::optional<CommitId> small_removed = *small;
  for (std::size_t start = 0; start < removals.size(); start += 100) {
    std::vector<FileChange> batch(removals.begin() + start, removals.begin() + std::min(removals.size(), start + 100));
    small_removed = h.write_commit({*small_removed}, batch, kAuthor, "small removal");
  }
  EXPECT_EQ(tree_of(h, bulk_removed), tree_of(h, *small_removed));
  bool any_contact = false;
  h.for_each_file(bulk_removed, [&](const std::string& path, std::string_view) {
    any_contact |= path.rfind("contacts/", 0) == 0;
  });
  EXPECT_FALSE(any_contact);
  ASSERT_TRUE(h.advance_head(std::nullopt, bulk_removed, "bulk removal"));
  EXPECT_EQ(git(git_dir, "fsck --full --strict"), 0);
  EXPECT_EQ(git_output(git_dir, "ls-tree --name-only main"), "areas\norgs\n");
}

TEST_F(HistoryTest, BulkCommitWithTwoParents) {
  auto a = h.write_commit({}, {{"a.json", "1\n"}}, kAuthor, "a");
  auto b = h.write_commit({a}, {{"b.json", "1\n"}}, kAuthor, "b");
  auto c = h.write_commit({a}, {{"c.json", "1\n"}}, kAuthor, "c");
  std::vector<FileChange> changes{{"c.json", "1\n"}};
  for (int i = 0; i < 150; ++i) changes.push_back({contact_path(i), content(i)});
  auto merge = h.write_commit({b, c}, changes, kAuthor, "merge");
  EXPECT_EQ(h.commit_info(merge).parents, (std::vector<CommitId>{b, c}));
  EXPECT_EQ(h.read_file(merge, "b.json"), "1\n") << "first parent's tree is the base";
  ASSERT_TRUE(h.advance_head(std::nullopt, merge, "merge"));
  EXPECT_EQ(git(git_dir, "fsck --full --strict --no-dangling"), 0);
  EXPECT_EQ(h.log().size(), 4u);
  // A merge that keeps a file as one of its parents had it is not in the file's log.
  auto b_log = h.log(std::string("b.json"));
  ASSERT_EQ(b_log.size(), 1u);
  EXPECT_EQ(b_log[0].id, b);
  auto c_log = h.log(std::string("c.json"));
  ASSERT_EQ(c_log.size(), 1u);
  EXPECT_EQ(c_log[0].id, c);
  EXPECT_EQ(h.log(contact_path(3)).front().id, merge);
}

TEST_F(HistoryTest, BulkCommitWithIdenticalFilesIsReadable) {
  // Two files with the same bytes are one blob. The pack must still be
  // readable (its header counts the objects its index lists).
  std::vector<FileChange> changes;
  for (int i = 0; i < 200; ++i) changes.push_back({contact_path(i), content(i)});
  changes.push_back({"orgs/a.json", "{}\n"});
  changes.push_back({"orgs/b.json", "{}\n"});
  auto bulk = h.write_commit({}, changes, kAuthor, "bulk with twins");
  std::optional<std::string> read;
  std::string error;
  try {
    read = h.read_file(bulk, "orgs/b.json");
  } catch (const Failure& e) {
    error = e.what();
  }
  EXPECT_EQ(error, "");
  EXPECT_EQ(read, "{}\n");
  ASSERT_TRUE(h.advance_head(std::nullopt, bulk, "bulk"));
  EXPECT_EQ(git(git_dir, "fsck --full --strict"), 0);
}

}  // namespace
}  // namespace liaison
