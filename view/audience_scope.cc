#include "view/audience_scope.h"

namespace liaison {

namespace {

std::string literal(std::string_view text) {
  std::string out = "'";
  for (char c : text) {
    if (c == '\'') out += '\'';
    out += c;
  }
  return out + "'";
}

// r.visibility in `levels`, a record without one taking its kind's default.
// When the default is not among them, a plain IN lets the (visibility,
// owner, id) index seek (the public's contact points); when it is, the
// test stays one expression (coalesce), since "IN ... OR IS NULL" leads the
// planner to gather rows through that index and sort them, where the kind's
// list and matrix indexes read them in order.
std::string visibility_in(std::initializer_list<std::string_view> levels, std::string_view default_level) {
  std::string list;
  bool takes_default = false;
  for (auto level : levels) {
    list += (list.empty() ? "" : ", ") + literal(level);
    takes_default |= level == default_level;
  }
  if (!takes_default) return "r.visibility IN (" + list + ")";
  return "coalesce(r.visibility, " + literal(default_level) + ") IN (" + list + ")";
}

// The SQL condition, over main.<plural> aliased r, of may_see().
std::string sees_condition(const Audience& audience, Kind kind) {
  const auto& ks = spec(kind);
  switch (audience.level) {
    case Audience::Level::All:
      return "1";
    case Audience::Level::Public:
      return visibility_in({"public"}, ks.default_visibility);
    case Audience::Level::Partners:
      return visibility_in({"public", "partners"}, ks.default_visibility);
    case Audience::Level::Org:
      break;
  }
  std::string org = literal(audience.org);
  std::string shared;
  for (const auto& f : ks.fields)
    if (f.name == "shared_with" && has_set_table(f))
      shared = " OR EXISTS (SELECT 1 FROM main." + set_table(kind, f) + " s WHERE s.rid = r.rid AND s.value = " + org + ")";
  return visibility_in({"public", "partners"}, ks.default_visibility) + " OR r.\"" + std::string(ks.owner_field) +
         "\" = " + org + shared;
}

}  // namespace

void limit_to_audience(View& view, const Audience& audience) {
  if (audience.level == Audience::Level::All) return;
  std::string sql;
  for (Kind kind : kAllKinds) {
    const auto& ks = spec(kind);
    if (ks.default_visibility.empty()) continue;  // always public
    std::string table(ks.plural);
    sql += "CREATE TEMP VIEW " + table + " AS SELECT * FROM main." + table + " r WHERE " + sees_condition(audience, kind) + ";";
  }
  // Set tables after every kind's view: a reference's member must be a
  // record the audience sees.
  for (Kind kind : kAllKinds) {
    const auto& ks = spec(kind);
    if (ks.default_visibility.empty()) continue;
    for (const auto& f : ks.fields) {
      if (!has_set_table(f)) continue;
      auto name = set_table(kind, f);
      // Tested row by row through the kinds' unique keys: a list of every
      // visible id, built for each query, cost more than the query.
      std::string member;
      if (f.ref && !spec(*f.ref).default_visibility.empty())
        member = " AND EXISTS (SELECT 1 FROM " + std::string(spec(*f.ref).plural) + " m WHERE m.id = s.value)";
      sql += "CREATE TEMP VIEW " + name + " AS SELECT s.* FROM main." + name + " s WHERE EXISTS (SELECT 1 FROM " +
             std::string(ks.plural) + " o WHERE o.rid = s.rid)" + member + ";";
    }
  }
  // And nothing through it changes the file.
  sql += "PRAGMA query_only=1;";
  view.db().exec(sql);
}

std::optional<Json> visible_record(View& view, const Audience& audience, Kind kind, const Json& record) {
  return project_record(audience, kind, record,
                        [&](Kind k, const std::string& id) { return view.exists(k, id); });
}

}  // namespace liaison
