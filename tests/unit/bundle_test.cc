// Unit tests of reading bundle files (git/transfer.h read_bundle): a real
// bundle reads back; a header that is too long, names malformed ids, or
// announces a payload that is too large, cut short or padded is refused
// with a UserError before the payload is read.
#include <gtest/gtest.h>

#include <fstream>

#include "base/error.h"
#include "store/store.h"
#include "git/transfer.h"
#include "tests/unit/allocation_probe.h"
#include "tests/unit/temp_copy.h"

namespace liaison {
namespace {

class BundleTest : public ::testing::Test {
 protected:
  void write(const std::string& bytes) { std::ofstream(dir / "b.bundle", std::ios::binary) << bytes; }
  std::string message_of() {
    try {
      read_bundle(dir / "b.bundle");
    } catch (const UserError& e) {
      return e.what();
    }
    return "accepted";
  }
  std::string header(const std::string& head, const std::string& prerequisites, const std::string& bytes) {
    return "# liaison bundle v1\n{\"head\":\"" + head + "\",\"payload_bytes\":" + bytes +
           ",\"prerequisites\":" + prerequisites + "}\n";
  }

  test::TempDir dir;
  const std::string a = std::string(40, 'a');
};

TEST_F(BundleTest, RealBundleReadsBack) {
  auto store = Store::init(dir / "copy", {"cis-atc", Person{"Unit Test", "unit.test@example.org"}, true});
  auto bundle = make_bundle(store.history(), std::nullopt);
  write_bundle(bundle, dir / "b.bundle");
  auto back = read_bundle(dir / "b.bundle");
  EXPECT_EQ(back.head, bundle.head);
  EXPECT_EQ(back.prerequisites, bundle.prerequisites);
  EXPECT_EQ(back.payload, bundle.payload);
  EXPECT_GT(back.payload.size(), 1000u);  // read past the first block
}

TEST_F(BundleTest, RefusesMalformedHeaders) {
  write("not a bundle");
  EXPECT_EQ(message_of(), "b.bundle: not a liaison bundle");
  write("# liaison bundle v1\n{\"head\":");
  EXPECT_EQ(message_of(), "b.bundle: bundle header is cut short");
  write("# liaison bundle v1\n" + std::string(100000, ' '));
  EXPECT_EQ(message_of(), "b.bundle: bundle header is too long");
  write(header("x", "[]", "0"));
  EXPECT_EQ(message_of(), "b.bundle: bundle header names a malformed head");
  write(header(a, "[\"zz\"]", "0"));
  EXPECT_EQ(message_of(), "b.bundle: bundle header names a malformed prerequisite");
  write(header(a, "[]", "-1"));
  EXPECT_EQ(message_of(), "b.bundle: bundle header is malformed");
  write(header(a, "[]", "1.5"));
  EXPECT_EQ(message_of(), "b.bundle: bundle header is malformed");
  write(header(a, "{}", "0"));
  EXPECT_EQ(message_of(), "b.bundle: bundle header is malformed");
}

TEST_F(BundleTest, RefusesPayloadsOfTheWrongSizeBeforeReadingThem) {
  write(header(a, "[]", "18446744073709551615") + "x");
  testing_probe::reset_largest_allocation();
  EXPECT_NE(message_of().find("more than the 1073741824 allowed"), std::string::npos) << message_of();
  EXPECT_LT(testing_probe::largest_allocation(), 1u << 20);
  write(header(a, "[]", "1000000") + "short");
  testing_probe::reset_largest_allocation();
  EXPECT_EQ(message_of(), "b.bundle: bundle is truncated or padded (5 of 1000000 bytes)");
  EXPECT_LT(testing_probe::largest_allocation(), 1u << 20);
  write(header(a, "[]", "2") + "pad");
  EXPECT_EQ(message_of(), "b.bundle: bundle is truncated or padded (3 of 2 bytes)");
  write(header(a, "[]", "3") + "pad");
  EXPECT_EQ(read_bundle(dir / "b.bundle").payload, "pad");
}

}  // namespace
}  // namespace liaison
