// CSV as RFC 4180 writes it: comma-separated, fields with commas, quotes or
// line breaks enclosed in double quotes, quotes doubled. The reader reports
// the line a malformed row starts on.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace liaison {

struct CsvRow {
  std::size_t line;  // 1-based line where the row starts
  std::vector<std::string> cells;
};

// Parses the whole text; throws UserError naming `what` and the line when a
// quoted field is never closed or a quote appears inside an unquoted field.
// Blank lines are skipped. A UTF-8 byte-order mark is ignored.
std::vector<CsvRow> parse_csv(std::string_view text, std::string_view what);

// Appends one row, quoting cells only when they need it.
void append_csv_row(std::string& out, const std::vector<std::string>& cells);

}  // namespace liaison
