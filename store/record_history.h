// The history seen as records rather than files: what a commit changed,
// the difference between two commits, who last changed each field of a
// record (blame), and the changes that undo a commit (revert).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "git/history.h"
#include "model/record_diff.h"
#include "store/store.h"

namespace liaison {

// Record differences from `from` (nullopt: empty) to `to`, in path order.
std::vector<RecordDiff> diff_commits(const History& history, const std::optional<CommitId>& from, const CommitId& to);
// The first `limit` of them, reading only those; `total` is set to how many
// there are.
std::vector<RecordDiff> diff_commits(const History& history, const std::optional<CommitId>& from, const CommitId& to,
                                     std::size_t limit, std::size_t& total);
// The newest commit older than `date` (YYYY-MM-DD, UTC midnight) going
// back from `head` along first parents (the main line, so the walk stops
// there); nullopt when every one is newer. Throws
// UserError naming `what` (the flag or parameter) when `date` is not a date.
std::optional<CommitId> commit_before_date(const History& history, const CommitId& head, std::string_view date,
                                           std::string_view what);
// What `commit` changed relative to its first parent.
std::vector<RecordDiff> commit_changes(const History& history, const CommitId& commit);

struct FieldBlame {
  std::string field;
  Json value;
  CommitInfo commit;  // the commit that last set this value
};
// For each field present in the record at the head: the commit that last
// changed it. Throws UserError if the record is not at the head.
std::vector<FieldBlame> blame(const History& history, Kind kind, const std::string& id);

// The changes that undo `commit` on top of the current head, field by
// field. Throws UserError naming the record and field when a later commit
// changed a value the revert would overwrite.
std::vector<RecordChange> revert_changes(Store& store, const CommitId& commit);

// The first line of a commit message.
std::string commit_summary(const CommitInfo& info);

}  // namespace liaison
