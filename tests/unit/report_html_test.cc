// Unit tests of core/report_html: what the generated page's CSS applies to
// and what it prints. The style sheet is read back from the page and split
// into rules, so the tests check the rules a browser would apply, not the
// source text.
#include "io/report_html.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <sstream>

#include "web/catalogue.h"

namespace liaison {
namespace {

struct CssRule {
  std::string media;  // "" at top level, else the @media condition, e.g. "print"
  std::string selectors, body;
};

std::string trim(std::string s) {
  auto first = s.find_first_not_of(" \n\t");
  auto last = s.find_last_not_of(" \n\t");
  return first == std::string::npos ? "" : s.substr(first, last - first + 1);
}

// The rules of the page's <style>, one level of @media nesting.
std::vector<CssRule> css_rules(const std::string& html) {
  auto start = html.find("<style>");
  auto end = html.find("</style>");
  EXPECT_NE(start, std::string::npos);
  std::string css = html.substr(start + 7, end - start - 7);
  std::vector<CssRule> rules;
  std::string media, prelude;
  for (std::size_t at = 0; at < css.size(); ++at) {
    char c = css[at];
    if (c == '{') {
      std::string head = trim(prelude);
      prelude.clear();
      if (head.starts_with("@media")) {
        media = trim(head.substr(6));
        continue;
      }
      auto close = css.find('}', at);
      rules.push_back({media, head, css.substr(at + 1, close - at - 1)});
      at = close;
    } else if (c == '}') {
      media.clear();  // the end of an @media block
      prelude.clear();
    } else {
      prelude.push_back(c);
    }
  }
  return rules;
}

std::vector<std::string> split(const std::string& text, char sep) {
  std::vector<std::string> out;
  std::stringstream in(text);
  for (std::string part; std::getline(in, part, sep);) out.push_back(trim(part));
  return out;
}

// Whether `selector` matches <span class=gN> inside <p class=legend>.
bool matches_legend_swatch(std::string selector, const std::string& gap_class) {
  for (auto& c : selector)
    if (c == '>') c = ' ';
  auto parts = split(selector, ' ');
  std::erase(parts, "");
  if (parts.empty() || (parts.back() != "." + gap_class && parts.back() != "span." + gap_class)) return false;
  for (std::size_t i = 0; i + 1 < parts.size(); ++i)
    if (parts[i] != ".legend" && parts[i] != "p.legend" && parts[i] != "p" && parts[i] != "body") return false;
  return true;
}

PageText text_in(const std::string& language) {
  const auto& catalogue = web::Catalogue::of(language);
  return PageText{language, [&catalogue](std::string_view key) { return catalogue[key]; }};
}

Json need(const std::string& id, const std::string& title) {
  return {{"id", id}, {"title", title}, {"priority", "high"}, {"status", "open"}, {"raised", "2026-01-15"}};
}

Matrix sample_matrix() {
  Matrix m;
  m.by = "state";
  m.columns = {{"border", "Border security"}, {"nonproliferation", "Non-proliferation"}};
  m.rows = {{"KZ", "Kazakhstan"}, {"TJ", "Tajikistan"}};
  MatrixCell kz_border{2, 1, {need("a1", "Document examination lab"), need("a2", "Canine unit training")}};
  MatrixCell tj_np{1, 0, {need("b1", "Export control licensing")}};
  m.cells[{"KZ", "border"}] = kz_border;
  m.cells[{"TJ", "nonproliferation"}] = tj_np;
  m.row_totals["KZ"] = kz_border;
  m.row_totals["TJ"] = tj_np;
  m.column_totals["border"] = kz_border;
  m.column_totals["nonproliferation"] = tj_np;
  m.total = MatrixCell{3, 1, {}};
  return m;
}

TEST(ReportHtmlTest, LegendSwatchesGetTheGapColours) {
  auto html = matrix_page(sample_matrix(), "Matrix", text_in("en"));
  auto rules = css_rules(html);
  ASSERT_FALSE(rules.empty());
  for (std::string gap : {"g0", "g1", "g2", "g3"}) {
    EXPECT_NE(html.find("<span class=" + gap + ">"), std::string::npos) << gap;  // the legend's swatch
    bool coloured = false;
    for (const auto& r : rules)
      if (r.media.empty() && r.body.find("background") != std::string::npos)
        for (const auto& s : split(r.selectors, ',')) coloured |= matches_legend_swatch(s, gap);
    EXPECT_TRUE(coloured) << "no rule gives the legend's " << gap << " swatch a background";
  }
}

TEST(ReportHtmlTest, DrillDownListsAreOutsideClosedDetailsAndPrint) {
  auto html = matrix_page(sample_matrix(), "Matrix", text_in("en"));
  // Each need of a cell is in the page, and not inside a <details> element,
  // whose content browsers neither show nor print while it is closed.
  for (const char* title : {"Document examination lab", "Canine unit training", "Export control licensing"}) {
    auto at = html.find(title);
    ASSERT_NE(at, std::string::npos) << title;
    auto opened = html.rfind("<details", at);
    auto closed = html.rfind("</details>", at);
    EXPECT_TRUE(opened == std::string::npos || (closed != std::string::npos && closed > opened)) << title;
    EXPECT_NE(html.rfind("<ul class=needs>", at), std::string::npos);
  }
  bool lists_print = false, page_size = false, fixed_layout = false, full_width = false, wraps = false;
  for (const auto& r : css_rules(html)) {
    auto selectors = split(r.selectors, ',');
    auto has = [&](const char* s) { return std::find(selectors.begin(), selectors.end(), s) != selectors.end(); };
    if (r.media == "print") {
      lists_print |= has("ul.needs") && r.body.find("display:block") != std::string::npos;
      EXPECT_FALSE(has("ul.needs") && r.body.find("display:none") != std::string::npos);
      fixed_layout |= has("table.matrix") && r.body.find("table-layout:fixed") != std::string::npos;
      full_width |= has("table") && r.body.find("width:100%") != std::string::npos;
      wraps |= has("th") && r.body.find("overflow-wrap:anywhere") != std::string::npos;
    }
    page_size |= r.selectors == "@page" && r.body.find("size:auto") != std::string::npos &&
                 r.body.find("margin") != std::string::npos;
    // On screen a list may hide with its closed <details>, but only on screen.
    if (r.media.empty()) {
      EXPECT_FALSE(r.selectors.find("ul.needs") != std::string::npos &&
                   r.body.find("display:none") != std::string::npos);
    }
  }
  EXPECT_TRUE(lists_print);
  EXPECT_TRUE(page_size);
  EXPECT_TRUE(fixed_layout);
  EXPECT_TRUE(full_width);
  EXPECT_TRUE(wraps);
  EXPECT_NE(html.find("<table class=matrix>"), std::string::npos);
  // The Total column is part of the one fixed-layout table.
  EXPECT_NE(html.find("<th>Total</th></tr></thead>"), std::string::npos);
}

TEST(ReportHtmlTest, ReportCarriesTheSameMatrix) {
  ReportData data;
  data.title = "Report";
  data.generated = "2026-11-22";
  data.matrix = sample_matrix();
  auto html = report_page(data, text_in("en"));
  EXPECT_NE(html.find("<table class=matrix>"), std::string::npos);
  EXPECT_NE(html.find("Export control licensing"), std::string::npos);
  EXPECT_NE(html.find("@media print"), std::string::npos);
}

TEST(ReportHtmlTest, TheReportIsWrittenInItsReadersLanguage) {
  ReportData data;
  data.title = "Отчёт";
  data.generated = "2026-11-22";
  data.counts = {{"needs", 3}};
  data.matrix = sample_matrix();
  data.since = "2026-01-01";
  RecordDiff added;
  added.kind = Kind::Need;
  added.type = RecordDiff::Type::Added;
  added.after = need("c1", "Canine unit training");
  data.changes = {added};
  data.changes_total = 7;  // more than are listed
  auto ru = report_page(data, text_in("ru"));
  EXPECT_NE(ru.find("<html lang=ru>"), std::string::npos);
  for (const char* russian : {"Справочник", "Потребности в помощи", "Итого", "Изменения с 2026-01-01 (7)",
                              "Показаны первые 1", "Пробелы", "Потребность c1", "новая запись", "Государство"})
    EXPECT_NE(ru.find(russian), std::string::npos) << russian;
  // No English interface text is left (record text, such as titles, is the
  // records' own).
  for (const char* english : {"Generated", "The directory", "Total", "Changes since", "Gaps", "Contact points",
                              "Each cell", "added", "report."})
    EXPECT_EQ(ru.find(english), std::string::npos) << english;
  auto en = report_page(data, text_in("en"));
  EXPECT_NE(en.find("<html lang=en>"), std::string::npos);
  EXPECT_NE(en.find("Changes since 2026-01-01 (7)"), std::string::npos);
  EXPECT_NE(en.find("Assistance needs"), std::string::npos);
}

}  // namespace
}  // namespace liaison
