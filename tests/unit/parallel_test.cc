// Unit tests of base/parallel.h: a range is split in two halves only past
// kLargeChange items, the halves cover it exactly once, results come back in
// order, and an exception in either half reaches the caller.
#include <gtest/gtest.h>

#include <atomic>
#include <stdexcept>
#include <thread>
#include <vector>

#include "base/parallel.h"

namespace liaison {
namespace {

TEST(ParallelTest, ASmallRangeRunsHereInOnePiece) {
  std::vector<std::pair<std::size_t, std::size_t>> pieces;
  auto here = std::this_thread::get_id();
  bool elsewhere = false;
  in_two_halves(kLargeChange, [&](std::size_t from, std::size_t to) {
    pieces.emplace_back(from, to);
    elsewhere |= std::this_thread::get_id() != here;
  });
  ASSERT_EQ(pieces.size(), 1u);
  EXPECT_EQ(pieces[0], std::make_pair(std::size_t{0}, kLargeChange));
  EXPECT_FALSE(elsewhere);
}

TEST(ParallelTest, ALargeRangeIsSplitInHalvesTheSecondOnAnotherThread) {
  const std::size_t n = kLargeChange * 2 + 1;
  std::vector<std::atomic<int>> visits(n);
  auto here = std::this_thread::get_id();
  auto [first, second] = in_two_halves(n, [&](std::size_t from, std::size_t to) {
    for (std::size_t i = from; i < to; ++i) ++visits[i];
    return std::make_pair(from, std::this_thread::get_id() == here);
  });
  for (std::size_t i = 0; i < n; ++i) ASSERT_EQ(visits[i].load(), 1) << i;
  EXPECT_EQ(first.first, 0u);
  EXPECT_TRUE(first.second);
  EXPECT_EQ(second.first, n / 2);
  EXPECT_FALSE(second.second);
}

TEST(ParallelTest, AnUnsplitRangeGivesAnEmptySecondResult) {
  auto [first, second] = in_two_halves(10, [](std::size_t from, std::size_t to) { return to - from; });
  EXPECT_EQ(first, 10u);
  EXPECT_EQ(second, 0u);
}

TEST(ParallelTest, AnExceptionInEitherHalfReachesTheCaller) {
  const std::size_t n = kLargeChange * 2;
  for (std::size_t failing : {std::size_t{0}, n / 2}) {
    EXPECT_THROW(in_two_halves(n,
                               [&](std::size_t from, std::size_t) {
                                 if (from == failing) throw std::runtime_error("half failed");
                               }),
                 std::runtime_error)
        << "failing half starts at " << failing;
  }
}

TEST(ParallelTest, InBackgroundRunsElsewhereAndGivesItsResult) {
  auto here = std::this_thread::get_id();
  auto task = in_background([here] { return std::this_thread::get_id() != here; });
  EXPECT_TRUE(task.get());
}

}  // namespace
}  // namespace liaison
