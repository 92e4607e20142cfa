// HTML pages for meetings and offline reading: the matrix with a coloured
// table and per-cell drill-down lists, and the report (counts, matrix, gaps,
// stale contacts, what changed since a date or commit). Pages are
// self-contained (inline CSS, no scripts, no external resources), print
// cleanly (drill-down lists included, the matrix within the page's width on
// A4 or Letter), and escape every text they show. Their interface text
// comes from the reader's language's catalogue (web/catalogue.h keeps them,
// under "report." and the pages' shared keys).
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "view/assistance.h"
#include "model/record_diff.h"

namespace liaison {

// Escapes &, <, >, " and ' for HTML text and attribute values.
std::string html_escape(std::string_view text);

// The interface text of a page in its reader's language.
struct PageText {
  std::string language = "en";  // the page's lang attribute
  std::function<std::string(std::string_view key)> text;  // a key's text
  // The text of `key` with its "{}" replaced by `value`.
  std::string format(std::string_view key, std::string_view value) const;
};

std::string matrix_page(const Matrix& matrix, const std::string& title, const PageText& text);

struct ReportData {
  std::string title;
  std::string generated;  // date
  std::vector<std::pair<std::string, std::int64_t>> counts;
  Matrix matrix;
  std::vector<Json> gaps;
  std::vector<Json> stale;  // the oldest ones shown
  std::size_t stale_total = 0;
  int stale_days = 365;
  std::string since;  // what "changes" are relative to ("" for none)
  std::vector<RecordDiff> changes;  // the first ones listed
  std::size_t changes_total = 0;
};
std::string report_page(const ReportData& data, const PageText& text);

}  // namespace liaison
