#include "server/central.h"

#include "core/error.h"
#include "server/clone_cache.h"

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
  TokenStore tokens(db);
}

bool Central::exists(const std::filesystem::path& dir) {
  return Store::is_copy(dir / "central") && std::filesystem::exists(dir / "server.db");
}

Central::Central(const std::filesystem::path& dir)
    : dir_(dir),
      store_(Store::open(dir / "central")),
      db_(open_server_db(dir)),
      tokens_(db_),
      clone_cache_(std::make_unique<CloneCache>(*this)) {
  if (!exists(dir)) throw UserError("no liaisond data in " + dir.string() + " (run 'liaisond init DIR')");
  // A long-running server keeps its memory level instead of following the
  // size of the history it has read: 32 MB of SQLite pages at most for the
  // central view, and no libgit2 object cache. That cache (commits and trees
  // under 4 KB) only ever held objects of past syncs: with it, memory grew by
  // 1-2 MB per round of 200 syncs, without it a push is no slower.
  store_.view().db().exec("PRAGMA cache_size=-32768");
  git_libgit2_opts(GIT_OPT_ENABLE_CACHING, 0);
}

Central::~Central() = default;

void Central::audit(const std::string& org, const std::string& action, const std::string& detail) {
  auto st = db_.prepare("INSERT INTO audit(org, action, detail) VALUES(?,?,?)");
  st.bind(1, org).bind(2, action).bind(3, detail).run();
}

}  // namespace liaison::server
