#include "sync/change_event.h"

#include <map>

#include "base/utc_time.h"
#include "model/record_diff.h"

namespace liaison::sync {

namespace {

const char* change_name(RecordDiff::Type type) {
  switch (type) {
    case RecordDiff::Type::Added: return "added";
    case RecordDiff::Type::Removed: return "removed";
    case RecordDiff::Type::Changed: return "modified";
  }
  return "modified";
}

// The newest commit of `commits` (parents first) whose change against its
// first parent touches each path: a commit of one parent first, a merge
// only when no such commit touches the path (then the merge brought it).
std::map<std::string, CommitInfo> newest_change_of(const History& history, const std::vector<CommitId>& commits,
                                                   const std::vector<BlobDiff>& paths) {
  std::map<std::string, CommitInfo> found, by_merge;
  for (const auto& d : paths) found.emplace(d.path, CommitInfo{});
  std::size_t left = found.size();
  for (auto c = commits.rbegin(); c != commits.rend() && left > 0; ++c) {
    auto info = history.commit_info(*c);
    std::optional<CommitId> parent;
    if (!info.parents.empty()) parent = info.parents[0];
    bool merge = info.parents.size() > 1;
    for (const auto& d : history.diff_blobs(parent, *c)) {
      auto it = found.find(d.path);
      if (it == found.end() || !it->second.id.empty()) continue;
      if (merge) {
        by_merge.emplace(d.path, info);
        continue;
      }
      it->second = info;
      --left;
    }
  }
  for (auto& [path, info] : found)
    if (info.id.empty()) {
      if (auto m = by_merge.find(path); m != by_merge.end()) info = m->second;
      else info = history.commit_info(commits.back());
    }
  return found;
}

}  // namespace

std::optional<std::vector<RecordChangeNote>> changes_between(const History& history, const std::optional<CommitId>& from,
                                                             const CommitId& to, const ChangeLimits& limits) {
  if (!from) return std::nullopt;
  std::vector<RecordChangeNote> out;
  if (*from == to) return out;
  auto commits = history.commits_between(to, from);
  if (commits.size() > limits.max_commits) return std::nullopt;
  auto paths = history.diff_blobs(from, to);
  std::erase_if(paths, [](const BlobDiff& d) { return !parse_record_path(d.path); });
  if (paths.size() > limits.max_records) return std::nullopt;
  if (commits.empty()) return out;
  auto attribution = newest_change_of(history, commits, paths);
  for (const auto& d : paths) {
    auto key = *parse_record_path(d.path);
    std::optional<Json> before, after;
    if (d.old_blob) before = parse_json(history.read_blob(*d.old_blob), d.path);
    if (d.new_blob) after = parse_json(history.read_blob(*d.new_blob), d.path);
    auto diff = diff_record(key.kind, key.id, before, after);
    RecordChangeNote note;
    note.kind = key.kind;
    note.id = key.id;
    note.change = change_name(diff.type);
    for (const auto& f : diff.fields) note.fields.push_back(f.field);
    const auto& info = attribution.at(d.path);
    note.commit = info.id;
    note.author = info.author;
    note.time = info.time;
    note.before = std::move(before);
    note.after = std::move(after);
    out.push_back(std::move(note));
  }
  return out;
}

std::string utc_time(std::int64_t seconds) { return format_utc(seconds, "%Y-%m-%dT%H:%M:%SZ"); }

Json to_json(const RecordChangeNote& note) {
  return Json{{"kind", std::string(kind_name(note.kind))},
              {"id", note.id},
              {"change", note.change},
              {"fields", note.fields},
              {"commit", note.commit},
              {"author", {{"name", note.author.name}, {"email", note.author.email}}},
              {"time", utc_time(note.time)}};
}

}  // namespace liaison::sync
