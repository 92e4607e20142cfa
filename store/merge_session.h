// A merge into the local copy, from start to commit. start_merge() merges a
// commit whose objects are already in the history: up to date, fast-forward,
// a clean merge committed at once (both parents), or a stop on conflicts.
// A stopped merge is kept in the copy's local settings (not in history), so
// it survives across commands; while it is pending, ordinary edits are
// refused. resolve() settles one conflict (or overrides any field of a
// record the merge touches), merge_continue() commits when nothing is left,
// merge_abort() forgets the merge and leaves the copy exactly as before.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "merge/merge.h"
#include "store/store.h"

namespace liaison {

struct PendingMerge {
  CommitId ours;
  CommitId theirs;
  std::optional<CommitId> base;
  std::string source;  // where theirs came from, for the message
  std::map<RecordKey, std::optional<Json>> changes;
  std::vector<MergeConflict> conflicts;
  std::vector<std::optional<Json>> resolutions;  // per conflict; a resolved whole record may be null
  std::vector<bool> resolved;
  std::vector<MergeDecision> decisions;
  std::size_t unresolved() const;
};

struct MergeOutcome {
  enum class Result { UpToDate, FastForward, Merged, Conflicts } result = Result::UpToDate;
  CommitId head{};
  std::size_t conflicts = 0;
  std::size_t records_changed = 0;
  std::vector<MergeDecision> decisions;
};

MergeOutcome start_merge(Store& store, const CommitId& theirs, const std::string& source);
std::optional<PendingMerge> pending_merge(Store& store);

enum class Side { Ours, Theirs };
// Settles the conflict on (record, field): a side, or a value typed as on
// the command line (set members separated by ';'). Throws UserError when no
// merge is pending or the value is bad.
void resolve_conflict(Store& store, const RecordKey& key, const std::string& field, std::optional<Side> side,
                      const std::optional<std::string>& value);
CommitId merge_continue(Store& store);
void merge_abort(Store& store);

// Who last changed the record on a side, as "Name, YYYY-MM-DD"; empty if unknown.
std::string last_changed_by(Store& store, const CommitId& side, const RecordKey& key,
                            const std::optional<CommitId>& base);

}  // namespace liaison
