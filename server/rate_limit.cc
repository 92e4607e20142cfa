#include "server/rate_limit.h"

namespace liaison::server {

SignInLimiter::SignInLimiter(SignInLimits limits, Clock clock)
    : limits_(limits), clock_(std::move(clock)), entries_(limits.addresses) {}

std::chrono::seconds SignInLimiter::wait(const std::string& address) {
  auto now = clock_();
  std::lock_guard<std::mutex> lock(mutex_);
  auto* found = entries_.find(address);
  if (!found || found->refused_until <= now) return std::chrono::seconds(0);
  auto left = found->refused_until - now;
  return std::chrono::ceil<std::chrono::seconds>(left);
}

void SignInLimiter::failed(const std::string& address) {
  auto now = clock_();
  std::lock_guard<std::mutex> lock(mutex_);
  auto* found = entries_.touch(address, Entry{now, 0, {}});
  if (!found) return;
  auto& e = *found;
  if (now - e.window_start >= limits_.window) {
    e.window_start = now;
    e.failures = 0;
  }
  if (++e.failures >= limits_.failures) {
    // A new window starts once the refusal is over.
    e.refused_until = now + limits_.window;
    e.window_start = e.refused_until;
    e.failures = 0;
  }
}

std::size_t SignInLimiter::size() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return entries_.size();
}

}  // namespace liaison::server
