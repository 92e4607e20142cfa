#include "server/segment_deriver.h"

#include <set>

#include "base/canonical_json.h"
#include "store/store.h"

namespace liaison::server {
namespace {

// The trailer lines of a central message a projection keeps (which
// organization's copy made the commit).
std::string kept_trailers(const std::string& message) {
  std::string out;
  std::size_t at = 0;
  while (at < message.size()) {
    auto end = message.find('\n', at);
    if (end == std::string::npos) end = message.size();
    auto line = message.substr(at, end - at);
    if (line.starts_with("Liaison-Org: ")) out += line + "\n";
    at = end + 1;
  }
  return out;
}

std::string trailer_block(const std::string& message) {
  auto trailers = kept_trailers(message);
  return trailers.empty() ? "" : "\n" + trailers;
}

}  // namespace

bool shown_as_stored(const Audience& audience, Kind kind, std::string_view text) {
  if (audience.level != Audience::Level::Org && audience.level != Audience::Level::Partners) return false;
  if (text.find("\"shared_with\"") != std::string_view::npos) return false;
  // Every occurrence, not the first only: an unknown field holding an
  // object with a "visibility" of its own sorts before the record's.
  for (auto at = text.find("\"visibility\":"); at != std::string_view::npos; at = text.find("\"visibility\":", at + 1)) {
    auto word = text.substr(at + 13);
    if (!word.starts_with("\"public\"") && !word.starts_with("\"partners\"")) return false;
  }
  for (const auto& f : spec(kind).fields)
    if (f.ref && !spec(*f.ref).default_visibility.empty() &&
        text.find("\"" + std::string(f.name) + "\":") != std::string_view::npos)
      return false;
  return true;
}

std::string projected_message(const CommitInfo& info, bool faithful, std::size_t count,
                              const std::optional<ShownChange>& single) {
  if (faithful) return info.message;
  std::string subject;
  if (count == 1 && single) subject = describe_change(single->kind, single->before, single->after);
  else if (count == 0) subject = "Changes outside this segment";
  else subject = "Change " + std::to_string(count) + " records";
  return subject + "\n" + trailer_block(info.message);
}

std::string merge_message(const CommitInfo& info, const std::vector<CommitId>& parents) {
  // A merge's message lists decisions and resolved values of records on
  // both sides, which the audience may not see: it is written anew.
  return "Merge " + short_commit(parents.at(1)) + "\n" + trailer_block(info.message);
}

CommitId Deriver::derive(const CommitInfo& info, const std::vector<CommitId>& parents) {
  const auto& c = info.id;
  std::optional<CommitId> first = info.parents.empty() ? std::nullopt : std::optional(info.parents[0]);
  std::optional<CommitId> base = parents.empty() ? std::nullopt : std::optional(parents[0]);
  sees_cache_.clear();
  auto sees = [&](Kind kind, const std::string& id) { return sees_at(c, kind, id); };
  std::vector<BlobUpdate> updates;
  std::vector<ShownChange> shown;
  struct Stored {
    Kind kind;
    std::string path, before, after;  // texts, "" when absent
  };
  std::vector<Stored> as_stored;  // changes shown as stored, parsed only for a message
  std::set<std::string> paths_done;
  std::set<std::string> needs_turned;  // needs the audience sees on one side only
  bool faithful = true;
  for (const auto& d : central_.diff_blobs(first, c)) {
    auto key = parse_record_path(d.path);
    if (!key) continue;
    paths_done.insert(d.path);
    std::string before_text, after_text;
    if (d.old_blob) before_text = central_.read_blob(*d.old_blob);
    if (d.new_blob) after_text = central_.read_blob(*d.new_blob);
    if ((!d.old_blob || shown_as_stored(audience_, key->kind, before_text)) &&
        (!d.new_blob || shown_as_stored(audience_, key->kind, after_text))) {
      // Shown as stored on both sides: central's blob, no parse.
      updates.push_back({d.path, d.new_blob});
      as_stored.push_back({key->kind, d.path, std::move(before_text), std::move(after_text)});
      continue;
    }
    std::optional<Json> before, after;
    if (d.old_blob) before = parse_json(before_text, d.path);
    if (d.new_blob) after = parse_json(after_text, d.path);
    auto shown_before = before && first ? project_at(*first, key->kind, *before) : std::nullopt;
    auto shown_after = after ? project_record(audience_, key->kind, *after, sees) : std::nullopt;
    if (shown_before != before || shown_after != after) faithful = false;
    if (shown_before != shown_after) shown.push_back({key->kind, shown_before, shown_after});
    bool seen_before = before && may_see(audience_, key->kind, *before);
    bool seen_after = after && may_see(audience_, key->kind, *after);
    // Only a need on both sides can be referred to by a record this
    // commit leaves as it is: a new need's referrers are new, and a
    // removed one has none.
    if (key->kind == Kind::Need && before && after && seen_before != seen_after) needs_turned.insert(key->id);
    updates.push_back(update_for(d.path, shown_after, after_text, d.new_blob));
  }
  if (!needs_turned.empty()) reproject_referrers(c, needs_turned, paths_done, updates);
  std::string message;
  if (parents.size() > 1) {
    message = merge_message(info, parents);
  } else {
    auto count = shown.size() + as_stored.size();
    std::optional<ShownChange> single;
    if (count == 1 && !shown.empty()) single = shown.front();
    if (count == 1 && shown.empty()) {
      const auto& st = as_stored.front();
      auto parse = [&](const std::string& text) {
        return text.empty() ? std::nullopt : std::optional<Json>(parse_json(text, st.path));
      };
      single = ShownChange{st.kind, parse(st.before), parse(st.after)};
    }
    message = projected_message(info, faithful && !paths_done.empty(), count, single);
  }
  return made_.commit(central_, c, parents, base, updates, message);
}

BlobUpdate Deriver::update_for(const std::string& path, const std::optional<Json>& shown,
                               const std::string& stored_text, const std::optional<ObjectId>& stored_blob) {
  if (!shown) return {path, std::nullopt};
  auto text = canonical_json(*shown);
  if (stored_blob && text == stored_text) return {path, stored_blob};
  return {path, made_.blob(text)};
}

std::optional<Json> Deriver::project_at(const CommitId& commit, Kind kind, const Json& record) {
  return project_record(audience_, kind, record,
                        [&](Kind k, const std::string& id) { return sees_uncached(commit, k, id); });
}

bool Deriver::sees_uncached(const CommitId& commit, Kind kind, const std::string& id) {
  auto text = central_.read_file(commit, record_path(kind, id));
  return text && may_see(audience_, kind, parse_json(*text, id));
}

bool Deriver::sees_at(const CommitId& commit, Kind kind, const std::string& id) {
  RecordKey key{kind, id};
  auto it = sees_cache_.find(key);
  if (it != sees_cache_.end()) return it->second;
  bool seen = sees_uncached(commit, kind, id);
  sees_cache_.emplace(std::move(key), seen);
  return seen;
}

// Records the commit did not change whose projection still changes: those
// referring to a need the audience now sees, or no longer sees.
void Deriver::reproject_referrers(const CommitId& c, const std::set<std::string>& needs,
                                  const std::set<std::string>& done, std::vector<BlobUpdate>& updates) {
  for (Kind kind : kAllKinds) {
    if (!refers_to_hideable(kind)) continue;
    central_.for_each_file(c, [&](const std::string& path, std::string_view content) {
      auto key = parse_record_path(path);
      if (!key || key->kind != kind || done.count(path)) return;
      auto record = parse_json(content, path);
      bool refers = false;
      for (const auto& ref : references_of(kind, record))
        if (ref.to == Kind::Need && needs.count(ref.id)) refers = true;
      if (!refers) return;
      auto shown = project_record(audience_, kind, record,
                                  [&](Kind k, const std::string& id) { return sees_at(c, k, id); });
      updates.push_back(update_for(path, shown, std::string(content), std::nullopt));
    }, std::string(spec(kind).plural));
  }
}

}  // namespace liaison::server
