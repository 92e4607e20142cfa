// SignInLimiter: counts failed token attempts per client address and, once
// an address has failed too often within a window, refuses it for a while
// without checking its tokens, so tokens cannot be guessed at network speed.
// Every request from a refused address is refused, with a good token too:
// clients behind one NAT address share its count.
//
// The table is bounded: when it is full, the address whose last failure is
// the oldest is forgotten, so an attacker with many addresses cannot make it
// grow. Thread-safe. The clock is injected so tests need not wait.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <mutex>
#include <string>

#include "server/address_table.h"

namespace liaison::server {

struct SignInLimits {
  int failures = 10;                // this many failures within `window`...
  std::chrono::seconds window{60};  // ...refuse the address for `window`
  std::size_t addresses = 4096;     // addresses remembered at most
};

class SignInLimiter {
 public:
  using Clock = std::function<std::chrono::steady_clock::time_point()>;
  explicit SignInLimiter(SignInLimits limits = {}, Clock clock = &std::chrono::steady_clock::now);

  // How long `address` must still wait before a token of its is checked
  // (zero: it may try now), rounded up to whole seconds.
  std::chrono::seconds wait(const std::string& address);
  // Counts a failed token attempt from `address`.
  void failed(const std::string& address);
  // How many addresses are remembered.
  std::size_t size() const;

 private:
  struct Entry {
    std::chrono::steady_clock::time_point window_start;
    int failures = 0;
    std::chrono::steady_clock::time_point refused_until;
  };
  SignInLimits limits_;
  Clock clock_;
  mutable std::mutex mutex_;
  AddressTable<Entry> entries_;  // touched at each failure
};

}  // namespace liaison::server
