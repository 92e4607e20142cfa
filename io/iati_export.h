// IATI 2.03 export: offers as an `iati-activities` file (IATI Standard
// activity standard, version 2.03), one `iati-activity` per offer.
//
// Each activity is identified as the provider's `iati_ref`, "-", the offer
// id (or the offer's `iati_id`, the identifier it was imported under, when
// that starts with the provider's ref and "-"); the provider reports it
// (reporting-org) and implements it (participating-org role 4), the funder
// or else the provider funds it (role 1). Status, dates, recipient
// countries, sectors (io/iati_sectors.h) and the budget follow the offer.
// The file validates against data/iati-2.03/schema and keeps the rules the
// schema leaves out: a start date, a sector, a recipient country, the
// identifier prefixed by the reporting-org's ref, sector percentages adding
// up to 100 per vocabulary.
//
// Offers that cannot meet those rules are left out and listed in
// `skipped`, one line each naming the offer and why: a provider with no
// iati_ref, no thematic area, no recipient state, no start date. Writing
// never fails on an offer's content; libxml2 failing is a Failure.
#pragma once

#include <string>
#include <vector>

#include "base/canonical_json.h"

namespace liaison {

struct IatiExport {
  std::string xml;
  std::size_t activities = 0;
  std::vector<std::string> skipped;  // "offer 3fa2c1d9 (Title): provider unodc has no iati_ref"
  std::vector<std::string> notes;    // what was left out of an exported activity, e.g. its budget
};

// `offers` as list_records gives them; `orgs` every org record (for
// iati_ref, kind and name). `generated` is the file's generated-datetime
// (ISO 8601, e.g. 2026-12-01T20:00:00Z), empty for none.
IatiExport export_iati(const std::vector<Json>& offers, const std::vector<Json>& orgs, const std::string& generated);

// The IATI organisation type (codelist OrganisationType) of an org: 40
// multilateral for UN bodies, international, regional and subregional
// organizations and donors whose ref is a multilateral DAC code; 10
// government for national ones and other donors; 21 international NGO
// for ngo.
std::string iati_org_type(const Json& org);

}  // namespace liaison
