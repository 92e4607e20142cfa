// What a push contributes and whether its author may make it. The
// contribution of a push is every record whose version at the pushed head
// differs both from the merge base and from the central head: records the
// client merely took from central are not its contribution. Each new
// version must be a valid record in canonical form; an editor may touch
// only records its organization owns (its org record, its contact points,
// needs it raised, offers it provides), before and after the change.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/history.h"
#include "core/record_diff.h"
#include "core/schema.h"
#include "server/tokens.h"

namespace liaison::server {

struct Contribution {
  Kind kind;
  std::string id;
  std::optional<Json> before;  // at the merge base
  std::optional<Json> after;   // at the pushed head
  std::optional<std::string> text = {};  // the file at the pushed head, as pushed
};

std::vector<Contribution> contributions(const History& history, const std::optional<CommitId>& base,
                                        const CommitId& central_head, const CommitId& pushed_head);

// Throws UserError naming the record and the reason for a record that is
// malformed, not canonical, or stored under the wrong path.
void validate_contributions(const std::vector<Contribution>& contributions);

// The organization owning a record version ("" for areas: admins only).
std::string owner_of(Kind kind, const Json& record);
bool may_change(const Identity& who, const Contribution& c);

// Field-level summary for the review queue.
Json describe_contributions(const std::vector<Contribution>& contributions);

}  // namespace liaison::server
