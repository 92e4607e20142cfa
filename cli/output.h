// Presentation of records on a terminal: aligned tables for lists, one
// field per line for a single record, and JSON for scripts (--json).
#pragma once

#include <string>
#include <vector>

#include "base/canonical_json.h"
#include "model/schema.h"

namespace liaison::cli {

// Prints rows as columns padded to the widest cell; the first row is the
// header. Widths are terminal columns (base/text_width.h), so Chinese or
// decomposed accents stay aligned; a cell wider than 48 columns is cut, between
// characters, and ends with "…".
void print_table(const std::vector<std::vector<std::string>>& rows);

void print_record(Kind kind, const Json& record);
void print_record_list(Kind kind, const std::vector<Json>& records);
void print_json(const Json& value);

// A field value as one line of text: sets joined with ", ".
std::string value_text(const Json& value);
// "2026-11-22 14:03" from seconds since the epoch and an offset in minutes.
std::string format_time(std::int64_t time, int offset_minutes);

}  // namespace liaison::cli
