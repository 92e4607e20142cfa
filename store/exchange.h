// Exchange between copies with no server: another copy's folder, or a bundle
// file. fetch_* bring the other side's commits into this copy's history
// without changing the head; pull = fetch + start_merge. push_to_copy moves
// the other copy's head only by fast-forward, as git does for a repository
// it cannot merge into; the other copy's view catches up on its next open.
// Another copy may also be a plain bare git history of one (`git clone
// --bare`, a mirror). Remotes (name -> URL or path, optional token) live in
// the copy's state (copy_state.h).
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "store/merge_session.h"
#include "store/store.h"

namespace liaison {

void add_remote(Store& store, const Remote& remote);
void remove_remote(Store& store, const std::string& name);
std::vector<Remote> list_remotes(Store& store);
std::optional<Remote> find_remote(Store& store, const std::string& name);
bool is_url(const std::string& location);

// Commits this copy could offer as common ground (head and recent history).
std::vector<CommitId> recent_commits(const History& history, std::size_t limit = 256);

// Fetches the other copy's head into this history; returns that head.
CommitId fetch_from_copy(Store& store, const std::filesystem::path& other);
// Takes a bundle's objects in; returns the commit it brings. Refuses a
// truncated, corrupted or foreign bundle, or one whose prerequisites this
// copy lacks, changing nothing.
CommitId fetch_bundle(Store& store, const std::filesystem::path& file);

struct PushResult {
  bool up_to_date = false;
  CommitId head;
};
PushResult push_to_copy(Store& store, const std::filesystem::path& other);

// Creates `dir` as a copy of the copy at `source` (a folder, or a bare git
// history of a copy), with the remote "origin" pointing at it. `org`
// defaults to the source's org; a git history has none, so it must be given.
Store clone_copy(const std::filesystem::path& source, const std::filesystem::path& dir,
                 const std::optional<std::string>& org);

}  // namespace liaison
