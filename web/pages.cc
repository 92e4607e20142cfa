#include "web/pages.h"

#include <algorithm>
#include <optional>
#include <set>

#include "base/error.h"
#include "base/utc_time.h"
#include "io/export_formats.h"
#include "model/record.h"
#include "model/reference_data.h"
#include "store/record_history.h"
#include "view/assistance.h"
#include "view/audience_scope.h"
#include "view/query.h"
#include "view/record_filter.h"
#include "web/catalogue.h"
#include "web/html.h"

namespace liaison::web {

namespace embedded {
const std::map<std::string, std::string_view>& files();
}

namespace {

// A request a page cannot answer, said in the visitor's language: the
// catalogue's `key` with "{}" replaced by `value` (English in what()).
struct PageError : UserError {
  PageError(std::string key_, std::string value_)
      : UserError(Catalogue::of("en").format(key_, value_)), key(std::move(key_)), value(std::move(value_)) {}
  std::string key, value;
};

constexpr std::size_t kPageSize = 50;
constexpr std::size_t kMaxSearchHits = 100;
constexpr std::size_t kMaxRelated = 200;
// The stale contacts and changes the meeting report lists: a page to read.
constexpr std::size_t kReportListed = 500;

// The kinds with list and record pages, by the path's first part.
const std::map<std::string, Kind, std::less<>>& listed_kinds() {
  static const std::map<std::string, Kind, std::less<>> kinds = {
      {"needs", Kind::Need}, {"offers", Kind::Offer}, {"contacts", Kind::Contact}, {"orgs", Kind::Org}};
  return kinds;
}

// A list page by its path ("/needs", "/needs.csv", "/needs.json"): its kind
// and format ("html", "csv" or "json"); nullopt for any other path.
struct ListPath {
  Kind kind;
  std::string_view format;
};
std::optional<ListPath> list_path(std::string_view path) {
  if (!path.starts_with('/')) return std::nullopt;
  auto name = path.substr(1);
  std::string_view format = "html";
  if (auto dot = name.rfind('.'); dot != std::string_view::npos) {
    format = name.substr(dot + 1);
    name = name.substr(0, dot);
    if (format != "csv" && format != "json") return std::nullopt;
  }
  auto kind = listed_kinds().find(name);
  if (kind == listed_kinds().end()) return std::nullopt;
  return ListPath{kind->second, format};
}

// The columns of a kind's list, the first linking to the record.
const std::vector<std::string>& list_columns(Kind kind) {
  static const std::map<Kind, std::vector<std::string>> columns = {
      {Kind::Need, {"title", "org", "state", "area", "priority", "status", "raised"}},
      {Kind::Offer, {"title", "provider", "funder", "areas", "recipients", "status", "start", "end"}},
      {Kind::Contact, {"role", "org", "unit", "areas", "languages", "available_24_7", "hours"}},
      {Kind::Org, {"name", "acronym", "kind", "parent", "countries"}},
  };
  return columns.at(kind);
}

std::string path_of(Kind kind, const std::string& id) {
  return "/" + std::string(spec(kind).plural) + "/" + url_encode(id);
}

// A value as text: a list joined by commas, true and false as the
// catalogue's yes and no.
std::string value_text(const Json& value, const Catalogue& text) {
  if (value.is_string()) return value.get<std::string>();
  if (value.is_boolean()) return text[value.get<bool>() ? "value.yes" : "value.no"];
  if (value.is_array()) {
    std::string out;
    for (const auto& v : value) out += (out.empty() ? "" : ", ") + value_text(v, text);
    return out;
  }
  if (value.is_null()) return "";
  return value.dump();
}

// A field's value as HTML: references link to their record's page.
std::string value_html(Kind kind, std::string_view field, const Json& value, const Catalogue& text) {
  const auto* f = spec(kind).field(field);
  auto one = [&](const Json& v) -> std::string {
    if (f && f->ref && v.is_string() && listed_kinds().contains(std::string(spec(*f->ref).plural)))
      return "<a href=\"" + html_escape(path_of(*f->ref, v.get<std::string>())) + "\">" +
             html_escape(v.get<std::string>()) + "</a>";
    return html_escape(value_text(v, text));
  };
  if (value.is_array()) {
    std::string out;
    for (const auto& v : value) out += (out.empty() ? "" : ", ") + one(v);
    return out;
  }
  return one(value);
}

std::string field_label(Kind kind, std::string_view field, const Catalogue& text) {
  auto key = "field." + std::string(spec(kind).name) + "." + std::string(field);
  if (text.has(key)) return text[key];
  auto generic = "field." + std::string(field);
  return text.has(generic) ? text[generic] : std::string(field);
}

// A table's start: a header cell for each label.
std::string table_head(std::initializer_list<std::string> labels) {
  std::string html = "<table><thead><tr>";
  for (const auto& l : labels) html += "<th scope=\"col\">" + html_escape(l) + "</th>";
  return html + "</tr></thead><tbody>";
}

struct Page {
  std::string title;
  std::string main;
};

std::string layout(const PageRequest& request, const Catalogue& text, const Page& page) {
  const auto& v = request.visitor;
  std::string nav;
  auto link = [&](const char* href, const char* key) {
    bool here = request.path == href || (std::string_view(href) != "/" && request.path.starts_with(href));
    nav += "<li><a href=\"" + std::string(href) + "\"" + (here ? " aria-current=\"page\"" : "") + ">" +
           html_escape(text[key]) + "</a></li>";
  };
  link("/", "nav.overview");
  link("/needs", "nav.needs");
  link("/offers", "nav.offers");
  link("/gaps", "nav.gaps");
  link("/duplicates", "nav.duplicates");
  link("/contacts", "nav.contacts");
  link("/orgs", "nav.orgs");
  link("/coverage", "nav.coverage");
  link("/report", "nav.report");
  std::string account;
  if (v.signed_in()) {
    account = "<p class=\"account\">" + html_escape(text.format("account.signed_in_as", v.org + " (" + v.role + ")")) +
              "</p><form method=\"post\" action=\"/sign-out\" class=\"inline\"><input type=\"hidden\" name=\"csrf\" "
              "value=\"" + html_escape(v.csrf) + "\"><button type=\"submit\">" + html_escape(text["account.sign_out"]) +
              "</button></form>";
  } else {
    account = "<p class=\"account\"><a href=\"/sign-in\">" + html_escape(text["account.sign_in"]) + "</a></p>";
  }
  std::string languages;
  for (const auto& l : Catalogue::languages()) {
    if (l == text.language()) continue;
    auto query = request.query;
    query["lang"] = l;
    languages += "<a href=\"" + html_escape(request.path + query_string(query)) + "\" hreflang=\"" + l + "\" lang=\"" + l +
                 "\">" + html_escape(Catalogue::of(l)["language.name"]) + "</a> ";
  }
  return "<!DOCTYPE html>\n<html lang=\"" + text.language() + "\"><head><meta charset=\"utf-8\">"
         "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
         "<title>" + html_escape(page.title) + " — " + html_escape(text["site.name"]) + "</title>"
         "<link rel=\"stylesheet\" href=\"/static/style.css\"></head><body>"
         "<a class=\"skip\" href=\"#main\">" + html_escape(text["nav.skip"]) + "</a>"
         "<header><p class=\"site\"><a href=\"/\">" + html_escape(text["site.name"]) + "</a></p>"
         "<nav aria-label=\"" + html_escape(text["nav.label"]) + "\"><ul>" + nav + "</ul></nav>"
         "<form role=\"search\" action=\"/search\" method=\"get\" class=\"search\"><label for=\"site-search\">" +
         html_escape(text["search.label"]) + "</label> <input id=\"site-search\" name=\"q\" type=\"search\" value=\"" +
         html_escape(request.path == "/search" && request.query.contains("q") ? request.query.at("q") : "") +
         "\"> <button type=\"submit\">" + html_escape(text["search.button"]) + "</button></form>" + account +
         "<p class=\"languages\">" + languages + "</p></header>"
         "<main id=\"main\"><h1>" + html_escape(page.title) + "</h1>" + page.main + "</main>"
         "<footer><p>" + html_escape(text.format("footer.segment", v.audience.name())) + "</p></footer></body></html>\n";
}

PageAnswer html_answer(const PageRequest& request, const Catalogue& text, const Page& page, int status = 200) {
  PageAnswer a;
  a.status = status;
  a.body = layout(request, text, page);
  return a;
}

std::optional<std::string> param(const PageRequest& r, const std::string& name) {
  auto it = r.query.find(name);
  if (it == r.query.end() || it->second.empty()) return std::nullopt;
  return it->second;
}

// The filters of a list, spelled as the CLI's flags.
struct ListQuery {
  ListFilter sql;          // what SQL narrows: org, area, state, status
  RecordFilter matcher;    // what the records are then matched on: region, priority
  std::optional<std::string> subregion;
  bool open_only = false;  // the matrix's statuses (open, matched, in progress)
};

ListQuery list_query(const PageRequest& r, Kind kind) {
  ListQuery q;
  q.sql.org = param(r, "org");
  q.sql.area = param(r, "area");
  q.sql.state = param(r, "state");
  q.sql.status = param(r, "status");
  q.matcher.kinds = {kind};
  q.matcher.area = q.sql.area;  // the matcher refuses an unknown area
  q.matcher.region = param(r, "region");
  q.matcher.priority = param(r, "priority");
  q.subregion = param(r, "subregion");
  q.open_only = param(r, "open").has_value();
  if (q.subregion) {
    bool known = false;
    for (const auto& [code, s] : states()) known |= s.subregion == *q.subregion;
    if (!known) throw PageError("error.subregion", "'" + *q.subregion + "'");
  }
  return q;
}

// The records of `kind` matching the list's filters, as the audience sees them.
std::vector<Json> filtered_records(View& view, const PageRequest& r, Kind kind) {
  auto q = list_query(r, kind);
  RecordMatcher matcher(view, q.matcher);
  static const std::set<std::string> open_statuses = {"open", "matched", "in-progress"};
  std::vector<Json> out;
  for (auto& record : list_records(view, kind, q.sql)) {
    if (!matcher.matches(kind, record)) continue;
    if (q.open_only && !open_statuses.contains(record.value("status", ""))) continue;
    if (q.subregion) {
      auto it = states().find(record.value("state", ""));
      if (it == states().end() || it->second.subregion != *q.subregion) continue;
    }
    if (auto shown = visible_record(view, r.visitor.audience, kind, record)) out.push_back(std::move(*shown));
  }
  return out;
}

std::string sort_key(const Json& record, const std::string& column) {
  auto it = record.find(column);
  if (it == record.end()) return "";
  return it->is_string() ? it->get<std::string>() : it->dump();
}

std::string record_title(Kind kind, const Json& record) {
  auto label = record_label(kind, record);
  return label.empty() ? record.value(std::string(spec(kind).id_field), std::string()) : label;
}

// A table of records: real headers, sort links in them, the first column
// linking to each record.
std::string records_table(Kind kind, const std::vector<Json>& records, const Catalogue& text,
                          const PageRequest* sortable = nullptr) {
  const auto& columns = list_columns(kind);
  std::string html = "<table><caption class=\"visually-hidden\">" + html_escape(text["list.caption"]) +
                     "</caption><thead><tr>";
  for (const auto& c : columns) {
    auto label = html_escape(field_label(kind, c, text));
    if (!sortable) {
      html += "<th scope=\"col\">" + label + "</th>";
      continue;
    }
    auto query = sortable->query;
    bool current = query["sort"] == c;
    bool descending = current && query["order"] == "desc";
    query["sort"] = c;
    query["order"] = current && !descending ? "desc" : "asc";
    query.erase("page");
    std::string state = current ? (descending ? " aria-sort=\"descending\"" : " aria-sort=\"ascending\"") : "";
    html += "<th scope=\"col\"" + state + "><a href=\"" + html_escape(sortable->path + query_string(query)) + "\">" +
            label + "</a></th>";
  }
  html += "</tr></thead><tbody>";
  for (const auto& record : records) {
    html += "<tr>";
    bool first = true;
    for (const auto& c : columns) {
      std::string cell;
      if (first) {
        auto id = record.value(std::string(spec(kind).id_field), std::string());
        auto label = record.contains(c) ? value_text(record[c], text) : record_title(kind, record);
        cell = "<a href=\"" + html_escape(path_of(kind, id)) + "\">" + html_escape(label) + "</a>";
      } else if (record.contains(c)) {
        cell = value_html(kind, c, record[c], text);
      }
      html += std::string(first ? "<th scope=\"row\"" : "<td") + " dir=\"auto\">" + cell + (first ? "</th>" : "</td>");
      first = false;
    }
    html += "</tr>";
  }
  return html + "</tbody></table>";
}

std::size_t page_number(const PageRequest& r, std::size_t pages) {
  auto p = param(r, "page");
  if (!p) return 1;
  std::size_t page = 0;
  try {
    page = std::stoul(*p);
  } catch (const std::exception&) {
  }
  if (page < 1 || page > pages) throw PageError("error.page_range", *p + " (1–" + std::to_string(pages) + ")");
  return page;
}

PageAnswer list_page(View& view, const PageRequest& r, const Catalogue& text, Kind kind, std::string_view format) {
  auto sort = param(r, "sort");
  const auto& columns = list_columns(kind);
  if (sort && std::find(columns.begin(), columns.end(), *sort) == columns.end())
    throw PageError("error.sort_column", "'" + *sort + "'");
  bool descending = param(r, "order") == "desc";
  auto q = list_query(r, kind);
  RecordMatcher{view, q.matcher};  // refuses an unknown area, region or priority before anything is read
  // Filters and a sort SQL can do alone are done there, a page at a time;
  // the others read every record the SQL filters leave.
  bool in_sql = !q.matcher.region && !q.matcher.priority && !q.subregion && !q.open_only &&
                (!sort || sortable_column(kind, *sort));
  std::vector<Json> records;
  std::size_t total = 0;
  bool whole = format != "html";
  if (in_sql) {
    q.sql.sort = sort;
    q.sql.descending = descending;
    total = whole ? 0 : count_records(view, kind, q.sql);
    if (!whole) {
      auto page = page_number(r, std::max<std::size_t>(1, (total + kPageSize - 1) / kPageSize));
      q.sql.limit = kPageSize;
      q.sql.offset = (page - 1) * kPageSize;
    }
    for (auto& record : list_records(view, kind, q.sql))
      if (auto shown = visible_record(view, r.visitor.audience, kind, record)) records.push_back(std::move(*shown));
    if (whole) total = records.size();
  } else {
    records = filtered_records(view, r, kind);
    if (sort)
      std::stable_sort(records.begin(), records.end(), [&](const Json& a, const Json& b) {
        auto ka = sort_key(a, *sort), kb = sort_key(b, *sort);
        return descending ? kb < ka : ka < kb;
      });
    total = records.size();
  }
  std::string plural(spec(kind).plural);
  if (whole) {
    PageAnswer a;
    a.content_type = format == "csv" ? "text/csv; charset=utf-8" : "application/json";
    a.body = format == "csv" ? export_csv(kind, records) : export_json(records);
    a.download_name = plural + "." + std::string(format);
    return a;
  }
  std::size_t pages = std::max<std::size_t>(1, (total + kPageSize - 1) / kPageSize);
  std::size_t page = page_number(r, pages);
  std::vector<Json> shown;
  if (in_sql) {
    shown = std::move(records);
  } else {
    shown.assign(records.begin() + static_cast<long>(std::min(records.size(), (page - 1) * kPageSize)),
                 records.begin() + static_cast<long>(std::min(records.size(), page * kPageSize)));
  }
  auto query = r.query;
  query.erase("page");
  query.erase("lang");
  std::string downloads = "<p class=\"downloads\">" + html_escape(text["list.download"]) + " <a href=\"" +
                          html_escape("/" + plural + ".csv" + query_string(query)) + "\" download>CSV</a> <a href=\"" +
                          html_escape("/" + plural + ".json" + query_string(query)) + "\" download>JSON</a></p>";
  std::string pager = "<nav class=\"pager\" aria-label=\"" + html_escape(text["list.pages"]) + "\"><p>" +
                      html_escape(text.format("list.page_of", std::to_string(page) + " / " + std::to_string(pages))) +
                      " · " + html_escape(text.format("list.count", std::to_string(total))) + "</p>";
  auto page_link = [&](std::size_t n, const char* rel, const char* key) {
    auto q = r.query;
    q["page"] = std::to_string(n);
    pager += " <a rel=\"" + std::string(rel) + "\" href=\"" + html_escape(r.path + query_string(q)) + "\">" +
             html_escape(text[key]) + "</a>";
  };
  if (page > 1) page_link(page - 1, "prev", "list.previous");
  if (page < pages) page_link(page + 1, "next", "list.next");
  pager += "</nav>";
  Page p{text["title." + plural], downloads + pager + records_table(kind, shown, text, &r)};
  return html_answer(r, text, p);
}

// Who last changed each field the visitor sees, and when.
std::string field_history(const History& history, Kind kind, const std::string& id, const Json& shown,
                          const Catalogue& text) {
  std::vector<FieldBlame> blames;
  try {
    blames = blame(history, kind, id);
  } catch (const UserError&) {
    return "";
  }
  std::string rows;
  for (const auto& b : blames) {
    if (!shown.contains(b.field)) continue;
    rows += "<tr><th scope=\"row\">" + html_escape(field_label(kind, b.field, text)) + "</th><td dir=\"auto\">" +
            html_escape(b.commit.author.name) + "</td><td><time>" + html_escape(format_utc(b.commit.time, "%Y-%m-%d")) +
            "</time></td></tr>";
  }
  if (rows.empty()) return "";
  return "<h2>" + html_escape(text["record.history"]) + "</h2>" +
         table_head({text["record.field"], text["record.changed_by"], text["record.changed_on"]}) + rows +
         "</tbody></table>";
}

PageAnswer record_page(View& view, const History& history, const PageRequest& r, const Catalogue& text, Kind kind,
                       const std::string& id) {
  auto record = view.get(kind, id);
  std::optional<Json> shown;
  if (record) shown = visible_record(view, r.visitor.audience, kind, *record);
  if (!shown) {
    Page p{text["error.not_found"], "<p>" + html_escape(text["error.no_record"]) + "</p>"};
    return html_answer(r, text, p, 404);
  }
  std::string rows;
  std::set<std::string> listed;
  for (const auto& f : spec(kind).fields) {
    listed.insert(std::string(f.name));
    if (!shown->contains(f.name) || f.name == "visibility" || f.name == "shared_with") continue;
    rows += "<tr><th scope=\"row\">" + html_escape(field_label(kind, f.name, text)) + "</th><td dir=\"auto\">" +
            value_html(kind, f.name, (*shown)[f.name], text) + "</td></tr>";
  }
  std::string main = "<table class=\"record\"><tbody>" + rows + "</tbody></table>";
  if (kind == Kind::Need) {
    std::vector<Json> offers;
    for (const auto& ref : view.referrers(Kind::Need, id, static_cast<int>(kMaxRelated)))
      if (ref.key.kind == Kind::Offer)
        if (auto o = view.get(Kind::Offer, ref.key.id))
          if (auto seen = visible_record(view, r.visitor.audience, Kind::Offer, *o)) offers.push_back(std::move(*seen));
    main += "<h2>" + html_escape(text["record.covering_offers"]) + "</h2>" +
            (offers.empty() ? "<p>" + html_escape(text["record.no_offers"]) + "</p>"
                            : records_table(Kind::Offer, offers, text));
  }
  if (kind == Kind::Org) {
    for (Kind related : {Kind::Contact, Kind::Need, Kind::Offer}) {
      ListFilter filter;
      filter.org = id;
      filter.limit = kMaxRelated;
      std::vector<Json> records;
      for (auto& rec : list_records(view, related, filter))
        if (auto seen = visible_record(view, r.visitor.audience, related, rec)) records.push_back(std::move(*seen));
      main += "<h2>" + html_escape(text["title." + std::string(spec(related).plural)]) + "</h2>" +
              (records.empty() ? "<p>" + html_escape(text["list.none"]) + "</p>" : records_table(related, records, text));
    }
  }
  main += field_history(history, kind, id, *shown, text);
  Page p{record_title(kind, *shown), main};
  return html_answer(r, text, p);
}

MatrixOptions matrix_options(const PageRequest& r) {
  MatrixOptions o;
  if (auto by = param(r, "by")) o.by = *by;
  o.area = param(r, "area");
  o.region = param(r, "region");
  o.state = param(r, "state");
  o.priority = param(r, "priority");
  o.provider = param(r, "provider");
  return o;
}

// The needs list a matrix cell counts.
std::string cell_link(const Matrix& m, const MatrixOptions& o, const std::string& row, const std::string& column) {
  std::map<std::string, std::string> q = {{"open", "1"}, {"priority", o.priority.value_or("")},
                                          {"region", o.region.value_or("")}, {"state", o.state.value_or("")}};
  if (!row.empty()) q[m.by == "state" ? "state" : m.by == "org" ? "org" : m.by] = row;
  q["area"] = column.empty() ? o.area.value_or("") : column;
  return "/needs" + query_string(q);
}

std::string matrix_form(View& view, const MatrixOptions& o, const Catalogue& text) {
  auto select = [&](const char* name, const char* key, const std::vector<std::pair<std::string, std::string>>& options,
                    const std::string& current) {
    std::string html = "<label for=\"m-" + std::string(name) + "\">" + html_escape(text[key]) + "</label> <select id=\"m-" +
                       name + "\" name=\"" + name + "\">";
    for (const auto& [value, label] : options)
      html += "<option value=\"" + html_escape(value) + "\"" + (value == current ? " selected" : "") + ">" +
              html_escape(label) + "</option>";
    return html + "</select> ";
  };
  std::vector<std::pair<std::string, std::string>> by = {
      {"state", text["matrix.by_state"]},
      {"region", text["matrix.by_region"]},
      {"subregion", text["matrix.by_subregion"]},
      {"org", text["matrix.by_org"]}};
  std::vector<std::pair<std::string, std::string>> areas = {{"", text["matrix.any"]}};
  for (const auto& a : list_records(view, Kind::Area, {}))
    areas.emplace_back(a.value("code", ""), a.value("name", a.value("code", "")));
  std::vector<std::pair<std::string, std::string>> priorities = {{"", text["matrix.any"]}};
  for (const char* p : {"high", "medium", "low"}) priorities.emplace_back(p, text["priority." + std::string(p)]);
  auto input = [&](const char* name, const char* key, const std::optional<std::string>& value) {
    return "<label for=\"m-" + std::string(name) + "\">" + html_escape(text[key]) + "</label> <input id=\"m-" + name +
           "\" name=\"" + name + "\" value=\"" + html_escape(value.value_or("")) + "\" size=\"12\"> ";
  };
  return "<form method=\"get\" action=\"/\" class=\"filters\">" + select("by", "matrix.rows", by, o.by) +
         select("area", "field.area", areas, o.area.value_or("")) +
         select("priority", "field.priority", priorities, o.priority.value_or("")) +
         input("region", "field.region", o.region) + input("state", "field.state", o.state) +
         "<button type=\"submit\">" + html_escape(text["matrix.show"]) + "</button></form>";
}

std::string matrix_table(const Matrix& m, const MatrixOptions& o, const Catalogue& text) {
  auto cell_html = [&](const MatrixCell& c, const std::string& row, const std::string& column, bool header) {
    std::string figures = std::to_string(c.open) + " / " + std::to_string(c.covered) + " / " + std::to_string(c.gap());
    std::string klass = c.open == 0 ? "empty" : c.gap() == 0 ? "covered" : c.covered == 0 ? "gap" : "partial";
    std::string inner = c.open == 0 ? figures
                                    : "<a href=\"" + html_escape(cell_link(m, o, row, column)) + "\">" + figures + "</a>";
    return std::string(header ? "<td class=\"total " : "<td class=\"") + klass + "\">" + inner + "</td>";
  };
  std::string html = "<table class=\"matrix\"><caption>" + html_escape(text["matrix.caption"]) +
                     "</caption><thead><tr><th scope=\"col\">" + html_escape(text["matrix.by_" + m.by]) + "</th>";
  for (const auto& [code, name] : m.columns) html += "<th scope=\"col\" dir=\"auto\">" + html_escape(name) + "</th>";
  html += "<th scope=\"col\">" + html_escape(text["matrix.total"]) + "</th></tr></thead><tbody>";
  for (const auto& [key, label] : m.rows) {
    html += "<tr><th scope=\"row\" dir=\"auto\">" + html_escape(label) + "</th>";
    for (const auto& [code, name] : m.columns) {
      auto it = m.cells.find({key, code});
      html += cell_html(it == m.cells.end() ? MatrixCell{} : it->second, key, code, false);
    }
    auto total = m.row_totals.find(key);
    html += cell_html(total == m.row_totals.end() ? MatrixCell{} : total->second, key, "", true) + "</tr>";
  }
  html += "</tbody><tfoot><tr><th scope=\"row\">" + html_escape(text["matrix.total"]) + "</th>";
  for (const auto& [code, name] : m.columns) {
    auto it = m.column_totals.find(code);
    html += cell_html(it == m.column_totals.end() ? MatrixCell{} : it->second, "", code, true);
  }
  html += cell_html(m.total, "", "", true) + "</tr></tfoot></table>";
  return html;
}

PageAnswer overview_page(View& view, const PageRequest& r, const Catalogue& text) {
  auto options = matrix_options(r);
  auto matrix = build_matrix(view, options);
  std::string counts = "<ul class=\"counts\">";
  for (const auto& [plural, kind] : listed_kinds())
    counts += "<li><a href=\"/" + plural + "\">" + html_escape(text["title." + plural]) + "</a>: " +
              std::to_string(view.count(kind)) + "</li>";
  auto gap_count = matrix.open_gaps ? *matrix.open_gaps : count_gaps(view, options);
  auto stale = count_stale_contacts(view, 365, r.today);
  counts += "<li><a href=\"/gaps\">" + html_escape(text["nav.gaps"]) + "</a>: " + std::to_string(gap_count) + "</li>";
  counts += "<li>" + html_escape(text["overview.stale"]) + ": " + std::to_string(stale) + "</li></ul>";
  std::string main = counts + "<h2>" + html_escape(text["matrix.title"]) + "</h2><p>" + html_escape(text["matrix.legend"]) +
                     "</p>" + matrix_form(view, options, text) + matrix_table(matrix, options, text);
  Page p{text["title.overview"], main};
  return html_answer(r, text, p);
}

PageAnswer gaps_page(View& view, const PageRequest& r, const Catalogue& text) {
  std::vector<Json> shown;
  for (auto& need : gaps(view, matrix_options(r)))
    if (auto seen = visible_record(view, r.visitor.audience, Kind::Need, need)) shown.push_back(std::move(*seen));
  Page p{text["title.gaps"], "<p>" + html_escape(text["gaps.intro"]) + "</p>" +
                                              (shown.empty() ? "<p>" + html_escape(text["list.none"]) + "</p>"
                                                             : records_table(Kind::Need, shown, text))};
  return html_answer(r, text, p);
}

PageAnswer search_page(View& view, const PageRequest& r, const Catalogue& text) {
  auto q = param(r, "q");
  std::string main;
  if (q) {
    std::string items;
    for (auto& hit : search_records(view, *q, kMaxSearchHits)) {
      if (!listed_kinds().contains(std::string(spec(hit.kind).plural))) continue;
      auto seen = visible_record(view, r.visitor.audience, hit.kind, hit.record);
      if (!seen) continue;
      auto id = seen->value(std::string(spec(hit.kind).id_field), std::string());
      items += "<li><span class=\"kind\">" + html_escape(text["kind." + std::string(spec(hit.kind).name)]) +
               "</span> <a href=\"" + html_escape(path_of(hit.kind, id)) + "\" dir=\"auto\">" +
               html_escape(record_title(hit.kind, *seen)) + "</a></li>";
    }
    main = items.empty() ? "<p>" + html_escape(text["search.nothing"]) + "</p>" : "<ol class=\"hits\">" + items + "</ol>";
  }
  Page p{q ? text.format("search.results_for", *q) : text["search.label"], main};
  return html_answer(r, text, p);
}

// A record's link, with its title, for the pages that pair records.
std::string record_link(Kind kind, const Json& record) {
  auto id = record.value(std::string(spec(kind).id_field), std::string());
  return "<a href=\"" + html_escape(path_of(kind, id)) + "\" dir=\"auto\">" + html_escape(record_title(kind, record)) +
         "</a>";
}

PageAnswer duplicates_page(View& view, const PageRequest& r, const Catalogue& text) {
  auto d = duplicates(view);
  std::string main = "<h2>" + html_escape(text.format("duplicates.covered_twice", std::to_string(d.covered_twice.size()))) +
                     "</h2>";
  if (!d.covered_twice.empty()) {
    main += table_head({text["kind.need"], text["field.state"], text["title.offers"]});
    for (const auto& c : d.covered_twice) {
      std::string offers;
      for (const auto& o : c.offers)
        offers += "<li>" + html_escape(o.value("provider", "")) + ": " + record_link(Kind::Offer, o) + "</li>";
      main += "<tr><th scope=\"row\">" + record_link(Kind::Need, c.need) + "</th><td>" +
              html_escape(c.need.value("state", "")) + "</td><td><ul>" + offers + "</ul></td></tr>";
    }
    main += "</tbody></table>";
  }
  main += "<h2>" + html_escape(text.format("duplicates.look_alike", std::to_string(d.look_alike.size()))) + "</h2>";
  if (!d.look_alike.empty()) {
    main += table_head({text["kind.offer"], text["kind.offer"], text["duplicates.shared"]});
    for (const auto& p : d.look_alike) {
      std::string shared;
      for (const auto& a : p.shared_areas) shared += (shared.empty() ? "" : ", ") + a;
      for (const auto& s2 : p.shared_recipients) shared += ", " + s2;
      main += "<tr><td>" + html_escape(p.first.value("provider", "")) + ": " + record_link(Kind::Offer, p.first) +
              "</td><td>" + html_escape(p.second.value("provider", "")) + ": " + record_link(Kind::Offer, p.second) +
              "</td><td>" + html_escape(shared) + "</td></tr>";
    }
    main += "</tbody></table>";
  }
  main += "<h2>" + html_escape(text.format("duplicates.overlaps", std::to_string(d.overlaps.size()))) + "</h2>";
  if (!d.overlaps.empty()) {
    main += table_head({text["kind.offer"], text["kind.need"], text["duplicates.covered_by"]});
    for (const auto& o : d.overlaps) {
      std::string providers;
      for (const auto& p : o.covering_providers) providers += (providers.empty() ? "" : ", ") + p;
      main += "<tr><td>" + html_escape(o.offer.value("provider", "")) + ": " + record_link(Kind::Offer, o.offer) +
              "</td><td>" + record_link(Kind::Need, o.need) + " (" + html_escape(o.need.value("state", "")) +
              ")</td><td>" + html_escape(providers) + "</td></tr>";
    }
    main += "</tbody></table>";
  }
  return html_answer(r, text, Page{text["title.duplicates"], main});
}

PageAnswer coverage_page(View& view, const PageRequest& r, const Catalogue& text) {
  auto c = coverage(view, 365, r.today);
  std::string main = "<p>" + html_escape(text["coverage.intro"]) + "</p>";
  for (const auto* list : {&c.orgs, &c.states}) {
    bool orgs = list == &c.orgs;
    main += "<h2>" + html_escape(text[orgs ? "coverage.by_org" : "coverage.by_state"]) + "</h2>" +
            table_head({text[orgs ? "field.org" : "field.state"], text["coverage.active"], text["coverage.stale"],
                        text["coverage.missing"]});
    for (const auto& row : *list) {
      std::string missing;
      for (const auto& a : row.missing_areas) missing += (missing.empty() ? "" : ", ") + a;
      main += "<tr><th scope=\"row\" dir=\"auto\">" + html_escape(row.label.empty() ? row.key : row.label) +
              "</th><td>" + std::to_string(row.active) + "</td><td>" + std::to_string(row.stale) + "</td><td>" +
              html_escape(missing) + "</td></tr>";
    }
    main += "</tbody></table>";
  }
  return html_answer(r, text, Page{text["title.coverage"], main});
}

// The meeting report (io/report_html.h) as one page: what `liaison report`
// writes, from the visitor's view, its contact points as the visitor may see
// them, and with `since` (a date) what changed since then in the visitor's
// segment. A date only: a commit named by id could be central's, whose tree
// holds what the visitor may not see.
PageAnswer report_answer(View& view, const History& history, const PageRequest& r, const Catalogue& text) {
  PageText page_text{text.language(), [&text](std::string_view key) { return text[key]; }};
  ReportData data;
  data.title = text["report.title"];
  data.generated = r.today;
  for (Kind k : kAllKinds) data.counts.emplace_back(std::string(spec(k).plural), view.count(k));
  MatrixOptions options;
  data.matrix = build_matrix(view, options);
  add_drill_down(view, data.matrix, options);
  data.gaps = gaps(view, options);
  for (auto& c : stale_contacts(view, data.stale_days, r.today, std::nullopt)) {
    if (data.stale.size() == kReportListed) {  // the oldest; a meeting page, not an export
      ++data.stale_total;
      continue;
    }
    if (auto seen = visible_record(view, r.visitor.audience, Kind::Contact, c)) data.stale.push_back(std::move(*seen));
    ++data.stale_total;
  }
  if (auto since = r.query.find("since"); since != r.query.end() && !since->second.empty()) {
    data.since = since->second;
    if (!utc_midnight(since->second)) throw PageError("error.since_date", "'" + since->second + "'");
    if (r.segment_head) {
      auto from = commit_before_date(history, *r.segment_head, since->second, "since");
      data.changes = diff_commits(history, from, *r.segment_head, kReportListed, data.changes_total);
    }
  }
  PageAnswer a;
  a.body = report_page(data, page_text);
  auto open = a.body.find("<style>"), close = a.body.find("</style>");
  if (open != std::string::npos && close != std::string::npos && close > open)
    a.inline_style = a.body.substr(open + 7, close - open - 7);
  return a;
}

}  // namespace

bool is_page(std::string_view path) {
  if (path == "/report") return true;
  if (path == "/" || path == "/gaps" || path == "/duplicates" || path == "/coverage" || path == "/search" ||
      path == "/static/style.css")
    return true;
  if (list_path(path)) return true;
  for (const auto& [plural, kind] : listed_kinds()) {
    std::string base = "/" + plural;
    if (path.starts_with(base + "/") && path.size() > base.size() + 1 &&
        path.find('/', base.size() + 1) == std::string_view::npos)
      return true;
  }
  return false;
}

namespace {

using Names = std::set<std::string, std::less<>>;

// What each page reads (matrix_options, list_query, page_number, the sort
// links, search_page, report_answer).
const Names kMatrixParameters = {"area", "by", "priority", "provider", "region", "state"};
const Names kListParameters = {"area",     "open",   "order", "org",   "page",  "priority",
                               "region",   "sort",   "state", "status", "subregion"};
const Names kSearchParameters = {"q"}, kReportParameters = {"since"}, kNoParameters;

const Names& parameters_of(std::string_view path) {
  if (path == "/" || path == "/gaps") return kMatrixParameters;
  if (path == "/search") return kSearchParameters;
  if (path == "/report") return kReportParameters;
  if (list_path(path)) return kListParameters;
  return kNoParameters;
}

}  // namespace

std::map<std::string, std::string> page_parameters(std::string_view path, std::map<std::string, std::string> query) {
  const auto& read = parameters_of(path);
  std::erase_if(query, [&](const auto& pair) { return !read.contains(pair.first); });
  return query;
}

const std::set<std::string, std::less<>>& all_page_parameters() {
  static const Names all = [] {
    Names out;
    for (const auto* read : {&kMatrixParameters, &kListParameters, &kSearchParameters, &kReportParameters})
      out.insert(read->begin(), read->end());
    return out;
  }();
  return all;
}

std::string page_target(const PageRequest& request) { return request.path + query_string(request.query); }

PageAnswer render_page(View& view, const History& history, const PageRequest& request) {
  const auto& text = Catalogue::of(request.language);
  if (request.path == "/static/style.css") {
    PageAnswer a;
    a.content_type = "text/css; charset=utf-8";
    a.body = std::string(embedded::files().at("style.css"));
    return a;
  }
  try {
    if (request.path == "/") return overview_page(view, request, text);
    if (request.path == "/gaps") return gaps_page(view, request, text);
    if (request.path == "/report") return report_answer(view, history, request, text);
    if (request.path == "/duplicates") return duplicates_page(view, request, text);
    if (request.path == "/coverage") return coverage_page(view, request, text);
    if (request.path == "/search") return search_page(view, request, text);
    if (auto list = list_path(request.path)) return list_page(view, request, text, list->kind, list->format);
    for (const auto& [plural, kind] : listed_kinds()) {
      std::string base = "/" + plural;
      if (request.path.starts_with(base + "/"))
        return record_page(view, history, request, text, kind, request.path.substr(base.size() + 1));
    }
  } catch (const UserError& e) {
    // A PageError is said in the visitor's language; the layers below speak
    // English, marked so for screen readers and the browser's translation.
    const auto* own = dynamic_cast<const PageError*>(&e);
    std::string lang = own || text.language() == "en" ? "" : " lang=\"en\"";
    std::string message = own ? text.format(own->key, own->value) : e.what();
    Page p{text["error.bad_request"], "<p class=\"error\" role=\"alert\"" + lang + ">" + html_escape(message) + "</p>"};
    return html_answer(request, text, p, 400);
  }
  return not_found_page(request);
}

PageAnswer not_found_page(const PageRequest& request) {
  return notice_page(request, "error.not_found", Catalogue::of(request.language)["error.no_page"], 404);
}

PageAnswer notice_page(const PageRequest& request, std::string_view title_key, const std::string& message, int status) {
  const auto& text = Catalogue::of(request.language);
  Page p{text[title_key], "<p role=\"alert\">" + html_escape(message) + "</p>"};
  return html_answer(request, text, p, status);
}

PageAnswer sign_in_page(const PageRequest& request, const std::string& problem, int status) {
  const auto& text = Catalogue::of(request.language);
  std::string main = (problem.empty() ? "" : "<p class=\"error\" role=\"alert\">" + html_escape(problem) + "</p>") +
                     "<p>" + html_escape(text["sign_in.intro"]) + "</p>"
                     "<form method=\"post\" action=\"/sign-in\"><p><label for=\"token\">" +
                     html_escape(text["sign_in.token"]) + "</label> <input id=\"token\" name=\"token\" type=\"password\" "
                     "autocomplete=\"current-password\" required size=\"50\"></p><p><button type=\"submit\">" +
                     html_escape(text["account.sign_in"]) + "</button></p></form>";
  Page p{text["account.sign_in"], main};
  return html_answer(request, text, p, status);
}

}  // namespace liaison::web
