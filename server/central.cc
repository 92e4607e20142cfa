#include "server/central.h"

#include <algorithm>
#include <cstring>
#include <iostream>
#include <set>

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include "base/error.h"
#include "merge/merge.h"
#include "server/clone_cache.h"
#include "server/submissions.h"

namespace liaison::server {
namespace {

Database open_server_db(const std::filesystem::path& dir) {
  auto db = Database::open(dir / "server.db");
  db.exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"
          "CREATE TABLE IF NOT EXISTS audit(id INTEGER PRIMARY KEY, time TEXT NOT NULL DEFAULT (datetime('now')),"
          " org TEXT, action TEXT, detail TEXT)");
  // Columns added after the first layout; older data folders gain them.
  std::set<std::string> columns;
  auto info = db.prepare("PRAGMA table_info(audit)");
  while (info.step()) columns.insert(info.text(1));
  for (const char* column : {"token_id INTEGER", "result TEXT", "client TEXT", "head_before TEXT",
                             "pushed_head TEXT", "head_after TEXT", "state TEXT NOT NULL DEFAULT 'done'"}) {
    std::string name(column, std::string_view(column).find(' '));
    if (!columns.count(name)) db.exec("ALTER TABLE audit ADD COLUMN " + std::string(column));
  }
  // Which push brought each commit: the author line of a commit is what its
  // client claims; this is what the server saw.
  db.exec("CREATE TABLE IF NOT EXISTS pushed_commits(commit_id TEXT PRIMARY KEY, audit_id INTEGER NOT NULL)");
  return db;
}

}  // namespace

void Central::init(const std::filesystem::path& dir, const std::string& org) {
  if (exists(dir)) throw UserError("a liaisond data folder exists already in " + dir.string());
  Store::InitOptions options;
  options.org = org;
  options.user = Person{"liaisond", "liaisond@localhost"};
  Store::init(dir / "central", options);
  auto db = open_server_db(dir);
  TokenStore tokens(dir / "server.db");
}

bool Central::exists(const std::filesystem::path& dir) {
  return Store::is_copy(dir / "central") && std::filesystem::exists(dir / "server.db");
}

FolderLock::FolderLock(const std::filesystem::path& dir) {
  if (!Central::exists(dir)) throw UserError("no liaisond data in " + dir.string() + " (run 'liaisond init DIR')");
  auto path = dir / "server.lock";
  fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd_ < 0) throw Failure("cannot open " + path.string() + ": " + std::strerror(errno));
  if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
    int err = errno;
    ::close(fd_);
    fd_ = -1;
    if (err == EWOULDBLOCK)
      throw UserError("another liaisond serves " + dir.string() + " already (" + path.string() + " is locked)");
    throw Failure("cannot lock " + path.string() + ": " + std::strerror(err));
  }
}

FolderLock::~FolderLock() {
  if (fd_ >= 0) ::close(fd_);
}

HistoryLease::~HistoryLease() {
  if (history_) owner_->return_history(std::move(history_));
}

Central::Central(const std::filesystem::path& dir)
    : dir_(dir),
      folder_lock_(dir),
      store_(Store::open(dir / "central")),
      db_(open_server_db(dir)),
      tokens_(dir / "server.db"),
      segments_(store_.history().dir(), dir / "server.db"),
      read_db_(Database::open(dir / "server.db")),
      clone_cache_(std::make_unique<CloneCache>(*this)) {
  SubmissionStore submissions(db_);  // its table exists before the read connection looks for it
  // A long-running server keeps its memory level instead of following the
  // size of the history it has read: a bounded page cache for the central
  // view, and no libgit2 object cache, which only ever held the commits and
  // trees of past syncs (a push is no slower without it).
  store_.view().limit_page_cache(32 * 1024 * 1024);
  History::disable_object_cache();
  // The folder lock makes this process central's only writer, and no thread
  // of it writes yet: a ref lock left by a server killed mid-push (main's or
  // a segment's) would refuse every later push.
  if (int n = store_.history().remove_every_stale_ref_lock())
    std::cerr << "liaisond: removed " << n << " lock file(s) a stopped server left in central's history\n";
  settle_audit();
  publish_head();
}

Central::~Central() {
  stopping_ = true;
  if (segment_deriver_.joinable()) segment_deriver_.join();
}

std::vector<Audience> served_audiences(TokenStore& tokens) {
  std::vector<Audience> out{Audience::everyone()};
  std::set<std::string> orgs;
  for (const auto& t : tokens.list())
    if (!t.revoked && t.role == Role::Editor && orgs.insert(t.org).second) out.push_back(Audience::of_org(t.org));
  return out;
}

void Central::derive_segments_in_background() {
  auto head = published_head();
  if (!head || segment_deriver_.joinable()) return;
  segment_deriver_ = std::thread([this, audiences = served_audiences(tokens_), head = *head] {
    try {
      segments_.derive_all(audiences, head, Segments::kLargeCommit, &stopping_);
      return;
    } catch (const std::exception& e) {
      std::cerr << "liaisond: deriving the segments together failed: " << e.what() << "\n";
    }
    // Then one audience at a time, so that one failing holds up no other.
    for (const auto& audience : audiences) {
      if (stopping_) return;
      try {
        segments_.at(audience, head);
      } catch (const std::exception& e) {
        std::cerr << "liaisond: deriving the " << audience.name() << " segment failed: " << e.what() << "\n";
      }
    }
  });
}

