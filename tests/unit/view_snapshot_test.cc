// Unit tests of view snapshots (view/view_snapshot.h) and of how a new copy
// adopts one (Store::start_at): settings never travel, damaged or hostile
// snapshots are refused without a trace, a snapshot is kept only when it
// matches the commit being installed, and otherwise the view is rebuilt.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "base/compression.h"
#include "base/error.h"
#include "store/store.h"
#include "git/transfer.h"
#include "view/view_snapshot.h"
#include "tests/unit/temp_copy.h"

namespace liaison {
namespace {

const std::string kSecret = "lz_0123456789abcdef-not-for-snapshots";

std::string file_bytes(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

Json contact(int n) {
  char id[33];
  std::snprintf(id, sizeof id, "%032x", 0xc0ffee00 + n);
  return {{"id", id}, {"org", "cis-atc"}, {"role", "Desk officer " + std::to_string(n)}, {"status", "active"}};
}

class ViewSnapshotTest : public ::testing::Test {
 protected:
  void SetUp() override {
    source.emplace(Store::init(dir / "source", {"cis-atc", Person{"Unit Test", "unit.test@example.org"}, true}));
    std::vector<RecordChange> changes;
    for (int i = 0; i < 20; ++i) changes.push_back({Kind::Contact, "", contact(i)});
    source->commit(changes, "Twenty contacts");
    source->state().add_remote({"origin", "https://central.example.org", kSecret});
  }
  // A new copy with `snapshot` as its starting view, started at `head`.
  Store clone_with(const std::filesystem::path& snapshot, const CommitId& head) {
    Store::InitOptions options;
    options.org = "osce";
    options.with_reference_data = false;
    options.view_snapshot = snapshot;
    auto store = Store::init(dir / "clone", options);
    copy_object_files(source->history(), store.history());
    store.start_at(head);
    return store;
  }

  test::TempDir dir;
  std::optional<Store> source;
};

TEST_F(ViewSnapshotTest, CarriesRecordsButNoSettingsNotEvenInFreePages) {
  write_view_snapshot(source->view().db(), dir / "snap.db");
  auto bytes = file_bytes(dir / "snap.db");
  EXPECT_EQ(bytes.find(kSecret), std::string::npos);
  EXPECT_EQ(bytes.find("unit.test@example.org"), std::string::npos);
  auto db = Database::open(dir / "snap.db");
  EXPECT_FALSE(db.scalar("SELECT name FROM sqlite_schema WHERE name='settings'"));
  EXPECT_EQ(db.scalar("SELECT count(*) FROM contacts"), "20");
  EXPECT_EQ(db.scalar("SELECT value FROM meta WHERE key='head'"), source->history().head());
}

TEST_F(ViewSnapshotTest, PackedSnapshotRoundTripsAndDamageIsRefusedWithoutATrace) {
  write_view_snapshot(source->view().db(), dir / "snap.db");
  auto packed = pack_view_snapshot(dir / "snap.db");
  install_view_snapshot(packed, dir / "back.db");
  EXPECT_EQ(file_bytes(dir / "back.db"), file_bytes(dir / "snap.db"));

  auto cut = packed.substr(0, packed.size() / 2);
  EXPECT_THROW(install_view_snapshot(cut, dir / "cut.db"), UserError);
  EXPECT_FALSE(std::filesystem::exists(dir / "cut.db"));

  auto not_sqlite = compress_framed(std::string(8192, 'x'), 1);
  EXPECT_THROW(install_view_snapshot(not_sqlite, dir / "junk.db"), UserError);
  EXPECT_FALSE(std::filesystem::exists(dir / "junk.db"));
}

TEST_F(ViewSnapshotTest, SnapshotWithATriggerOrSettingsIsRefused) {
  write_view_snapshot(source->view().db(), dir / "snap.db");
  {
    auto db = Database::open(dir / "snap.db");
    db.exec("CREATE TRIGGER sneaky AFTER INSERT ON contacts BEGIN DELETE FROM orgs; END;");
  }
  try {
    install_view_snapshot(pack_view_snapshot(dir / "snap.db"), dir / "trigger.db");
    FAIL() << "a snapshot with a trigger was accepted";
  } catch (const UserError& e) {
    EXPECT_NE(std::string(e.what()).find("triggers"), std::string::npos) << e.what();
  }
  EXPECT_FALSE(std::filesystem::exists(dir / "trigger.db"));

  std::filesystem::remove(dir / "snap.db");
  write_view_snapshot(source->view().db(), dir / "snap.db");
  Database::open(dir / "snap.db").exec("CREATE TABLE settings(key TEXT PRIMARY KEY, value TEXT);"
                                       "INSERT INTO settings VALUES('remote.x.token','t')");
  EXPECT_THROW(install_view_snapshot(pack_view_snapshot(dir / "snap.db"), dir / "settings.db"), UserError);
}

TEST_F(ViewSnapshotTest, SnapshotWithAViewOrAForeignVirtualTableIsRefused) {
  for (const char* sql : {"CREATE VIEW everything AS SELECT * FROM contacts",
                          "CREATE VIRTUAL TABLE other USING fts5(x)",
                          "CREATE VIRTUAL TABLE sneaky USING rtree(id, a, b)"}) {
    std::filesystem::remove(dir / "snap.db");
    write_view_snapshot(source->view().db(), dir / "snap.db");
    Database::open(dir / "snap.db").exec(sql);
    EXPECT_THROW(install_view_snapshot(pack_view_snapshot(dir / "snap.db"), dir / "odd.db"), UserError) << sql;
    EXPECT_FALSE(std::filesystem::exists(dir / "odd.db")) << sql;
  }
}

TEST_F(ViewSnapshotTest, SnapshotOverTheLimitsIsRefusedWithoutATrace) {
  write_view_snapshot(source->view().db(), dir / "snap.db");
  auto packed = pack_view_snapshot(dir / "snap.db");
  DecodeLimits small{};
  small.max_snapshot_bytes = 4096;
  EXPECT_THROW(install_view_snapshot(packed, dir / "big.db", small), UserError);
  EXPECT_FALSE(std::filesystem::exists(dir / "big.db"));
  // 64 MB of zeros pack into a few dozen KB: refused for its ratio.
  auto bomb = compress_framed(std::string(64 << 20, '\0'), 9);
  EXPECT_THROW(install_view_snapshot(bomb, dir / "bomb.db"), UserError);
  EXPECT_FALSE(std::filesystem::exists(dir / "bomb.db"));
}

TEST_F(ViewSnapshotTest, NewCopyKeepsASnapshotThatMatchesItsHead) {
  write_view_snapshot(source->view().db(), dir / "snap.db");
  // Mark one record in the snapshot: seeing the mark proves the snapshot was kept.
  auto id = contact(3)["id"].get<std::string>();
  Database::open(dir / "snap.db").exec("UPDATE contacts SET role='kept' WHERE id='" + id + "'");
  auto store = clone_with(dir / "snap.db", *source->history().head());
  auto role = store.view().db().scalar("SELECT role FROM contacts WHERE id=?", id);
  EXPECT_EQ(role, "kept");
  EXPECT_EQ(store.org(), "osce");
  EXPECT_FALSE(store.state().remote("origin"));
}

TEST_F(ViewSnapshotTest, NewCopyRebuildsASnapshotThatLacksRecords) {
  write_view_snapshot(source->view().db(), dir / "snap.db");
  auto id = contact(3)["id"].get<std::string>();
  Database::open(dir / "snap.db").exec("DELETE FROM contacts WHERE id='" + id + "'");
  auto store = clone_with(dir / "snap.db", *source->history().head());
  EXPECT_EQ(store.view().count(Kind::Contact), 20);
  EXPECT_TRUE(store.view().exists(Kind::Contact, id));
  EXPECT_TRUE(store.doctor().ok());
}

TEST_F(ViewSnapshotTest, NewCopyRebuildsASnapshotOfAnotherCommit) {
  write_view_snapshot(source->view().db(), dir / "snap.db");
  auto old_head = *source->history().head();
  source->commit({{Kind::Contact, "", contact(99)}}, "One more");
  // The snapshot reflects old_head, the copy starts at the new head.
  auto store = clone_with(dir / "snap.db", *source->history().head());
  EXPECT_NE(store.view().head(), old_head);
  EXPECT_EQ(store.view().count(Kind::Contact), 21);
  EXPECT_TRUE(store.doctor().ok());
}

TEST_F(ViewSnapshotTest, NewCopyWithoutSnapshotBuildsItsViewFromHistory) {
  auto store = clone_with({}, *source->history().head());
  EXPECT_EQ(store.view().count(Kind::Contact), 20);
  EXPECT_EQ(store.view().head(), source->history().head());
  EXPECT_TRUE(store.doctor().ok());
  auto hits = store.view().db().scalar("SELECT count(*) FROM search WHERE search MATCH 'officer'");
  EXPECT_EQ(hits, "20");
}

}  // namespace
}  // namespace liaison
