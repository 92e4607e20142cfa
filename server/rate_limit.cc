#include "server/rate_limit.h"

namespace liaison::server {

SignInLimiter::SignInLimiter(SignInLimits limits, Clock clock) : limits_(limits), clock_(std::move(clock)) {}

std::chrono::seconds SignInLimiter::wait(const std::string& address) {
  auto now = clock_();
  std::lock_guard<std::mutex> lock(mutex_);
  auto found = by_address_.find(address);
  if (found == by_address_.end() || found->second->refused_until <= now) return std::chrono::seconds(0);
  auto left = found->second->refused_until - now;
  return std::chrono::ceil<std::chrono::seconds>(left);
}

void SignInLimiter::failed(const std::string& address) {
  auto now = clock_();
  std::lock_guard<std::mutex> lock(mutex_);
  auto found = by_address_.find(address);
  if (found == by_address_.end()) {
    if (limits_.addresses == 0) return;
    if (entries_.size() >= limits_.addresses) {
      by_address_.erase(entries_.back().address);
      entries_.pop_back();
    }
    entries_.push_front(Entry{address, now, 0, {}});
    found = by_address_.emplace(address, entries_.begin()).first;
  } else {
    entries_.splice(entries_.begin(), entries_, found->second);
  }
  auto& e = *found->second;
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
