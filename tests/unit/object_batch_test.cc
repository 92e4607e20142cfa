// Unit tests of object batches (git/object_batch.h): fewer than kLooseLimit
// objects are written loose (zlib files git reads), kLooseLimit or more as
// exactly one pack that `git verify-pack` accepts; either way the objects
// can be read at once through the repository handle given to write(); an
// object already stored loose is left as it is; a batch dropped before
// write() leaves nothing, and a pack write that fails leaves no object.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include <sys/stat.h>
#include <zlib.h>

#include "base/error.h"
#include "git/git_handles.h"
#include "git/object_batch.h"
#include "git/pack_writer.h"
#include "tests/unit/temp_copy.h"

namespace liaison {
namespace {

namespace fs = std::filesystem;

struct Object {
  git_oid id;
  git_object_t type;
  std::string content;
};

std::vector<Object> records(std::size_t n, const std::string& tag = "") {
  std::vector<Object> out;
  for (std::size_t i = 0; i < n; ++i) {
    std::string content = "{\"email\":\"contact" + std::to_string(i) + tag + "@example.org\",\"id\":\"" +
                          std::to_string(i) + "\"}\n";
    out.push_back({object_id(GIT_OBJECT_BLOB, content), GIT_OBJECT_BLOB, content});
  }
  return out;
}

int git(const fs::path& git_dir, const std::string& args) {
  std::string cmd = "git --git-dir='" + git_dir.string() + "' " + args + " >/dev/null 2>&1";
  return std::system(cmd.c_str());
}

class ObjectBatchTest : public ::testing::Test {
 protected:
  void SetUp() override {
    git_library_init();
    git_dir = dir / "history.git";
    git_repository* r = nullptr;
    ASSERT_EQ(git_repository_init(&r, git_dir.c_str(), 1), 0);
    repo.reset(r);
  }

  std::vector<fs::path> loose_files() const {
    std::vector<fs::path> out;
    for (const auto& e : fs::directory_iterator(git_dir / "objects")) {
      if (!e.is_directory() || e.path().filename().string().size() != 2) continue;
      for (const auto& f : fs::directory_iterator(e.path())) out.push_back(f.path());
    }
    return out;
  }

  std::vector<fs::path> pack_files(const std::string& ext) const {
    std::vector<fs::path> out;
    auto pack_dir = git_dir / "objects" / "pack";
    if (!fs::exists(pack_dir)) return out;
    for (const auto& e : fs::directory_iterator(pack_dir))
      if (e.path().extension() == ext && e.path().filename().string().starts_with("pack-")) out.push_back(e.path());
    return out;
  }

  std::size_t files_in_pack_dir() const {
    auto pack_dir = git_dir / "objects" / "pack";
    if (!fs::exists(pack_dir)) return 0;
    return static_cast<std::size_t>(std::distance(fs::directory_iterator(pack_dir), {}));
  }

  // Reads every object through `r` (the handle write() refreshed, or a new
  // one) and checks its type and bytes.
  void expect_readable(git_repository* r, const std::vector<Object>& objects) {
    auto odb = object_store(r);
    git_odb* o = odb.get();
    for (const auto& obj : objects) {
      git_odb_object* read = nullptr;
      ASSERT_EQ(git_odb_read(&read, o, &obj.id), 0) << oid_hex(obj.id);
      EXPECT_EQ(git_odb_object_type(read), obj.type);
      std::string bytes(static_cast<const char*>(git_odb_object_data(read)), git_odb_object_size(read));
      EXPECT_EQ(bytes, obj.content);
      git_odb_object_free(read);
    }
  }

  void expect_absent(const std::vector<Object>& objects) {
    git_repository* r = nullptr;
    ASSERT_EQ(git_repository_open_bare(&r, git_dir.c_str()), 0);
    GitRepository fresh(r);
    auto odb = object_store(r);
    git_odb* o = odb.get();
    for (const auto& obj : objects) EXPECT_FALSE(git_odb_exists(o, &obj.id)) << oid_hex(obj.id);
  }

