#include "server/web_sessions.h"

#include <openssl/rand.h>

#include <algorithm>
#include <array>

#include "base/error.h"

namespace liaison::server {

std::string random_hex() {
  std::array<unsigned char, 32> bytes{};
  if (RAND_bytes(bytes.data(), static_cast<int>(bytes.size())) != 1) throw Failure("no random source for sessions");
  static const char* digits = "0123456789abcdef";
  std::string out;
  for (unsigned char b : bytes) {
    out += digits[b >> 4];
    out += digits[b & 15];
  }
  return out;
}

WebSessions::WebSessions(std::chrono::seconds lifetime, std::size_t max_sessions, Clock clock)
    : lifetime_(lifetime), max_(std::max<std::size_t>(1, max_sessions)), clock_(std::move(clock)) {}

std::string WebSessions::open(const std::string& token) {
  auto id = random_hex();
  WebSession session{token, random_hex(), clock_() + lifetime_};
  std::lock_guard<std::mutex> lock(mutex_);
  auto now = clock_();
  std::erase_if(sessions_, [&](const auto& entry) { return entry.second.expires <= now; });
  if (sessions_.size() >= max_) {
    auto oldest = std::min_element(sessions_.begin(), sessions_.end(),
                                   [](const auto& a, const auto& b) { return a.second.expires < b.second.expires; });
    sessions_.erase(oldest);
  }
  sessions_.emplace(id, std::move(session));
  return id;
}

std::optional<WebSession> WebSessions::find(const std::string& id) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = sessions_.find(id);
  if (it == sessions_.end()) return std::nullopt;
  if (it->second.expires <= clock_()) {
    sessions_.erase(it);
    return std::nullopt;
  }
  return it->second;
}

void WebSessions::close(const std::string& id) {
  std::lock_guard<std::mutex> lock(mutex_);
  sessions_.erase(id);
}

std::size_t WebSessions::size() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return sessions_.size();
}

}  // namespace liaison::server
