// Unit tests of PageBudget (server/page_budget.h), on an injected clock.
#include <gtest/gtest.h>

#include "server/page_budget.h"

namespace liaison::server {
namespace {

class PageBudgetTest : public ::testing::Test {
 protected:
  PageBudget budget_with(PageBudgetLimits limits) {
    return PageBudget(limits, [this] { return now; });
  }
  std::chrono::steady_clock::time_point now{};
};

TEST_F(PageBudgetTest, AMinutesPagesAtOnceThenOneAsEachComesBack) {
  auto budget = budget_with({.per_minute = 6});
  for (int i = 0; i < 6; ++i) EXPECT_EQ(budget.take("a").count(), 0) << i;
  EXPECT_EQ(budget.take("a").count(), 10) << "one page every 10 s at 6 a minute";
  now += std::chrono::seconds(4);
  EXPECT_EQ(budget.take("a").count(), 6) << "a refused request takes nothing";
  now += std::chrono::seconds(6);
  EXPECT_EQ(budget.take("a").count(), 0);
  EXPECT_GT(budget.take("a").count(), 0);
  // A long quiet fills the bucket, no more.
  now += std::chrono::hours(1);
  for (int i = 0; i < 6; ++i) EXPECT_EQ(budget.take("a").count(), 0) << i;
  EXPECT_GT(budget.take("a").count(), 0);
}

TEST_F(PageBudgetTest, AddressesHaveBucketsOfTheirOwnAndTheTableIsBounded) {
  auto budget = budget_with({.per_minute = 1, .addresses = 3});
  EXPECT_EQ(budget.take("a").count(), 0);
  EXPECT_GT(budget.take("a").count(), 0);
  EXPECT_EQ(budget.take("b").count(), 0) << "another address is not held by a's";
  for (const char* address : {"c", "d", "e"}) budget.take(address);
  EXPECT_EQ(budget.size(), 3u);
}

TEST_F(PageBudgetTest, NoLimitTakesNothingAndRemembersNoOne) {
  auto budget = budget_with({.per_minute = 0});
  for (int i = 0; i < 1000; ++i) ASSERT_EQ(budget.take("a").count(), 0);
  EXPECT_EQ(budget.size(), 0u);
}

}  // namespace
}  // namespace liaison::server
