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

std::string need_item(const Json& n) {
  std::string text = "<li>" + html_escape(n.value("title", "")) + " <span class=muted>(" +
                     html_escape(n.value("priority", "")) + ", " + html_escape(n.value("status", "")) + ", " +
                     html_escape(n.value("raised", "")) + ", " + html_escape(short_id(n.value("id", ""))) + ")";
  if (n.value("covered", false)) text += " &#10003; covered";
  return text + "</span></li>";
}

std::string cell_html(const MatrixCell& c) {
  std::string out = "<td class=" + gap_class(c) + ">" + std::to_string(c.open) + " / " + std::to_string(c.covered);
  if (!c.needs.empty()) {
    out += "<details><summary>gap " + std::to_string(c.gap()) + "</summary></details><ul class=needs>";
    for (const auto& n : c.needs) out += need_item(n);
    out += "</ul>";
  }
  return out + "</td>";
}

std::string matrix_table(const Matrix& m) {
  std::string out =
      "<p class=legend>Each cell: open needs / covered by an offer; colour by the gap: <span class=g0>none</span>"
      "<span class=g1>1</span><span class=g2>2-3</span><span class=g3>4+</span></p>";
  out += "<table class=matrix><thead><tr><th class=label>" + html_escape(m.by) + "</th>";
  for (const auto& [code, name] : m.columns)
    out += "<th title=\"" + html_escape(name) + "\">" + html_escape(code) + "</th>";
  out += "<th>Total</th></tr></thead><tbody>";
  for (const auto& [key, label] : m.rows) {
    out += "<tr><td class=label>" + html_escape(label) + "</td>";
    for (const auto& [code, name] : m.columns) {
      auto it = m.cells.find({key, code});
      out += it == m.cells.end() ? std::string("<td></td>") : cell_html(it->second);
    }
    auto total = m.row_totals.at(key);
    total.needs.clear();
    out += cell_html(total) + "</tr>";
  }
  out += "</tbody><tfoot><tr><th class=label>Total</th>";
  for (const auto& [code, name] : m.columns) {
    auto it = m.column_totals.find(code);
    MatrixCell t = it == m.column_totals.end() ? MatrixCell{} : it->second;
    t.needs.clear();
    out += cell_html(t);
  }
  MatrixCell total = m.total;
  total.needs.clear();
  out += cell_html(total) + "</tr></tfoot></table>";
  return out;
}

std::string page(const std::string& title, const std::string& body) {
  return "<!DOCTYPE html>\n<html lang=en><head><meta charset=utf-8><title>" + html_escape(title) + "</title>" +
         kStyle + "</head><body><h1>" + html_escape(title) + "</h1>\n" + body + "\n</body></html>\n";
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

std::string matrix_page(const Matrix& matrix, const std::string& title) { return page(title, matrix_table(matrix)); }

std::string report_page(const ReportData& d) {
  std::string body = "<p class=muted>Generated " + html_escape(d.generated) + "</p><h2>The directory</h2><table>";
  for (const auto& [name, count] : d.counts)
    body += "<tr><td class=label>" + html_escape(name) + "</td><td>" + std::to_string(count) + "</td></tr>";
  body += "</table><h2>Matrix of assistance needs</h2>" + matrix_table(d.matrix);
  body += "<h2>Gaps: open needs no offer covers (" + std::to_string(d.gaps.size()) + ")</h2><table><thead><tr>"
          "<th class=label>Need</th><th class=label>State</th><th class=label>Area</th><th>Priority</th><th>Raised</th>"
          "</tr></thead><tbody>";
  for (const auto& n : d.gaps)
    body += "<tr><td class=label>" + html_escape(n.value("title", "")) + "</td><td class=label>" +
            html_escape(n.value("state", "")) + "</td><td class=label>" + html_escape(n.value("area", "")) +
            "</td><td>" + html_escape(n.value("priority", "")) + "</td><td>" + html_escape(n.value("raised", "")) +
            "</td></tr>";
  body += "</tbody></table><h2>Contact points not verified for " + std::to_string(d.stale_days) + " days (" +
          std::to_string(std::max(d.stale_total, d.stale.size())) + ")</h2>";
  if (d.stale_total > d.stale.size())
    body += "<p class=muted>The " + std::to_string(d.stale.size()) + " oldest are listed; 'liaison stale' lists all.</p>";
  body += "<table><thead><tr><th class=label>Organization</th>"
          "<th class=label>Name or role</th><th class=label>Email</th><th>Last verified</th></tr></thead><tbody>";
  for (const auto& c : d.stale)
    body += "<tr><td class=label>" + html_escape(c.value("org", "")) + "</td><td class=label>" +
            html_escape(record_label(Kind::Contact, c)) + "</td><td class=label>" +
            html_escape(c.contains("emails") ? c["emails"][0].get<std::string>() : "") + "</td><td>" +
            html_escape(c.value("last_verified", "never")) + "</td></tr>";
  body += "</tbody></table>";
  if (!d.since.empty()) {
    body += "<h2>Changes since " + html_escape(d.since) + " (" + std::to_string(d.changes.size()) + " records)</h2><ul>";
    for (const auto& c : d.changes) {
      const Json& rec = c.after ? *c.after : *c.before;
      std::string what = c.type == RecordDiff::Type::Added ? "added" : c.type == RecordDiff::Type::Removed ? "removed" : "changed";
      body += "<li>" + html_escape(describe_record(c.kind, rec)) + " " + what;
      if (c.type == RecordDiff::Type::Changed) {
        std::string fields;
        for (const auto& f : c.fields) fields += (fields.empty() ? "" : ", ") + f.field;
        body += ": " + html_escape(fields);
      }
      body += "</li>";
    }
    body += "</ul>";
  }
  return page(d.title, body);
}

}  // namespace liaison
