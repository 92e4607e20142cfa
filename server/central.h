// The central copy a liaisond server keeps in its data folder:
//   DIR/central/    a liaison copy (history + view), the shared truth
//   DIR/server.db   tokens, submissions, the audit log and which segment
//                   commit stands for which central commit (segments.h)
// All access to the central copy goes through lock(): requests that read or
// change it are serialised, so concurrent pushes never interleave and the
// head always moves by compare-and-swap from the state each push examined.
// Reads do not take it: tokens are checked through TokenStore's own
// connection, health and fetch answer from the published head (set after
// every head move, once its objects are written) with a History handle of
// the read pool and a server.db connection of their own.
// Only one Central at a time serves a data folder (DIR/server.lock).
#pragma once

#include <atomic>
#include <filesystem>
#include <thread>
#include <memory>
#include <mutex>
#include <optional>
#include <vector>

#include "base/decode_limits.h"
#include "view/sqlite_db.h"
#include "store/store.h"
#include "server/change_feed.h"
#include "server/segments.h"
#include "server/tokens.h"

namespace liaison::server {

class CloneCache;
class Central;

// A History handle of Central's read pool (libgit2 repositories are not
// shared between threads); back in the pool when the lease goes.
class HistoryLease {
 public:
  HistoryLease(HistoryLease&&) noexcept = default;
  HistoryLease& operator=(HistoryLease&&) = delete;
  ~HistoryLease();
  const History& operator*() const { return *history_; }
  const History* operator->() const { return history_.get(); }

 private:
  friend class Central;
  HistoryLease(Central& owner, std::unique_ptr<History> history) : owner_(&owner), history_(std::move(history)) {}
  Central* owner_;
  std::unique_ptr<History> history_;
};

// Central's read connection to server.db, held alone while the lease lives.
class ReadDb {
 public:
  Database& operator*() { return *db_; }
  Database* operator->() { return db_; }

 private:
  friend class Central;
  ReadDb(std::mutex& mutex, Database& db) : lock_(mutex), db_(&db) {}
  std::unique_lock<std::mutex> lock_;
  Database* db_;
};

// An flock on DIR/server.lock, held while it lives; UserError when another
// process holds it.
class FolderLock {
 public:
  explicit FolderLock(const std::filesystem::path& dir);
  ~FolderLock();
  FolderLock(const FolderLock&) = delete;
  FolderLock& operator=(const FolderLock&) = delete;

 private:
  int fd_ = -1;
};

struct AuditEntry {
  std::int64_t token_id = 0;
  std::string org;
  std::string route;   // "push", "accept", "reject"
  std::string result;  // "fast-forward", "merged", "submission", "rejected", ...
  std::string client;  // the client's address
  CommitId head_before;
  CommitId pushed_head;
  std::string detail;
};

// The audiences the live tokens of `tokens` are served: the public segment,
// and each organization with an editor token (admins are served central
// itself).
std::vector<Audience> served_audiences(TokenStore& tokens);

class Central {
 public:
  // Creates the data folder with a central copy loaded with the reference data.
  static void init(const std::filesystem::path& dir, const std::string& org);
  static bool exists(const std::filesystem::path& dir);
  explicit Central(const std::filesystem::path& dir);
  ~Central();

  std::unique_lock<std::mutex> lock() { return std::unique_lock<std::mutex>(mutex_); }
  Store& store() { return store_; }        // only under lock()
  Database& db() { return db_; }           // only under lock()
  TokenStore& tokens() { return tokens_; }  // thread-safe, without lock()
  const std::filesystem::path& dir() const { return dir_; }
  // The histories each audience is served (thread-safe, without lock()).
  Segments& segments() { return segments_; }
  // Derives each served audience's segment at the published head on a
  // thread of its own, so that the first fetch after a start need not;
  // stopped (between two audiences) when the Central goes.
  void derive_segments_in_background();
  // Starts the change feed (change_feed.h) at the published head: call
  // once, before serving. feed() is nullptr until then.
  void start_feed(const FeedOptions& options);
  ChangeFeed* feed() { return feed_.get(); }
  // What clones are served (thread-safe; takes lock() itself when needed).
  CloneCache& clone_cache() { return *clone_cache_; }
  // Bounds on what pushes may expand to (set before serving; read-only then).
  const DecodeLimits& decode_limits() const { return decode_limits_; }
  void set_decode_limits(const DecodeLimits& limits) { decode_limits_ = limits; }

  // The head reads are served from (nullopt: empty history). Thread-safe,
  // never waits for lock().
  std::optional<CommitId> published_head() const;
  // Publishes the central history's head: call under lock() after every
  // head move (its objects must be written already), and tells the change
  // feed. Never throws.
  void publish_head();
  // A History handle for reads without lock(); it sees every object of the
  // published head.
  HistoryLease read_history();
  // server.db for reads without lock() (WAL: they see the last commit).
  ReadDb read_db() { return ReadDb(read_db_mutex_, read_db_); }

  // The audit log (under lock()). A change of central's head is audited in
  // two steps: begin_audit() before the head moves (with the pushed commits,
  // so the server's record of who pushed each one lands with it), then
  // finish_audit() once it moved. A row left pending by a crash is settled
  // when the server starts, from the history itself: done if the pushed
  // head is in central's history, not applied otherwise. So history and
  // audit agree whatever point a kill -9 hits.
  std::int64_t begin_audit(const AuditEntry& entry, const std::vector<CommitId>& commits);
  void finish_audit(std::int64_t id, const CommitId& head_after);
  // A complete row for what moves no head (submissions, rejections, refusals).
  void audit(const AuditEntry& entry);
  // Settles pending rows from the history (at start, and after a failed change).
  void settle_audit();

 private:
  friend class HistoryLease;
  void return_history(std::unique_ptr<History> history);

  std::filesystem::path dir_;
  FolderLock folder_lock_;  // before anything touches the folder
  std::mutex mutex_;
  Store store_;
  Database db_;
  TokenStore tokens_;
  Segments segments_;
  mutable std::mutex head_mutex_;
  std::optional<CommitId> published_head_;
  DecodeLimits decode_limits_;
  std::mutex pool_mutex_;
  std::vector<std::unique_ptr<History>> history_pool_;
  std::mutex read_db_mutex_;
  Database read_db_;
  std::unique_ptr<CloneCache> clone_cache_;  // its builder thread stops first
  std::atomic<bool> stopping_{false};
  std::thread segment_deriver_;  // joined by the destructor
  std::unique_ptr<ChangeFeed> feed_;  // first to stop: it reads segments_
};

}  // namespace liaison::server
