// Queries over the view: filtered lists, ranked full-text search and stale
// contact points. Read-only; each returns records as JSON objects.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "base/canonical_json.h"
#include "model/schema.h"
#include "view/view.h"

namespace liaison {

struct ListFilter {
  std::optional<std::string> org;     // owner: contact.org, need.org, offer.provider, org.parent
  std::optional<std::string> area;    // thematic area, including its sub-areas
  std::optional<std::string> state;   // need.state, offer.recipients, org.countries
  std::optional<std::string> status;
  std::size_t limit = 0;              // 0: no limit
  std::size_t offset = 0;             // rows skipped before the first one returned
  // A scalar column to sort by (then the kind's own order); UserError for
  // a field that is not one.
  std::optional<std::string> sort;
  bool descending = false;
};

std::vector<Json> list_records(View& view, Kind kind, const ListFilter& filter);
// How many records list_records would return without limit and offset.
std::size_t count_records(View& view, Kind kind, const ListFilter& filter);
// Whether `field` of `kind` can be a ListFilter's sort: a scalar column.
bool sortable_column(Kind kind, const std::string& field);

struct SearchHit {
  Kind kind;
  Json record;
};
// Records of every kind matching every word of `text` (prefix match,
// case- and diacritic-insensitive, any script), best first. UserError for
// no word, more than kMaxSearchWords different ones, or more than
// kMaxSearchBytes of text.
constexpr std::size_t kMaxSearchWords = 16;
constexpr std::size_t kMaxSearchBytes = 256;
std::vector<SearchHit> search_records(View& view, const std::string& text, std::size_t limit);

// Active contacts whose last_verified is older than `days` before `today`,
// or missing; oldest first.
std::vector<Json> stale_contacts(View& view, int days, const std::string& today,
                                 const std::optional<std::string>& org);

// How many stale_contacts(view, days, today, nullopt) would return, without
// reading them.
std::size_t count_stale_contacts(View& view, int days, const std::string& today);

// Calls `visit` with the id, provider and IATI identifier (nullopt when
// none) of every offer, reading those columns only: an IATI import matches
// identifiers without loading the offers.
void for_each_offer_identifier(
    View& view,
    const std::function<void(const std::string& id, const std::string& provider, const std::optional<std::string>& iati_id)>&
        visit);

// The date `days` before `date` (both YYYY-MM-DD).
std::string days_before(const std::string& date, int days);

}  // namespace liaison
