// A watcher's connection to the change feed (GET /v1/events, protocol.h):
// opened with the last commit of its segment the copy saw, then read event
// by event with a bound on each wait, so that the caller can do other work
// (or stop) between events. Bounded as every client read is: the answer's
// header, each line and each event (kMaxEventBytes). The connection counts
// as dead when the server sends nothing, not even a heartbeat, for three of
// the heartbeats its hello announced.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include "git/history.h"
#include "sync/sse.h"

namespace liaison::sync {

class EventStream {
 public:
  EventStream(const std::string& url, std::string token);
  ~EventStream();
  EventStream(const EventStream&) = delete;
  EventStream& operator=(const EventStream&) = delete;

  // Connects and reads the answer's header. Throws UserError with the
  // server's one-line error when it refuses (a bad or revoked token, a
  // malformed commit), Failure when it cannot be reached, is busy (503) or
  // does not answer with a feed.
  void open(const std::optional<CommitId>& last_seen, std::chrono::seconds timeout = std::chrono::seconds(30));
  // The next event, waiting at most `wait`; nullopt when none came in that
  // time. Throws Failure once the connection ended, broke or went silent.
  std::optional<SseEvent> next(std::chrono::milliseconds wait);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace liaison::sync
