// Unit tests of the pack writer (git/pack_writer.h): object ids agree with
// libgit2's, a pack written at any level is one pack-<checksum>.{pack,idx}
// that libgit2 and `git verify-pack` read back to the same objects, identical
// objects are stored once, objects the repository holds are skipped, an empty
// writer writes nothing, finish()'s bytes index into another repository, a
// write that fails before its index is in place leaves no readable pack, the
// same pack can be written after a failed write, and a writer that spools
// its pack to a file in pieces writes the pack a held one writes (objects
// larger than a piece included), which libgit2, git and History read back,
// removes its file when dropped and can retry a failed write.
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <filesystem>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "base/error.h"
#include "git/git_handles.h"
#include "git/history.h"
#include "git/pack_writer.h"
#include "tests/unit/temp_copy.h"

namespace liaison {
namespace {

namespace fs = std::filesystem;

std::string command_output(const std::string& cmd, int* status) {
  std::string out;
  FILE* p = popen((cmd + " 2>/dev/null").c_str(), "r");
  if (!p) {
    *status = -1;
    return out;
  }
  char buf[4096];
  std::size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  *status = pclose(p);
  return out;
}

git_oid libgit2_id(git_object_t type, const std::string& content) {
  git_oid oid;
  EXPECT_EQ(git_odb_hash(&oid, content.data(), content.size(), type), 0);
  return oid;
}

std::string raw_id(const git_oid& oid) { return std::string(reinterpret_cast<const char*>(oid.id), GIT_OID_RAWSZ); }

// Bytes zlib cannot shrink much, so that sizes say whether a level compressed.
std::string noisy(std::size_t size, unsigned seed) {
  std::string out(size, '\0');
  for (auto& c : out) {
    seed = seed * 1103515245u + 12345u;
    c = static_cast<char>(seed >> 16);
  }
  return out;
}

struct Object {
  git_object_t type;
  std::string content;
};

class PackWriterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    git_library_init();
    git_dir = dir / "history.git";
    repo = init_repository(git_dir);
  }

  static GitRepository init_repository(const fs::path& path) {
    git_repository* r = nullptr;
    EXPECT_EQ(git_repository_init(&r, path.c_str(), 1), 0);
    return GitRepository(r);
  }

  // A blob, a tree naming it, a commit of that tree, an empty blob and a
  // blob large enough to need a several-byte size in its pack header.
  std::vector<Object> sample_objects() {
    std::vector<Object> out;
    std::string record = "{\"email\":\"jane.doe@example.org\",\"id\":\"3fa2c1d9\",\"name\":\"Jane Doe\"}\n";
    out.push_back({GIT_OBJECT_BLOB, record});
    git_oid blob = libgit2_id(GIT_OBJECT_BLOB, record);
    std::string tree = "100644 3fa2c1d9.json";
    tree.push_back('\0');
    tree += raw_id(blob);
    out.push_back({GIT_OBJECT_TREE, tree});
    std::string commit = "tree " + oid_hex(libgit2_id(GIT_OBJECT_TREE, tree)) +
                         "\nauthor Unit Test <unit.test@example.org> 1764547200 +0000"
                         "\ncommitter Unit Test <unit.test@example.org> 1764547200 +0000\n\nAdd contact\n";
    out.push_back({GIT_OBJECT_COMMIT, commit});
    out.push_back({GIT_OBJECT_BLOB, ""});
    out.push_back({GIT_OBJECT_BLOB, noisy(300000, 7)});
    return out;
  }

  std::vector<fs::path> files_in_pack_dir() const {
    std::vector<fs::path> out;
    auto pack_dir = git_dir / "objects" / "pack";
    if (!fs::exists(pack_dir)) return out;
    for (const auto& e : fs::directory_iterator(pack_dir)) out.push_back(e.path());
    return out;
  }

  std::vector<fs::path> with_extension(const std::string& ext) const {
    std::vector<fs::path> out;
    for (const auto& p : files_in_pack_dir())
      if (p.extension() == ext && p.filename().string().starts_with("pack-")) out.push_back(p);
    return out;
  }

