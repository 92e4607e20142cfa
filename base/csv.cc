#include "base/csv.h"

#include <array>

#include "base/error.h"

namespace liaison {
namespace {

constexpr std::string_view kUtf8Bom = "\xEF\xBB\xBF";

// The first line, up to a line break outside quotes.
std::string_view first_line(std::string_view text) {
  if (text.starts_with(kUtf8Bom)) text.remove_prefix(kUtf8Bom.size());
  bool quoted = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '"') quoted = !quoted;
    else if (!quoted && (text[i] == '\n' || text[i] == '\r')) return text.substr(0, i);
  }
  return text;
}

}  // namespace

void refuse_utf16(std::string_view text, std::string_view what) {
  std::string why;
  if (text.starts_with("\xFF\xFE")) why = "the file is UTF-16 (little-endian byte-order mark)";
  else if (text.starts_with("\xFE\xFF")) why = "the file is UTF-16 (big-endian byte-order mark)";
  else if (text.find('\0') != std::string_view::npos) why = "the file holds NUL bytes, as UTF-16 text does";
  else return;
  throw UserError(std::string(what) + ": " + why + "; UTF-8 is expected (save it as \"CSV UTF-8\")");
}

char detect_csv_delimiter(std::string_view text, const std::function<bool(std::string_view)>& is_known) {
  std::string_view line = first_line(text);
  char best = ',';
  std::size_t best_known = 0, best_count = 0;
  for (char d : std::array<char, 3>{',', ';', '\t'}) {
    std::size_t count = 0;
    bool quoted = false;
    for (char c : line) {
      if (c == '"') quoted = !quoted;
      else if (!quoted && c == d) ++count;
    }
    std::size_t known = 0;
    try {
      for (const auto& row : parse_csv(line, "", d))
        for (const auto& cell : row.cells) known += is_known(cell) ? 1 : 0;
    } catch (const UserError&) {
      known = 0;  // not this delimiter's way of quoting
    }
    if (known > best_known || (known == best_known && count > best_count)) {
      best = d;
      best_known = known;
      best_count = count;
    }
  }
  return best;
}


std::vector<CsvRow> parse_csv(std::string_view text, std::string_view what, char delimiter) {
  refuse_utf16(text, what);
  if (text.starts_with(kUtf8Bom)) text.remove_prefix(kUtf8Bom.size());
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
        if (i < text.size() && text[i] != delimiter && text[i] != '\n' && text[i] != '\r')
          fail(line, "unexpected text after a closing quote");
      } else {
        while (i < text.size() && text[i] != delimiter && text[i] != '\n' && text[i] != '\r') {
          if (text[i] == '"') fail(line, "quote inside an unquoted field");
          cell.push_back(text[i++]);
        }
      }
      row.cells.push_back(cell);
      if (i >= text.size()) {
        row_done = true;
      } else if (text[i] == delimiter) {
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

bool spreadsheet_would_change(std::string_view cell) {
  if (cell.empty()) return false;
  if (std::string_view("=+-@").find(cell.front()) != std::string_view::npos) return true;
  bool digit = false;
  for (char c : cell) {
    if (c >= '0' && c <= '9') digit = true;
    else if (std::string_view(" .,/:-+eE").find(c) == std::string_view::npos) return false;
  }
  return digit;
}

// Excel's limit on a text constant inside a formula.
constexpr std::size_t kMaxFormulaText = 255;

std::string protect_for_spreadsheet(std::string_view cell) {
  if (cell.size() > kMaxFormulaText) return std::string(cell);
  std::string out = "=\"";
  for (char c : cell) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  return out + "\"";
}

std::optional<std::string> spreadsheet_text(std::string_view cell) {
  if (cell.size() < 3 || !cell.starts_with("=\"") || !cell.ends_with('"')) return std::nullopt;
  std::string_view inner = cell.substr(2, cell.size() - 3);
  std::string out;
  for (std::size_t i = 0; i < inner.size(); ++i) {
    if (inner[i] == '"') {
      if (i + 1 >= inner.size() || inner[i + 1] != '"') return std::nullopt;  // the formula goes on after the text
      ++i;
    }
    out.push_back(inner[i]);
  }
  return out;
}

}  // namespace liaison
