#include "view/query.h"

#include <chrono>
#include <set>

#include "base/error.h"
#include "model/record.h"

namespace liaison {
namespace {

// Each kind's columns for the generic filters; empty: the filter does not apply.
struct FilterColumns {
  std::string owner;   // SQL expression over table alias t
  std::string area;    // SQL condition with ?area placeholder semantics
  std::string state;
  std::string order;
  // The area condition as a per-row test, for lists with a limit: reading
  // rows in list order (an index) and stopping at the limit beats finding
  // every match and sorting it.
  std::string area_per_row = {};
};

FilterColumns filter_columns(Kind kind) {
  const std::string areas_cte = "(SELECT code FROM area_tree)";
  switch (kind) {
    case Kind::Org:
      return {"t.parent", "", "t.rid IN (SELECT rid FROM orgs_countries WHERE value=:state)", "t.id"};
    case Kind::Area:
      return {"", "t.id IN " + areas_cte, "", "t.id"};
    case Kind::Contact:
      return {"t.org", "t.rid IN (SELECT rid FROM contacts_areas WHERE value IN " + areas_cte + ")", "",
              "t.org, coalesce(t.name, t.role), t.id",
              "EXISTS (SELECT 1 FROM contacts_areas ca WHERE ca.rid = t.rid AND ca.value IN " + areas_cte + ")"};
    case Kind::Need:
      return {"t.org", "t.area IN " + areas_cte, "t.state=:state",
              kNeedsListOrder};
    case Kind::Offer:
      return {"t.provider", "t.rid IN (SELECT rid FROM offers_areas WHERE value IN " + areas_cte + ")",
              "t.rid IN (SELECT rid FROM offers_recipients WHERE value=:state)", kOffersListOrder};
  }
  return {};
}

std::string words_to_fts_query(const std::string& text) {
  // Punctuation splits a word into tokens of one phrase, each looked up:
  // the text is bounded as well as its words.
  if (text.size() > kMaxSearchBytes)
    throw UserError("search: at most " + std::to_string(kMaxSearchBytes) + " bytes of words");
  std::string query;
  std::string word;
  std::set<std::string> seen;
  auto flush = [&] {
    if (word.empty()) return;
    std::string prepared = fts_prepare_query(word);
    word.clear();
    // A word given twice matches nothing more; each one more costs a scan
    // of every token it begins (a one-letter prefix, a good part of the
    // index), so the words are bounded: thousands fit in a URL.
    if (!seen.insert(prepared).second) return;
    if (seen.size() > kMaxSearchWords)
      throw UserError("search: at most " + std::to_string(kMaxSearchWords) + " different words");
    std::string escaped;
    for (char c : prepared) {
      if (c == '"') escaped += "\"\"";
      else escaped.push_back(c);
    }
    bool spaced = prepared.find(' ') != std::string::npos;
    if (!query.empty()) query += " AND ";
    query += "\"" + escaped + "\"" + (spaced ? "" : "*");
  };
  // Control characters separate words too: a NUL inside a quoted phrase
  // would end SQLite's reading of the query there.
  for (char c : text) {
    if (static_cast<unsigned char>(c) <= ' ' || c == '\x7f') flush();
    else word.push_back(c);
  }
  flush();
  return query;
}

}  // namespace

std::string days_before(const std::string& date, int days) {
  int y = std::stoi(date.substr(0, 4));
  unsigned m = std::stoul(date.substr(5, 2));
  unsigned d = std::stoul(date.substr(8, 2));
  std::chrono::sys_days day = std::chrono::year_month_day{std::chrono::year{y}, std::chrono::month{m},
                                                          std::chrono::day{d}};
  std::chrono::year_month_day out{day - std::chrono::days{days}};
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(out.year()), static_cast<unsigned>(out.month()),
                static_cast<unsigned>(out.day()));
  return buf;
}