  // `git verify-pack -v` of the one pack written: its listing, or nullopt
  // (with a failure recorded) when there is not exactly one or git refuses it.
  std::optional<std::string> verify_pack_listing() const {
    auto indexes = with_extension(".idx");
    if (indexes.size() != 1) {
      ADD_FAILURE() << indexes.size() << " packs written, not one";
      return std::nullopt;
    }
    int status = 0;
    auto out = command_output("git verify-pack -v '" + indexes[0].string() + "'", &status);
    if (status != 0) {
      ADD_FAILURE() << "git verify-pack refused the pack: " << out;
      return std::nullopt;
    }
    return out;
  }

  std::size_t loose_object_count() const {
    std::size_t n = 0;
    for (const auto& e : fs::directory_iterator(git_dir / "objects")) {
      auto name = e.path().filename().string();
      if (e.is_directory() && name.size() == 2) n += std::distance(fs::directory_iterator(e.path()), {});
    }
    return n;
  }

  // Reads every object through a new handle on the repository and checks
  // its type and bytes.
  void expect_readable(const fs::path& path, const std::vector<Object>& objects) {
    git_repository* r = nullptr;
    ASSERT_EQ(git_repository_open_bare(&r, path.c_str()), 0);
    GitRepository fresh(r);
    auto odb = object_store(r);
    git_odb* o = odb.get();
    for (const auto& obj : objects) {
      git_oid id = libgit2_id(obj.type, obj.content);
      git_odb_object* read = nullptr;
      ASSERT_EQ(git_odb_read(&read, o, &id), 0) << oid_hex(id);
      EXPECT_EQ(git_odb_object_type(read), obj.type);
      std::string bytes(static_cast<const char*>(git_odb_object_data(read)), git_odb_object_size(read));
      EXPECT_TRUE(bytes == obj.content) << oid_hex(id) << ": other bytes read back";
      git_odb_object_free(read);
    }
  }

  test::TempDir dir;
  fs::path git_dir;
  GitRepository repo;
};

TEST_F(PackWriterTest, ObjectIdIsTheIdLibgit2Computes) {
  for (const auto& obj : sample_objects()) {
    git_oid ours = object_id(obj.type, obj.content);
    git_oid theirs = libgit2_id(obj.type, obj.content);
    EXPECT_TRUE(git_oid_equal(&ours, &theirs)) << git_object_type2string(obj.type);
  }
  // The empty blob's id is well known.
  EXPECT_EQ(oid_hex(object_id(GIT_OBJECT_BLOB, "")), "e69de29bb2d1d6434b8b29ae775ad8c2e48c5391");
  // The type is part of what is hashed.
  EXPECT_NE(oid_hex(object_id(GIT_OBJECT_BLOB, "x")), oid_hex(object_id(GIT_OBJECT_COMMIT, "x")));
}

TEST_F(PackWriterTest, WrittenPackGivesBackTheSameObjectsAtEveryLevel) {
  auto objects = sample_objects();
  for (int level : {0, 1, 6, 12}) {
    SCOPED_TRACE("level " + std::to_string(level));
    test::TempDir level_dir;
    auto path = level_dir / "history.git";
    auto r = init_repository(path);
    PackWriter pack(level);
    for (const auto& obj : objects) {
      git_oid id = pack.add(obj.type, obj.content);
      EXPECT_EQ(oid_hex(id), oid_hex(libgit2_id(obj.type, obj.content)));
    }
    EXPECT_EQ(pack.size(), objects.size());
    pack.write(path);
    EXPECT_EQ(pack.size(), 0u) << "a written writer starts again empty";

    std::vector<fs::path> packs, indexes;
    for (const auto& e : fs::directory_iterator(path / "objects" / "pack")) {
      auto name = e.path().filename().string();
      EXPECT_TRUE(name.starts_with("pack-")) << name << " left behind";
      if (e.path().extension() == ".pack") packs.push_back(e.path());
      if (e.path().extension() == ".idx") indexes.push_back(e.path());
    }
    ASSERT_EQ(packs.size(), 1u);
    ASSERT_EQ(indexes.size(), 1u);
    EXPECT_EQ(packs[0].stem(), indexes[0].stem());
    expect_readable(path, objects);
  }
}

