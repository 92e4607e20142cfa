// One audience's projection of central commits, one commit at a time (the
// rules are in server/segments.h): each record a commit changes is shown as
// project_record() makes it for the audience, or as stored when its text
// shows it can hide nothing from an organization; records the commit leaves
// alone are projected again only when they refer to a need the audience
// sees on one side of the commit only.
//
// Not thread-safe: a Deriver belongs to one derivation.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "git/derived_commits.h"
#include "model/record.h"
#include "model/visibility.h"

namespace liaison::server {

// Whether an organization's audience (or the partners') sees a stored record
// exactly as stored, told from its canonical text without parsing it: no
// visibility narrower than partners, no shared_with, no reference to a record
// that can be hidden. Every organization and the partners agree on these.
bool shown_as_stored(const Audience& audience, Kind kind, std::string_view text);

// The message of the projection of a one-parent commit `info` for an
// audience that sees `count` of the records it changes change (nothing
// hidden in it): central's message when `faithful` (every record it changes
// shown as it is), otherwise one written from what the audience sees;
// `single` is the one change when `count` is 1.
struct ShownChange {
  Kind kind;
  std::optional<Json> before, after;
};
std::string projected_message(const CommitInfo& info, bool faithful, std::size_t count,
                              const std::optional<ShownChange>& single);
// The message of the projection of a merge whose projected parents are `parents`.
std::string merge_message(const CommitInfo& info, const std::vector<CommitId>& parents);

class Deriver {
 public:
  // Reads central's records from `central`; makes its objects in `made`.
  Deriver(const History& central, const Audience& audience, DerivedCommits& made)
      : central_(central), audience_(audience), made_(made) {}

  // The audience's projection of central commit `info` whose parents'
  // projections are `parents` (the first parent's first).
  CommitId derive(const CommitInfo& info, const std::vector<CommitId>& parents);

 private:
  BlobUpdate update_for(const std::string& path, const std::optional<Json>& shown, const std::string& stored_text,
                        const std::optional<ObjectId>& stored_blob);
  std::optional<Json> project_at(const CommitId& commit, Kind kind, const Json& record);
  bool sees_uncached(const CommitId& commit, Kind kind, const std::string& id);
  bool sees_at(const CommitId& commit, Kind kind, const std::string& id);
  void reproject_referrers(const CommitId& c, const std::set<std::string>& needs, const std::set<std::string>& done,
                           std::vector<BlobUpdate>& updates);

  const History& central_;
  Audience audience_;
  DerivedCommits& made_;
  std::map<RecordKey, bool> sees_cache_;
};

}  // namespace liaison::server
