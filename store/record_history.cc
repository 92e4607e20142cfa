#include "store/record_history.h"

#include <algorithm>
#include <map>

#include "base/error.h"
#include "base/utc_time.h"
#include "model/ids.h"
#include "model/record.h"

namespace liaison {

std::string commit_summary(const CommitInfo& info) { return info.message.substr(0, info.message.find('\n')); }

std::optional<CommitId> commit_before_date(const History& history, const CommitId& head, std::string_view date,
                                           std::string_view what) {
  auto limit = utc_midnight(date);
  if (!limit) throw UserError(std::string(what) + ": '" + std::string(date) + "' is not a date (YYYY-MM-DD)");
  for (std::optional<CommitId> at = head; at;) {
    auto info = history.commit_info(*at);
    if (info.time < *limit) return info.id;
    at = info.parents.empty() ? std::nullopt : std::optional(info.parents[0]);
  }
  return std::nullopt;
}

std::vector<RecordDiff> diff_commits(const History& history, const std::optional<CommitId>& from, const CommitId& to) {
  std::vector<RecordDiff> out;
  for (const auto& d : history.diff(from, to)) {
    auto key = parse_record_path(d.path);
    if (!key) continue;
    std::optional<Json> before, after;
    if (d.old_content) before = parse_json(*d.old_content, d.path);
    if (d.new_content) after = parse_json(*d.new_content, d.path);
    out.push_back(diff_record(key->kind, key->id, before, after));
  }
  return out;
}

std::vector<RecordDiff> diff_commits(const History& history, const std::optional<CommitId>& from, const CommitId& to,
                                     std::size_t limit, std::size_t& total) {
  std::vector<RecordDiff> out;
  total = 0;
  for (const auto& d : history.diff_blobs(from, to)) {
    auto key = parse_record_path(d.path);
    if (!key) continue;
    if (total++ >= limit) continue;
    std::optional<Json> before, after;
    if (d.old_blob) before = parse_json(history.read_blob(*d.old_blob), d.path);
    if (d.new_blob) after = parse_json(history.read_blob(*d.new_blob), d.path);
    out.push_back(diff_record(key->kind, key->id, before, after));
  }
  return out;
}

std::vector<RecordDiff> commit_changes(const History& history, const CommitId& commit) {
  auto info = history.commit_info(commit);
  std::optional<CommitId> parent;
  if (!info.parents.empty()) parent = info.parents[0];
  return diff_commits(history, parent, commit);
}

std::vector<FieldBlame> blame(const History& history, Kind kind, const std::string& id) {
  auto path = record_path(kind, id);
  auto commits = history.log(path);  // newest first
  if (commits.empty()) throw UserError("no " + std::string(kind_name(kind)) + " '" + id + "' in the history");
  auto head_text = history.read_file(commits.front().id, path);
  if (!head_text) throw UserError(std::string(kind_name(kind)) + " '" + id + "' was removed");
  Json current = parse_json(*head_text, path);
  std::map<std::string, FieldBlame> found;
  // Walk from the newest: a field is blamed on the newest commit whose
  // parent had a different value.
  for (const auto& c : commits) {
    std::optional<Json> parent_version;
    if (!c.parents.empty())
      if (auto t = history.read_file(c.parents[0], path)) parent_version = parse_json(*t, path);
    auto here_text = history.read_file(c.id, path);
    if (!here_text) break;
    Json here = parse_json(*here_text, path);
    for (auto it = current.begin(); it != current.end(); ++it) {
      if (found.count(it.key())) continue;
      if (here.value(it.key(), Json()) != it.value()) continue;
      Json before = parent_version ? parent_version->value(it.key(), Json()) : Json();
      if (before != it.value()) found.emplace(it.key(), FieldBlame{it.key(), it.value(), c});
    }
    if (found.size() == current.size()) break;
  }
  std::vector<FieldBlame> out;
  for (const auto& f : spec(kind).fields) {
    if (f.name == spec(kind).id_field) continue;  // never changes
    auto it = found.find(std::string(f.name));
    if (it != found.end()) out.push_back(it->second);
  }
  return out;
}

std::vector<RecordChange> revert_changes(Store& store, const CommitId& commit) {
  auto info = store.history().commit_info(commit);
  if (info.parents.size() > 1) throw UserError("cannot revert merge commit " + short_commit(commit));
  std::vector<RecordChange> out;
  for (const auto& d : commit_changes(store.history(), commit)) {
    auto current = store.view().get(d.kind, d.id);
    std::string who = describe_record(d.kind, d.after ? *d.after : *d.before);
    if (d.type == RecordDiff::Type::Added) {
      if (!current) continue;  // already gone
      if (*current != *d.after) throw UserError("cannot revert: " + who + " changed since " + short_id(commit));
      out.push_back({d.kind, d.id, std::nullopt});
      continue;
    }
    if (d.type == RecordDiff::Type::Removed) {
      if (current) throw UserError("cannot revert: " + who + " was added again since " + short_id(commit));
      out.push_back({d.kind, d.id, *d.before});
      continue;
    }
    if (!current) throw UserError("cannot revert: " + who + " was removed since " + short_id(commit));
    Json next = *current;
    for (const auto& f : d.fields) {
      Json now = current->value(f.field, Json());
      Json was_after = f.after.value_or(Json());
      const FieldSpec* fs = spec(d.kind).field(f.field);
      if (fs && fs->is_set && now == was_after) {
        // Unchanged since: back to the old members in their old order.
        if (f.before) next[f.field] = *f.before;
        else next.erase(f.field);
        continue;
      }
      if (fs && fs->is_set) {
        // Undo the additions and removals; members changed since stay, in
        // their order, and removed ones come back last.
        std::vector<std::string> members;
        if (!now.is_null()) members = now.get<std::vector<std::string>>();
        for (const auto& a : f.added) members.erase(std::remove(members.begin(), members.end(), a), members.end());
        for (const auto& r : f.removed)
          if (std::find(members.begin(), members.end(), r) == members.end()) members.push_back(r);
        if (members.empty()) next.erase(f.field);
        else next[f.field] = members;
        continue;
      }
      if (now != was_after)
        throw UserError("cannot revert: " + who + ": " + f.field + " changed since " + short_id(commit));
      if (f.before) next[f.field] = *f.before;
      else next.erase(f.field);
    }
    out.push_back({d.kind, d.id, next});
  }
  return out;
}

}  // namespace liaison
