#include "server/push_policy.h"

#include "core/canonical_json.h"
#include "core/error.h"
#include "core/record.h"

namespace liaison::server {

std::vector<Contribution> contributions(const History& history, const std::optional<CommitId>& base,
                                        const CommitId& central_head, const CommitId& pushed_head) {
  std::vector<Contribution> out;
  for (const auto& d : history.diff(base, pushed_head)) {
    auto key = parse_record_path(d.path);
    if (!key) throw UserError("push changes " + d.path + ", which is not a record");
    auto central = history.read_file(central_head, d.path);
    if (central == d.new_content) continue;  // taken from central, not contributed
    Contribution c{key->kind, key->id, std::nullopt, std::nullopt};
    if (d.old_content) c.before = parse_json(*d.old_content, d.path);
    if (d.new_content) c.after = parse_json(*d.new_content, d.path);
    out.push_back(std::move(c));
  }
  return out;
}

void validate_contributions(const History& history, const CommitId& pushed_head,
                            const std::vector<Contribution>& contributions) {
  for (const auto& c : contributions) {
    if (!c.after) continue;
    auto path = record_path(c.kind, c.id);
    auto text = history.read_file(pushed_head, path);
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
