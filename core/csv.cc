#include "core/csv.h"

#include "core/error.h"

namespace liaison {

std::vector<CsvRow> parse_csv(std::string_view text, std::string_view what) {
  if (text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);
  std::vector<CsvRow> rows;
  std::size_t line = 1;
  std::size_t i = 0;
  auto fail = [&](std::size_t at_line, const std::string& why) {
    throw UserError(std::string(what) + ":" + std::to_string(at_line) + ": " + why);
  };
  while (i < text.size()) {
    CsvRow row{line, {}};
    std::string cell;
    bool row_done = false;
    while (!row_done) {
      cell.clear();
      if (i < text.size() && text[i] == '"') {
        std::size_t quote_line = line;
        ++i;
        while (true) {
          if (i >= text.size()) fail(quote_line, "quoted field is never closed");
          char c = text[i++];
          if (c == '"') {
            if (i < text.size() && text[i] == '"') {
              cell.push_back('"');
              ++i;
            } else {
              break;
            }
          } else {
            if (c == '\n') ++line;
            cell.push_back(c);
          }
        }
        if (i < text.size() && text[i] != ',' && text[i] != '\n' && text[i] != '\r')
          fail(line, "unexpected text after a closing quote");
      } else {
        while (i < text.size() && text[i] != ',' && text[i] != '\n' && text[i] != '\r') {
          if (text[i] == '"') fail(line, "quote inside an unquoted field");
          cell.push_back(text[i++]);
        }
      }
      row.cells.push_back(cell);
      if (i >= text.size()) {
        row_done = true;
      } else if (text[i] == ',') {
        ++i;
      } else {
        if (text[i] == '\r') ++i;
        if (i < text.size() && text[i] == '\n') ++i;
        ++line;
        row_done = true;
      }
    }
    bool blank = row.cells.size() == 1 && row.cells[0].empty();
    if (!blank) rows.push_back(std::move(row));
  }
  return rows;
}

void append_csv_row(std::string& out, const std::vector<std::string>& cells) {
  for (std::size_t c = 0; c < cells.size(); ++c) {
    if (c) out.push_back(',');
    const auto& cell = cells[c];
    bool quote = cell.find_first_of(",\"\r\n") != std::string::npos;
    if (!quote) {
      out += cell;
      continue;
    }
    out.push_back('"');
    for (char ch : cell) {
      if (ch == '"') out.push_back('"');
      out.push_back(ch);
    }
    out.push_back('"');
  }
  out += "\r\n";
}

}  // namespace liaison