  test::TempDir dir;
  fs::path git_dir;
  GitRepository repo;
};

TEST_F(ObjectBatchTest, BelowTheLimitObjectsAreWrittenLoose) {
  auto objects = records(ObjectBatch::kLooseLimit - 1);
  // Asked for before the batch is written, so that the handle has looked.
  expect_absent(objects);
  {
    auto odb = object_store(repo.get());
    git_odb* o = odb.get();
    EXPECT_FALSE(git_odb_exists(o, &objects[0].id));
  }
  ObjectBatch batch(1);
  for (const auto& obj : objects) batch.add(obj.id, obj.type, obj.content);
  batch.write(repo.get(), git_dir);

  auto files = loose_files();
  EXPECT_EQ(files.size(), objects.size());
  for (const auto& f : files)
    EXPECT_FALSE(f.filename().string().starts_with("tmp_")) << f << " left behind";
  EXPECT_EQ(files_in_pack_dir(), 0u);
  for (const auto& obj : objects) {
    auto hex = oid_hex(obj.id);
    EXPECT_TRUE(fs::exists(git_dir / "objects" / hex.substr(0, 2) / hex.substr(2))) << hex;
  }
  expect_readable(repo.get(), objects);
  EXPECT_EQ(git(git_dir, "fsck --strict"), 0);
  EXPECT_EQ(git(git_dir, "cat-file -e " + oid_hex(objects.back().id)), 0);
}

TEST_F(ObjectBatchTest, LooseObjectIsZlibOfTypeSizeAndContent) {
  Object obj = records(1)[0];
  ObjectBatch batch(1);
  batch.add(obj.id, obj.type, obj.content);
  batch.write(repo.get(), git_dir);

  auto hex = oid_hex(obj.id);
  auto file = git_dir / "objects" / hex.substr(0, 2) / hex.substr(2);
  std::string deflated;
  {
    FILE* f = std::fopen(file.c_str(), "rb");
    ASSERT_NE(f, nullptr);
    char buf[4096];
    std::size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0) deflated.append(buf, n);
    std::fclose(f);
  }
  std::string raw(4096, '\0');
  uLongf size = raw.size();
  ASSERT_EQ(uncompress(reinterpret_cast<Bytef*>(raw.data()), &size, reinterpret_cast<const Bytef*>(deflated.data()),
                       static_cast<uLong>(deflated.size())),
            Z_OK);
  raw.resize(size);
  std::string expected = "blob " + std::to_string(obj.content.size());
  expected.push_back('\0');
  expected += obj.content;
  EXPECT_EQ(raw, expected);
  // Objects are read-only, as git makes them.
  struct stat st {};
  ASSERT_EQ(::stat(file.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0222, 0u);
}

TEST_F(ObjectBatchTest, AtTheLimitObjectsAreWrittenAsOnePack) {
  auto objects = records(ObjectBatch::kLooseLimit);
  auto odb = object_store(repo.get());
  git_odb* o = odb.get();
  // The handle looks at its packs now, before the batch's pack exists.
  EXPECT_FALSE(git_odb_exists(o, &objects[0].id));
  ObjectBatch batch(1);
  for (const auto& obj : objects) batch.add(obj.id, obj.type, obj.content);
  batch.write(repo.get(), git_dir);
  // write() refreshed the handle: found without a lookup that rescans.
  EXPECT_TRUE(git_odb_exists_ext(o, &objects[0].id, GIT_ODB_LOOKUP_NO_REFRESH));

  EXPECT_TRUE(loose_files().empty());
  auto indexes = pack_files(".idx");
  ASSERT_EQ(indexes.size(), 1u);
  EXPECT_EQ(pack_files(".pack").size(), 1u);
  EXPECT_EQ(files_in_pack_dir(), 2u);
  expect_readable(repo.get(), objects);
  EXPECT_EQ(std::system(("git verify-pack '" + indexes[0].string() + "' >/dev/null 2>&1").c_str()), 0);
  EXPECT_EQ(git(git_dir, "fsck --strict"), 0);
}

TEST_F(ObjectBatchTest, ManyObjectsOfEveryKindGoIntoOnePack) {
  auto objects = records(3 * ObjectBatch::kLooseLimit);
  // A tree and a commit among the blobs, after the switch to packing.
  std::string tree = "100644 0.json";
  tree.push_back('\0');
  tree += std::string(reinterpret_cast<const char*>(objects[0].id.id), GIT_OID_RAWSZ);
  objects.push_back({object_id(GIT_OBJECT_TREE, tree), GIT_OBJECT_TREE, tree});
  std::string commit = "tree " + oid_hex(objects.back().id) +
                       "\nauthor Unit Test <unit.test@example.org> 1764547200 +0000"
                       "\ncommitter Unit Test <unit.test@example.org> 1764547200 +0000\n\nImport\n";
  objects.push_back({object_id(GIT_OBJECT_COMMIT, commit), GIT_OBJECT_COMMIT, commit});

  ObjectBatch batch(0);
  for (const auto& obj : objects) batch.add(obj.id, obj.type, obj.content);
  batch.write(repo.get(), git_dir);

  EXPECT_TRUE(loose_files().empty());
  ASSERT_EQ(pack_files(".idx").size(), 1u);
  ASSERT_EQ(pack_files(".pack").size(), 1u);
  expect_readable(repo.get(), objects);

  std::string cmd = "git verify-pack -v '" + pack_files(".idx")[0].string() + "' 2>/dev/null";
  std::string out;
  if (FILE* p = popen(cmd.c_str(), "r")) {
    char buf[4096];
    std::size_t n;
    while ((n = fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
    EXPECT_EQ(pclose(p), 0);
  }
  EXPECT_NE(out.find(oid_hex(objects.back().id) + " commit"), std::string::npos);
  EXPECT_NE(out.find(oid_hex(objects[objects.size() - 2].id) + " tree"), std::string::npos);
  std::size_t listed = 0;
  for (std::size_t at = 0; (at = out.find('\n', at)) != std::string::npos; ++at)
    if (at + 41 < out.size() && out[at + 41] == ' ') ++listed;
  // The first line has no newline before it.
  if (out.size() > 40 && out[40] == ' ') ++listed;
  EXPECT_EQ(listed, objects.size()) << out;
}

TEST_F(ObjectBatchTest, ObjectAlreadyStoredLooseIsLeftAsItIs) {
  auto objects = records(3);
  auto odb = object_store(repo.get());
  git_odb* o = odb.get();
  git_oid written;
  ASSERT_EQ(git_odb_write(&written, o, objects[1].content.data(), objects[1].content.size(), GIT_OBJECT_BLOB), 0);
  ASSERT_TRUE(git_oid_equal(&written, &objects[1].id));
  auto hex = oid_hex(written);
  auto file = git_dir / "objects" / hex.substr(0, 2) / hex.substr(2);
  struct stat before {};
  ASSERT_EQ(::stat(file.c_str(), &before), 0);

  ObjectBatch batch(1);
  for (const auto& obj : objects) batch.add(obj.id, obj.type, obj.content);
  batch.write(repo.get(), git_dir);

  struct stat after {};
  ASSERT_EQ(::stat(file.c_str(), &after), 0);
  EXPECT_EQ(after.st_ino, before.st_ino) << "the stored object was replaced";
  EXPECT_EQ(loose_files().size(), 3u);
  expect_readable(repo.get(), objects);
}

TEST_F(ObjectBatchTest, DroppedBatchLeavesNothing) {
  for (std::size_t n : {ObjectBatch::kLooseLimit - 1, 2 * ObjectBatch::kLooseLimit}) {
    SCOPED_TRACE(std::to_string(n) + " objects");
    auto objects = records(n, "-dropped");
    {
      ObjectBatch batch(1);
      for (const auto& obj : objects) batch.add(obj.id, obj.type, obj.content);
    }
    EXPECT_TRUE(loose_files().empty());
    EXPECT_EQ(files_in_pack_dir(), 0u);
    expect_absent(objects);
  }
}

TEST_F(ObjectBatchTest, EmptyBatchWritesNothing) {
  ObjectBatch batch(1);
  batch.write(repo.get(), git_dir);
  EXPECT_TRUE(loose_files().empty());
  EXPECT_EQ(files_in_pack_dir(), 0u);
}

TEST_F(ObjectBatchTest, FailedPackWriteLeavesNoObject) {
  auto objects = records(ObjectBatch::kLooseLimit + 20);
  // The batch packs its objects in the order added: the same pack from a
  // PackWriter gives the checksum that names the temporary index, which a
  // folder of that name blocks.
  PackWriter twin(1);
  for (const auto& obj : objects) twin.add(obj.type, obj.content);
  std::string bytes = twin.finish();
  git_oid checksum;
  git_oid_fromraw(&checksum, reinterpret_cast<const unsigned char*>(bytes.data() + bytes.size() - 20));
  auto blocker = git_dir / "objects" / "pack" / ("tmp_pack-" + oid_hex(checksum) + ".idx");
  fs::create_directories(blocker);

  ObjectBatch batch(1);
  for (const auto& obj : objects) batch.add(obj.id, obj.type, obj.content);
  EXPECT_THROW(batch.write(repo.get(), git_dir), Failure);
  EXPECT_TRUE(loose_files().empty());
  EXPECT_TRUE(pack_files(".idx").empty());
  EXPECT_TRUE(pack_files(".pack").empty());
  expect_absent(objects);
}

}  // namespace
}  // namespace liaison
