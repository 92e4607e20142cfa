// Exports of records: CSV (header row of field names, set members joined
// with ';', as import reads them), JSON (an array of records) and vCard 4.0
// (RFC 6350) for contact points, which mail clients and phones open.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "base/canonical_json.h"
#include "model/schema.h"

namespace liaison {

// Plain: values as stored (phones E.164, dates YYYY-MM-DD), for any CSV
// reader. ForSpreadsheet: for LibreOffice Calc and Excel to open and save
// back unchanged: a UTF-8 byte-order mark (Excel reads the file as UTF-8
// then), and each cell a spreadsheet would turn into a number, date or
// formula written as ="VALUE" (see spreadsheet_would_change), which both
// keep as text. Import reads both.
enum class CsvFlavor { Plain, ForSpreadsheet };
std::string export_csv(Kind kind, const std::vector<Json>& records, CsvFlavor flavor = CsvFlavor::Plain);
std::string export_json(const std::vector<Json>& records);
// `org_names` maps org slugs to the names written in ORG.
std::string export_vcard(const std::vector<Json>& contacts, const std::map<std::string, std::string>& org_names);

// Escapes and folds one vCard property line (exposed for tests).
std::string vcard_line(const std::string& name_and_params, const std::string& value, bool escape = true);

}  // namespace liaison
