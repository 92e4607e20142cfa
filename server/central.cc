#include "server/central.h"

#include <cstring>
#include <iostream>

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include "core/error.h"
#include "server/clone_cache.h"
#include "server/submissions.h"

namespace liaison::server {
namespace {

Database open_server_db(const std::filesystem::path& dir) {
  auto db = Database::open(dir / "server.db");
  db.exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"
          "CREATE TABLE IF NOT EXISTS audit(id INTEGER PRIMARY KEY, time TEXT NOT NULL DEFAULT (datetime('now')),"
          " org TEXT, action TEXT, detail TEXT)");
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
      read_db_(Database::open(dir / "server.db")),
      clone_cache_(std::make_unique<CloneCache>(*this)) {
  SubmissionStore submissions(db_);  // its table exists before the read connection looks for it
  // A long-running server keeps its memory level instead of following the
  // size of the history it has read: 32 MB of SQLite pages at most for the
  // central view, and no libgit2 object cache. That cache (commits and trees
  // under 4 KB) only ever held objects of past syncs: with it, memory grew by
  // 1-2 MB per round of 200 syncs, without it a push is no slower.
  store_.view().db().exec("PRAGMA cache_size=-32768");
  git_libgit2_opts(GIT_OPT_ENABLE_CACHING, 0);
  publish_head();
}

Central::~Central() = default;

std::optional<CommitId> Central::published_head() const {
  std::lock_guard<std::mutex> lock(head_mutex_);
  return published_head_;
}

void Central::publish_head() {
  try {
    auto head = store_.history().head();
    std::lock_guard<std::mutex> lock(head_mutex_);
    published_head_ = std::move(head);
  } catch (const std::exception& e) {
    // Reads keep the head they had: older, but complete.
    std::cerr << "liaisond: cannot read the central head to publish it: " << e.what() << "\n";
  }
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

void Central::audit(const std::string& org, const std::string& action, const std::string& detail) {
  auto st = db_.prepare("INSERT INTO audit(org, action, detail) VALUES(?,?,?)");
  st.bind(1, org).bind(2, action).bind(3, detail).run();
}

}  // namespace liaison::server
