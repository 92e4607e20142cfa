// The web pages as a visitor without sign-in gets them, kept by the view's
// head, the language and the request target: every such visitor of one head
// gets the same bytes, so many donors loading the overview cost one
// rendering, and a new head makes every older entry unreachable (they age
// out). Bounded by the bytes of the bodies held; the least recently used
// goes first. Thread-safe.
#pragma once

#include <cstddef>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

#include "server/handlers.h"

namespace liaison::server {

class PageCache {
 public:
  explicit PageCache(std::size_t max_bytes = 32u << 20) : max_bytes_(max_bytes) {}

  std::shared_ptr<const Response> find(const std::string& key);
  // Keeps `page` unless it alone is larger than the bound.
  void put(const std::string& key, std::shared_ptr<const Response> page);
  std::size_t bytes() const;

 private:
  struct Entry {
    std::string key;
    std::shared_ptr<const Response> page;
  };
  std::size_t max_bytes_;
  mutable std::mutex mutex_;
  std::list<Entry> order_;  // most recently used first
  std::unordered_map<std::string, std::list<Entry>::iterator> index_;
  std::size_t bytes_ = 0;
};

}  // namespace liaison::server