TEST_F(PackWriterTest, GitVerifyPackAcceptsThePackAndListsEveryObject) {
  auto objects = sample_objects();
  PackWriter pack;
  for (const auto& obj : objects) pack.add(obj.type, obj.content);
  pack.write(git_dir);
  auto listing = verify_pack_listing();
  ASSERT_TRUE(listing.has_value());
  const std::string& out = *listing;
  // Lines "<id> <type> <size> <size in pack> <offset>", then a summary.
  std::map<std::string, std::pair<std::string, std::size_t>> listed;
  std::istringstream lines(out);
  std::string line;
  while (std::getline(lines, line)) {
    std::istringstream words(line);
    std::string id, type;
    std::size_t size = 0;
    if (words >> id >> type >> size && id.size() == 40) listed[id] = {type, size};
  }
  ASSERT_EQ(listed.size(), objects.size()) << out;
  for (const auto& obj : objects) {
    auto id = oid_hex(libgit2_id(obj.type, obj.content));
    ASSERT_TRUE(listed.count(id)) << id << " missing from " << out;
    EXPECT_EQ(listed[id].first, git_object_type2string(obj.type));
    EXPECT_EQ(listed[id].second, obj.content.size());
  }
  EXPECT_EQ(out.find("chain length"), std::string::npos) << "the pack has no deltas";

  // The pack is named by its checksum, the last 20 bytes of the pack file.
  auto packs = with_extension(".pack");
  ASSERT_EQ(packs.size(), 1u);
  std::string bytes;
  {
    FILE* f = std::fopen(packs[0].c_str(), "rb");
    ASSERT_NE(f, nullptr);
    char buf[65536];
    std::size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0) bytes.append(buf, n);
    std::fclose(f);
  }
  ASSERT_GT(bytes.size(), 32u);
  git_oid checksum;
  git_oid_fromraw(&checksum, reinterpret_cast<const unsigned char*>(bytes.data() + bytes.size() - 20));
  EXPECT_EQ(packs[0].filename().string(), "pack-" + oid_hex(checksum) + ".pack");

  // git itself finds every object in the repository.
  int status = 0;
  for (const auto& obj : objects) {
    auto id = oid_hex(libgit2_id(obj.type, obj.content));
    auto type = command_output("git --git-dir='" + git_dir.string() + "' cat-file -t " + id, &status);
    EXPECT_EQ(status, 0) << id;
    EXPECT_EQ(type, std::string(git_object_type2string(obj.type)) + "\n");
  }
  command_output("git --git-dir='" + git_dir.string() + "' fsck --strict", &status);
  EXPECT_EQ(status, 0);
}

TEST_F(PackWriterTest, LevelZeroStoresAndHigherLevelsCompress) {
  std::string repetitive;
  for (int i = 0; i < 2000; ++i) repetitive += "{\"email\":\"contact" + std::to_string(i) + "@example.org\"}\n";
  std::map<int, std::size_t> sizes;
  for (int level : {0, 1, 9}) {
    PackWriter pack(level);
    pack.add(GIT_OBJECT_BLOB, repetitive);
    sizes[level] = pack.finish().size();
  }
  // Stored deflate blocks cost a few bytes more than the content itself.
  EXPECT_GT(sizes[0], repetitive.size());
  EXPECT_LT(sizes[1], repetitive.size() / 2);
  EXPECT_LE(sizes[9], sizes[1]);
}

TEST_F(PackWriterTest, IdenticalObjectsAreStoredOnce) {
  PackWriter pack;
  git_oid first = pack.add(GIT_OBJECT_BLOB, "{\"id\":\"same\"}\n");
  git_oid second = pack.add(GIT_OBJECT_BLOB, "{\"id\":\"same\"}\n");
  EXPECT_TRUE(git_oid_equal(&first, &second));
  // Same bytes, other type: another object.
  pack.add(GIT_OBJECT_COMMIT, "{\"id\":\"same\"}\n");
  EXPECT_EQ(pack.size(), 2u);
  pack.write(git_dir);

  auto listing = verify_pack_listing();
  ASSERT_TRUE(listing.has_value());
  const std::string& out = *listing;
  EXPECT_NE(out.find(oid_hex(first) + " blob"), std::string::npos) << out;
  std::size_t ids = 0;
  std::istringstream lines(out);
  std::string line;
  while (std::getline(lines, line))
    if (line.size() > 41 && line[40] == ' ') ++ids;
  EXPECT_EQ(ids, 2u) << out;
}

