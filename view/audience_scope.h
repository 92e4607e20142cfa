// A view connection that holds only what one audience may see
// (model/visibility.h), for pages rendered on the server from central's
// view: every table of a hideable kind, and every set table of it, is
// shadowed on this connection by a TEMP VIEW of the same name that keeps
// the rows the audience may see, and a set of references keeps only the
// members the audience sees too. SQLite resolves an unqualified name to the
// temp schema first, so every query of the view layer (lists, search,
// matrix, gaps, duplicates, coverage) sees the audience's records alone,
// with nothing to remember at each query.
//
// Rows hold whole records, personal fields included: what a page shows of
// a record still goes through project_record (visible_record below).
#pragma once

#include <optional>

#include "model/visibility.h"
#include "view/view.h"

namespace liaison {

// Limits `view`'s connection to `audience`, for as long as it is open, and
// makes it read-only (a write through it fails).
void limit_to_audience(View& view, const Audience& audience);

// The record as the audience sees it (project_record), asking the limited
// view which referenced records it sees.
std::optional<Json> visible_record(View& view, const Audience& audience, Kind kind, const Json& record);

}  // namespace liaison
