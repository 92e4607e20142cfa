// Exports of records: CSV (header row of field names, set members joined
// with ';', as import reads them), JSON (an array of records) and vCard 4.0
// (RFC 6350) for contact points, which mail clients and phones open.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "core/canonical_json.h"
#include "core/schema.h"

namespace liaison {

std::string export_csv(Kind kind, const std::vector<Json>& records);
std::string export_json(const std::vector<Json>& records);
// `org_names` maps org slugs to the names written in ORG.
std::string export_vcard(const std::vector<Json>& contacts, const std::map<std::string, std::string>& org_names);

// Escapes and folds one vCard property line (exposed for tests).
std::string vcard_line(const std::string& name_and_params, const std::string& value, bool escape = true);

}  // namespace liaison
