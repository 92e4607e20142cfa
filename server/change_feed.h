// The change feed (GET /v1/events, sync/protocol.h): every watcher is told
// of each new head of its token's segment, with the records that head
// changed (sync/change_event.h), as one Server-Sent Event. A segment that
// did not move is told nothing, so a watcher never learns that something
// it may not see changed.
//
// One thread of the feed's own makes the events, once per audience and
// head, and hands the same bytes to every watcher of that audience through
// its FeedSink (the connection code writes them); it also sends each
// watcher a heartbeat every `heartbeat`. A watcher that comes back with the
// last head it saw is sent what changed since, or a "pull" event when that
// is more than an event holds or no head of its segment. Because one thread
// sends everything, a new watcher's catch-up comes before any later event.
//
// Thread-safe. Watchers are held by weak_ptr, and each holds a ticket for
// its place: a connection that goes gives its place back at once, and the
// feed forgets it within a tenth of a second.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "git/history.h"
#include "model/visibility.h"
#include "server/segments.h"
#include "sync/change_event.h"

namespace liaison::server {

// Where a watcher's events go: a connection, or a test's recorder. send()
// is called from the feed's thread and must not block.
class FeedSink {
 public:
  virtual ~FeedSink() = default;
  virtual void send(std::shared_ptr<const std::string> frame) = 0;
};

struct FeedOptions {
  std::chrono::milliseconds heartbeat{15000};
  sync::ChangeLimits limits;  // what one event may hold
  std::size_t max_watchers = 20000;
};

class ChangeFeed {
 public:
  ChangeFeed(const std::filesystem::path& history_dir, Segments& segments, FeedOptions options = {});
  ~ChangeFeed();
  ChangeFeed(const ChangeFeed&) = delete;
  ChangeFeed& operator=(const ChangeFeed&) = delete;

  // Central's head moved to `head` (Central::publish_head); returns at once.
  void central_moved(const CommitId& head);
  // Held by a watcher for as long as it watches; dropping it gives the
  // place back. It may outlive the feed.
  using Ticket = std::shared_ptr<void>;
  // Adds a watcher of `audience` that last saw `since` of its segment
  // (nullopt: it starts from now). It is sent a "hello" event naming the
  // segment's head and the heartbeat, then what it missed, then each event.
  // Null when the feed holds max_watchers tickets already or was closed.
  Ticket watch(const Audience& audience, const std::optional<CommitId>& since, std::weak_ptr<FeedSink> sink);
  // Drops every watcher and takes no more, returning once no send() is
  // under way: the connection code calls it before its sockets go.
  void close();
  // Tickets held.
  std::size_t watchers() const;
  const FeedOptions& options() const { return options_; }

 private:
  struct Watcher {
    Audience audience;
    std::optional<CommitId> since;
    std::weak_ptr<FeedSink> sink;
  };
  struct Group {
    Audience audience;
    std::optional<CommitId> head;  // the segment head last announced
    std::vector<std::weak_ptr<FeedSink>> sinks;
  };

  // Catch-up events made in one round, by audience and commit last seen.
  using CatchUps = std::map<std::string, std::shared_ptr<const std::string>>;

  void run();
  void advance(Group& group, const CommitId& central);
  void start(Watcher& watcher, CatchUps& made);
  Group& group_of(const Audience& audience);
  std::shared_ptr<const std::string> event_between(const Audience& audience, const std::optional<CommitId>& from,
                                                   const CommitId& to);
  bool in_segment(const Audience& audience, const CommitId& commit, const CommitId& head);
  void heartbeat();
  // Sends `frame` to the group's live watchers and forgets the gone ones.
  void send_to(Group& group, const std::shared_ptr<const std::string>& frame);
  void forget_gone();

  // What the feed's thread waits on, shared with the tickets.
  struct State {
    std::mutex mutex;  // guards all of State
    std::condition_variable wake;
    std::optional<CommitId> central_head;
    bool moved = false;
    std::vector<Watcher> arriving;
    std::size_t tickets = 0;
    std::size_t departed = 0;  // tickets dropped since the feed last forgot the gone
    bool stop = false, closed = false;
  };

  Segments& segments_;
  FeedOptions options_;
  History history_;  // used by the feed's thread only
  std::shared_ptr<State> state_;

  std::mutex work_mutex_;  // held by the feed's thread while it sends
  std::optional<CommitId> processed_head_;
  std::map<std::string, Group> groups_;  // by audience name
  std::shared_ptr<const std::string> ping_;
  std::thread thread_;  // last: starts once the rest is in place
};

}  // namespace liaison::server
