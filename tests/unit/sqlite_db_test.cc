// Unit tests of the SQLite layer (view/sqlite_db.h): a statement whose step
// failed is left reset, without its bindings, and can run again.
#include <gtest/gtest.h>

#include "base/error.h"
#include "view/sqlite_db.h"
#include "tests/unit/temp_copy.h"

namespace liaison {
namespace {

TEST(Statement, AFailedStepLeavesTheStatementReadyToRunAgain) {
  test::TempDir dir;
  auto db = Database::open(dir / "t.db");
  db.exec("CREATE TABLE t(v TEXT UNIQUE)");
  auto insert = db.prepare("INSERT INTO t(v) VALUES(?)");
  {
    std::string first = "first";
    insert.bind_static(1, first).run();
  }
  std::string again = "first";
  EXPECT_THROW(insert.bind_static(1, again).run(), Failure);
  std::string second = "second";
  insert.bind_static(1, second).run();
  EXPECT_EQ(db.scalar("SELECT group_concat(v, ' ') FROM t"), "first second");
}

}  // namespace
}  // namespace liaison
