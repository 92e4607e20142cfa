// Import: turns a CSV file (header row naming the fields, set members
// separated by ';') or a JSON array of records into record changes for one
// commit. Every row is checked before anything is written; the first bad row
// throws UserError "FILE:LINE: field: reason" and nothing is imported.
// Rows with an id that exists already replace that record; rows without one
// get a fresh id.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/schema.h"
#include "core/store.h"

namespace liaison {

enum class ImportFormat { Csv, Json };

std::vector<RecordChange> read_import(Store& store, Kind kind, std::string_view text, std::string_view file_name,
                                      ImportFormat format);

}  // namespace liaison