TEST_F(PackWriterTest, EmptyWriterWritesNoFile) {
  PackWriter pack;
  pack.write(git_dir);
  EXPECT_TRUE(files_in_pack_dir().empty());
  EXPECT_EQ(loose_object_count(), 0u);
}

TEST_F(PackWriterTest, ObjectsTheRepositoryHoldsAreSkippedButStillNamed) {
  auto odb = object_store(repo.get());
  git_odb* o = odb.get();
  std::string held = "{\"id\":\"held\"}\n";
  git_oid held_id;
  ASSERT_EQ(git_odb_write(&held_id, o, held.data(), held.size(), GIT_OBJECT_BLOB), 0);

  PackWriter pack;
  pack.skip_objects_in(o);
  git_oid returned = pack.add(GIT_OBJECT_BLOB, held);
  EXPECT_TRUE(git_oid_equal(&returned, &held_id));
  EXPECT_EQ(pack.size(), 0u);
  pack.add(GIT_OBJECT_BLOB, "{\"id\":\"new\"}\n");
  EXPECT_EQ(pack.size(), 1u);
  pack.write(git_dir);

  auto listing = verify_pack_listing();
  ASSERT_TRUE(listing.has_value());
  const std::string& out = *listing;
  EXPECT_EQ(out.find(oid_hex(held_id)), std::string::npos) << "a held object was packed again";
  expect_readable(git_dir, {{GIT_OBJECT_BLOB, held}, {GIT_OBJECT_BLOB, "{\"id\":\"new\"}\n"}});
}

TEST_F(PackWriterTest, FinishedBytesIndexIntoAnotherRepository) {
  auto objects = sample_objects();
  PackWriter pack(0);
  for (const auto& obj : objects) pack.add(obj.type, obj.content);
  std::string bytes = pack.finish();
  EXPECT_EQ(pack.size(), 0u);
  EXPECT_TRUE(files_in_pack_dir().empty()) << "finish() writes no file";

  ASSERT_GT(bytes.size(), 32u);
  EXPECT_EQ(bytes.substr(0, 4), "PACK");
  EXPECT_EQ(bytes.substr(4, 4), std::string("\0\0\0\2", 4));
  std::uint32_t count = 0;
  for (int i = 8; i < 12; ++i) count = (count << 8) | static_cast<unsigned char>(bytes[i]);
  EXPECT_EQ(count, objects.size());

  auto odb = object_store(repo.get());
  git_odb* o = odb.get();
  git_odb_writepack* writer = nullptr;
  ASSERT_EQ(git_odb_write_pack(&writer, o, nullptr, nullptr), 0);
  git_indexer_progress stats{};
  int rc = writer->append(writer, bytes.data(), bytes.size(), &stats);
  if (rc == 0) rc = writer->commit(writer, &stats);
  writer->free(writer);
  ASSERT_EQ(rc, 0) << (git_error_last() ? git_error_last()->message : "");
  EXPECT_EQ(stats.indexed_objects, objects.size());
  expect_readable(git_dir, objects);

  // A damaged byte is caught by the indexer's checksum.
  std::string damaged = bytes;
  damaged[damaged.size() / 2] ^= 0x20;
  test::TempDir other;
  auto other_repo = init_repository(other / "history.git");
  auto odb2 = object_store(other_repo.get());
  git_odb* o2 = odb2.get();
  ASSERT_EQ(git_odb_write_pack(&writer, o2, nullptr, nullptr), 0);
  rc = writer->append(writer, damaged.data(), damaged.size(), &stats);
  if (rc == 0) rc = writer->commit(writer, &stats);
  writer->free(writer);
  EXPECT_NE(rc, 0);
}

// Blocks the temporary index name of the pack `objects` make with a folder,
// so that write() fails after writing the temporary pack; returns the folder.
fs::path block_index_of(const fs::path& git_dir, const std::vector<Object>& objects) {
  // The same objects in the same order give the same pack, whose checksum
  // names the temporary files.
  PackWriter twin;
  for (const auto& obj : objects) twin.add(obj.type, obj.content);
  std::string bytes = twin.finish();
  git_oid checksum;
  git_oid_fromraw(&checksum, reinterpret_cast<const unsigned char*>(bytes.data() + bytes.size() - 20));
  auto blocker = git_dir / "objects" / "pack" / ("tmp_pack-" + oid_hex(checksum) + ".idx");
  fs::create_directories(blocker);
  return blocker;
}

