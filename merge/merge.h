// Three-way merge of records, as DESIGN.md "Merge" defines it. Pure and
// deterministic: the same base, ours and theirs give the same result on every
// machine, and for the parts that merge cleanly the result does not depend on
// which side is "ours".
//
//  * a record changed on one side only takes that side;
//  * both sides changed different fields: both changes;
//  * fields with a merge rule in schema.cc merge by it: sets apply additions
//    and removals from both sides, last_verified takes the later date with
//    its verifier; every such decision is reported so it can be audited;
//  * a merged set keeps one side's order (its first member is the preferred
//    one) with the other side's additions after it: the side that changed
//    the order, or else the side whose surviving members sort first;
//  * a field this version does not know (model/record.h) merges as a plain
//    value: taken from the side that changed it, a conflict when both
//    changed it differently, never dropped;
//  * both sides changed one field to different values, or one side removed a
//    record the other changed, or the merged result breaks a reference (a
//    contact whose org the other side removed): a conflict.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "base/canonical_json.h"
#include "git/history.h"
#include "model/schema.h"

namespace liaison {

inline constexpr const char* kWholeRecord = "*";

struct MergeConflict {
  Kind kind;
  std::string id;
  std::string field;  // kWholeRecord for remove/change and reference conflicts
  Json base, ours, theirs;  // field values (or whole records); null when absent
  std::string reason;       // one line, e.g. "changed on both sides"
};

// A decision a merge rule took without asking.
struct MergeDecision {
  Kind kind;
  std::string id;
  std::string field;
  std::string rule;  // "set", "later-date"
  Json result;
  std::string explanation;  // "took 2026-05-01 (theirs) over 2026-03-02 (ours)"
};

struct RecordMerge {
  std::optional<Json> merged;  // the clean part (conflicting fields keep ours)
  std::vector<MergeConflict> conflicts;
  std::vector<MergeDecision> decisions;
};

// Merges one record. Absent versions are nullopt.
RecordMerge merge_record(Kind kind, const std::string& id, const std::optional<Json>& base,
                         const std::optional<Json>& ours, const std::optional<Json>& theirs);

// The outcome of merging two commits: the records whose merged state
// differs from ours, and what needs a person.
struct TreeMerge {
  std::map<RecordKey, std::optional<Json>> changes;  // relative to ours; nullopt removes
  std::vector<MergeConflict> conflicts;
  std::vector<MergeDecision> decisions;
};

// What the merge needs to know about ours beyond the changed records, for
// the reference checks; the store answers from its view, which is at ours.
struct OursIndex {
  std::function<bool(Kind, const std::string&)> exists;
  std::function<std::vector<RecordKey>(Kind, const std::string&)> referrers;
};

// Merges `theirs` into `ours` over their merge base (nullopt: no common
// history).
TreeMerge merge_trees(const History& history, const std::optional<CommitId>& base, const CommitId& ours,
                      const CommitId& theirs, const OursIndex& index);

// Trailer lines for a merge commit message, one per decision.
std::string decisions_trailer(const std::vector<MergeDecision>& decisions);

}  // namespace liaison
