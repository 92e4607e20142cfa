#include "server/page_cache.h"

namespace liaison::server {

namespace {

std::size_t entry_bytes(const std::string& key, const Response& page) { return key.size() + page.body.size(); }

}  // namespace

std::shared_ptr<const Response> PageCache::kept(const std::string& key) {
  auto it = index_.find(key);
  if (it == index_.end()) return nullptr;
  order_.splice(order_.begin(), order_, it->second);
  return it->second->page;
}

std::shared_ptr<const Response> PageCache::find(const std::string& key) {
  std::lock_guard<std::mutex> lock(mutex_);
  return kept(key);
}

void PageCache::put(const std::string& key, std::shared_ptr<const Response> page) {
  std::size_t size = entry_bytes(key, *page);
  if (size > max_bytes_) return;
  std::lock_guard<std::mutex> lock(mutex_);
  if (auto it = index_.find(key); it != index_.end()) {
    bytes_ -= entry_bytes(key, *it->second->page);
    order_.erase(it->second);
    index_.erase(it);
  }
  order_.push_front(Entry{key, std::move(page)});
  index_[key] = order_.begin();
  bytes_ += size;
  while (bytes_ > max_bytes_) {
    auto& last = order_.back();
    bytes_ -= entry_bytes(last.key, *last.page);
    index_.erase(last.key);
    order_.pop_back();
  }
}

std::shared_ptr<const Response> PageCache::get(const std::string& key,
                                               const std::function<std::shared_ptr<const Response>()>& make) {
  std::promise<std::shared_ptr<const Response>> promise;
  {
    std::unique_lock<std::mutex> lock(mutex_);
    if (auto page = kept(key)) return page;
    if (auto it = making_.find(key); it != making_.end()) {
      auto pending = it->second;
      lock.unlock();
      if (auto page = pending.get()) return page;
      return make();  // the maker failed: this caller tries for itself
    }
    making_.emplace(key, promise.get_future().share());
  }
  std::shared_ptr<const Response> page;
  try {
    page = make();
  } catch (...) {
    std::lock_guard<std::mutex> lock(mutex_);
    making_.erase(key);
    promise.set_value(nullptr);
    throw;
  }
  if (page && page->status == 200) put(key, page);
  {
    std::lock_guard<std::mutex> lock(mutex_);
    making_.erase(key);
  }
  promise.set_value(page);
  return page;
}

std::size_t PageCache::bytes() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return bytes_;
}

}  // namespace liaison::server
