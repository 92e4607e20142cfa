#include "server/page_budget.h"

#include <algorithm>
#include <cmath>

namespace liaison::server {

PageBudget::PageBudget(PageBudgetLimits limits, Clock clock)
    : limits_(limits), clock_(std::move(clock)), entries_(std::max<std::size_t>(limits.addresses, 1)) {}

std::chrono::seconds PageBudget::take(const std::string& address) {
  if (limits_.per_minute <= 0) return std::chrono::seconds(0);
  const double full = limits_.per_minute;
  const double per_second = full / 60.0;
  auto now = clock_();
  std::lock_guard<std::mutex> lock(mutex_);
  auto& e = *entries_.touch(address, Entry{full, now});
  std::chrono::duration<double> since = now - e.at;
  e.pages = std::min(full, e.pages + std::max(0.0, since.count()) * per_second);
  e.at = now;
  if (e.pages >= 1.0) {
    e.pages -= 1.0;
    return std::chrono::seconds(0);
  }
  return std::chrono::seconds(static_cast<long>(std::ceil((1.0 - e.pages) / per_second)));
}

std::size_t PageBudget::size() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return entries_.size();
}

}  // namespace liaison::server
