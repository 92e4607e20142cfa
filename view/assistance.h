// What donors and central staff ask of the directory, computed in SQL over
// the view:
//  * the matrix of assistance needs: rows are states (or regions, or the
//    organizations that raised the needs), columns thematic areas; each cell
//    counts the open needs, those covered by at least one offer that is not
//    cancelled, and the gap between them;
//  * gaps: open needs no offer covers, highest priority and oldest first;
//  * duplicates: needs covered by offers of several providers, offers
//    that look alike (same kind, a shared area and a shared recipient), and
//    offers that reach, by area and recipient state, a need they are not
//    linked to and that other providers' offers already cover (an activity
//    imported from a donor's IATI file is linked to no need);
//  * coverage: active contact points per organization and per state, by
//    thematic area, with the areas that have none and the stale ones.
// A need counts under the top-level area its area belongs to (or, with an
// area filter, under that area's child it belongs to).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "base/canonical_json.h"
#include "view/view.h"

namespace liaison {

struct MatrixOptions {
  std::string by = "state";  // state, region, subregion or org
  std::optional<std::string> area, region, state, priority;
  std::optional<std::string> provider;  // offers this org provides or funds (provider or funder)
  std::vector<std::string> statuses = {"open", "matched", "in-progress"};
};

struct MatrixCell {
  int open = 0;
  int covered = 0;
  int gap() const { return open - covered; }
  std::vector<Json> needs;  // the needs counted, for drill-down
};

struct Matrix {
  std::string by;
  std::vector<std::pair<std::string, std::string>> columns;  // area code, name
  std::vector<std::pair<std::string, std::string>> rows;     // key, label
  std::map<std::pair<std::string, std::string>, MatrixCell> cells;  // (row, column)
  std::map<std::string, MatrixCell> row_totals, column_totals;
  MatrixCell total;
  // What count_gaps() would say for the same filters, counted with the
  // matrix when they allow (no provider, and open needs among the counted).
  std::optional<std::size_t> open_gaps;
};

// Throws UserError for an unknown --by, area, region or state.
Matrix build_matrix(View& view, const MatrixOptions& options);
// Fills each cell's `needs`, for drill-down (JSON and HTML).
void add_drill_down(View& view, Matrix& matrix, const MatrixOptions& options);
Json matrix_json(const Matrix& matrix);
std::string matrix_csv(const Matrix& matrix);

// Open needs with no offer (status not cancelled), high priority and oldest first.
std::vector<Json> gaps(View& view, const MatrixOptions& filters);
// How many gaps() would return, without reading them.
std::size_t count_gaps(View& view, const MatrixOptions& filters);

struct Duplicates {
  struct CoveredTwice {
    Json need;
    std::vector<Json> offers;  // from at least two providers
  };
  struct LookAlike {
    Json first, second;
    std::vector<std::string> shared_areas, shared_recipients;
    bool same_provider;
  };
  struct Overlap {
    Json offer;
    Json need;
    std::vector<std::string> covering_providers;  // the other providers whose offers cover the need
  };
  std::vector<CoveredTwice> covered_twice;
  std::vector<LookAlike> look_alike;
  // An offer reaches a need when the need's state is one of its recipients
  // and the need's area one of its areas or under one; the need is still
  // being met (open, matched or in progress) and the offer is not linked
  // to it. At most kMaxOverlaps, sorted by provider, offer and need; `offer`
  // holds its id, provider and title, `need` its id, state, area and title.
  std::vector<Overlap> overlaps;
};
inline constexpr std::size_t kMaxOverlaps = 10000;
Duplicates duplicates(View& view);
Json duplicates_json(const Duplicates& d);

struct CoverageRow {
  std::string key, label;
  int active = 0;
  int stale = 0;
  std::map<std::string, int> by_area;  // top-level area -> active contacts
  std::vector<std::string> missing_areas;
};
struct Coverage {
  std::vector<std::pair<std::string, std::string>> areas;  // top-level areas
  std::vector<CoverageRow> orgs, states;
  int stale_days = 365;
};
Coverage coverage(View& view, int stale_days, const std::string& today);
Json coverage_json(const Coverage& c);

}  // namespace liaison
