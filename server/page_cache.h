// The web pages as made, each kept under a key naming everything it depends
// on (web_routes.cc: what its visitor may see and as of which commit, the
// day, the language, the target), so every visitor asking the same gets the
// same bytes: many donors loading the overview cost one rendering, and a
// change to what an audience sees makes its older entries unreachable (they
// age out). Bounded by the bytes of the bodies held; the least recently used
// goes first. A page asked for by many at once is made once: the others
// wait for it (after a push, every donor asks for the new overview at the
// same moment). Thread-safe.
#pragma once

#include <cstddef>
#include <functional>
#include <future>
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
  // The page kept under `key`, else make()'s, kept when its status is 200.
  // While one caller makes it, the others asking for `key` wait for that
  // page instead of making their own.
  std::shared_ptr<const Response> get(const std::string& key,
                                      const std::function<std::shared_ptr<const Response>()>& make);
  // Keeps `page` unless it alone is larger than the bound.
  void put(const std::string& key, std::shared_ptr<const Response> page);
  std::size_t bytes() const;

 private:
  // The page kept under `key`, made the most recently used (mutex_ held).
  std::shared_ptr<const Response> kept(const std::string& key);

  struct Entry {
    std::string key;
    std::shared_ptr<const Response> page;
  };
  std::size_t max_bytes_;
  mutable std::mutex mutex_;
  std::list<Entry> order_;  // most recently used first
  std::unordered_map<std::string, std::list<Entry>::iterator> index_;
  std::unordered_map<std::string, std::shared_future<std::shared_ptr<const Response>>> making_;
  std::size_t bytes_ = 0;
};

}  // namespace liaison::server
