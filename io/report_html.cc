#include "io/report_html.h"

#include "model/ids.h"
#include "model/record.h"

namespace liaison {
namespace {

// The gap colours select by class alone, so the legend's swatches get them as
// well as the cells. A cell's needs list sits beside its <details>, not inside:
// browsers do not print the content of a closed <details>, and the list must
// print. On screen the list shows while its <details> is open (browsers without
// :has() show it always). Printed, the matrix takes the page's width with fixed
// column widths and breaks long codes and titles, so no column falls off the
// edge of A4 or Letter.
const char* kStyle = R"(<style>
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans",Arial,sans-serif;margin:1.5em;color:#222}
h1{font-size:1.4em}h2{font-size:1.15em;margin-top:1.6em;border-bottom:1px solid #ccc}
table{border-collapse:collapse;font-size:.85em}th,td{border:1px solid #bbb;padding:.25em .45em;text-align:right;vertical-align:top}
th{background:#eef}td.label,th.label{text-align:left}
.g0{background:#e6f4e6}.g1{background:#fff4cc}.g2{background:#ffd9b3}.g3{background:#ffb3b3}
details summary{cursor:pointer}ul.needs{margin:.2em 0 0 1em;padding:0;text-align:left;font-size:.9em}
.legend span{display:inline-block;padding:0 .5em;margin-right:.4em;border:1px solid #bbb}
.muted{color:#666}
@media screen{td:has(>details:not([open]))>ul.needs{display:none}}
@page{size:auto;margin:12mm}
@media print{
body{margin:0;font-size:9pt}
details{display:none}ul.needs{display:block;margin-left:.8em}
table{width:100%;font-size:7.5pt}table.matrix{table-layout:fixed}table.matrix thead th.label{width:14%}
th,td{padding:.1em .2em;white-space:normal;overflow-wrap:anywhere;word-break:break-word}
thead{display:table-header-group}tr{break-inside:avoid}
.g0,.g1,.g2,.g3,th{-webkit-print-color-adjust:exact;print-color-adjust:exact}
}
</style>)";

std::string gap_class(const MatrixCell& c) {
  int gap = c.gap();
  return gap <= 0 ? "g0" : gap == 1 ? "g1" : gap <= 3 ? "g2" : "g3";
}

std::string need_item(const Json& n, const PageText& t) {
  std::string text = "<li>" + html_escape(n.value("title", "")) + " <span class=muted>(" +
                     html_escape(n.value("priority", "")) + ", " + html_escape(n.value("status", "")) + ", " +
                     html_escape(n.value("raised", "")) + ", " + html_escape(short_id(n.value("id", ""))) + ")";
  if (n.value("covered", false)) text += " &#10003; " + html_escape(t.text("report.covered"));
  return text + "</span></li>";
}

std::string cell_html(const MatrixCell& c, const PageText& t) {
  std::string out = "<td class=" + gap_class(c) + ">" + std::to_string(c.open) + " / " + std::to_string(c.covered);
  if (!c.needs.empty()) {
    out += "<details><summary>" + html_escape(t.format("report.gap", std::to_string(c.gap()))) +
           "</summary></details><ul class=needs>";
    for (const auto& n : c.needs) out += need_item(n, t);
    out += "</ul>";
  }
  return out + "</td>";
}

std::string matrix_table(const Matrix& m, const PageText& t) {
  std::string out = "<p class=legend>" + html_escape(t.text("report.legend")) + " <span class=g0>" +
                    html_escape(t.text("report.gap_none")) +
                    "</span><span class=g1>1</span><span class=g2>2-3</span><span class=g3>4+</span></p>";
  std::string total_label = html_escape(t.text("matrix.total"));
  out += "<table class=matrix><thead><tr><th class=label>" + html_escape(t.text("matrix.by_" + m.by)) + "</th>";
  for (const auto& [code, name] : m.columns)
    out += "<th title=\"" + html_escape(name) + "\">" + html_escape(code) + "</th>";
  out += "<th>" + total_label + "</th></tr></thead><tbody>";
  for (const auto& [key, label] : m.rows) {
    out += "<tr><td class=label>" + html_escape(label) + "</td>";
    for (const auto& [code, name] : m.columns) {
      auto it = m.cells.find({key, code});
      out += it == m.cells.end() ? std::string("<td></td>") : cell_html(it->second, t);
    }
    auto total = m.row_totals.at(key);
    total.needs.clear();
    out += cell_html(total, t) + "</tr>";
  }
  out += "</tbody><tfoot><tr><th class=label>" + total_label + "</th>";
  for (const auto& [code, name] : m.columns) {
    auto it = m.column_totals.find(code);
    MatrixCell total = it == m.column_totals.end() ? MatrixCell{} : it->second;
    total.needs.clear();
    out += cell_html(total, t);
  }
  MatrixCell total = m.total;
  total.needs.clear();
  out += cell_html(total, t) + "</tr></tfoot></table>";
  return out;
}

std::string page(const std::string& title, const std::string& body, const PageText& t) {
  return "<!DOCTYPE html>\n<html lang=" + html_escape(t.language) + "><head><meta charset=utf-8><title>" +
         html_escape(title) + "</title>" + kStyle + "</head><body><h1>" + html_escape(title) + "</h1>\n" + body +
         "\n</body></html>\n";
}

std::string head_cells(const PageText& t, std::initializer_list<std::pair<const char*, bool>> keys) {
  std::string out = "<thead><tr>";
  for (const auto& [key, label] : keys)
    out += std::string(label ? "<th class=label>" : "<th>") + html_escape(t.text(key)) + "</th>";
  return out + "</tr></thead>";
}

std::string changes_list(const ReportData& d, const PageText& t) {
  std::string out = "<h2>" + html_escape(t.format("report.changes_since", d.since)) + " (" +
                    std::to_string(std::max(d.changes_total, d.changes.size())) + ")</h2>";
  if (d.changes_total > d.changes.size())
    out += "<p class=muted>" + html_escape(t.format("report.first_listed", std::to_string(d.changes.size()))) + "</p>";
  out += "<ul>";
  for (const auto& c : d.changes) {
    const Json& rec = c.after ? *c.after : *c.before;
    const char* what = c.type == RecordDiff::Type::Added     ? "report.added"
                       : c.type == RecordDiff::Type::Removed ? "report.removed"
                                                             : "report.changed";
    auto id = record_id(c.kind, rec), label = record_label(c.kind, rec);
    out += "<li>" + html_escape(t.text("kind." + std::string(kind_name(c.kind))) + " " + short_id(id)) +
           (label.empty() || label == id ? "" : " (" + html_escape(label) + ")") + " " + html_escape(t.text(what));
    if (c.type == RecordDiff::Type::Changed) {
      std::string fields;
      for (const auto& f : c.fields) fields += (fields.empty() ? "" : ", ") + t.text("field." + f.field);
      out += ": " + html_escape(fields);
    }
    out += "</li>";
  }
  return out + "</ul>";
}

}  // namespace

std::string html_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out.push_back(c);
    }
  }
  return out;
}

std::string PageText::format(std::string_view key, std::string_view value) const {
  std::string out = text(key);
  if (auto at = out.find("{}"); at != std::string::npos) out.replace(at, 2, value);
  return out;
}

std::string matrix_page(const Matrix& matrix, const std::string& title, const PageText& text) {
  return page(title, matrix_table(matrix, text), text);
}

std::string report_page(const ReportData& d, const PageText& t) {
  std::string body = "<p class=muted>" + html_escape(t.format("report.generated", d.generated)) + "</p><h2>" +
                     html_escape(t.text("report.directory")) + "</h2><table>";
  for (const auto& [name, count] : d.counts)
    body += "<tr><td class=label>" + html_escape(t.text("report.count." + name)) + "</td><td>" +
            std::to_string(count) + "</td></tr>";
  body += "</table><h2>" + html_escape(t.text("matrix.title")) + "</h2>" + matrix_table(d.matrix, t);
  body += "<h2>" + html_escape(t.text("title.gaps")) + " (" + std::to_string(d.gaps.size()) + ")</h2><table>" +
          head_cells(t, {{"kind.need", true}, {"field.state", true}, {"field.area", true}, {"field.priority", false},
                         {"field.raised", false}}) +
          "<tbody>";
  for (const auto& n : d.gaps)
    body += "<tr><td class=label>" + html_escape(n.value("title", "")) + "</td><td class=label>" +
            html_escape(n.value("state", "")) + "</td><td class=label>" + html_escape(n.value("area", "")) +
            "</td><td>" + html_escape(n.value("priority", "")) + "</td><td>" + html_escape(n.value("raised", "")) +
            "</td></tr>";
  body += "</tbody></table><h2>" + html_escape(t.format("report.stale", std::to_string(d.stale_days))) + " (" +
          std::to_string(std::max(d.stale_total, d.stale.size())) + ")</h2>";
  if (d.stale_total > d.stale.size())
    body += "<p class=muted>" + html_escape(t.format("report.oldest_listed", std::to_string(d.stale.size()))) + "</p>";
  body += "<table>" +
          head_cells(t, {{"field.org", true}, {"report.name_or_role", true}, {"field.emails", true},
                         {"field.last_verified", false}}) +
          "<tbody>";
  for (const auto& c : d.stale)
    body += "<tr><td class=label>" + html_escape(c.value("org", "")) + "</td><td class=label>" +
            html_escape(record_label(Kind::Contact, c)) + "</td><td class=label>" +
            html_escape(c.contains("emails") ? c["emails"][0].get<std::string>() : "") + "</td><td>" +
            html_escape(c.value("last_verified", t.text("report.never"))) + "</td></tr>";
  body += "</tbody></table>";
  if (!d.since.empty()) body += changes_list(d, t);
  return page(d.title, body, t);
}

}  // namespace liaison
