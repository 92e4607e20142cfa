// Unit tests of the compressed frames (base/compression.h): a round trip,
// and the refusals: cut short, damaged, padded, a size over the total or the
// ratio limit, a frame that expands to another size than it announces; and
// that memory follows what really expands, not what a frame announces.
#include <gtest/gtest.h>

#include <random>

#include "base/compression.h"
#include "base/error.h"
#include "tests/unit/allocation_probe.h"

namespace liaison {
namespace {

using testing_probe::largest_allocation;
using testing_probe::reset_largest_allocation;

std::string announce(std::string frame, std::uint64_t size) {
  for (int i = 0; i < 8; ++i) frame[i] = static_cast<char>(size >> (8 * i));
  return frame;
}

std::string message_of(const std::string& frame, const DecodeLimits& limits = {}) {
  try {
    expand_framed(frame, "test", limits);
  } catch (const UserError& e) {
    return e.what();
  }
  return "accepted";
}

std::string random_bytes(std::size_t n) {
  std::mt19937_64 gen(7);
  std::string out(n, '\0');
  for (auto& c : out) c = static_cast<char>(gen());
  return out;
}

TEST(CompressionTest, RoundTripAndRefusals) {
  std::string plain;
  for (int i = 0; i < 1000; ++i) plain += "record " + std::to_string(i) + "\n";
  auto framed = compress_framed(plain, 6);
  EXPECT_LT(framed.size(), plain.size());
  EXPECT_EQ(expand_framed(framed, "test"), plain);
  EXPECT_EQ(expand_framed(compress_framed("", 6), "test"), "");
  EXPECT_THROW(expand_framed(framed.substr(0, 5), "test"), UserError);
  EXPECT_THROW(expand_framed(framed.substr(0, framed.size() - 4), "test"), UserError);
  DecodeLimits ten{};
  ten.max_expanded_bytes = 10;
  EXPECT_NE(message_of(framed, ten).find("more than the 10 allowed"), std::string::npos);
  auto flipped = framed;
  flipped[20] = static_cast<char>(flipped[20] ^ 0x55);
  EXPECT_THROW(expand_framed(flipped, "test"), UserError);
  EXPECT_EQ(message_of(framed + "x"), "test has bytes after its end");
}

TEST(CompressionTest, RefusesAFrameThatExpandsToAnotherSize) {
  std::string plain = random_bytes(100000);
  auto framed = compress_framed(plain, 1);
  EXPECT_EQ(message_of(announce(framed, plain.size() + 1)), "test is damaged or cut short");
  EXPECT_EQ(message_of(announce(framed, plain.size() - 1)), "test expands to more than the 99999 bytes it announces");
}

TEST(CompressionTest, RatioLimit) {
  std::string zeros(8 << 20, '\0');
  auto bomb = compress_framed(zeros, 9);
  EXPECT_NE(message_of(bomb).find("more than 200 times as many"), std::string::npos) << message_of(bomb);
  DecodeLimits lenient{};
  lenient.max_ratio = 5000;
  EXPECT_EQ(expand_framed(bomb, "test", lenient).size(), zeros.size());
  // Small frames are exempt, however well they compress.
  auto small = compress_framed(std::string(1 << 20, '\0'), 9);
  EXPECT_EQ(expand_framed(small, "test").size(), 1u << 20);
  DecodeLimits no_exemption{};
  no_exemption.ratio_exempt_bytes = 0;
  EXPECT_NE(message_of(small, no_exemption).find("times as many"), std::string::npos);
  // A frame announcing a size its bytes cannot hold, with no stream at all.
  EXPECT_NE(message_of(announce(std::string(8, '\0'), 1ULL << 29)).find("from 0 compressed"), std::string::npos);
}

TEST(CompressionTest, MemoryFollowsWhatExpandsNotWhatIsAnnounced) {
  // 4 MB that do not compress, announced as 800 MB: within both limits,
  // so only expanding shows the lie.
  auto framed = announce(compress_framed(random_bytes(4 << 20), 1), 800ULL << 20);
  reset_largest_allocation();
  EXPECT_EQ(message_of(framed), "test is damaged or cut short");
  EXPECT_LT(largest_allocation(), 64u << 20);
}

TEST(CompressionTest, ExpandsToASinkInPieces) {
  std::string plain = random_bytes(300000);
  std::string back;
  int pieces = 0;
  expand_framed_to(compress_framed(plain, 1), "test", plain.size(), DecodeLimits{}, [&](std::string_view piece) {
    back.append(piece);
    ++pieces;
  });
  EXPECT_EQ(back, plain);
  EXPECT_GT(pieces, 1);
  EXPECT_THROW(expand_framed_to(compress_framed(plain, 1), "test", plain.size() - 1, DecodeLimits{},
                                [](std::string_view) {}),
               UserError);
}

}  // namespace
}  // namespace liaison
