// Commit patches: a compact way to send commits to a copy that already has
// their parents. A patch carries a commit's raw text and the files it
// changed relative to its first parent, not the trees: the receiver rebuilds
// the trees from the parent it has, re-creates the commit byte for byte and
// checks that it gets the same id, so the histories stay identical. One
// edited record costs a few hundred bytes instead of the ~20 KB of trees a
// git pack would carry for a 100k-record directory.
//
// apply_patches() works in quarantine: every object is written to an
// in-memory store and reaches the repository (loose when they are few, as
// one pack otherwise: object_batch.h) only after every
// commit has rebuilt to its announced id. Anything malformed throws
// UserError and leaves the repository untouched.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "base/decode_limits.h"
#include "git/history.h"

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

// Encodes patches as one compressed binary blob and back (the layout of
// cereal's portable binary archive, which wrote them first). decode throws
// UserError naming `what` for a truncated, corrupted or padded blob, a
// malformed commit id, or a size, count or length over `limits` (checked
// before anything is allocated for it).
std::string encode_patches(const std::vector<CommitPatch>& patches);
std::vector<CommitPatch> decode_patches(std::string_view blob, const std::string& what,
                                        const DecodeLimits& limits = DecodeLimits{});

// Commits rebuilt and verified in quarantine, not yet in the repository.
// history() reads the repository plus the staged objects, so callers can
// inspect the result (diffs, merges) before deciding; write() then adds the
// staged objects to the repository (object_batch.h). Dropping it without write()
// leaves the repository untouched.
class StagedPatches {
 public:
  StagedPatches(History quarantine, CommitId head) : quarantine_(std::move(quarantine)), head_(std::move(head)) {}
  const History& history() const { return quarantine_; }
  const CommitId& head() const { return head_; }
  void write(History& target);

 private:
  friend std::unique_ptr<StagedPatches> stage_patches(const History&, const std::vector<CommitPatch>&,
                                                      const std::string&);
  History quarantine_;
  CommitId head_;
  std::vector<std::pair<ObjectId, int>> created_;  // with its git_object_t
};

// Rebuilds and verifies the commits in quarantine. Parents not in the batch
// must already be in `history`. Throws UserError naming `what` on any
// mismatch.
std::unique_ptr<StagedPatches> stage_patches(const History& history, const std::vector<CommitPatch>& patches,
                                             const std::string& what);

// stage_patches + write. Returns the id of the last commit.
CommitId apply_patches(History& history, const std::vector<CommitPatch>& patches, const std::string& what);

}  // namespace liaison
