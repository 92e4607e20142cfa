#include "server/segment_push.h"

#include <map>

#include "base/canonical_json.h"
#include "base/error.h"
#include "model/record.h"

namespace liaison::server {
namespace {

std::string label(Kind kind, const std::string& id) { return std::string(kind_name(kind)) + " " + id.substr(0, 12); }

std::string subject_of(const std::string& message) { return message.substr(0, message.find('\n')); }

// The translated commit's message: the pushed commit's when the push is one
// commit, else the subjects of its commits, with the pushed head's trailers.
std::string translated_message(const History& staged, const std::vector<CommitId>& pushed_commits,
                               const CommitId& pushed) {
  std::vector<CommitInfo> own;
  for (const auto& c : pushed_commits) {
    auto info = staged.commit_info(c);
    if (info.parents.size() < 2) own.push_back(std::move(info));
  }
  auto head = staged.commit_info(pushed);
  if (own.size() == 1) return own[0].message;
  std::string out = "Apply " + std::to_string(own.size()) + " commits from a copy\n\n";
  for (const auto& info : own) out += "* " + subject_of(info.message) + "\n";
  auto trailer = head.message.find("\nLiaison-Org: ");
  if (trailer != std::string::npos) out += head.message.substr(trailer);
  return out;
}

}  // namespace

Translation translate_push(const History& staged, const History& central, Segments& segments,
                           const Audience& audience, const CommitId& central_head, const CommitId& segment_head,
                           const CommitId& pushed, const ReferrerLookup& central_referrers) {
  auto base = staged.merge_base(pushed, segment_head);
  auto refused = [] {
    return UserError(
        "the push does not build on this token's segment of the directory: clone again with this token");
  };
  if (!base || !segments.source_of(audience, *base)) throw refused();
  auto read_central = [&](Kind kind, const std::string& id) -> std::optional<Json> {
    auto text = central.read_file(central_head, record_path(kind, id));
    if (!text) return std::nullopt;
    return parse_json(*text, record_path(kind, id));
  };
  auto sees = [&](Kind kind, const std::string& id) {
    auto record = read_central(kind, id);
    return record && may_see(audience, kind, *record);
  };

  Translation out;
  out.made = std::make_unique<DerivedCommits>(central);
  std::vector<BlobUpdate> updates;
  std::vector<RecordKey> removed;
  std::map<RecordKey, std::optional<Json>> written;  // what the push makes of each record it changes
  for (const auto& c : contributions(staged, base, segment_head, pushed)) {
    auto now = read_central(c.kind, c.id);
    bool now_seen = now && may_see(audience, c.kind, *now);
    auto conflict = [&](const std::string& reason) {
      auto shown = now_seen ? project_record(audience, c.kind, *now, sees) : std::nullopt;
      out.conflicts.push_back(MergeConflict{c.kind, c.id, std::string(kWholeRecord), c.before.value_or(Json()),
                                            shown.value_or(Json()), c.after.value_or(Json()), reason});
    };
    std::optional<Json> result;
    if (!c.before) {
      if (now) throw UserError("cannot add " + label(c.kind, c.id) + ": central holds a record under that id");
      result = normalize_record(c.kind, *c.after);
    } else if (!now_seen) {
      conflict(now ? "no longer in this token's segment" : "removed on central");
      continue;
    } else if (!c.after) {
      if (project_record(audience, c.kind, *now, sees) != c.before) {
        conflict("removed here, changed on central");
        continue;
      }
      removed.push_back({c.kind, c.id});
    } else {
      std::vector<std::string> fields;
      auto merged = unproject(audience, c.kind, *c.before, *c.after, *now, sees, fields);
      for (const auto& f : fields) {
        auto shown = project_record(audience, c.kind, *now, sees).value_or(Json::object());
        out.conflicts.push_back(MergeConflict{c.kind, c.id, f, c.before->value(f, Json()), shown.value(f, Json()),
                                              c.after->value(f, Json()), "changed on both sides"});
      }
      if (!fields.empty()) continue;
      result = normalize_record(c.kind, merged);
      if (*result == *now) continue;
    }
    ++out.records;
    written[{c.kind, c.id}] = result;
    auto path = record_path(c.kind, c.id);
    if (result) updates.push_back({path, out.made->blob(canonical_json(*result))});
    else updates.push_back({path, std::nullopt});
  }
  if (!out.conflicts.empty() || updates.empty()) {
    out.records = 0;
    return out;
  }
  // A removed record may not be referred to by a record central keeps, as
  // the push leaves it; a referrer the audience may not see is not named.
  for (const auto& key : removed)
    for (const auto& referrer : central_referrers(key.kind, key.id)) {
      auto it = written.find(referrer);
      auto version = it != written.end() ? it->second : read_central(referrer.kind, referrer.id);
      if (!version) continue;
      if (!refers_to(referrer.kind, *version, key)) continue;
      bool shown = may_see(audience, referrer.kind, *version);
      throw UserError("cannot remove " + label(key.kind, key.id) + ": still referred to by " +
                      (shown ? describe_record(referrer.kind, *version) : "a record outside this segment"));
    }
  auto message = translated_message(staged, staged.commits_between(pushed, segment_head), pushed);
  out.commit = out.made->commit(staged, pushed, {central_head}, central_head, updates, message);
  return out;
}

}  // namespace liaison::server
