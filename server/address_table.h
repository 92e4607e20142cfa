// AddressTable: an entry per client address, at most `capacity` of them;
// when the table is full, the address touched least recently is forgotten,
// so an attacker with many addresses cannot make it grow. The limiters of
// rate_limit.h and page_budget.h keep their counts in one. Not thread-safe:
// its owner locks.
#pragma once

#include <cstddef>
#include <list>
#include <string>
#include <unordered_map>
#include <utility>

namespace liaison::server {

template <class Value>
class AddressTable {
 public:
  explicit AddressTable(std::size_t capacity) : capacity_(capacity) {}

  // The entry of `address`, or nullptr; it stays where it is in the order.
  Value* find(const std::string& address) {
    auto found = by_address_.find(address);
    return found == by_address_.end() ? nullptr : &found->second->second;
  }
  // The entry of `address`, now the most recently touched; made from
  // `fresh` when it is not there (the least recent one forgotten when the
  // table is full). nullptr when the capacity is 0.
  Value* touch(const std::string& address, const Value& fresh) {
    if (capacity_ == 0) return nullptr;
    auto found = by_address_.find(address);
    if (found != by_address_.end()) {
      entries_.splice(entries_.begin(), entries_, found->second);
      return &found->second->second;
    }
    if (entries_.size() >= capacity_) {
      by_address_.erase(entries_.back().first);
      entries_.pop_back();
    }
    entries_.emplace_front(address, fresh);
    by_address_.emplace(address, entries_.begin());
    return &entries_.front().second;
  }
  std::size_t size() const { return entries_.size(); }

 private:
  using Entries = std::list<std::pair<std::string, Value>>;
  std::size_t capacity_;
  Entries entries_;  // most recently touched first
  std::unordered_map<std::string, typename Entries::iterator> by_address_;
};

}  // namespace liaison::server
