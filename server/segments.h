// Segments: the history each audience is served (model/visibility.h says who
// sees what). Fetch is not access control: a git history holds every byte of
// every version it ever had, so a token must be given a history of its own
// that never held a byte it may not see, not a filtered view of central's.
//
// The segment of an audience is derived from central's history commit for
// commit: the projection of central commit C has C's author, committer and
// dates, the projections of C's parents as parents, and a tree holding each
// of C's records as project_record() makes it for the audience (hidden ones
// left out). Its message is C's when every record C changes is shown as it
// is; otherwise it is written from what the audience sees of the change, so
// a message never names a hidden record or a personal value. The projection
// is a pure function of central's commits, so its ids are the same on every
// machine, and an organization that sees nothing restricted has the very
// commits of the partners' segment.
//
// Segments are derived when first asked for and kept up to date as central
// moves (each central commit is derived once per audience). Their objects
// live in central's own object store, where the records they share with
// central cost nothing more, under refs/segments/ (so git gc keeps them);
// which projected commit stands for which central commit is kept in
// server.db. Objects are written before the rows that name them, so a crash
// leaves at most unnamed objects.
//
// Thread-safe: one derivation at a time per audience, each with a History
// handle and a server.db connection of its own, so a long derivation of one
// audience holds up no other; it never waits for the central lock.
#pragma once

#include <atomic>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "git/history.h"
#include "model/visibility.h"
#include "view/sqlite_db.h"

namespace liaison::server {

class Segments {
 public:
  Segments(const std::filesystem::path& history_dir, const std::filesystem::path& server_db);

  // The audience's projection of central commit `central`, derived now if it
  // is not yet. For Audience::all(), `central` itself.
  CommitId at(const Audience& audience, const CommitId& central);
  // Derives every audience's segment up to central commit `central`, as
  // at() does, but organizations together: a commit changing `large_commit`
  // records or more is read once for all of them, and each one's tree made
  // as the partners' with its own few records set (server/segment_overlay.h),
  // so a bulk import or a server's first start costs each organization
  // little. The commits made are at()'s. Returns early, with what is done
  // kept, once `stop` is set.
  static constexpr std::size_t kLargeCommit = 64;
  void derive_all(const std::vector<Audience>& audiences, const CommitId& central,
                  std::size_t large_commit = kLargeCommit, const std::atomic<bool>* stop = nullptr);
  // The central commit whose projection for the audience is `projected`;
  // nullopt when `projected` is no commit of the audience's segment.
  std::optional<CommitId> source_of(const Audience& audience, const CommitId& projected);
  // The last commit, going back from central commit `central` along first
  // parents, whose projection changed what the audience sees (its tree);
  // `central` itself for Audience::all(). What a page shows the audience is
  // the same at every central commit with the same answer, so pages are kept
  // by it: a push of what the public may not see leaves the public's pages
  // as they are. Derives what it needs, like at().
  CommitId last_visible_change(const Audience& audience, const CommitId& central);
  // The same when it is known without reading history (asked for before).
  std::optional<CommitId> known_last_visible_change(const Audience& audience, const CommitId& central);
  // The ref under which the audience's segment is kept.
  static std::string ref_name(const Audience& audience);

 private:
  std::optional<CommitId> lookup(const std::string& audience, const CommitId& central);
  std::mutex& derivation_lock(const std::string& audience);

  std::filesystem::path history_dir_, db_file_;
  std::mutex lookup_mutex_;  // for history_ and db_, which serve lookups
  History history_;
  Database db_;
  std::mutex locks_mutex_;
  std::map<std::string, std::unique_ptr<std::mutex>> derivation_locks_;
  std::mutex changes_mutex_;  // for last_changes_
  // last_visible_change()'s answers, per audience then central commit; an
  // audience's are dropped all at once when they grow past a bound.
  std::map<std::string, std::map<CommitId, CommitId>> last_changes_;
};

}  // namespace liaison::server
