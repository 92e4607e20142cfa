// Unit tests of the commit patch encoding (git/commit_patch.h): a round
// trip, the bytes cereal's portable binary archive wrote (in either byte
// order) still decode, the encoder still writes them, and every hostile
// input (a huge frame, a ratio bomb, a huge count or length, a cut or padded
// blob) is refused with a UserError before anything large is allocated.
#include <gtest/gtest.h>

#include <sstream>

#include <cereal/archives/portable_binary.hpp>
#include <cereal/types/optional.hpp>
#include <cereal/types/string.hpp>
#include <cereal/types/vector.hpp>

#include "git/commit_patch.h"
#include "base/compression.h"
#include "base/error.h"
#include "tests/unit/allocation_probe.h"

namespace liaison {

// The layout the patches were first written in, restated here so that a
// change of the encoder cannot silently change what the test compares with.
template <class Archive>
void serialize(Archive& ar, FileChange& c) {
  ar(c.path, c.content);
}
template <class Archive>
void serialize(Archive& ar, CommitPatch& p) {
  ar(p.id, p.raw, p.changes);
}

namespace {

using testing_probe::largest_allocation;
using testing_probe::reset_largest_allocation;

constexpr std::size_t kSmallAllocation = 1 << 20;

std::vector<CommitPatch> sample_patches() {
  std::vector<CommitPatch> out;
  out.push_back({std::string(40, 'a'), "tree " + std::string(40, 'b') + "\nauthor A <a@x> 1 +0000\n\nfirst\n",
                 {{"contacts/3f/3fa2.json", std::string("{\"id\":\"3fa2\"}\n")},
                  {"orgs/cis-atc.json", std::string()},
                  {"needs/00/00ab.json", std::nullopt}}});
  out.push_back({std::string(40, 'c'), "tree " + std::string(40, 'd') + "\nparent " + std::string(40, 'a') + "\n",
                 {}});
  return out;
}

bool same(const std::vector<CommitPatch>& a, const std::vector<CommitPatch>& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (a[i].id != b[i].id || a[i].raw != b[i].raw || a[i].changes.size() != b[i].changes.size()) return false;
    for (std::size_t j = 0; j < a[i].changes.size(); ++j)
      if (a[i].changes[j].path != b[i].changes[j].path || a[i].changes[j].content != b[i].changes[j].content)
        return false;
  }
  return true;
}

std::string cereal_bytes(const std::vector<CommitPatch>& patches,
                         cereal::PortableBinaryOutputArchive::Options options =
                             cereal::PortableBinaryOutputArchive::Options::Default()) {
  std::ostringstream raw;
  {
    cereal::PortableBinaryOutputArchive ar(raw, options);
    ar(std::uint32_t{1}, patches);
  }
  return raw.str();
}

// Hand-made archive bytes, little-endian.
struct Bytes {
  std::string s = std::string(1, '\x01');
  Bytes& u32(std::uint32_t v) {
    for (int i = 0; i < 4; ++i) s.push_back(static_cast<char>(v >> (8 * i)));
    return *this;
  }
  Bytes& u64(std::uint64_t v) {
    for (int i = 0; i < 8; ++i) s.push_back(static_cast<char>(v >> (8 * i)));
    return *this;
  }
  Bytes& text(const std::string& t) {
    u64(t.size());
    s += t;
    return *this;
  }
  Bytes& byte(char c) {
    s.push_back(c);
    return *this;
  }
  // Bytes enough for the counts before, so that what follows is checked.
  Bytes& pad() {
    s += std::string(128, '\0');
    return *this;
  }
};

// Decodes `plain` framed as encode_patches frames it; expects a UserError
// whose message contains `expected`, and no large allocation.
void expect_refused(const std::string& plain, const std::string& expected, const DecodeLimits& limits = {}) {
  auto blob = compress_framed(plain, 6);
  reset_largest_allocation();
  try {
    decode_patches(blob, "push", limits);
    ADD_FAILURE() << "accepted; expected: " << expected;
  } catch (const UserError& e) {
    EXPECT_NE(std::string(e.what()).find(expected), std::string::npos) << e.what();
    EXPECT_EQ(std::string(e.what()).find('\n'), std::string::npos);
  }
  EXPECT_LT(largest_allocation(), kSmallAllocation);
}

TEST(CommitPatchTest, RoundTrip) {
  auto patches = sample_patches();
  auto back = decode_patches(encode_patches(patches), "test");
  EXPECT_TRUE(same(back, patches));
  ASSERT_EQ(back[0].changes.size(), 3u);
  EXPECT_EQ(back[0].changes[1].content, std::string());  // empty, not absent
  EXPECT_FALSE(back[0].changes[2].content.has_value());
  EXPECT_TRUE(decode_patches(encode_patches({}), "test").empty());
}

TEST(CommitPatchTest, EncoderWritesCerealsBytes) {
  auto patches = sample_patches();
  EXPECT_EQ(expand_framed(encode_patches(patches), "test"), cereal_bytes(patches));
  // Pinned, so that a change of cereal itself would show too.
  std::vector<CommitPatch> one{{std::string(40, 'e'), "r", {{"p", std::nullopt}, {"q", std::string("x")}}}};
  std::string expected = Bytes{}.u32(1).u64(1).text(std::string(40, 'e')).text("r").u64(2)
                             .text("p").byte(1).text("q").byte(0).text("x").s;
  EXPECT_EQ(expand_framed(encode_patches(one), "test"), expected);
}

TEST(CommitPatchTest, BytesCerealWroteDecodeInEitherByteOrder) {
  auto patches = sample_patches();
  for (auto options : {cereal::PortableBinaryOutputArchive::Options::LittleEndian(),
                       cereal::PortableBinaryOutputArchive::Options::BigEndian()}) {
    auto blob = compress_framed(cereal_bytes(patches, options), 6);
    EXPECT_TRUE(same(decode_patches(blob, "bundle"), patches));
  }
}

TEST(CommitPatchTest, RefusesAFrameAnnouncingHugeSizes) {
  // A 39-byte body announcing 4 GiB used to make the server allocate them.
  std::string frame = compress_framed("x", 6);
  for (int i = 0; i < 8; ++i) frame[i] = static_cast<char>((4ULL << 30) >> (8 * i));
  reset_largest_allocation();
  EXPECT_THROW(decode_patches(frame, "push"), UserError);
  EXPECT_LT(largest_allocation(), kSmallAllocation);
}

TEST(CommitPatchTest, RefusesARatioBomb) {
  std::string zeros(16 << 20, '\0');  // compresses about a thousandfold
  auto bomb = compress_framed(zeros, 9);
  zeros = std::string();
  reset_largest_allocation();
  try {
    decode_patches(bomb, "push");
    ADD_FAILURE() << "bomb accepted";
  } catch (const UserError& e) {
    EXPECT_NE(std::string(e.what()).find("times as many"), std::string::npos) << e.what();
  }
  EXPECT_LT(largest_allocation(), kSmallAllocation);
}

TEST(CommitPatchTest, RefusesHugeCounts) {
  expect_refused(Bytes{}.u32(1).u64(1ULL << 40).s, "more than the 1000000 allowed");
  // Within the limit but more than the bytes left could hold.
  expect_refused(Bytes{}.u32(1).u64(900000).s, "cut short");
  auto commit = Bytes{}.u32(1).u64(1).text(std::string(40, 'a')).text("raw");
  expect_refused(Bytes(commit).u64(1ULL << 62).s, "more than the 2000000 allowed");
  expect_refused(Bytes(commit).u64(1000).s, "cut short");
  // The change limit counts all commits together.
  DecodeLimits three{};
  three.max_changes = 3;
  auto two_each = Bytes{}.u32(1).u64(2);
  for (char c : {'a', 'b'})
    two_each.text(std::string(40, c)).text("raw").u64(2).text("p").byte(1).text("q").byte(1);
  expect_refused(two_each.s, "more than the 1 allowed", three);
  DecodeLimits one_commit{};
  one_commit.max_commits = 1;
  expect_refused(two_each.s, "2 commits, more than the 1 allowed", one_commit);
}

TEST(CommitPatchTest, RefusesHugeLengths) {
  expect_refused(Bytes{}.u32(1).u64(1).u64(1ULL << 62).pad().s, "bytes of commit id");
  auto commit = Bytes{}.u32(1).u64(1).text(std::string(40, 'a'));
  expect_refused(Bytes(commit).u64(1ULL << 31).pad().s, "bytes of commit text");
  expect_refused(Bytes(commit).u64(1000).pad().s, "is cut short");  // within the limit, past the end
  auto change = Bytes(commit).text("raw").u64(1);
  expect_refused(Bytes(change).u64(1ULL << 40).pad().s, "bytes of path");
  expect_refused(Bytes(change).text("p").byte(0).u64(2ULL << 20).s, "bytes of record");
  DecodeLimits small{};
  small.max_record_bytes = 4;
  expect_refused(Bytes(change).text("p").byte(0).text("12345").s, "5 bytes of record", small);
}

TEST(CommitPatchTest, RefusesMalformedBytes) {
  auto good = cereal_bytes(sample_patches());
  expect_refused(good + "x", "1 bytes after its end");
  for (std::size_t n = 0; n < good.size(); ++n) expect_refused(good.substr(0, n), "push: ");
  expect_refused(std::string(1, '\x02') + good.substr(1), "byte order");
  expect_refused(Bytes{}.u32(2).u64(0).s, "unknown patch format 2");
  expect_refused(Bytes{}.u32(1).u64(1).text(std::string(40, 'g')).pad().s, "malformed commit id");
  expect_refused(Bytes{}.u32(1).u64(1).text(std::string(39, 'a')).pad().s, "malformed commit id");
  expect_refused(Bytes{}.u32(1).u64(1).text(std::string(40, 'a')).text("r").u64(1).text("p").byte(2).s,
                 "malformed flag");
  EXPECT_THROW(decode_patches("", "push"), UserError);
  EXPECT_THROW(decode_patches(std::string(20, '\0'), "push"), UserError);
}

}  // namespace
}  // namespace liaison