std::optional<CommitId> Central::published_head() const {
  std::lock_guard<std::mutex> lock(head_mutex_);
  return published_head_;
}

void Central::publish_head() {
  try {
    auto head = store_.history().head();
    {
      std::lock_guard<std::mutex> lock(head_mutex_);
      published_head_ = head;
    }
    if (feed_ && head) feed_->central_moved(*head);
  } catch (const std::exception& e) {
    // Reads keep the head they had: older, but complete.
    std::cerr << "liaisond: cannot read the central head to publish it: " << e.what() << "\n";
  }
}

void Central::start_feed(const FeedOptions& options) {
  feed_ = std::make_unique<ChangeFeed>(store_.history().dir(), segments_, options);
  if (auto head = published_head()) feed_->central_moved(*head);
}

HistoryLease Central::read_history() {
  {
    std::lock_guard<std::mutex> lock(pool_mutex_);
    if (!history_pool_.empty()) {
      auto history = std::move(history_pool_.back());
      history_pool_.pop_back();
      return HistoryLease(*this, std::move(history));
    }
  }
  // History::dir() never changes: reading it needs no lock().
  return HistoryLease(*this, std::make_unique<History>(History::open(store_.history().dir())));
}

void Central::return_history(std::unique_ptr<History> history) {
  // Enough for the worker threads; more would only keep files mapped.
  constexpr std::size_t kPooled = 8;
  std::lock_guard<std::mutex> lock(pool_mutex_);
  if (history_pool_.size() < kPooled) history_pool_.push_back(std::move(history));
}

namespace {

std::int64_t insert_audit(Database& db, const AuditEntry& e, const std::string& state) {
  auto st = db.prepare(
      "INSERT INTO audit(org, action, detail, token_id, result, client, head_before, pushed_head, state)"
      " VALUES(?,?,?,?,?,?,?,?,?)");
  st.bind(1, e.org).bind(2, e.route).bind(3, e.detail).bind(4, e.token_id).bind(5, e.result).bind(6, e.client);
  st.bind(7, e.head_before).bind(8, e.pushed_head).bind(9, state).run();
  return db.last_insert_rowid();
}

}  // namespace

std::int64_t Central::begin_audit(const AuditEntry& entry, const std::vector<CommitId>& commits) {
  Transaction tx(db_);
  auto id = insert_audit(db_, entry, "pending");
  auto st = db_.prepare("INSERT OR REPLACE INTO pushed_commits(commit_id, audit_id) VALUES(?,?)");
  for (const auto& c : commits) st.bind(1, c).bind(2, id).run();
  tx.commit();
  return id;
}

void Central::finish_audit(std::int64_t id, const CommitId& head_after) {
  auto st = db_.prepare("UPDATE audit SET state='done', head_after=? WHERE id=?");
  st.bind(1, head_after).bind(2, id).run();
}

void Central::audit(const AuditEntry& entry) { insert_audit(db_, entry, "done"); }

void Central::settle_audit() {
  auto head = store_.history().head();
  struct Pending {
    std::int64_t id;
    std::vector<CommitId> commits;  // the pushed head, then the commits the row brings
  };
  std::vector<Pending> pending;
  {
    auto st = db_.prepare("SELECT id, pushed_head FROM audit WHERE state='pending' ORDER BY id");
    while (st.step()) pending.push_back({st.integer(0), {st.text(1)}});
    auto brought = db_.prepare("SELECT commit_id FROM pushed_commits WHERE audit_id=?");
    for (auto& p : pending) {
      brought.bind(1, p.id);
      while (brought.step()) p.commits.push_back(brought.text(0));
      brought.reset();
    }
  }
  auto landed = [&](const CommitId& c) {
    return head && store_.history().has_commit(c) && store_.history().is_ancestor(c, *head);
  };
  for (const auto& p : pending) {
    // A push onto central lands its own head; a push onto a segment lands
    // the commit the server made of it (the row's pushed commits).
    auto it = std::find_if(p.commits.begin(), p.commits.end(), landed);
    Transaction tx(db_);
    if (it != p.commits.end()) {
      // The head the push made: the oldest commit of central's first-parent
      // line that contains the landed commit (the push itself or the merge
      // the server made of it).
      CommitId after = *head;
      for (auto c = store_.history().commit_info(*head); !c.parents.empty();) {
        auto parent = store_.history().commit_info(c.parents[0]);
        if (!store_.history().is_ancestor(*it, parent.id)) break;
        after = parent.id;
        c = std::move(parent);
      }
      auto st = db_.prepare("UPDATE audit SET state='done', head_after=?, detail=detail || ' (settled at start)'"
                            " WHERE id=?");
      st.bind(1, after).bind(2, p.id).run();
    } else {
      auto st = db_.prepare("UPDATE audit SET state='not-applied', result='interrupted' WHERE id=?");
      st.bind(1, p.id).run();
      auto del = db_.prepare("DELETE FROM pushed_commits WHERE audit_id=?");
      del.bind(1, p.id).run();
    }
    tx.commit();
  }
}

}  // namespace liaison::server
