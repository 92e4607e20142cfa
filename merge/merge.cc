#include "merge/merge.h"

#include <algorithm>
#include <set>
#include <unordered_map>

#include "base/error.h"
#include "model/ids.h"
#include "model/record.h"
#include "model/record_diff.h"

namespace liaison {
namespace {

Json field_value(const std::optional<Json>& record, std::string_view field) {
  if (!record) return Json();
  auto it = record->find(field);
  return it == record->end() ? Json() : *it;
}

std::set<std::string> members(const Json& v) {
  std::set<std::string> out;
  if (v.is_array())
    for (const auto& m : v) out.insert(m.get<std::string>());
  return out;
}

struct SetMerge {
  Json result;
  bool theirs_order = false;  // whose order leads
  bool reordered = false;     // the leading side changed the order
};

// Additions and removals from both sides apply: a member survives if both
// sides have it, or one side added it; it goes if either side removed it.
// Order (the first member is the preferred one): one side's surviving
// members lead, then the other's additions in its order. The side that
// changed the order leads; when neither or both did, the one whose
// surviving members sort first, so the result does not depend on which
// side is ours.
SetMerge merge_sets(const Json& base, const Json& ours, const Json& theirs) {
  auto b = members(base), o = members(ours), t = members(theirs);
  auto survives = [&](const std::string& m) { return !(b.count(m) && (!o.count(m) || !t.count(m))); };
  auto surviving = [&](const Json& side) {
    std::vector<std::string> out;
    if (side.is_array())
      for (const auto& m : side)
        if (survives(m.get<std::string>())) out.push_back(m.get<std::string>());
    return out;
  };
  auto os = surviving(ours), ts = surviving(theirs);
  bool ours_reordered = !set_order_kept(base, ours), theirs_reordered = !set_order_kept(base, theirs);
  SetMerge out;
  out.theirs_order = (ours_reordered != theirs_reordered) ? theirs_reordered : (ts < os);
  out.reordered = out.theirs_order ? theirs_reordered : ours_reordered;
  auto result = out.theirs_order ? ts : os;
  std::set<std::string> taken(result.begin(), result.end());
  for (const auto& m : out.theirs_order ? os : ts)
    if (taken.insert(m).second) result.push_back(m);
  out.result = result.empty() ? Json() : Json(result);
  return out;
}

std::string show(const Json& v) {
  if (v.is_null()) return "(none)";
  if (v.is_string()) return v.get<std::string>();
  return v.dump();
}

void set_field(Json& record, const std::string& field, const Json& value) {
  if (value.is_null()) record.erase(field);
  else record[field] = value;
}

}  // namespace

RecordMerge merge_record(Kind kind, const std::string& id, const std::optional<Json>& base,
                         const std::optional<Json>& ours, const std::optional<Json>& theirs) {
  RecordMerge out;
  if (ours == theirs) {
    out.merged = ours;
    return out;
  }
  if (ours == base) {
    out.merged = theirs;
    return out;
  }
  if (theirs == base) {
    out.merged = ours;
    return out;
  }
  if (!ours || !theirs) {
    out.merged = ours;
    out.conflicts.push_back({kind, id, kWholeRecord, base ? *base : Json(), ours ? *ours : Json(),
                             theirs ? *theirs : Json(),
                             ours ? "changed here, removed on the other side"
                                  : "removed here, changed on the other side"});
    return out;
  }
  const auto& ks = spec(kind);
  Json merged = Json::object();
  std::set<std::string> decided;  // companions settled by their leader
  // Rule fields first, so that their companions follow them.
  for (const auto& f : ks.fields) {
    if (f.merge != MergeRule::LaterDate) continue;
    std::string name(f.name);
    Json b = field_value(base, name), o = field_value(ours, name), t = field_value(theirs, name);
    if (o == t || o == b || t == b) continue;  // not both changed: plain rules below
    // Both changed: the later date wins, with its companions. Equal dates
    // (different companions) fall to the greater companion text, so the
    // choice does not depend on which side is ours.
    bool take_theirs = o.is_null() || (!t.is_null() && t.get<std::string>() > o.get<std::string>());
    if (!o.is_null() && !t.is_null() && t == o) {
      std::string oc, tc;
      for (auto c : f.companions) {
        oc += show(field_value(ours, c));
        tc += show(field_value(theirs, c));
      }
      take_theirs = tc > oc;
    }
    const auto& winner = take_theirs ? theirs : ours;
    set_field(merged, name, field_value(winner, name));
    for (auto c : f.companions) {
      set_field(merged, std::string(c), field_value(winner, c));
      decided.insert(std::string(c));
    }
    decided.insert(name);
    out.decisions.push_back({kind, id, name, "later-date", field_value(winner, name),
                             "took " + show(take_theirs ? t : o) + (take_theirs ? " (theirs)" : " (ours)") +
                                 " over " + show(take_theirs ? o : t)});
  }
  for (const auto& f : ks.fields) {
    std::string name(f.name);
    if (decided.count(name)) continue;
    Json b = field_value(base, name), o = field_value(ours, name), t = field_value(theirs, name);
    if (o == t || t == b) {
      set_field(merged, name, o);
    } else if (o == b) {
      set_field(merged, name, t);
    } else if (f.merge == MergeRule::Set) {
      auto set = merge_sets(b, o, t);
      set_field(merged, name, set.result);
      std::string order = set.theirs_order ? "theirs" : "ours";
      out.decisions.push_back({kind, id, name, "set", set.result,
                               "applied additions and removals from both sides, in the order of " + order +
                                   (set.reordered ? " (reordered there)" : "") + ": " + show(set.result)});
    } else {
      set_field(merged, name, o);
      out.conflicts.push_back({kind, id, name, b, o, t, "changed on both sides"});
    }
  }
  // Fields a newer version wrote merge as plain values (MergeRule::Conflict):
  // this version cannot know their rule, and taking one side silently could
  // lose the other's change.
  std::set<std::string> unknown;
  for (const auto* version : {&base, &ours, &theirs})
    if (*version)
      for (auto& name : unknown_fields(kind, **version)) unknown.insert(std::move(name));
  // Absent and null differ here: a null a newer version wrote is kept.
  auto present = [](const std::optional<Json>& record, const std::string& name) -> std::optional<Json> {
    auto it = record->find(name);
    if (it == record->end()) return std::nullopt;
    return *it;
  };
  for (const auto& name : unknown) {
    auto b = base ? present(base, name) : std::nullopt, o = present(ours, name), t = present(theirs, name);
    const auto& taken = (o == t || t == b) ? o : (o == b) ? t : o;
    if (taken) merged[name] = *taken;
    if (o != t && t != b && o != b)
      out.conflicts.push_back({kind, id, name, b.value_or(Json()), o.value_or(Json()), t.value_or(Json()),
                               "changed on both sides"});
  }
  out.merged = merged;
  return out;
}

TreeMerge merge_trees(const History& history, const std::optional<CommitId>& base, const CommitId& ours,
                      const CommitId& theirs, const OursIndex& index) {
  TreeMerge out;
  // Blob ids tell what changed; only the records the merge needs are read:
  // theirs where it changed alone, all three versions where both changed.
  // Everything goes through `history`: on the server it is a quarantine
  // whose pushed objects live in memory, which another handle would not see.
  std::unordered_map<std::string, std::optional<ObjectId>> ours_changed;
  for (auto& d : history.diff_blobs(base, ours)) ours_changed.emplace(std::move(d.path), d.new_blob);
  auto read = [&history](const std::optional<ObjectId>& blob, const std::string& path) -> std::optional<Json> {
    if (!blob) return std::nullopt;
    return parse_json(history.read_blob(*blob), path);
  };
  for (const auto& d : history.diff_blobs(base, theirs)) {
    auto key = parse_record_path(d.path);
    if (!key) continue;
    auto o = ours_changed.find(d.path);
    if (o == ours_changed.end()) {
      out.changes[*key] = read(d.new_blob, d.path);
      continue;
    }
    if (o->second == d.new_blob) continue;
    auto ours_now = read(o->second, d.path);
    auto result = merge_record(key->kind, key->id, read(d.old_blob, d.path), ours_now, read(d.new_blob, d.path));
    if (result.merged != ours_now) out.changes[*key] = result.merged;
    out.conflicts.insert(out.conflicts.end(), result.conflicts.begin(), result.conflicts.end());
    out.decisions.insert(out.decisions.end(), result.decisions.begin(), result.decisions.end());
  }

  // References in the merged state: ours with the changes applied.
  std::map<RecordKey, bool> in_ours;  // many records refer to the same few
  auto exists = [&](Kind kind, const std::string& id) {
    RecordKey key{kind, id};
    auto it = out.changes.find(key);
    if (it != out.changes.end()) return it->second.has_value();
    auto [known, fresh] = in_ours.try_emplace(std::move(key), false);
    if (fresh) known->second = index.exists(kind, id);
    return known->second;
  };
  std::set<RecordKey> flagged;
  auto flag_removed = [&](Kind kind, const std::string& id, const std::string& why) {
    if (!flagged.insert({kind, id}).second) return;
    auto path = record_path(kind, id);
    auto version = [&](const std::optional<CommitId>& c) -> Json {
      if (!c) return Json();
      auto text = history.read_file(*c, path);
      return text ? parse_json(*text, path) : Json();
    };
    out.conflicts.push_back({kind, id, kWholeRecord, version(base), version(ours), version(theirs), why});
  };
  for (const auto& [key, record] : out.changes) {
    if (!record) continue;
    for (const auto& ref : references_of(key.kind, *record))
      if (!exists(ref.to, ref.id))
        flag_removed(ref.to, ref.id,
                     "removed on one side, still referred to by " + describe_record(key.kind, *record) + " (" +
                         std::string(ref.field) + ")");
  }
  for (const auto& [key, record] : out.changes) {
    if (record) continue;
    for (const auto& who : index.referrers(key.kind, key.id)) {
      auto changed = out.changes.find(who);
      if (changed != out.changes.end()) continue;  // its merged state was checked above
      flag_removed(key.kind, key.id,
                   "removed on one side, still referred to by " + std::string(kind_name(who.kind)) + " " +
                       short_id(who.id));
      break;
    }
  }
  std::sort(out.conflicts.begin(), out.conflicts.end(), [](const MergeConflict& a, const MergeConflict& b) {
    return std::tie(a.kind, a.id, a.field) < std::tie(b.kind, b.id, b.field);
  });
  return out;
}

std::string decisions_trailer(const std::vector<MergeDecision>& decisions) {
  std::string out;
  for (const auto& d : decisions)
    out += "Merge-Rule: " + std::string(kind_name(d.kind)) + " " + short_id(d.id) + " " + d.field + " (" + d.rule +
           "): " + d.explanation + "\n";
  return out;
}

}  // namespace liaison