TEST_F(PackWriterTest, FailedIndexWriteLeavesNoReadablePack) {
  auto objects = sample_objects();
  block_index_of(git_dir, objects);
  PackWriter pack;
  for (const auto& obj : objects) pack.add(obj.type, obj.content);
  EXPECT_THROW(pack.write(git_dir), Failure);
  EXPECT_TRUE(with_extension(".pack").empty());
  EXPECT_TRUE(with_extension(".idx").empty());
  // The writer keeps its objects for another attempt.
  EXPECT_EQ(pack.size(), objects.size());

  git_repository* r = nullptr;
  ASSERT_EQ(git_repository_open_bare(&r, git_dir.c_str()), 0);
  GitRepository fresh(r);
  auto odb = object_store(r);
  git_odb* o = odb.get();
  for (const auto& obj : objects) {
    git_oid id = libgit2_id(obj.type, obj.content);
    EXPECT_FALSE(git_odb_exists(o, &id)) << oid_hex(id);
  }
}

TEST_F(PackWriterTest, SamePackCanBeWrittenAfterAFailedWrite) {
  auto objects = sample_objects();
  auto blocker = block_index_of(git_dir, objects);
  {
    PackWriter failed;
    for (const auto& obj : objects) failed.add(obj.type, obj.content);
    EXPECT_THROW(failed.write(git_dir), Failure);
  }
  fs::remove_all(blocker);
  // A failed write cleans up after itself (its files are created 0444, so
  // a left-over one would refuse a retry by anyone but root).
  for (const auto& p : files_in_pack_dir())
    EXPECT_FALSE(p.filename().string().starts_with("tmp_")) << p << " left behind";

  PackWriter pack;
  for (const auto& obj : objects) pack.add(obj.type, obj.content);
  EXPECT_NO_THROW(pack.write(git_dir));
  ASSERT_EQ(with_extension(".idx").size(), 1u);
  expect_readable(git_dir, objects);
}

// What an import's pack holds: many small records, trees, and blobs larger
// than the 1 MiB pieces a spooling writer writes its file in (one of them
// compresses little), so that objects straddle pieces.
std::vector<Object> spooled_sample(std::vector<Object> objects) {
  for (int i = 0; i < 3000; ++i)
    objects.push_back({GIT_OBJECT_BLOB, "{\"id\":\"" + std::to_string(i) + "\",\"notes\":\"" +
                                            std::string(700 + i % 300, static_cast<char>('a' + i % 26)) + "\"}\n"});
  objects.push_back({GIT_OBJECT_BLOB, noisy(2500000, 11)});
  objects.push_back({GIT_OBJECT_BLOB, std::string(3 << 20, 'x')});
  objects.push_back({GIT_OBJECT_BLOB, noisy((1 << 20) - 3, 13)});
  return objects;
}

