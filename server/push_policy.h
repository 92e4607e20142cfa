// What a push writes, whether it is well formed, and whether its token may
// write it.
//
// Every commit of a push that central lacks is checked on its own, against
// its own parents (review_push): it changes only record files, each new
// version is a valid record in canonical form stored under its id's path,
// every record it refers to exists in that commit's tree, and it removes no
// record that a record of that tree still refers to. A record a commit
// *writes* is one whose version differs from its version in every parent,
// or, in a merge, one where it takes a parent's version although the other
// parent changed the record since their merge base: only a take of what the
// other side left as it was is what a three-way merge does, so only that
// writes nothing, and a client's merge of central's changes is not counted
// as its own while a merge that reverts them is.
//
// Rights (refused_write): an editor may write only records its organization
// owns (its org record, its contact points, needs it raised, offers it
// provides), in every parent's version, in the version written, and in
// central's current version of the record. So what `blame` attributes to a
// pushed commit is what that commit's pusher was allowed to write, and a
// record moved to another organization on central cannot be changed through
// an older copy without review.
//
// The contribution of a push (contributions) is its end result for the
// review queue: every record whose version at the pushed head differs both
// from the merge base and from the central head.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "git/history.h"
#include "model/record_diff.h"
#include "model/schema.h"
#include "server/tokens.h"

namespace liaison::server {

// One record written by one pushed commit.
struct RecordWrite {
  CommitId commit;
  Kind kind;
  std::string id;
  std::vector<Json> before;   // its versions in the parents that hold it
  std::optional<Json> after;  // nullopt: the commit removes it
};

// The records of central that refer to a record, at central's head.
using ReferrerLookup = std::function<std::vector<RecordKey>(Kind, const std::string&)>;

struct PushReview {
  std::optional<CommitId> base;  // merge base of the pushed head and central's head
  std::vector<CommitId> commits;  // the pushed commits central lacks, parents first
  std::vector<RecordWrite> writes;
  // Central's current version of each record the push writes (nullopt:
  // central does not hold it).
  std::map<RecordKey, std::optional<Json>> central_versions;
  std::size_t records = 0;  // distinct records written
};

// Checks every commit between central's head and `pushed` in `staged` (a
// history holding central's objects and the push's). Throws UserError
// naming the commit, the record and the reason.
PushReview review_push(const History& staged, const CommitId& central_head, const CommitId& pushed,
                       const ReferrerLookup& central_referrers);

// Why `who` may not make the push's writes ("" when it may), naming the
// first record it may not write.
std::string refused_write(const Identity& who, const PushReview& review);

struct Contribution {
  Kind kind;
  std::string id;
  std::optional<Json> before;  // at the merge base
  std::optional<Json> after;   // at the pushed head
};

std::vector<Contribution> contributions(const History& history, const std::optional<CommitId>& base,
                                        const CommitId& central_head, const CommitId& pushed_head);

// Field-level summary for the review queue.
Json describe_contributions(const std::vector<Contribution>& contributions);

}  // namespace liaison::server
