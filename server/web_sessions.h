// The web pages' sign-in sessions, held in memory: a session id (the
// cookie's value, 256 random bits) stands for the token signed in with, a
// form token against cross-site requests, and an expiry. The token is
// checked again on every request, so revoking it ends its sessions at once;
// a restart ends them all. At most max_sessions live at once: a new one
// pushes out the one closest to expiry.
//
// Thread-safe.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>

namespace liaison::server {

// 256 bits from OpenSSL's random source, as 64 hex digits: session ids and
// form tokens.
std::string random_hex();

struct WebSession {
  std::string token;
  std::string csrf;
  std::chrono::steady_clock::time_point expires;
};

class WebSessions {
 public:
  using Clock = std::function<std::chrono::steady_clock::time_point()>;
  explicit WebSessions(std::chrono::seconds lifetime = std::chrono::hours(8), std::size_t max_sessions = 10000,
                       Clock clock = &std::chrono::steady_clock::now);

  // A new session for `token`; its id.
  std::string open(const std::string& token);
  // The live session of `id`; nullopt for an unknown or expired one.
  std::optional<WebSession> find(const std::string& id);
  void close(const std::string& id);
  std::size_t size() const;
  std::chrono::seconds lifetime() const { return lifetime_; }

 private:
  std::chrono::seconds lifetime_;
  std::size_t max_;
  Clock clock_;
  mutable std::mutex mutex_;
  std::map<std::string, WebSession> sessions_;
};

}  // namespace liaison::server
