// PageBudget: how many pages each client address without sign-in may have
// made (not kept) a minute. A kept page costs nothing; one that has to be
// made takes a page thread for milliseconds, so a visitor asking for a new
// search or filter value at network speed would hold them all. Each address
// has a bucket of `per_minute` pages that refills at that rate; an empty one
// is answered 429 until a page is back. Clients behind one NAT address share
// it, as they share the sign-in limit (rate_limit.h).
//
// The table is bounded: when it is full, the address asked for least
// recently is forgotten (a forgotten address starts full again, which only
// gives back what a minute would). Thread-safe. The clock is injected so
// tests need not wait.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <mutex>
#include <string>

#include "server/address_table.h"

namespace liaison::server {

struct PageBudgetLimits {
  int per_minute = 120;          // 0: no limit
  std::size_t addresses = 4096;  // addresses remembered at most
};

class PageBudget {
 public:
  using Clock = std::function<std::chrono::steady_clock::time_point()>;
  explicit PageBudget(PageBudgetLimits limits = {}, Clock clock = &std::chrono::steady_clock::now);

  // Takes a page from `address`'s bucket: zero when it may have one made
  // now, else how long until it may (rounded up to whole seconds; nothing
  // is taken then).
  std::chrono::seconds take(const std::string& address);
  // How many addresses are remembered.
  std::size_t size() const;

 private:
  struct Entry {
    double pages;  // left in the bucket at `at`
    std::chrono::steady_clock::time_point at;
  };
  PageBudgetLimits limits_;
  Clock clock_;
  mutable std::mutex mutex_;
  AddressTable<Entry> entries_;  // touched at each page asked for
};

}  // namespace liaison::server
