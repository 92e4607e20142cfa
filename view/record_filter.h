// The filters of `liaison watch`, spelled as the list and matrix commands
// spell them (--kind, --org, --area with its sub-areas, --state, --region,
// --priority), applied to one record at a time: a watcher decides on each
// changed record as it arrives rather than querying tables.
//
// What each filter reads: --org the record's owner (a contact's and a
// need's org, an offer's provider or funder, an org's parent and the org
// itself); --area a contact's and an offer's areas, a need's area, an
// area and those under it; --state and --region a need's state, an offer's
// recipients, an org's countries and a contact's org's countries; --priority
// a need's priority. A record of a kind without the field a filter reads
// does not match it.
#pragma once

#include <optional>
#include <set>
#include <string>
#include <vector>

#include "base/canonical_json.h"
#include "model/schema.h"
#include "view/view.h"

namespace liaison {

struct RecordFilter {
  std::vector<Kind> kinds;  // empty: every kind
  std::optional<std::string> org, area, state, region, priority;
};

class RecordMatcher {
 public:
  // Reads what the filter needs from `view` (the areas under --area). Throws
  // UserError naming an unknown area, state, region or priority.
  RecordMatcher(View& view, RecordFilter filter);
  bool matches(Kind kind, const Json& record);

 private:
  std::vector<std::string> states_of(Kind kind, const Json& record);
  View& view_;
  RecordFilter filter_;
  std::set<std::string> areas_;  // --area and every area under it
};

}  // namespace liaison
