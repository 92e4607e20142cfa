#include "core/record_diff.h"

#include <algorithm>
#include <set>

#include "core/record.h"

namespace liaison {
namespace {

std::optional<Json> field_of(const Json& rec, std::string_view name) {
  auto it = rec.find(name);
  if (it == rec.end()) return std::nullopt;
  return *it;
}

std::string show_value(const Json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_array()) {
    std::string out;
    for (const auto& m : v) out += (out.empty() ? "" : ", ") + m.get<std::string>();
    return out;
  }
  return v.dump();
}

}  // namespace

std::vector<FieldChange> diff_fields(Kind kind, const Json& before, const Json& after) {
  std::vector<FieldChange> out;
  for (const auto& field : spec(kind).fields) {
    auto b = field_of(before, field.name);
    auto a = field_of(after, field.name);
    if (b == a) continue;
    FieldChange fc{std::string(field.name), b, a, {}, {}};
    if (field.is_set) {
      std::set<std::string> bs, as;
      if (b) for (const auto& m : *b) bs.insert(m.get<std::string>());
      if (a) for (const auto& m : *a) as.insert(m.get<std::string>());
      std::set_difference(as.begin(), as.end(), bs.begin(), bs.end(), std::back_inserter(fc.added));
      std::set_difference(bs.begin(), bs.end(), as.begin(), as.end(), std::back_inserter(fc.removed));
    }
    out.push_back(std::move(fc));
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
