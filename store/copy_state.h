// CopyState: what a copy knows that its history cannot tell, kept in
// state.db beside history.git: the organization keeping the copy, its user,
// its remotes (location, token, the head last seen there, the review-queue
// entries last seen, the segment a server serves it) and a merge in progress.
//
// Promises:
//  * The view (view.db) is a cache of the history and may be deleted; this
//    file may not, so it is separate, written with full durability, and
//    readable by its owner alone (it holds tokens).
//  * Each setter is one statement: it is on disk, whole, when it returns.
//  * Tables are typed: nothing outside this module names a key or a column.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "git/history.h"
#include "view/sqlite_db.h"

namespace liaison {

struct Remote {
  std::string name;
  std::string url;    // a path to another copy or git history, or http(s)://
  std::string token;  // for servers; never written to history
};

class CopyState {
 public:
  struct Seed {
    std::string org;
    Person user;
  };
  // Creates `file` holding `seed` (written beside it and renamed into place,
  // so a crash leaves either no state or a whole one). Throws if it exists.
  static CopyState create(const std::filesystem::path& file, const Seed& seed);
  static CopyState open(const std::filesystem::path& file);
  // Moves the settings that older layouts kept in the view's `settings`
  // table into a new `file` (atomically, as create). The view's table is
  // left alone: the view drops it when it rebuilds its layout.
  static CopyState migrate_from_view(const std::filesystem::path& view_file, const std::filesystem::path& file);

  // What another copy's state says (its org, whether it is merging), read
  // without writing to it: from `file`, or from the settings of an older
  // layout's `view_file`; nullopt when neither exists.
  struct Summary {
    std::string org;
    bool merging = false;
  };
  static std::optional<Summary> peek(const std::filesystem::path& file, const std::filesystem::path& view_file);

  std::string org();
  Person user();
  void set_user(const Person& user);

  std::vector<Remote> remotes();
  std::optional<Remote> remote(const std::string& name);
  // Throws UserError if a remote of that name exists.
  void add_remote(const Remote& remote);
  // Throws UserError if there is none of that name.
  void remove_remote(const std::string& name);
  // The remote's head as last fetched from it.
  std::optional<CommitId> remote_head(const std::string& name);
  void set_remote_head(const std::string& name, const CommitId& head);
  // This copy's entries in the remote's review queue as last seen (JSON
  // text), and the server's stamp of the queue they were read at.
  std::optional<std::string> seen_submissions(const std::string& name);
  std::optional<std::string> submissions_stamp(const std::string& name);
  void set_seen_submissions(const std::string& name, const std::string& json, const std::string& stamp);

  // The segment of the directory a server serves this copy (an audience
  // name of model/visibility.h, e.g. "org:cis-atc"), as the clone found it;
  // nullopt for a remote that is no server, or a copy cloned before servers
  // served segments.
  std::optional<std::string> remote_segment(const std::string& name);
  void set_remote_segment(const std::string& name, const std::string& segment);

  // The merge in progress, as merge_session serialises it.
  std::optional<std::string> pending_merge();
  void set_pending_merge(const std::string& json);
  void clear_pending_merge();

 private:
  explicit CopyState(Database db) : db_(std::move(db)) {}
  static CopyState create_with(const std::filesystem::path& file, const std::vector<std::pair<std::string, std::string>>& copy_rows,
                               const std::vector<std::vector<std::optional<std::string>>>& remote_rows,
                               const std::optional<std::string>& merge);
  std::optional<std::string> remote_column(const std::string& name, const char* column);

  Database db_;
};

}  // namespace liaison
