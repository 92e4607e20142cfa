#include "server/page_cache.h"

namespace liaison::server {

std::shared_ptr<const Response> PageCache::find(const std::string& key) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = index_.find(key);
  if (it == index_.end()) return nullptr;
  order_.splice(order_.begin(), order_, it->second);
  return it->second->page;
}

void PageCache::put(const std::string& key, std::shared_ptr<const Response> page) {
  std::size_t size = page->body.size() + key.size();
  if (size > max_bytes_) return;
  std::lock_guard<std::mutex> lock(mutex_);
  if (auto it = index_.find(key); it != index_.end()) {
    bytes_ -= it->second->page->body.size() + key.size();
    order_.erase(it->second);
    index_.erase(it);
  }
  order_.push_front(Entry{key, std::move(page)});
  index_[key] = order_.begin();
  bytes_ += size;
  while (bytes_ > max_bytes_) {
    auto& last = order_.back();
    bytes_ -= last.page->body.size() + last.key.size();
    index_.erase(last.key);
    order_.pop_back();
  }
}

std::size_t PageCache::bytes() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return bytes_;
}

}  // namespace liaison::server
