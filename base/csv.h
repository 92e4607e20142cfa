// CSV as RFC 4180 writes it: fields separated by a delimiter (',' unless
// told otherwise; spreadsheets in many locales write ';'), fields with the
// delimiter, quotes or line breaks enclosed in double quotes, quotes
// doubled. The reader reports the line a malformed row starts on.
#pragma once

#include <functional>
#include <optional>
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

// Spreadsheets (LibreOffice Calc, Excel) opening a CSV file change cells
// that look like numbers, dates or formulas: "+74951234567" becomes the
// number 74951234567 (saved back without its +, or as 7.49512E+10),
// "2026-03-01" a date saved in the locale's form, "=..." a formula. Both
// read ="TEXT" as a formula giving the text TEXT, and keep it as text.
//
// Whether a spreadsheet would change `cell`: it starts with = + - @ (a
// formula or a signed number), or holds only digits and the signs numbers
// and dates are written with (0-9 space . , / : - + e E).
bool spreadsheet_would_change(std::string_view cell);
// `cell` as ="cell" (quotes in it doubled), for a spreadsheet to keep as
// text. Formulas hold at most 255 characters of text: a longer cell is
// returned as it is.
std::string protect_for_spreadsheet(std::string_view cell);
// The text a cell protected so holds: ="TEXT" (quotes in TEXT doubled), as
// protect_for_spreadsheet writes it and as files made for Excel by hand
// have it; nullopt when `cell` is not of that form.
std::optional<std::string> spreadsheet_text(std::string_view cell);

}  // namespace liaison
