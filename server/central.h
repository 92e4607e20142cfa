// The central copy a liaisond server keeps in its data folder:
//   DIR/central/    a liaison copy (history + view), the shared truth
//   DIR/server.db   tokens, submissions and the audit log
// All access to the central copy goes through lock(): requests that read or
// change it are serialised, so concurrent pushes never interleave and the
// head always moves by compare-and-swap from the state each push examined.
#pragma once

#include <filesystem>
#include <memory>
#include <mutex>

#include "core/sqlite_db.h"
#include "core/store.h"
#include "server/tokens.h"

namespace liaison::server {

class CloneCache;

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
  TokenStore& tokens() { return tokens_; }  // only under lock()
  const std::filesystem::path& dir() const { return dir_; }
  // What clones are served (thread-safe; takes lock() itself when needed).
  CloneCache& clone_cache() { return *clone_cache_; }

  // Appends a line to the audit log (under lock()).
  void audit(const std::string& org, const std::string& action, const std::string& detail);

 private:
  std::filesystem::path dir_;
  std::mutex mutex_;
  Store store_;
  Database db_;
  TokenStore tokens_;
  std::unique_ptr<CloneCache> clone_cache_;  // last: its builder thread stops first
};

}  // namespace liaison::server
