#include "store/copy_state.h"

#include <map>

#include "base/durable_file.h"
#include "base/error.h"

namespace liaison {
namespace {

constexpr int kStateLayoutVersion = 1;

constexpr const char* kSchema =
    "CREATE TABLE IF NOT EXISTS copy(key TEXT PRIMARY KEY, value TEXT NOT NULL);"
    "CREATE TABLE IF NOT EXISTS remotes(name TEXT PRIMARY KEY, url TEXT NOT NULL, token TEXT NOT NULL DEFAULT '',"
    " head TEXT, submissions TEXT, submissions_stamp TEXT, segment TEXT);"
    "CREATE TABLE IF NOT EXISTS merge(only INTEGER PRIMARY KEY CHECK(only = 1), state TEXT NOT NULL);";

void owner_only(const std::filesystem::path& file) {
  std::error_code ignored;
  std::filesystem::permissions(file, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write,
                               ignored);
}

Database open_database(const std::filesystem::path& file) {
  auto db = Database::open(file);
  // The only copy of this state: a power cut must not take back what a
  // command reported done. Rollback journal: no -wal file to lose or leak.
  db.exec("PRAGMA journal_mode=DELETE; PRAGMA synchronous=FULL;");
  return db;
}

}  // namespace

CopyState CopyState::create_with(const std::filesystem::path& file,
                                 const std::vector<std::pair<std::string, std::string>>& copy_rows,
                                 const std::vector<std::vector<std::optional<std::string>>>& remote_rows,
                                 const std::optional<std::string>& merge) {
  if (std::filesystem::exists(file)) throw Failure(file.string() + " exists already");
  auto side = file;
  side += ".new";
  std::filesystem::remove(side);
  {
    auto db = open_database(side);
    owner_only(side);
    Transaction tx(db);
    db.exec(kSchema);
    auto put = db.prepare("INSERT INTO copy(key, value) VALUES(?, ?)");
    for (const auto& [key, value] : copy_rows) put.bind(1, key).bind(2, value).run();
    auto remote = db.prepare(
        "INSERT INTO remotes(name, url, token, head, submissions, submissions_stamp) VALUES(?, ?, ?, ?, ?, ?)");
    for (const auto& row : remote_rows) {
      for (int i = 0; i < 6; ++i) remote.bind_optional(i + 1, row[static_cast<std::size_t>(i)]);
      remote.run();
    }
    if (merge) db.prepare("INSERT INTO merge(only, state) VALUES(1, ?)").bind(1, *merge).run();
    db.exec("PRAGMA user_version=" + std::to_string(kStateLayoutVersion));
    tx.commit();
  }
  std::filesystem::rename(side, file);
  sync_directory(file.parent_path());
  return open(file);
}

CopyState CopyState::create(const std::filesystem::path& file, const Seed& seed) {
  return create_with(file, {{"org", seed.org}, {"user.name", seed.user.name}, {"user.email", seed.user.email}}, {},
                     std::nullopt);
}

CopyState CopyState::open(const std::filesystem::path& file) {
  if (!std::filesystem::exists(file)) throw UserError("the copy has no " + file.filename().string());
  auto db = open_database(file);
  owner_only(file);
  auto version = db.scalar("PRAGMA user_version");
  if (!version || std::stoi(*version) > kStateLayoutVersion)
    throw UserError(file.string() + " was written by a newer liaison; update liaison to open this copy");
  // Columns added within a layout: older versions name the columns they
  // read, so they still open the file.
  if (!db.scalar("SELECT name FROM pragma_table_info('remotes') WHERE name='segment'"))
    db.exec("ALTER TABLE remotes ADD COLUMN segment TEXT");
  return CopyState(std::move(db));
}

CopyState CopyState::migrate_from_view(const std::filesystem::path& view_file, const std::filesystem::path& file) {
  std::vector<std::pair<std::string, std::string>> copy_rows;
  std::map<std::string, std::vector<std::optional<std::string>>> remotes;
  std::optional<std::string> merge;
  {
    auto view = Database::open(view_file);
    if (view.scalar("SELECT name FROM sqlite_schema WHERE type='table' AND name='settings'")) {
      auto st = view.prepare("SELECT key, value FROM settings ORDER BY key");
      while (st.step()) {
        auto key = st.text(0), value = st.text(1);
        if (key == "org" || key == "user.name" || key == "user.email") {
          copy_rows.emplace_back(key, value);
        } else if (key == "merge") {
          merge = value;
        } else if (key.starts_with("remote.")) {
          auto dot = key.find('.', 7);
          if (dot == std::string::npos) continue;
          auto name = key.substr(7, dot - 7), what = key.substr(dot + 1);
          auto& row = remotes[name];
          if (row.empty()) row = {name, std::nullopt, std::string(), std::nullopt, std::nullopt, std::nullopt};
          if (what == "url") row[1] = value;
          else if (what == "token") row[2] = value;
          else if (what == "head") row[3] = value;
          else if (what == "submissions") row[4] = value;
          else if (what == "submissions-stamp") row[5] = value;
        }
      }
    }
  }
  std::vector<std::vector<std::optional<std::string>>> remote_rows;
  for (auto& [name, row] : remotes)
    if (row[1]) remote_rows.push_back(std::move(row));  // a remote without a location is not one
  return create_with(file, copy_rows, remote_rows, merge);
}

std::optional<CopyState::Summary> CopyState::peek(const std::filesystem::path& file,
                                                  const std::filesystem::path& view_file) {
  bool current = std::filesystem::exists(file);
  if (!current && !std::filesystem::exists(view_file)) return std::nullopt;
  auto db = Database::open(current ? file : view_file);
  Summary out;
  if (current) {
    out.org = db.scalar("SELECT value FROM copy WHERE key='org'").value_or("");
    out.merging = db.scalar("SELECT count(*) FROM merge") != "0";
  } else if (db.scalar("SELECT name FROM sqlite_schema WHERE type='table' AND name='settings'")) {
    out.org = db.scalar("SELECT value FROM settings WHERE key='org'").value_or("");
    out.merging = db.scalar("SELECT value FROM settings WHERE key='merge'").has_value();
  }
  return out;
}

std::string CopyState::org() { return db_.scalar("SELECT value FROM copy WHERE key='org'").value_or(""); }

Person CopyState::user() {
  return {db_.scalar("SELECT value FROM copy WHERE key='user.name'").value_or(""),
          db_.scalar("SELECT value FROM copy WHERE key='user.email'").value_or("")};
}

void CopyState::set_user(const Person& user) {
  Transaction tx(db_);
  auto st = db_.prepare("INSERT OR REPLACE INTO copy(key, value) VALUES(?, ?)");
  st.bind(1, "user.name").bind(2, user.name).run();
  st.bind(1, "user.email").bind(2, user.email).run();
  tx.commit();
}

std::vector<Remote> CopyState::remotes() {
  std::vector<Remote> out;
  auto st = db_.prepare("SELECT name, url, token FROM remotes ORDER BY name");
  while (st.step()) out.push_back({st.text(0), st.text(1), st.text(2)});
  return out;
}

std::optional<Remote> CopyState::remote(const std::string& name) {
  auto st = db_.prepare("SELECT name, url, token FROM remotes WHERE name=?");
  st.bind(1, name);
  if (!st.step()) return std::nullopt;
  return Remote{st.text(0), st.text(1), st.text(2)};
}

void CopyState::add_remote(const Remote& remote) {
  if (this->remote(remote.name)) throw UserError("remote '" + remote.name + "' exists already");
  db_.prepare("INSERT INTO remotes(name, url, token) VALUES(?, ?, ?)")
      .bind(1, remote.name)
      .bind(2, remote.url)
      .bind(3, remote.token)
      .run();
}

void CopyState::remove_remote(const std::string& name) {
  db_.prepare("DELETE FROM remotes WHERE name=?").bind(1, name).run();
  if (db_.changes() == 0) throw UserError("no remote named '" + name + "'");
}

std::optional<std::string> CopyState::remote_column(const std::string& name, const char* column) {
  auto st = db_.prepare(std::string("SELECT ") + column + " FROM remotes WHERE name=?");
  st.bind(1, name);
  if (!st.step() || st.is_null(0)) return std::nullopt;
  return st.text(0);
}

std::optional<CommitId> CopyState::remote_head(const std::string& name) { return remote_column(name, "head"); }

void CopyState::set_remote_head(const std::string& name, const CommitId& head) {
  db_.prepare("UPDATE remotes SET head=? WHERE name=?").bind(1, head).bind(2, name).run();
  if (db_.changes() == 0) throw UserError("no remote named '" + name + "'");
}

std::optional<std::string> CopyState::seen_submissions(const std::string& name) {
  return remote_column(name, "submissions");
}

std::optional<std::string> CopyState::submissions_stamp(const std::string& name) {
  return remote_column(name, "submissions_stamp");
}

void CopyState::set_seen_submissions(const std::string& name, const std::string& json, const std::string& stamp) {
  auto st = db_.prepare("UPDATE remotes SET submissions=?, submissions_stamp=? WHERE name=?");
  st.bind(1, json).bind_optional(2, stamp.empty() ? std::nullopt : std::optional<std::string>(stamp)).bind(3, name);
  st.run();
}

std::optional<std::string> CopyState::remote_segment(const std::string& name) { return remote_column(name, "segment"); }

void CopyState::set_remote_segment(const std::string& name, const std::string& segment) {
  db_.prepare("UPDATE remotes SET segment=? WHERE name=?").bind(1, segment).bind(2, name).run();
  if (db_.changes() == 0) throw UserError("no remote named '" + name + "'");
}

std::optional<std::string> CopyState::pending_merge() { return db_.scalar("SELECT state FROM merge WHERE only=1"); }

void CopyState::set_pending_merge(const std::string& json) {
  db_.prepare("INSERT OR REPLACE INTO merge(only, state) VALUES(1, ?)").bind(1, json).run();
}

void CopyState::clear_pending_merge() { db_.exec("DELETE FROM merge"); }

}  // namespace liaison
