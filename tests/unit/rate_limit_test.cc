// Unit tests of SignInLimiter (server/rate_limit.h), on an injected clock:
// an address is refused after too many failures within the window and for
// as long as the window, others are not, and the table stays bounded.
#include <gtest/gtest.h>

#include "server/rate_limit.h"

namespace liaison::server {
namespace {

using namespace std::chrono_literals;

class SignInLimiterTest : public ::testing::Test {
 protected:
  SignInLimiter limiter_with(SignInLimits limits) {
    return SignInLimiter(limits, [this] { return now; });
  }
  std::chrono::steady_clock::time_point now{};
};

TEST_F(SignInLimiterTest, RefusesAnAddressAfterTooManyFailuresWithinTheWindow) {
  auto limiter = limiter_with({});
  for (int i = 0; i < 9; ++i) {
    limiter.failed("192.0.2.1");
    now += 1s;
  }
  EXPECT_EQ(limiter.wait("192.0.2.1"), 0s);
  limiter.failed("192.0.2.1");  // the tenth, 9 s after the first
  EXPECT_EQ(limiter.wait("192.0.2.1"), 60s);
  EXPECT_EQ(limiter.wait("192.0.2.2"), 0s);  // another address is not refused
  now += 59s + 500ms;
  EXPECT_EQ(limiter.wait("192.0.2.1"), 1s);  // rounded up
  now += 500ms;
  EXPECT_EQ(limiter.wait("192.0.2.1"), 0s);
  // After the refusal the count starts again.
  limiter.failed("192.0.2.1");
  EXPECT_EQ(limiter.wait("192.0.2.1"), 0s);
}

TEST_F(SignInLimiterTest, FailuresSpreadBeyondTheWindowAreNotRefused) {
  auto limiter = limiter_with({});
  for (int i = 0; i < 30; ++i) {
    limiter.failed("192.0.2.1");
    now += 7s;  // at most 9 within any window that starts at a failure
    EXPECT_EQ(limiter.wait("192.0.2.1"), 0s) << i;
  }
}

TEST_F(SignInLimiterTest, TheTableIsBoundedAndForgetsTheOldestAddress) {
  auto limiter = limiter_with({.failures = 2, .window = 60s, .addresses = 3});
  limiter.failed("a");
  limiter.failed("a");
  ASSERT_GT(limiter.wait("a"), 0s);
  for (const char* other : {"b", "c"}) limiter.failed(other);
  EXPECT_EQ(limiter.size(), 3u);
  EXPECT_GT(limiter.wait("a"), 0s);
  for (int i = 0; i < 1000; ++i) limiter.failed("x" + std::to_string(i));
  EXPECT_EQ(limiter.size(), 3u);
  EXPECT_EQ(limiter.wait("a"), 0s);  // forgotten
}

}  // namespace
}  // namespace liaison::server
