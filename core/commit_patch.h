// Commit patches: a compact way to send commits to a copy that already has
// their parents. A patch carries a commit's raw text and the files it
// changed relative to its first parent, not the trees: the receiver rebuilds
// the trees from the parent it has, re-creates the commit byte for byte and
// checks that it gets the same id, so the histories stay identical. One
// edited record costs a few hundred bytes instead of the ~20 KB of trees a
// git pack would carry for a 100k-record directory.
//
// apply_patches() works in quarantine: every object is written to an
// in-memory store and reaches the repository (as one pack) only after every
// commit has rebuilt to its announced id. Anything malformed throws
// UserError and leaves the repository untouched.
#pragma once

#include <string>
#include <vector>

#include "core/history.h"

namespace liaison {

struct CommitPatch {
  CommitId id;
  std::string raw;                  // the commit object's text (tree, parents, author, message)
  std::vector<FileChange> changes;  // relative to the first parent (or the empty tree)
};

// Patches for every commit reachable from `want` but not from `haves`
// (unknown haves are ignored), parents before children.
std::vector<CommitPatch> make_patches(const History& history, const CommitId& want,
                                      const std::vector<CommitId>& haves);

// Encodes patches as one compressed binary blob and back. decode throws
// UserError naming `what` for a truncated or corrupted blob.
std::string encode_patches(const std::vector<CommitPatch>& patches);
std::vector<CommitPatch> decode_patches(std::string_view blob, const std::string& what);

// Rebuilds and verifies the commits, then stores them. Returns the id of the
// last one. Parents not in the batch must already be in `history`.
CommitId apply_patches(History& history, const std::vector<CommitPatch>& patches, const std::string& what);

}  // namespace liaison
