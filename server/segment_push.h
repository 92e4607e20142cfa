// A push onto a segment, translated into record changes on central.
//
// An editor's copy holds its organization's segment (segments.h), never
// central's history, so its commits cannot be merged into central as they
// are. What they change is: each record the push contributes (its version
// at the pushed head differs from the segment's version at their merge base
// and from the segment's head) is applied onto central's current version of
// that record with unproject(), so the fields and set members the editor
// could not see keep central's values. The result is one central commit on
// central's head, with the pushed head's author, committer and dates; rights
// and integrity are then checked on it as on any push. The copy moves to the
// segment's projection of the new central head.
//
// Refused, with one line and nothing changed: a push that shares no history
// with the token's segment, that adds a record under an id central holds
// already, or that changes or removes a record central has since removed or
// hidden from the audience. A field the editor changed that central changed
// too since their base is a conflict, answered as a merge's conflicts are.
// Messages name only records and values the audience sees.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "git/derived_commits.h"
#include "git/history.h"
#include "merge/merge.h"
#include "model/visibility.h"
#include "server/push_policy.h"
#include "server/segments.h"

namespace liaison::server {

struct Translation {
  std::vector<MergeConflict> conflicts;  // when not empty, nothing else is set
  std::size_t records = 0;               // records the push changes on central
  // The central commit, in memory (write it with `made->write(central)`);
  // nullopt when the push changes nothing central does not hold already.
  std::optional<CommitId> commit;
  std::unique_ptr<DerivedCommits> made;
};

// `staged` holds central's objects and the pushed commits; `segment_head` is
// the audience's projection of `central_head`. Throws UserError for a push
// refused as above.
Translation translate_push(const History& staged, const History& central, Segments& segments,
                           const Audience& audience, const CommitId& central_head, const CommitId& segment_head,
                           const CommitId& pushed, const ReferrerLookup& central_referrers);

}  // namespace liaison::server