namespace {

// The query of list_records (what = "t.json") or count_records ("count(*)").
Statement list_statement(View& view, Kind kind, const ListFilter& filter, const std::string& what, bool paged) {
  const auto& ks = spec(kind);
  auto cols = filter_columns(kind);
  auto unsupported = [&](const char* what) {
    throw UserError(std::string("--") + what + " does not apply to " + std::string(ks.plural));
  };
  std::string sql;
  if (filter.area)
    sql += "WITH RECURSIVE area_tree(code) AS (SELECT :area UNION SELECT a.id FROM areas a JOIN area_tree"
           " ON a.parent = area_tree.code) ";
  sql += "SELECT " + what + " FROM " + std::string(ks.plural) + " t WHERE 1";
  if (filter.org) {
    if (cols.owner.empty()) unsupported("org");
    sql += " AND " + cols.owner + "=:org";
  }
  if (filter.area) {
    if (cols.area.empty()) unsupported("area");
    sql += " AND " + (filter.limit && !cols.area_per_row.empty() ? cols.area_per_row : cols.area);
  }
  if (filter.state) {
    if (cols.state.empty()) unsupported("state");
    sql += " AND " + cols.state;
  }
  if (filter.status) {
    if (!ks.field("status")) unsupported("status");
    sql += " AND t.status=:status";
  }
  if (paged) {
    std::string order = cols.order;
    if (filter.sort) {
      if (!sortable_column(kind, *filter.sort))
        throw UserError("sort: " + std::string(ks.plural) + " cannot be sorted by '" + *filter.sort + "'");
      order = "t.\"" + *filter.sort + "\"" + (filter.descending ? " DESC" : "") + ", " + cols.order;
    }
    sql += " ORDER BY " + order;
    if (filter.limit) sql += " LIMIT " + std::to_string(filter.limit);
    if (filter.offset) sql += (filter.limit ? "" : " LIMIT -1") + std::string(" OFFSET ") + std::to_string(filter.offset);
  }
  auto st = view.db().prepare(sql);
  auto bind = [&](const char* name, const std::optional<std::string>& value) {
    if (value) st.bind_named(name, *value);
  };
  bind(":org", filter.org);
  bind(":area", filter.area);
  bind(":state", filter.state);
  bind(":status", filter.status);
  return st;
}

}  // namespace

bool sortable_column(Kind kind, const std::string& field) {
  const auto* f = spec(kind).field(field);
  if (!f) return false;
  for (const auto* column : scalar_columns(spec(kind)))
    if (column == f) return true;
  return false;
}

std::vector<Json> list_records(View& view, Kind kind, const ListFilter& filter) {
  std::vector<Json> out;
  if (!filter.limit) {
    auto st = list_statement(view, kind, filter, "t.json", true);
    while (st.step()) out.push_back(Json::parse(st.text(0)));
    return out;
  }
  // A page: the rows are ordered and skipped by their row ids alone, and
  // only the page's records are read: sorting whole records would carry
  // every one of them through the sort.
  std::vector<std::int64_t> rids;
  {
    auto st = list_statement(view, kind, filter, "t.rid", true);
    while (st.step()) rids.push_back(st.integer(0));
  }
  auto get = view.db().prepare("SELECT json FROM " + std::string(spec(kind).plural) + " WHERE rid = ?");
  for (auto rid : rids) {
    get.bind(1, rid);
    if (get.step()) out.push_back(Json::parse(get.text(0)));
    get.reset();
  }
  return out;
}

std::size_t count_records(View& view, Kind kind, const ListFilter& filter) {
  auto st = list_statement(view, kind, filter, "count(*)", false);
  return st.step() ? static_cast<std::size_t>(st.integer(0)) : 0;
}

std::vector<SearchHit> search_records(View& view, const std::string& text, std::size_t limit) {
  auto query = words_to_fts_query(text);
  if (query.empty()) throw UserError("search: give at least one word");
  auto st = view.db().prepare("SELECT rowid FROM search WHERE search MATCH ? ORDER BY rank LIMIT ?");
  st.bind(1, query).bind(2, static_cast<std::int64_t>(limit ? limit : 1000000));
  std::vector<SearchHit> out;
  while (st.step())
    if (auto hit = view.search_hit(st.integer(0))) out.push_back({hit->first, std::move(hit->second)});
  return out;
}

std::vector<Json> stale_contacts(View& view, int days, const std::string& today,
                                 const std::optional<std::string>& org) {
  std::string sql =
      "SELECT json FROM contacts WHERE status='active' AND (last_verified IS NULL OR last_verified < ?)";
  if (org) sql += " AND org=?";
  sql += " ORDER BY last_verified IS NOT NULL, last_verified, org, id";
  auto st = view.db().prepare(sql);
  st.bind(1, days_before(today, days));
  if (org) st.bind(2, *org);
  std::vector<Json> out;
  while (st.step()) out.push_back(Json::parse(st.text(0)));
  return out;
}

std::size_t count_stale_contacts(View& view, int days, const std::string& today) {
  auto st = view.db().prepare(
      "SELECT count(*) FROM contacts WHERE status='active' AND (last_verified IS NULL OR last_verified < ?)");
  st.bind(1, days_before(today, days));
  return st.step() ? static_cast<std::size_t>(st.integer(0)) : 0;
}

void for_each_offer_identifier(
    View& view,
    const std::function<void(const std::string& id, const std::string& provider, const std::optional<std::string>& iati_id)>&
        visit) {
  auto st = view.db().prepare("SELECT id, provider, json_extract(json, '$.iati_id') FROM offers");
  while (st.step())
    visit(st.text(0), st.text(1), st.is_null(2) ? std::nullopt : std::optional<std::string>(st.text(2)));
}

}  // namespace liaison
