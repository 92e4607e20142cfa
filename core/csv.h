// CSV as RFC 4180 writes it: fields separated by a delimiter (',' unless
// told otherwise; spreadsheets in many locales write ';'), fields with the
// delimiter, quotes or line breaks enclosed in double quotes, quotes
// doubled. The reader reports the line a malformed row starts on.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace liaison {

struct CsvRow {
  std::size_t line;  // 1-based line where the row starts
  std::vector<std::string> cells;
};

// Parses the whole text; throws UserError naming `what` and the line when a
// quoted field is never closed or a quote appears inside an unquoted field,
// and naming `what` when the text is UTF-16 (see refuse_utf16). Blank lines
// are skipped. A UTF-8 byte-order mark is ignored. Cells are kept as they
// are, line breaks inside quotes included.
std::vector<CsvRow> parse_csv(std::string_view text, std::string_view what, char delimiter = ',');

// Throws UserError "WHAT: the file is UTF-16 ...; UTF-8 is expected" when
// `text` starts with a UTF-16 byte-order mark or holds NUL bytes, which no
// UTF-8 text does.
void refuse_utf16(std::string_view text, std::string_view what);

// The delimiter of the text's first line, among ',', ';' and tab: the one
// that splits it into the most cells `is_known` accepts; when none beats
// the others, the one that occurs most often outside quotes; ',' when none
// occurs.
char detect_csv_delimiter(std::string_view text, const std::function<bool(std::string_view)>& is_known);

// Appends one comma-separated row, quoting cells only when they need it.
void append_csv_row(std::string& out, const std::vector<std::string>& cells);

}  // namespace liaison