std::string file_bytes(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

std::vector<fs::path> temporary_files(const fs::path& git_dir) {
  std::vector<fs::path> out;
  auto pack_dir = git_dir / "objects" / "pack";
  if (!fs::exists(pack_dir)) return out;
  for (const auto& e : fs::directory_iterator(pack_dir))
    if (e.path().filename().string().starts_with("tmp_")) out.push_back(e.path());
  return out;
}

TEST_F(PackWriterTest, SpooledPackIsTheHeldPackAndReadsBackTheSameObjects) {
  auto objects = spooled_sample(sample_objects());
  for (int level : {0, 1, 6}) {
    SCOPED_TRACE("level " + std::to_string(level));
    test::TempDir level_dir;
    auto spooled_dir = level_dir / "spooled.git", held_dir = level_dir / "held.git";
    init_repository(spooled_dir);
    init_repository(held_dir);
    PackWriter spooled(level, spooled_dir), held(level);
    for (const auto& obj : objects) {
      git_oid id = spooled.add(obj.type, obj.content);
      EXPECT_EQ(oid_hex(id), oid_hex(libgit2_id(obj.type, obj.content)));
      held.add(obj.type, obj.content);
    }
    EXPECT_EQ(spooled.size(), objects.size());
    EXPECT_EQ(temporary_files(spooled_dir).size(), 1u) << "the pack is on its way to its file";
    spooled.write(spooled_dir);
    held.write(held_dir);
    EXPECT_EQ(spooled.size(), 0u) << "a written writer starts again empty";
    EXPECT_TRUE(temporary_files(spooled_dir).empty());

    std::vector<fs::path> packs[2], indexes[2];
    for (int side = 0; side < 2; ++side)
      for (const auto& e : fs::directory_iterator((side ? held_dir : spooled_dir) / "objects" / "pack")) {
        if (e.path().extension() == ".pack") packs[side].push_back(e.path());
        if (e.path().extension() == ".idx") indexes[side].push_back(e.path());
      }
    ASSERT_EQ(packs[0].size(), 1u);
    ASSERT_EQ(indexes[0].size(), 1u);
    ASSERT_EQ(packs[1].size(), 1u);
    EXPECT_EQ(packs[0][0].filename(), packs[1][0].filename()) << "the same checksum";
    EXPECT_TRUE(file_bytes(packs[0][0]) == file_bytes(packs[1][0])) << "the same pack, byte for byte";
    EXPECT_TRUE(file_bytes(indexes[0][0]) == file_bytes(indexes[1][0])) << "the same index";
    EXPECT_EQ(fs::status(packs[0][0]).permissions() & fs::perms::owner_write, fs::perms::none)
        << "a written pack is read-only, as git leaves its packs";
    expect_readable(spooled_dir, objects);

    int status = 0;
    auto listing = command_output("git verify-pack '" + indexes[0][0].string() + "'", &status);
    EXPECT_EQ(status, 0) << listing;

    // History reads the large blobs back whole.
    auto history = History::open(spooled_dir);
    for (std::size_t i = objects.size() - 3; i < objects.size(); ++i) {
      git_oid id = libgit2_id(objects[i].type, objects[i].content);
      ObjectId blob;
      std::copy(id.id, id.id + GIT_OID_RAWSZ, blob.bytes.begin());
      EXPECT_TRUE(history.read_blob(blob) == objects[i].content) << oid_hex(id);
    }
  }
}

TEST_F(PackWriterTest, SpoolingWriterDroppedBeforeWriteRemovesItsFile) {
  {
    PackWriter pack(0, git_dir);
    for (const auto& obj : spooled_sample({})) pack.add(obj.type, obj.content);
    EXPECT_EQ(temporary_files(git_dir).size(), 1u);
  }
  EXPECT_TRUE(files_in_pack_dir().empty());
  PackWriter small(0, git_dir);
  small.add(GIT_OBJECT_BLOB, "{}\n");
  EXPECT_THROW(small.finish(), Failure) << "a spooled pack is not given back as bytes";
  test::TempDir other;
  init_repository(other / "history.git");
  EXPECT_THROW(small.write(other / "history.git"), Failure) << "nor written into another repository";
  small.write(git_dir);
  expect_readable(git_dir, {{GIT_OBJECT_BLOB, "{}\n"}});
}

TEST_F(PackWriterTest, SpooledPackCanBeWrittenAgainAfterAFailedWrite) {
  auto objects = spooled_sample(sample_objects());
  auto blocker = block_index_of(git_dir, objects);
  PackWriter pack(1, git_dir);  // the level of block_index_of's twin, so the same name
  for (const auto& obj : objects) pack.add(obj.type, obj.content);
  EXPECT_THROW(pack.write(git_dir), Failure);
  EXPECT_TRUE(with_extension(".pack").empty());
  EXPECT_TRUE(with_extension(".idx").empty());
  EXPECT_EQ(pack.size(), objects.size()) << "the writer keeps its objects";
  fs::remove_all(blocker);
  EXPECT_NO_THROW(pack.write(git_dir));
  EXPECT_TRUE(temporary_files(git_dir).empty());
  ASSERT_EQ(with_extension(".idx").size(), 1u);
  ASSERT_TRUE(verify_pack_listing().has_value());
  expect_readable(git_dir, objects);
}

}  // namespace
}  // namespace liaison
