// Commits derived from another history's commits: the same author, committer
// and dates, parents of the caller's choosing, a tree that is a base tree with
// some files set or removed, and a message of the caller's choosing. The
// segments a server derives from its central history are made of these.
//
// A derived commit is a pure function of its source commit's header, its
// parents, its tree and its message, so deriving the same thing twice, on
// any machine, gives the same ids.
//
// Everything is written to memory first; write() adds the new objects to the
// repository (loose when they are few, as one pack otherwise), so a failure
// part-way leaves nothing behind.
#pragma once

#include <memory>
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
  // Adds every object made to the repository. Returns how many were new.
  std::size_t write(History& target);

 private:
  struct Made;
  std::unique_ptr<History> staged_;
  std::unique_ptr<Made> made_;
};

}  // namespace liaison
