#include "server/push_policy.h"

#include <unordered_map>

#include "core/canonical_json.h"
#include "core/error.h"
#include "core/record.h"

namespace liaison::server {

std::vector<Contribution> contributions(const History& history, const std::optional<CommitId>& base,
                                        const CommitId& central_head, const CommitId& pushed_head) {
  // A pushed file central holds as well (the same blob, or both removed) was
  // taken from central, not contributed. Only files central changed since
  // the base can be such: the others hold the base's version, which a
  // pushed change differs from. So central's files are compared by blob id,
  // and only those, instead of looking each pushed path up in central.
  std::unordered_map<std::string, std::optional<git_oid>> central_changed;
  if (base != central_head)
    for (auto& d : history.diff_blobs(base, central_head)) central_changed.emplace(std::move(d.path), d.new_blob);
  std::vector<Contribution> out;
  for (const auto& d : history.diff_blobs(base, pushed_head)) {
    auto key = parse_record_path(d.path);
    if (!key) throw UserError("push changes " + d.path + ", which is not a record");
    if (auto it = central_changed.find(d.path); it != central_changed.end()) {
      const auto& central = it->second;
      if (central.has_value() == d.new_blob.has_value() && (!central || git_oid_equal(&*central, &*d.new_blob)))
        continue;
    }
    Contribution c{key->kind, key->id, std::nullopt, std::nullopt};
    if (d.old_blob) c.before = parse_json(history.read_blob(*d.old_blob), d.path);
    if (d.new_blob) {
      c.text = history.read_blob(*d.new_blob);
      c.after = parse_json(*c.text, d.path);
    }
    out.push_back(std::move(c));
  }
  return out;
}

void validate_contributions(const std::vector<Contribution>& contributions) {
  for (const auto& c : contributions) {
    if (!c.after) continue;
    const auto& text = c.text;
    Json normalized = normalize_record(c.kind, *c.after);
    if (!text || canonical_json(normalized) != *text)
      throw UserError(describe_record(c.kind, *c.after) + ": not in canonical form");
    if (record_id(c.kind, normalized) != c.id)
      throw UserError(describe_record(c.kind, *c.after) + ": stored under another id's path");
  }
}

std::string owner_of(Kind kind, const Json& record) {
  auto field = spec(kind).owner_field;
  if (field.empty()) return "";
  return record.value(std::string(field), "");
}

bool may_change(const Identity& who, const Contribution& c) {
  if (who.role == Role::Admin) return true;
  if (who.role != Role::Editor) return false;
  for (const auto* version : {&c.before, &c.after})
    if (*version && owner_of(c.kind, **version) != who.org) return false;
  return true;
}

Json describe_contributions(const std::vector<Contribution>& contributions) {
  Json out = Json::array();
  for (const auto& c : contributions) out.push_back(to_json(diff_record(c.kind, c.id, c.before, c.after)));
  return out;
}

}  // namespace liaison::server
