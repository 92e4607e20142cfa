// Commits derived from another history's commits: the same author, committer
// and dates, parents of the caller's choosing, a tree that is a base tree with
// some files set or removed, and a message of the caller's choosing. The
// segments a server derives from its central history are made of these.
//
// A derived commit is a pure function of its source commit's header, its
// parents, its tree and its message, so deriving the same thing twice, on
// any machine, gives the same ids.
//
// An audience that sees a few files more (or fewer) than another can have
// its trees made as the other's with those files set: tree_with() builds
// only the directories holding them, and remembers each directory it built
// by what it was built from, so the next commit with the same files in an
// unchanged directory builds nothing there.
//
// Everything is written to memory first; write() adds the new objects to the
// repository (loose when they are few, as one pack otherwise), so a failure
// part-way leaves nothing behind.
#pragma once

#include <map>
#include <memory>
#include <unordered_map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "git/history.h"

namespace liaison {

// A file of a derived tree: set to a blob, or removed (nullopt).
struct BlobUpdate {
  std::string path;
  std::optional<ObjectId> blob;
};

class DerivedCommits {
 public:
  // Derives from, and into, the repository `history` opens (a handle of its
  // own is opened, so `history` may be used meanwhile).
  explicit DerivedCommits(const History& history);
  ~DerivedCommits();
  DerivedCommits(const DerivedCommits&) = delete;
  DerivedCommits& operator=(const DerivedCommits&) = delete;

  // The repository with the objects made so far: read through it.
  const History& history() const { return *staged_; }
  // The id of a blob holding `content`, written to memory unless the
  // repository has it.
  ObjectId blob(std::string_view content);
  // Whether the tree of `commit` (nullopt: the empty tree) holds `path`.
  bool has_file(const std::optional<CommitId>& commit, const std::string& path) const;
  // A commit with the author, committer and dates of commit `source` of
  // `sources`, `parents`, the tree of `base` (nullopt: the empty tree) with
  // `updates` applied (a removal of a file the tree lacks is skipped), and
  // `message`.
  CommitId commit(const History& sources, const CommitId& source, const std::vector<CommitId>& parents,
                  const std::optional<CommitId>& base, const std::vector<BlobUpdate>& updates,
                  const std::string& message);
  // The tree of `base` (nullopt: the empty tree) with `updates` applied,
  // built directory by directory; a directory left empty is removed.
  std::string tree_with(const std::optional<CommitId>& base, const std::vector<BlobUpdate>& updates);
  // A commit as commit() makes it, with the tree `tree` (a tree id).
  CommitId commit_with_tree(const History& sources, const CommitId& source, const std::vector<CommitId>& parents,
                            const std::string& tree, const std::string& message);
  // How many objects are made and not yet written.
  std::size_t pending() const;
  // Whether some of them (directories tree_with() made) cannot be read
  // until written: write() before reading through history() or commit().
  bool holds_unreadable() const;
  // Adds every object made to the repository, then reads them from there:
  // the same DerivedCommits goes on deriving. Returns how many were new.
  std::size_t write(History& target);

 private:
  struct Made;
  std::unique_ptr<History> staged_;
  std::unique_ptr<Made> made_;
  // tree_with()'s directories of files: what one was built from, and the
  // tree made (nullopt: empty). Kept across write(), since what it names is
  // written.
  std::unordered_map<std::string, std::optional<ObjectId>> directories_;
  // Bounds directories_; forgetting only costs building again.
  static constexpr std::size_t kDirectoriesKept = 1 << 16;
  // The tree `base` (nullopt: none) with `updates` applied (each given by
  // its path below that tree); nullopt when nothing is left in it.
  std::optional<ObjectId> edit_directory(const std::optional<ObjectId>& base,
                                         const std::vector<std::pair<std::string, const BlobUpdate*>>& updates);
};

}  // namespace liaison
