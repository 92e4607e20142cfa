#include "model/record_diff.h"

#include <algorithm>
#include <set>

#include "model/record.h"

namespace liaison {
namespace {

std::optional<Json> field_of(const Json& rec, std::string_view name) {
  auto it = rec.find(name);
  if (it == rec.end()) return std::nullopt;
  return *it;
}

std::string show_value(const Json& v) {
  if (v.is_string()) return v.get<std::string>();
  // Arrays of strings are sets; anything else (a field this version does
  // not know may hold any JSON) is shown as JSON.
  if (v.is_array() && std::all_of(v.begin(), v.end(), [](const Json& m) { return m.is_string(); })) {
    std::string out;
    for (const auto& m : v) out += (out.empty() ? "" : ", ") + m.get<std::string>();
    return out;
  }
  return v.dump(-1, ' ', false, Json::error_handler_t::replace);
}

std::vector<std::string> in_order(const Json& set) {
  std::vector<std::string> out;
  if (set.is_array())
    for (const auto& m : set) out.push_back(m.get<std::string>());
  return out;
}

std::set<std::string> member_set(const Json& set) {
  auto members = in_order(set);
  return {members.begin(), members.end()};
}

}  // namespace

bool set_order_kept(const Json& before, const Json& after) {
  auto old_members = member_set(before);
  auto now = member_set(after);
  // What adding and removing alone would give: the old members still there,
  // in their old order, then the new ones in the order they were given.
  std::vector<std::string> expected;
  for (const auto& m : in_order(before))
    if (now.count(m)) expected.push_back(m);
  for (const auto& m : in_order(after))
    if (!old_members.count(m)) expected.push_back(m);
  return expected == in_order(after);
}

std::vector<FieldChange> diff_fields(Kind kind, const Json& before, const Json& after) {
  std::vector<FieldChange> out;
  for (const auto& field : spec(kind).fields) {
    auto b = field_of(before, field.name);
    auto a = field_of(after, field.name);
    if (b == a) continue;
    FieldChange fc{std::string(field.name), b, a, {}, {}, false};
    if (field.is_set) {
      Json bj = b.value_or(Json()), aj = a.value_or(Json());
      auto bs = member_set(bj), as = member_set(aj);
      for (const auto& m : in_order(aj))
        if (!bs.count(m)) fc.added.push_back(m);
      for (const auto& m : in_order(bj))
        if (!as.count(m)) fc.removed.push_back(m);
      fc.reordered = !set_order_kept(bj, aj);
    }
    out.push_back(std::move(fc));
  }
  // Fields a newer version wrote, after the known ones: plain values, whole.
  std::set<std::string> unknown;
  for (const auto* rec : {&before, &after})
    for (auto& name : unknown_fields(kind, *rec)) unknown.insert(std::move(name));
  for (const auto& name : unknown) {
    auto b = field_of(before, name), a = field_of(after, name);
    if (b != a) out.push_back(FieldChange{name, b, a, {}, {}, false});
  }
  return out;
}

RecordDiff diff_record(Kind kind, const std::string& id, const std::optional<Json>& before,
                       const std::optional<Json>& after) {
  RecordDiff d{kind, id, RecordDiff::Type::Changed, before, after, {}};
  if (!before) d.type = RecordDiff::Type::Added;
  else if (!after) d.type = RecordDiff::Type::Removed;
  d.fields = diff_fields(kind, before.value_or(Json::object()), after.value_or(Json::object()));
  return d;
}

Json to_json(const RecordDiff& diff) {
  Json out = {{"kind", kind_name(diff.kind)},
              {"id", diff.id},
              {"change", diff.type == RecordDiff::Type::Added     ? "added"
                         : diff.type == RecordDiff::Type::Removed ? "removed"
                                                                   : "changed"}};
  Json fields = Json::array();
  for (const auto& f : diff.fields) {
    Json jf = {{"field", f.field}, {"before", f.before.value_or(Json())}, {"after", f.after.value_or(Json())}};
    if (!f.added.empty()) jf["added"] = f.added;
    if (!f.removed.empty()) jf["removed"] = f.removed;
    if (f.reordered) jf["reordered"] = true;
    fields.push_back(jf);
  }
  out["fields"] = fields;
  return out;
}

std::string format_diff(const RecordDiff& diff) {
  const Json& rec = diff.after ? *diff.after : *diff.before;
  char mark = diff.type == RecordDiff::Type::Added ? '+' : diff.type == RecordDiff::Type::Removed ? '-' : '~';
  std::string out = std::string(1, mark) + " " + describe_record(diff.kind, rec) + "\n";
  for (const auto& f : diff.fields) {
    out += "    " + f.field + ": ";
    if (!f.added.empty() || !f.removed.empty()) {
      std::string parts;
      for (const auto& m : f.added) parts += (parts.empty() ? "+" : ", +") + m;
      for (const auto& m : f.removed) parts += (parts.empty() ? "-" : ", -") + m;
      out += parts;
      // The new order tells which member is now the preferred one.
      if (f.reordered) out += "; now in order " + show_value(*f.after);
    } else if (f.reordered) {
      out += "reordered " + show_value(*f.before) + " -> " + show_value(*f.after);
    } else if (!f.before) {
      out += show_value(*f.after);
    } else if (!f.after) {
      out += "(removed " + show_value(*f.before) + ")";
    } else {
      out += show_value(*f.before) + " -> " + show_value(*f.after);
    }
    out += "\n";
  }
  return out;
}

}  // namespace liaison
