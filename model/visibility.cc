#include "model/visibility.h"

#include <algorithm>

#include "model/record.h"

namespace liaison {
namespace {

constexpr std::string_view kVisibility = "visibility";
constexpr std::string_view kSharedWith = "shared_with";

Visibility parse_visibility(std::string_view text, Visibility fallback) {
  if (text == "public") return Visibility::Public;
  if (text == "partners") return Visibility::Partners;
  if (text == "restricted") return Visibility::Restricted;
  return fallback;
}

std::vector<std::string> shared_with_of(const Json& record) {
  std::vector<std::string> out;
  auto it = record.find(kSharedWith);
  if (it == record.end() || !it->is_array()) return out;
  for (const auto& member : *it)
    if (member.is_string()) out.push_back(member.get<std::string>());
  return out;
}

// The visibility an audience needs to see a record of visibility `v`, as a
// rank: the public sees rank 0, partners rank 1, everything else is per org.
int rank(Visibility v) { return v == Visibility::Public ? 0 : v == Visibility::Partners ? 1 : 2; }

bool hideable(Kind kind) { return !spec(kind).default_visibility.empty(); }

}  // namespace

std::string_view visibility_name(Visibility v) {
  switch (v) {
    case Visibility::Public: return "public";
    case Visibility::Partners: return "partners";
    case Visibility::Restricted: return "restricted";
  }
  return "public";
}

Visibility visibility_of(Kind kind, const Json& record) {
  const auto& ks = spec(kind);
  if (ks.default_visibility.empty()) return Visibility::Public;
  auto fallback = parse_visibility(ks.default_visibility, Visibility::Partners);
  auto it = record.find(kVisibility);
  if (it == record.end() || !it->is_string()) return fallback;
  // An unknown word (a later version's level) is read as the narrowest
  // level this version knows: it must never widen what is shown.
  return parse_visibility(it->get<std::string>(), Visibility::Restricted);
}

bool narrows(Kind kind, const Json& before, const Json& after) {
  auto from = visibility_of(kind, before), to = visibility_of(kind, after);
  if (rank(to) > rank(from)) return true;
  if (from != Visibility::Restricted || to != Visibility::Restricted) return false;
  if (record_owner(kind, before) != record_owner(kind, after)) return true;
  auto kept = shared_with_of(after);
  for (const auto& org : shared_with_of(before))
    if (std::find(kept.begin(), kept.end(), org) == kept.end()) return true;
  return false;
}

std::optional<Audience> Audience::parse(std::string_view name) {
  if (name == "public") return everyone();
  if (name == "partners") return partners();
  if (name == "all") return all();
  if (name.starts_with("org:") && name.size() > 4) return of_org(std::string(name.substr(4)));
  return std::nullopt;
}

std::string Audience::name() const {
  switch (level) {
    case Level::Public: return "public";
    case Level::Partners: return "partners";
    case Level::Org: return "org:" + org;
    case Level::All: return "all";
  }
  return "public";
}

bool may_see(const Audience& audience, Kind kind, const Json& record) {
  if (audience.level == Audience::Level::All) return true;
  auto v = visibility_of(kind, record);
  if (v == Visibility::Public) return true;
  if (audience.level == Audience::Level::Public) return false;
  if (v == Visibility::Partners) return true;
  if (audience.level != Audience::Level::Org) return false;
  if (record_owner(kind, record) == audience.org) return true;
  auto shared = shared_with_of(record);
  return std::find(shared.begin(), shared.end(), audience.org) != shared.end();
}

std::vector<std::string> orgs_beyond_partners(Kind kind, const Json& record) {
  if (visibility_of(kind, record) != Visibility::Restricted) return {};
  auto out = shared_with_of(record);
  auto owner = record_owner(kind, record);
  if (!owner.empty()) out.push_back(std::move(owner));
  return out;
}

bool sees_field(const Audience& audience, Kind kind, std::string_view field, const Json& record) {
  if (audience.level == Audience::Level::All) return true;
  // With whom a record is shared matters only while it is restricted, and
  // then only its owner and those it is shared with see it.
  if (field == kSharedWith) return visibility_of(kind, record) == Visibility::Restricted;
  const auto* f = spec(kind).field(field);
  if (!f || f->personal) return audience.sees_personal();
  return true;
}

bool refers_to_hideable(Kind kind) {
  for (const auto& f : spec(kind).fields)
    if (f.ref && hideable(*f.ref)) return true;
  return false;
}

std::optional<Json> project_record(const Audience& audience, Kind kind, const Json& record, const SeesRecord& sees) {
  if (!may_see(audience, kind, record)) return std::nullopt;
  if (audience.level == Audience::Level::All) return record;
  Json out = Json::object();
  for (auto it = record.begin(); it != record.end(); ++it) {
    if (!sees_field(audience, kind, it.key(), record)) continue;
    const auto* f = spec(kind).field(it.key());
    if (f && f->ref && hideable(*f->ref)) {
      if (f->is_set && it->is_array()) {
        Json kept = Json::array();
        for (const auto& member : *it)
          if (member.is_string() && sees(*f->ref, member.get<std::string>())) kept.push_back(member);
        if (!kept.empty()) out[it.key()] = std::move(kept);
        continue;
      }
      if (it->is_string() && !sees(*f->ref, it->get<std::string>())) continue;
    }
    out[it.key()] = *it;
  }
  return out;
}

Json unproject(const Audience& audience, Kind kind, const Json& before, const Json& after, const Json& central,
               const SeesRecord& sees, std::vector<std::string>& conflicts) {
  auto seen = project_record(audience, kind, central, sees).value_or(Json::object());
  Json out = central;
  std::vector<std::string> keys;
  for (auto it = before.begin(); it != before.end(); ++it) keys.push_back(it.key());
  for (auto it = after.begin(); it != after.end(); ++it) keys.push_back(it.key());
  std::sort(keys.begin(), keys.end());
  keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
  auto value = [](const Json& record, const std::string& key) {
    auto it = record.find(key);
    return it == record.end() ? Json() : *it;
  };
  for (const auto& key : keys) {
    auto was = value(before, key), now = value(after, key);
    if (was == now) continue;
    const auto* f = spec(kind).field(key);
    if (f && f->is_set) {
      // Sets merge as sets: what the edit added and removed, applied to
      // central's members, hidden ones included, in central's order.
      Json members = out.contains(key) && out[key].is_array() ? out[key] : Json::array();
      auto has = [](const Json& set, const Json& m) { return std::find(set.begin(), set.end(), m) != set.end(); };
      Json kept = Json::array();
      for (const auto& m : members)
        if (!(was.is_array() && has(was, m) && !(now.is_array() && has(now, m)))) kept.push_back(m);
      if (now.is_array())
        for (const auto& m : now)
          if (!(was.is_array() && has(was, m)) && !has(kept, m)) kept.push_back(m);
      if (kept.empty()) out.erase(key);
      else out[key] = std::move(kept);
      continue;
    }
    auto theirs = value(seen, key);
    if (theirs != was && theirs != now) {
      conflicts.push_back(key);
      continue;
    }
    if (now.is_null()) out.erase(key);
    else out[key] = now;
  }
  return out;
}

}  // namespace liaison
