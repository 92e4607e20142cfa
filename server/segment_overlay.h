// The organizations' projections of a large central commit, worked out
// together. No organization sees a record otherwise than the partners do,
// but for the restricted records it owns or is shared and the references
// to them (model/visibility.h, orgs_beyond_partners), so its tree is the
// partners' tree with an overlay of those few records as it sees them. The
// overlay comes from the records whose text can be shown otherwise than
// stored (server/segment_deriver.h, shown_as_stored), a small part of the
// directory kept here from commit to commit, once for every organization:
// a bulk import costs each organization its own records only, not the
// whole directory again.
//
// What it gives is what server/segment_deriver.h's Deriver makes of the
// same commit for each organization: the same files, and the same counts
// its message is written from. Not thread-safe.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <unordered_set>
#include <vector>

#include "git/derived_commits.h"
#include "model/record.h"
#include "model/visibility.h"

namespace liaison::server {

class OrgOverlays {
 public:
  explicit OrgOverlays(const History& central) : central_(central) {}

  // How one audience sees a commit.
  struct View {
    std::vector<BlobUpdate> overlay;  // files set or removed in the partners' tree
    std::size_t count = 0;            // records it sees change
    bool faithful = true;             // every record changed is shown as it is
  };
  struct Views {
    View partners;
    std::map<std::string, View> orgs;  // the organizations that see it otherwise than the partners
  };
  // How the partners and the organizations `orgs` (slugs) see one-parent
  // (or root) commit `info`; the blobs of overlays are made in `made`.
  Views views(const CommitInfo& info, const std::set<std::string>& orgs, DerivedCommits& made);

 private:
  struct Held {
    Kind kind;
    Json record;
    std::vector<std::string> beyond;  // orgs_beyond_partners()
  };
  void move_to(const std::optional<CommitId>& commit);
  void hold(const std::string& path, Kind kind, const std::optional<std::string>& text);
  bool sees(const Audience& audience, Kind kind, const std::string& id) const;
  std::optional<Json> project(const Audience& audience, Kind kind, const Json& record) const;
  // The organizations among `wanted` whose projection of the record may
  // differ from the partners': its own and those of records it refers to.
  std::set<std::string> concerned(Kind kind, const Json& record, const std::vector<std::string>& beyond,
                                  const std::set<std::string>& wanted) const;
  const Audience& org_audience(const std::string& slug);
  // One side of a changed record as the partners see it and as the
  // organizations among `orgs` that may see it otherwise do (`stored`: shown
  // as stored, to all alike), with the records held as they are on that side.
  void project_side(Kind kind, const std::optional<Json>& record, bool stored, const std::set<std::string>& orgs,
                    std::optional<Json>& to_partners, std::map<std::string, std::optional<Json>>& to_orgs);

  const History& central_;
  bool started_ = false;
  std::optional<CommitId> at_;  // the commit held_ and present_ are of
  std::map<std::string, Held> held_;  // by path: records not shown as stored
  std::unordered_set<std::string> present_;  // paths of every record of a hideable kind
  std::map<std::string, Audience> audiences_;
};

}  // namespace liaison::server
