#include "view/assistance.h"

#include <algorithm>
#include <set>

#include "base/csv.h"
#include "base/error.h"
#include "view/query.h"
#include "model/record.h"
#include "model/reference_data.h"

namespace liaison {
namespace {

// Maps every area to its column: the top-level area above it, or with an
// area filter the filter's child above it (the filter itself for needs
// raised directly under it).
std::string tree_cte(bool filtered) {
  if (!filtered)
    return "tree(code, top) AS (SELECT id, id FROM areas WHERE parent IS NULL"
           " UNION ALL SELECT a.id, tree.top FROM areas a JOIN tree ON a.parent = tree.code)";
  return "tree(code, top) AS (SELECT id, id FROM areas WHERE id = :area OR parent = :area"
         " UNION ALL SELECT a.id, tree.top FROM areas a JOIN tree ON a.parent = tree.code WHERE tree.code != :area)";
}

// The needs an offer covers. Its links are read from main's table, not from
// an audience's view of it (view/audience_scope.h), which would test each
// linked need's visibility: every use asks only whether a need it already
// holds, a visible one, is covered, while the offers joined are the
// audience's, so an offer it may not see covers nothing.
const char* kCoverCte =
    "cover(need) AS (SELECT DISTINCT l.value FROM main.offers_needs l JOIN offers o ON o.rid = l.rid"
    " WHERE o.status != 'cancelled' AND (:provider IS NULL OR o.provider = :provider OR o.funder = :provider))";

// The members of a group_concat() list, sorted.
std::vector<std::string> sorted_members(const std::string& list) {
  std::vector<std::string> out;
  for (std::size_t start = 0; start <= list.size();) {
    auto comma = list.find(',', start);
    if (comma == std::string::npos) comma = list.size();
    out.push_back(list.substr(start, comma - start));
    start = comma + 1;
  }
  std::sort(out.begin(), out.end());
  return out;
}

void check_filters(View& view, const MatrixOptions& o) {
  if (o.by != "state" && o.by != "region" && o.by != "subregion" && o.by != "org")
    throw UserError("--by: '" + o.by + "' is not state, region, subregion or org");
  if (o.area && !view.exists(Kind::Area, *o.area)) throw UserError("--area: unknown area '" + *o.area + "'");
  if (o.state && !find_state(*o.state)) throw UserError("--state: unknown state '" + *o.state + "'");
  if (o.region) {
    auto st = view.db().prepare("SELECT count(*) FROM states WHERE region = ?1 OR subregion = ?1");
    st.bind(1, *o.region);
    st.step();
    if (st.integer(0) == 0) throw UserError("--region: unknown region '" + *o.region + "' (a UN M49 region or sub-region)");
  }
  if (o.priority && *o.priority != "high" && *o.priority != "medium" && *o.priority != "low")
    throw UserError("--priority: '" + *o.priority + "' is not high, medium or low");
  static const std::set<std::string> statuses = {"open", "matched", "in-progress", "fulfilled", "withdrawn"};
  for (const auto& s : o.statuses)
    if (!statuses.count(s)) throw UserError("--status: '" + s + "' is not a need status");
}

// The filters on needs n (joined with states s for the region, unless
// `with_region` is false: the caller filters by region itself).
std::string need_filters(const MatrixOptions& o, bool with_region = true) {
  std::string sql;
  if (o.state) sql += " AND n.state = :state";
  if (o.region && with_region) sql += " AND (s.region = :region OR s.subregion = :region)";
  if (o.priority) sql += " AND n.priority = :priority";
  if (!o.statuses.empty()) {
    sql += " AND n.status IN (";
    for (std::size_t i = 0; i < o.statuses.size(); ++i) sql += (i ? ",'" : "'") + o.statuses[i] + "'";
    sql += ")";
  }
  return sql;
}

void bind_filters(Statement& st, const MatrixOptions& o) {
  if (o.area) st.bind_named(":area", *o.area);
  if (o.state) st.bind_named(":state", *o.state);
  if (o.region) st.bind_named(":region", *o.region);
  if (o.priority) st.bind_named(":priority", *o.priority);
  if (o.provider) st.bind_named(":provider", *o.provider);
}

std::pair<std::string, std::string> row_expr(const std::string& by) {
  if (by == "region") return {"coalesce(s.region, '(no state)')", "coalesce(s.region, '(no state)')"};
  if (by == "subregion") return {"coalesce(s.subregion, '(no state)')", "coalesce(s.subregion, '(no state)')"};
  if (by == "org") return {"n.org", "coalesce(g.acronym, g.name, n.org)"};
  return {"coalesce(n.state, '(no state)')", "coalesce(s.name, '(no state)')"};
}

Json cell_json(const MatrixCell& c) {
  Json out = {{"open", c.open}, {"covered", c.covered}, {"gap", c.gap()}};
  if (!c.needs.empty()) {
    Json ids = Json::array();
    for (const auto& n : c.needs) ids.push_back(n["id"]);
    out["needs"] = ids;
  }
  return out;
}

}  // namespace

Matrix build_matrix(View& view, const MatrixOptions& options) {
  MatrixOptions o = options;
  if (o.state)
    for (auto& c : *o.state) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  check_filters(view, o);
  Matrix m;
  m.by = o.by;
  {
    std::string sql = o.area ? "SELECT id, json_extract(json, '$.name') FROM areas WHERE id = :area OR parent = :area"
                               " ORDER BY id != :area, id"
                             : "SELECT id, json_extract(json, '$.name') FROM areas WHERE parent IS NULL ORDER BY id";
    auto st = view.db().prepare(sql);
    if (o.area) st.bind_named(":area", *o.area);
    while (st.step()) m.columns.emplace_back(st.text(0), st.text(1));
  }
  auto [key, label] = row_expr(o.by);
  // Counted per state (or organization) and area first, from the covering
  // index alone, then put under the columns and rows: the joins then meet a
  // few hundred cells instead of every need. The gaps (open needs no offer
  // covers) are counted in the same pass when the filters are the gaps'.
  bool counts_gaps = !o.provider && (o.statuses.empty() || std::find(o.statuses.begin(), o.statuses.end(), "open") !=
                                                               o.statuses.end());
  std::string sql = "WITH RECURSIVE " + tree_cte(o.area.has_value()) + ", " + kCoverCte +
                    ", cells(state, org, area, open, covered, gaps) AS (SELECT n.state, " +
                    (o.by == "org" ? "n.org" : "NULL") +
                    ", n.area, count(*), total(n.id IN (SELECT need FROM cover)),"
                    " total(n.status = 'open' AND n.id NOT IN (SELECT need FROM cover)) FROM needs n WHERE 1" +
                    need_filters(o, false) + " GROUP BY 1, 2, 3) SELECT " + key + ", " + label +
                    ", tree.top, sum(n.open), sum(n.covered), sum(n.gaps)"
                    " FROM cells n JOIN tree ON tree.code = n.area LEFT JOIN states s ON s.code = n.state"
                    " LEFT JOIN orgs g ON g.id = n.org WHERE 1" +
                    (o.region ? " AND (s.region = :region OR s.subregion = :region)" : "") + " GROUP BY 1, 3";
  auto st = view.db().prepare(sql);
  bind_filters(st, o);
  std::map<std::string, std::string> labels;
  std::size_t gaps = 0;
  while (st.step()) {
    std::string row = st.text(0), column = st.text(2);
    labels[row] = st.text(1);
    auto& cell = m.cells[{row, column}];
    cell.open = static_cast<int>(st.integer(3));
    cell.covered = static_cast<int>(st.real(4));
    gaps += static_cast<std::size_t>(st.real(5));
    for (auto* total : {&m.row_totals[row], &m.column_totals[column], &m.total}) {
      total->open += cell.open;
      total->covered += cell.covered;
    }
  }
  if (counts_gaps) m.open_gaps = gaps;
  for (const auto& [k, l] : labels) m.rows.emplace_back(k, l);
  std::sort(m.rows.begin(), m.rows.end(), [](const auto& a, const auto& b) {
    bool a_none = a.first == "(no state)", b_none = b.first == "(no state)";
    return a_none != b_none ? b_none : a.second < b.second;
  });
  return m;
}

// Fills each cell's `needs` (for drill-down views).
void add_drill_down(View& view, Matrix& m, const MatrixOptions& options) {
  MatrixOptions o = options;
  if (o.state)
    for (auto& c : *o.state) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  auto [key, label] = row_expr(o.by);
  std::string sql = "WITH RECURSIVE " + tree_cte(o.area.has_value()) + ", " + kCoverCte + " SELECT " + key +
                    ", tree.top, n.json, n.id IN (SELECT need FROM cover)"
                    " FROM needs n JOIN tree ON tree.code = n.area LEFT JOIN states s ON s.code = n.state"
                    " LEFT JOIN orgs g ON g.id = n.org WHERE 1" +
                    need_filters(o) +
                    " ORDER BY CASE n.priority WHEN 'high' THEN 0 WHEN 'medium' THEN 1 ELSE 2 END, n.raised, n.id";
  auto st = view.db().prepare(sql);
  bind_filters(st, o);
  while (st.step()) {
    auto need = Json::parse(st.text(2));
    need["covered"] = st.integer(3) != 0;
    m.cells[{st.text(0), st.text(1)}].needs.push_back(std::move(need));
  }
}

Json matrix_json(const Matrix& m) {
  Json columns = Json::array();
  for (const auto& [code, name] : m.columns) columns.push_back({{"area", code}, {"name", name}});
  Json rows = Json::array();
  for (const auto& [key, label] : m.rows) {
    Json cells = Json::object();
    for (const auto& [code, name] : m.columns) {
      auto it = m.cells.find({key, code});
      if (it != m.cells.end()) cells[code] = cell_json(it->second);
    }
    rows.push_back({{"key", key}, {"label", label}, {"cells", cells}, {"total", cell_json(m.row_totals.at(key))}});
  }
  Json column_totals = Json::object();
  for (const auto& [code, total] : m.column_totals) column_totals[code] = cell_json(total);
  return {{"by", m.by},
          {"columns", columns},
          {"rows", rows},
          {"column_totals", column_totals},
          {"total", cell_json(m.total)}};
}

std::string matrix_csv(const Matrix& m) {
  std::string out;
  append_csv_row(out, {m.by, "label", "area", "open", "covered", "gap"});
  for (const auto& [key, label] : m.rows)
    for (const auto& [code, name] : m.columns) {
      auto it = m.cells.find({key, code});
      if (it == m.cells.end()) continue;
      append_csv_row(out, {key, label, code, std::to_string(it->second.open), std::to_string(it->second.covered),
                           std::to_string(it->second.gap())});
    }
  return out;
}

namespace {

// The gaps' query, selecting `what` ("n.json" or "count(*)").
Statement gaps_statement(View& view, const MatrixOptions& filters, const std::string& what) {
  MatrixOptions o = filters;
  o.statuses = {"open"};
  o.provider.reset();
  if (o.state)
    for (auto& c : *o.state) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  check_filters(view, o);
  std::string sql = "WITH RECURSIVE " + tree_cte(o.area.has_value()) + ", " + kCoverCte + " SELECT " + what +
                    " FROM needs n JOIN tree ON tree.code = n.area LEFT JOIN states s ON s.code = n.state"
                    " WHERE n.id NOT IN (SELECT need FROM cover)" +
                    need_filters(o);
  if (what != "count(*)")
    sql += " ORDER BY CASE n.priority WHEN 'high' THEN 0 WHEN 'medium' THEN 1 ELSE 2 END, n.raised, n.id";
  auto st = view.db().prepare(sql);
  bind_filters(st, o);
  return st;
}

}  // namespace

std::vector<Json> gaps(View& view, const MatrixOptions& filters) {
  auto st = gaps_statement(view, filters, "n.json");
  std::vector<Json> out;
  while (st.step()) out.push_back(Json::parse(st.text(0)));
  return out;
}

std::size_t count_gaps(View& view, const MatrixOptions& filters) {
  auto st = gaps_statement(view, filters, "count(*)");
  return st.step() ? static_cast<std::size_t>(st.integer(0)) : 0;
}

Duplicates duplicates(View& view) {
  Duplicates d;
  {
    auto st = view.db().prepare(
        "SELECT l.value, o.json FROM offers_needs l JOIN offers o ON o.rid = l.rid WHERE o.status != 'cancelled'"
        " AND l.value IN (SELECT l2.value FROM offers_needs l2 JOIN offers o2 ON o2.rid = l2.rid"
        "   WHERE o2.status != 'cancelled' GROUP BY l2.value HAVING count(DISTINCT o2.provider) > 1)"
        " ORDER BY l.value, o.provider, o.id");
    std::string current;
    while (st.step()) {
      if (st.text(0) != current) {
        current = st.text(0);
        auto need = view.get(Kind::Need, current);
        d.covered_twice.push_back({need ? *need : Json{{"id", current}}, {}});
      }
      d.covered_twice.back().offers.push_back(Json::parse(st.text(1)));
    }
  }
  {
    auto st = view.db().prepare(
        "SELECT o.kind, a.value, r.value, group_concat(o.id) FROM offers o"
        " JOIN offers_areas a ON a.rid = o.rid JOIN offers_recipients r ON r.rid = o.rid"
        " WHERE o.status != 'cancelled' GROUP BY 1, 2, 3 HAVING count(*) > 1");
    std::map<std::pair<std::string, std::string>, Duplicates::LookAlike> pairs;
    while (st.step()) {
      auto ids = sorted_members(st.text(3));
      for (std::size_t i = 0; i < ids.size(); ++i)
        for (std::size_t j = i + 1; j < ids.size() && pairs.size() < 10000; ++j) {
          auto& p = pairs[{ids[i], ids[j]}];
          p.shared_areas.push_back(st.text(1));
          p.shared_recipients.push_back(st.text(2));
        }
    }
    for (auto& [ids, p] : pairs) {
      p.first = *view.get(Kind::Offer, ids.first);
      p.second = *view.get(Kind::Offer, ids.second);
      p.same_provider = p.first["provider"] == p.second["provider"];
      for (auto* v : {&p.shared_areas, &p.shared_recipients}) {
        std::sort(v->begin(), v->end());
        v->erase(std::unique(v->begin(), v->end()), v->end());
      }
      d.look_alike.push_back(std::move(p));
    }
  }
  {
    auto st = view.db().prepare(
        "WITH RECURSIVE under(root, code) AS (SELECT id, id FROM areas"
        "   UNION ALL SELECT under.root, a.id FROM areas a JOIN under ON a.parent = under.code),"
        " covering(need, provider) AS (SELECT DISTINCT l.value, c.provider FROM offers_needs l"
        "   JOIN offers c ON c.rid = l.rid WHERE c.status != 'cancelled'),"
        // Each offer under every (state, area) it reaches, so that a covered
        // need finds the offers reaching it by one lookup.
        " reach(state, code, rid) AS MATERIALIZED (SELECT r.value, under.code, o.rid FROM offers o"
        "   JOIN offers_recipients r ON r.rid = o.rid JOIN offers_areas oa ON oa.rid = o.rid"
        "   JOIN under ON under.root = oa.value WHERE o.status != 'cancelled')"
        // Only the fields the list shows, for the pairs listed only.
        " SELECT o.id, o.provider, o.title, n.id, n.state, n.area, n.title, p.providers"
        " FROM (SELECT o.rid AS offer, n.rid AS need, group_concat(DISTINCT cv.provider) AS providers FROM covering cv"
        "   JOIN needs n ON n.id = cv.need AND n.status IN ('open', 'matched', 'in-progress')"
        "   JOIN reach ON reach.state = n.state AND reach.code = n.area"
        "   JOIN offers o ON o.rid = reach.rid AND o.provider != cv.provider"
        "   WHERE NOT EXISTS (SELECT 1 FROM offers_needs mine WHERE mine.rid = o.rid AND mine.value = n.id)"
        "   GROUP BY o.rid, n.rid LIMIT ?1) p JOIN offers o ON o.rid = p.offer JOIN needs n ON n.rid = p.need");
    st.bind(1, static_cast<std::int64_t>(kMaxOverlaps));
    while (st.step()) {
      // The join on the state makes n.state present.
      d.overlaps.push_back({Json{{"id", st.text(0)}, {"provider", st.text(1)}, {"title", st.text(2)}},
                            Json{{"id", st.text(3)}, {"state", st.text(4)}, {"area", st.text(5)}, {"title", st.text(6)}},
                            sorted_members(st.text(7))});
    }
    auto key = [](const Duplicates::Overlap& o) {
      return std::tie(o.offer["provider"].get_ref<const std::string&>(), o.offer["id"].get_ref<const std::string&>(),
                      o.need["id"].get_ref<const std::string&>());
    };
    std::sort(d.overlaps.begin(), d.overlaps.end(), [&](const auto& a, const auto& b) { return key(a) < key(b); });
  }
  return d;
}

Json duplicates_json(const Duplicates& d) {
  Json twice = Json::array();
  for (const auto& c : d.covered_twice) {
    Json offers = Json::array();
    for (const auto& o : c.offers) offers.push_back({{"id", o["id"]}, {"provider", o["provider"]}, {"title", o["title"]}});
    twice.push_back({{"need", c.need}, {"offers", offers}});
  }
  Json alike = Json::array();
  for (const auto& p : d.look_alike)
    alike.push_back({{"offers", {p.first["id"], p.second["id"]}},
                     {"providers", {p.first["provider"], p.second["provider"]}},
                     {"same_provider", p.same_provider},
                     {"kind", p.first["kind"]},
                     {"shared_areas", p.shared_areas},
                     {"shared_recipients", p.shared_recipients}});
  Json overlaps = Json::array();
  for (const auto& o : d.overlaps)
    overlaps.push_back({{"offer", o.offer}, {"need", o.need}, {"covering_providers", o.covering_providers}});
  return {{"needs_covered_by_several_providers", twice},
          {"look_alike_offers", alike},
          {"offers_reaching_needs_others_cover", overlaps}};
}

Coverage coverage(View& view, int stale_days, const std::string& today) {
  Coverage c;
  c.stale_days = stale_days;
  {
    auto st = view.db().prepare("SELECT id, json_extract(json, '$.name') FROM areas WHERE parent IS NULL ORDER BY id");
    while (st.step()) c.areas.emplace_back(st.text(0), st.text(1));
  }
  std::string cutoff = days_before(today, stale_days);
  auto fill = [&](const std::string& group_sql, const std::string& by_area_sql, const std::string& all_sql,
                  std::vector<CoverageRow>& rows) {
    std::map<std::string, CoverageRow> by_key;
    {
      auto st = view.db().prepare(all_sql);
      while (st.step()) by_key[st.text(0)] = CoverageRow{st.text(0), st.text(1), 0, 0, {}, {}};
    }
    {
      auto st = view.db().prepare(group_sql);
      st.bind(1, cutoff);
      while (st.step()) {
        auto& row = by_key[st.text(0)];
        row.key = st.text(0);
        row.active = static_cast<int>(st.integer(1));
        row.stale = static_cast<int>(st.integer(2));
      }
    }
    {
      auto st = view.db().prepare(by_area_sql);
      while (st.step()) by_key[st.text(0)].by_area[st.text(1)] = static_cast<int>(st.integer(2));
    }
    for (auto& [key, row] : by_key) {
      for (const auto& [code, name] : c.areas)
        if (!row.by_area.count(code)) row.missing_areas.push_back(code);
      rows.push_back(row);
    }
  };
  const std::string tree = "WITH RECURSIVE " + tree_cte(false) + " ";
  fill("SELECT org, count(*), total(last_verified IS NULL OR last_verified < ?) FROM contacts"
       " WHERE status = 'active' GROUP BY org",
       tree + "SELECT c.org, tree.top, count(DISTINCT c.id) FROM contacts c JOIN contacts_areas ca ON ca.rid = c.rid"
              " JOIN tree ON tree.code = ca.value WHERE c.status = 'active' GROUP BY 1, 2",
       "SELECT id, coalesce(acronym, name) FROM orgs", c.orgs);
  fill("SELECT oc.value, count(*), total(c.last_verified IS NULL OR c.last_verified < ?) FROM contacts c"
       " JOIN orgs g ON g.id = c.org JOIN orgs_countries oc ON oc.rid = g.rid WHERE c.status = 'active' GROUP BY 1",
       tree + "SELECT oc.value, tree.top, count(DISTINCT c.id) FROM contacts c JOIN orgs g ON g.id = c.org"
              " JOIN orgs_countries oc ON oc.rid = g.rid JOIN contacts_areas ca ON ca.rid = c.rid JOIN tree ON tree.code = ca.value"
              " WHERE c.status = 'active' GROUP BY 1, 2",
       "SELECT DISTINCT oc.value, s.name FROM orgs_countries oc JOIN states s ON s.code = oc.value", c.states);
  return c;
}

Json coverage_json(const Coverage& c) {
  auto rows = [](const std::vector<CoverageRow>& list) {
    Json out = Json::array();
    for (const auto& r : list)
      out.push_back({{"key", r.key}, {"label", r.label}, {"active", r.active}, {"stale", r.stale},
                     {"by_area", r.by_area}, {"missing_areas", r.missing_areas}});
    return out;
  };
  return {{"stale_days", c.stale_days}, {"orgs", rows(c.orgs)}, {"states", rows(c.states)}};
}

}  // namespace liaison
