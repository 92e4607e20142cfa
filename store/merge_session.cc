#include "store/merge_session.h"

#include <ctime>

#include "base/error.h"
#include "model/ids.h"
#include "model/record.h"
#include "store/record_history.h"

namespace liaison {
namespace {


Json conflict_json(const MergeConflict& c) {
  return {{"kind", kind_name(c.kind)}, {"id", c.id},         {"field", c.field},  {"base", c.base},
          {"ours", c.ours},            {"theirs", c.theirs}, {"reason", c.reason}};
}

MergeConflict conflict_from(const Json& j) {
  return {*find_kind(j.at("kind").get<std::string>()), j.at("id"), j.at("field"), j.at("base"), j.at("ours"),
          j.at("theirs"), j.at("reason")};
}

Json decision_json(const MergeDecision& d) {
  return {{"kind", kind_name(d.kind)}, {"id", d.id}, {"field", d.field}, {"rule", d.rule}, {"result", d.result},
          {"explanation", d.explanation}};
}

MergeDecision decision_from(const Json& j) {
  return {*find_kind(j.at("kind").get<std::string>()), j.at("id"), j.at("field"), j.at("rule"), j.at("result"),
          j.at("explanation")};
}

Json to_json(const PendingMerge& m) {
  Json changes = Json::array();
  for (const auto& [key, rec] : m.changes)
    changes.push_back({{"kind", kind_name(key.kind)}, {"id", key.id}, {"record", rec ? *rec : Json()}});
  Json conflicts = Json::array();
  for (std::size_t i = 0; i < m.conflicts.size(); ++i) {
    auto c = conflict_json(m.conflicts[i]);
    c["resolved"] = static_cast<bool>(m.resolved[i]);
    c["resolution"] = m.resolutions[i] ? *m.resolutions[i] : Json();
    conflicts.push_back(c);
  }
  Json decisions = Json::array();
  for (const auto& d : m.decisions) decisions.push_back(decision_json(d));
  return {{"ours", m.ours},           {"theirs", m.theirs},         {"base", m.base ? Json(*m.base) : Json()},
          {"source", m.source},       {"changes", changes},         {"conflicts", conflicts},
          {"decisions", decisions}};
}

PendingMerge from_json(const Json& j) {
  PendingMerge m;
  m.ours = j.at("ours");
  m.theirs = j.at("theirs");
  if (!j.at("base").is_null()) m.base = j.at("base").get<std::string>();
  m.source = j.at("source");
  for (const auto& c : j.at("changes")) {
    RecordKey key{*find_kind(c.at("kind").get<std::string>()), c.at("id")};
    m.changes[key] = c.at("record").is_null() ? std::nullopt : std::optional<Json>(c.at("record"));
  }
  for (const auto& c : j.at("conflicts")) {
    m.conflicts.push_back(conflict_from(c));
    m.resolved.push_back(c.at("resolved").get<bool>());
    m.resolutions.push_back(c.at("resolution").is_null() ? std::nullopt : std::optional<Json>(c.at("resolution")));
  }
  for (const auto& d : j.at("decisions")) m.decisions.push_back(decision_from(d));
  return m;
}

void save(Store& store, const PendingMerge& m) { store.state().set_pending_merge(to_json(m).dump()); }

OursIndex index_of(Store& store) {
  return OursIndex{
      [&store](Kind kind, const std::string& id) { return store.view().exists(kind, id); },
      [&store](Kind kind, const std::string& id) {
        std::vector<RecordKey> out;
        for (const auto& r : store.view().referrers(kind, id, 50)) out.push_back(r.key);
        return out;
      }};
}

std::string merge_message(const PendingMerge& m) {
  std::string msg = "Merge " + short_commit(m.theirs) + " from " + m.source + "\n\n";
  msg += decisions_trailer(m.decisions);
  for (std::size_t i = 0; i < m.conflicts.size(); ++i) {
    const auto& c = m.conflicts[i];
    std::string how = "value " + (m.resolutions[i] ? m.resolutions[i]->dump() : std::string("(none)"));
    if (m.resolutions[i] == (c.ours.is_null() ? std::nullopt : std::optional<Json>(c.ours))) how = "ours";
    else if (m.resolutions[i] == (c.theirs.is_null() ? std::nullopt : std::optional<Json>(c.theirs))) how = "theirs";
    msg += "Merge-Resolved: " + std::string(kind_name(c.kind)) + " " + short_id(c.id) + " " + c.field + ": " + how +
           "\n";
  }
  return msg;
}

// The merge's changes with the resolutions applied; takes `changes` (the
// pending merge's) by value so that a caller done with them can move them.
std::vector<RecordChange> final_changes(Store& store, const PendingMerge& m,
                                        std::map<RecordKey, std::optional<Json>> changes) {
  for (std::size_t i = 0; i < m.conflicts.size(); ++i) {
    const auto& c = m.conflicts[i];
    RecordKey key{c.kind, c.id};
    if (c.field == kWholeRecord) {
      changes[key] = m.resolutions[i];
      continue;
    }
    std::optional<Json> current;
    if (auto it = changes.find(key); it != changes.end()) current = it->second;
    else current = store.view().get(c.kind, c.id);
    if (!current) continue;
    if (!m.resolutions[i] || m.resolutions[i]->is_null()) current->erase(c.field);
    else (*current)[c.field] = *m.resolutions[i];
    changes[key] = current;
  }
  // Records equal to ours are dropped by the commit itself, which compares
  // every change with the view; removing what ours lacks already is not a
  // change at all.
  std::vector<RecordChange> out;
  for (auto& [key, rec] : changes) {
    if (!rec && !store.view().exists(key.kind, key.id)) continue;
    out.push_back({key.kind, key.id, std::move(rec)});
  }
  return out;
}

MergeOutcome outcome(MergeOutcome::Result result, const CommitId& head) {
  MergeOutcome o;
  o.result = result;
  o.head = head;
  return o;
}

}  // namespace

std::size_t PendingMerge::unresolved() const {
  std::size_t n = 0;
  for (bool r : resolved) n += r ? 0 : 1;
  return n;
}

std::optional<PendingMerge> pending_merge(Store& store) {
  auto text = store.state().pending_merge();
  if (!text) return std::nullopt;
  return from_json(Json::parse(*text));
}

MergeOutcome start_merge(Store& store, const CommitId& theirs, const std::string& source) {
  if (pending_merge(store))
    throw UserError("a merge is already in progress: finish it with 'liaison merge --continue' or --abort");
  auto& history = store.history();
  auto ours = history.head();
  if (!ours) {
    store.fast_forward(theirs);
    return outcome(MergeOutcome::Result::FastForward, theirs);
  }
  if (history.is_ancestor(theirs, *ours)) return outcome(MergeOutcome::Result::UpToDate, *ours);
  if (history.is_ancestor(*ours, theirs)) {
    store.fast_forward(theirs);
    return outcome(MergeOutcome::Result::FastForward, theirs);
  }
  PendingMerge m;
  m.ours = *ours;
  m.theirs = theirs;
  m.base = history.merge_base(*ours, theirs);
  m.source = source;
  auto merged = merge_trees(history, m.base, *ours, theirs, index_of(store));
  m.changes = std::move(merged.changes);
  m.conflicts = std::move(merged.conflicts);
  m.decisions = std::move(merged.decisions);
  m.resolved.assign(m.conflicts.size(), false);
  m.resolutions.assign(m.conflicts.size(), std::nullopt);
  MergeOutcome out = outcome(MergeOutcome::Result::Conflicts, *ours);
  out.conflicts = m.conflicts.size();
  out.records_changed = m.changes.size();
  out.decisions = m.decisions;
  if (!m.conflicts.empty()) {
    save(store, m);
    return out;
  }
  auto changes = final_changes(store, m, std::move(m.changes));
  out.head = store.commit_merge(std::move(changes), merge_message(m), theirs);
  out.result = MergeOutcome::Result::Merged;
  return out;
}

void resolve_conflict(Store& store, const RecordKey& key, const std::string& field, std::optional<Side> side,
                      const std::optional<std::string>& value) {
  auto m = pending_merge(store);
  if (!m) throw UserError("no merge is in progress");
  std::size_t index = m->conflicts.size();
  for (std::size_t i = 0; i < m->conflicts.size(); ++i)
    if (m->conflicts[i].kind == key.kind && m->conflicts[i].id == key.id && m->conflicts[i].field == field) index = i;
  if (index == m->conflicts.size()) {
    // Not a listed conflict: an override of a field the merge produced.
    if (field == kWholeRecord || side) throw UserError("no conflict on " + std::string(kind_name(key.kind)) + " " +
                                                       short_id(key.id) + " " + field + " (see 'liaison conflicts')");
    const FieldSpec* f = spec(key.kind).field(field);
    if (!f) throw UserError(std::string(kind_name(key.kind)) + " has no field '" + field + "'");
    std::optional<Json> current;
    if (auto it = m->changes.find(key); it != m->changes.end()) current = it->second;
    else current = store.view().get(key.kind, key.id);
    if (!current) throw UserError(std::string(kind_name(key.kind)) + " " + short_id(key.id) + " is removed by the merge");
    MergeConflict manual{key.kind, key.id, field, Json(), current->value(field, Json()), Json(), "set by hand"};
    m->conflicts.push_back(manual);
    m->resolved.push_back(false);
    m->resolutions.push_back(std::nullopt);
    index = m->conflicts.size() - 1;
  }
  const auto& c = m->conflicts[index];
  std::optional<Json> chosen;
  if (side) {
    const Json& v = *side == Side::Ours ? c.ours : c.theirs;
    if (!v.is_null()) chosen = v;
  } else if (value) {
    if (field == kWholeRecord) throw UserError("a whole-record conflict is resolved with --ours or --theirs");
    const FieldSpec* f = spec(c.kind).field(field);
    if (!f)
      throw UserError(std::string(kind_name(c.kind)) + " " + short_id(c.id) + ": " + field +
                      " is a field this version does not know; resolve it with --ours or --theirs");
    if (f->is_set) {
      std::vector<std::string> members;
      std::size_t start = 0;
      while (start <= value->size()) {
        auto end = value->find(';', start);
        if (end == std::string::npos) end = value->size();
        auto part = value->substr(start, end - start);
        // Members keep the order given (the first is the preferred one).
        if (!part.empty()) {
          auto member = parse_value(*f, part).get<std::string>();
          if (std::find(members.begin(), members.end(), member) == members.end()) members.push_back(member);
        }
        start = end + 1;
      }
      if (!members.empty()) chosen = Json(members);
    } else if (!value->empty()) {
      chosen = parse_value(*f, *value);
    }
  } else {
    throw UserError("say how to resolve: --ours, --theirs or --value V");
  }
  m->resolutions[index] = chosen;
  m->resolved[index] = true;
  save(store, *m);
}

CommitId merge_continue(Store& store) {
  auto m = pending_merge(store);
  if (!m) throw UserError("no merge is in progress");
  if (auto left = m->unresolved())
    throw UserError(std::to_string(left) + " conflicts are not resolved yet (see 'liaison conflicts')");
  if (store.history().head() != m->ours)
    throw UserError("the copy's head moved since the merge started; run 'liaison merge --abort' and pull again");
  auto id = store.commit_merge(final_changes(store, *m, m->changes), merge_message(*m), m->theirs);
  merge_abort(store);
  return id;
}

void merge_abort(Store& store) {
  if (!pending_merge(store)) throw UserError("no merge is in progress");
  store.state().clear_pending_merge();
}

std::string last_changed_by(Store& store, const CommitId& side, const RecordKey& key,
                            const std::optional<CommitId>& base) {
  auto commits = store.history().log(record_path(key.kind, key.id), 1, side);
  if (commits.empty()) return "";
  if (base && commits.front().id == *base) return "";
  char date[16];
  std::time_t t = static_cast<std::time_t>(commits.front().time);
  std::tm tm{};
  gmtime_r(&t, &tm);
  std::strftime(date, sizeof date, "%Y-%m-%d", &tm);
  return commits.front().author.name + ", " + date;
}

}  // namespace liaison
