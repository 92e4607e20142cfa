// IATI import: reads an IATI activities file (IATI Standard 2.0x, as donors
// publish them) and turns each activity that concerns liaison's thematic
// areas into an offer, as one commit.
//
// An activity becomes an offer when it names at least one recipient
// country liaison knows and a sector that maps to a thematic area
// (vocabulary 99 codes that are area codes, else DAC codes through
// io/iati_sectors.h), and a liaison org has the iati_ref of its
// implementing org (role 4), reporting org, extending org (role 3) or
// funding org (role 1), tried in that order: that org is the provider. The
// first other funding org liaison knows is the funder. Organisations
// without a matching iati_ref are listed, never created. Other activities
// are skipped, each with its reason.
//
// An activity updates the offer it came from: the offer whose iati_id is its
// identifier, or whose exported identifier (provider's iati_ref, "-",
// offer id) it is; else it becomes a new offer, with the id that identifier
// carries when it has one. Importing the same file twice changes nothing.
//
// The file is read streaming (libxml2's xmlTextReader): one activity at a
// time is held, and of those only the offers to write are kept for the one
// commit, so memory grows with the activities in liaison's areas, not with
// the file; past `IatiLimits::max_offers` of them the file is refused (a
// 1 GB file of activities elsewhere streams through). Refused, with the
// file, line, activity and element named: malformed XML, a DOCTYPE (so no
// DTD and no entity of any kind is read: no expansion, no network), text
// longer than `max_text`, elements nested deeper than `max_depth`, values an
// offer cannot take, more offers to write than `max_offers`. Nothing is
// imported then.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "store/store.h"

namespace liaison {

struct IatiLimits {
  std::size_t max_text = 64 * 1024;  // bytes of one text node
  int max_depth = 32;                // element nesting
  std::size_t max_offers = 50000;    // new or changed offers one file may bring
};

struct IatiImport {
  std::string file_name;
  // New and updated offers, each as its canonical text and view row (its
  // JSON left null, store.h), to commit with `normalized`.
  std::vector<RecordChange> changes;
  std::vector<std::string> labels;    // changes[i]'s activity: "FILE:LINE: activity ID"
  std::size_t activities = 0, imported = 0, updated = 0, unchanged = 0, skipped_count = 0;
  // The first kIatiListed of each list; skipped_count counts them all, so
  // that memory does not grow with the activities a file holds.
  std::vector<std::string> skipped;       // "ID: reason"
  std::vector<std::string> unknown_orgs;  // "REF (name)", once each
  std::vector<std::string> notes;         // what an imported activity lost, e.g. an unknown country
};

inline constexpr std::size_t kIatiListed = 50;

// Reads `path` against the copy's orgs, areas and offers. Throws UserError
// as described above.
IatiImport read_iati(Store& store, const std::string& path, const IatiLimits& limits = {});

// Commits what read_iati found, as one commit (moving its changes out);
// nullopt when nothing changes. A record the store refuses is named by its
// activity.
std::optional<CommitId> commit_iati(Store& store, IatiImport& import, const std::string& message);

}  // namespace liaison
