#include "server/push_policy.h"

#include <set>
#include <unordered_map>

#include "base/canonical_json.h"
#include "base/decode_limits.h"
#include "base/error.h"
#include "merge/merge.h"
#include "model/record.h"

namespace liaison::server {
namespace {

// The bound the patch decoder applies, so that a record file from a pack or
// a merge is held to the same size as one that came in a patch.
constexpr std::size_t kMaxRecordBytes = DecodeLimits{}.max_record_bytes;

std::string commit_label(const CommitId& commit) { return "commit " + short_commit(commit); }

std::string key_label(const RecordKey& key) { return std::string(kind_name(key.kind)) + " " + key.id.substr(0, 12); }

// A pushed version of a record: read, bounded, and checked as the store
// checks what it commits.
Json checked_version(const History& staged, const CommitId& commit, const RecordKey& key, const ObjectId& blob) {
  auto where = commit_label(commit) + ": " + record_path(key.kind, key.id);
  auto text = staged.read_blob(blob);
  if (text.size() > kMaxRecordBytes) throw UserError(where + ": a record of " + std::to_string(text.size()) + " bytes");
  Json normalized;
  try {
    normalized = normalize_record(key.kind, parse_json(text, where));
  } catch (const UserError& e) {
    throw UserError(commit_label(commit) + ": " + e.what());
  }
  if (canonical_json(normalized) != text) throw UserError(where + ": not in canonical form");
  if (record_id(key.kind, normalized) != key.id) throw UserError(where + ": stored under another id's path");
  return normalized;
}

// Versions already in central (a parent's, the base's) were checked when
// they came in: they are parsed, not validated again.
Json stored_version(const History& history, const ObjectId& blob, const std::string& path) {
  return parse_json(history.read_blob(blob), path);
}

using BlobsByPath = std::unordered_map<std::string, std::optional<ObjectId>>;

BlobsByPath new_blobs(const std::vector<BlobDiff>& diff) {
  BlobsByPath out;
  for (const auto& d : diff) out.emplace(d.path, d.new_blob);
  return out;
}

BlobsByPath old_blobs(const std::vector<BlobDiff>& diff) {
  BlobsByPath out;
  for (const auto& d : diff) out.emplace(d.path, d.old_blob);
  return out;
}

// A merge of two parents writes nothing where it takes one parent's version
// of a file that the other parent did not change since their merge base:
// that is what a three-way merge does. Taking a version the other side
// changed (reverting it, or reaching for an old commit as a parent) is a
// write, checked like any other.
class MergeSides {
 public:
  MergeSides(const History& history, const std::vector<CommitId>& parents) : history_(history), parents_(parents) {}

  // `differs[i]` holds the paths where parent i differs from the merge.
  bool takes_a_side(const std::string& path, const std::vector<BlobsByPath>& differs) {
    if (parents_.size() != 2) return false;
    bool from_first = !differs[0].count(path), from_second = !differs[1].count(path);
    if (from_first == from_second) return false;  // the merge differs from both (it cannot equal both here)
    std::size_t other = from_first ? 1 : 0;
    const auto* changed = changed_since_base(other);
    return changed && !changed->count(path);
  }

 private:
  // Paths parent `i` changed since the merge base; nullptr without one.
  const std::set<std::string>* changed_since_base(std::size_t i) {
    if (!base_looked_up_) {
      base_ = history_.merge_base(parents_[0], parents_[1]);
      base_looked_up_ = true;
    }
    if (!base_) return nullptr;
    if (!changed_[i]) {
      changed_[i].emplace();
      for (auto& d : history_.diff_blobs(base_, parents_[i])) changed_[i]->insert(std::move(d.path));
    }
    return &*changed_[i];
  }

  const History& history_;
  const std::vector<CommitId>& parents_;
  bool base_looked_up_ = false;
  std::optional<CommitId> base_;
  std::optional<std::set<std::string>> changed_[2];
};

class CommitChecker {
 public:
  CommitChecker(const History& staged, const ReferrerLookup& central_referrers)
      : staged_(staged), central_referrers_(central_referrers) {}

  // The records `commit` writes, each checked.
  std::vector<RecordWrite> check(const CommitId& commit) {
    auto info = staged_.commit_info(commit);
    if (info.parents.empty())
      throw UserError(commit_label(commit) + " has no parent: a push builds on central's history");
    // For each parent, the paths where it differs from the commit, with its
    // version; and the commit's version of every such path.
    std::vector<BlobsByPath> parent_versions;
    std::map<std::string, std::optional<ObjectId>> commit_versions;
    for (const auto& parent : info.parents) {
      auto diff = staged_.diff_blobs(parent, commit);
      for (const auto& d : diff) commit_versions.emplace(d.path, d.new_blob);
      parent_versions.push_back(old_blobs(diff));
    }
    MergeSides sides(staged_, info.parents);
    std::vector<RecordWrite> writes;
    for (const auto& [path, version] : commit_versions) {
      auto key = parse_record_path(path);
      if (!key) throw UserError(commit_label(commit) + " changes " + path + ", which is not a record");
      if (sides.takes_a_side(path, parent_versions)) continue;
      RecordWrite w{commit, key->kind, key->id, {}, std::nullopt};
      for (const auto& versions : parent_versions) {
        auto it = versions.find(path);
        auto blob = it == versions.end() ? version : it->second;  // absent from the diff: the commit's version
        if (blob) w.before.push_back(stored_version(staged_, *blob, path));
      }
      if (version) w.after = checked_version(staged_, commit, *key, *version);
      writes.push_back(std::move(w));
    }
    std::map<RecordKey, const RecordWrite*> written;
    for (const auto& w : writes) written.emplace(RecordKey{w.kind, w.id}, &w);
    check_references(commit, writes, written);
    check_removals(commit, writes, written);
    return writes;
  }

 private:
  bool exists_at(const CommitId& commit, const RecordKey& key, const std::map<RecordKey, const RecordWrite*>& written) {
    if (auto it = written.find(key); it != written.end()) return it->second->after.has_value();
    return !staged_.blob_id(commit, record_path(key.kind, key.id)).empty();
  }

  void check_references(const CommitId& commit, const std::vector<RecordWrite>& writes,
                        const std::map<RecordKey, const RecordWrite*>& written) {
    std::map<RecordKey, bool> known;
    for (const auto& w : writes) {
      if (!w.after) continue;
      for (const auto& ref : references_of(w.kind, *w.after)) {
        RecordKey target{ref.to, ref.id};
        referred_by_push_[target].insert({w.kind, w.id});
        auto it = known.find(target);
        if (it == known.end()) it = known.emplace(target, exists_at(commit, target, written)).first;
        if (!it->second)
          throw UserError(commit_label(commit) + ": " + describe_record(w.kind, *w.after) + ": " +
                          std::string(ref.field) + ": unknown " + std::string(kind_name(ref.to)) + " '" + ref.id + "'");
      }
    }
  }

  // A removed record may not be referred to by a record of the commit's
  // tree: those are central's referrers and the push's own.
  void check_removals(const CommitId& commit, const std::vector<RecordWrite>& writes,
                      const std::map<RecordKey, const RecordWrite*>& written) {
    for (const auto& w : writes) {
      if (w.after) continue;
      RecordKey target{w.kind, w.id};
      std::set<RecordKey> candidates;
      for (auto& k : central_referrers_(w.kind, w.id)) candidates.insert(std::move(k));
      if (auto it = referred_by_push_.find(target); it != referred_by_push_.end())
        candidates.insert(it->second.begin(), it->second.end());
      for (const auto& referrer : candidates) {
        std::optional<Json> version;
        if (auto it = written.find(referrer); it != written.end()) {
          version = it->second->after;
        } else if (auto text = staged_.read_file(commit, record_path(referrer.kind, referrer.id))) {
          version = parse_json(*text, record_path(referrer.kind, referrer.id));
        }
        if (version && refers_to(referrer.kind, *version, target))
          throw UserError(commit_label(commit) + ": cannot remove " + key_label(target) + ": still referred to by " +
                          describe_record(referrer.kind, *version));
      }
    }
  }

  const History& staged_;
  const ReferrerLookup& central_referrers_;
  std::map<RecordKey, std::set<RecordKey>> referred_by_push_;
};

}  // namespace

PushReview review_push(const History& staged, const CommitId& central_head, const CommitId& pushed,
                       const ReferrerLookup& central_referrers) {
  PushReview review;
  review.base = staged.merge_base(central_head, pushed);
  if (!review.base) throw UserError("the push shares no history with central");
  review.commits = staged.commits_between(pushed, central_head);
  CommitChecker checker(staged, central_referrers);
  for (const auto& commit : review.commits)
    for (auto& w : checker.check(commit)) review.writes.push_back(std::move(w));

  // Central's current version of a record: the one central changed it to
  // since the base, else the base's (which the push changed, or which the
  // pushed head holds too).
  auto central_changed = new_blobs(staged.diff_blobs(review.base, central_head));
  auto pushed_changed = old_blobs(staged.diff_blobs(review.base, pushed));
  for (const auto& w : review.writes) {
    RecordKey key{w.kind, w.id};
    if (review.central_versions.count(key)) continue;
    auto path = record_path(w.kind, w.id);
    std::optional<Json> version;
    if (auto c = central_changed.find(path); c != central_changed.end()) {
      if (c->second) version = stored_version(staged, *c->second, path);
    } else if (auto p = pushed_changed.find(path); p != pushed_changed.end()) {
      if (p->second) version = stored_version(staged, *p->second, path);
    } else if (auto text = staged.read_file(*review.base, path)) {
      version = parse_json(*text, path);
    }
    review.central_versions.emplace(key, std::move(version));
  }
  review.records = review.central_versions.size();
  return review;
}

std::string refused_write(const Identity& who, const PushReview& review) {
  if (who.role == Role::Admin) return "";
  if (who.role != Role::Editor) return "a " + role_name(who.role) + " token may not write records";
  auto owned = [&](Kind kind, const Json& version) { return record_owner(kind, version) == who.org; };
  auto belongs = [](Kind kind, const Json& version) {
    auto owner = record_owner(kind, version);
    return owner.empty() ? std::string("central staff") : owner;
  };
  for (const auto& w : review.writes) {
    RecordKey key{w.kind, w.id};
    auto label = commit_label(w.commit) + " writes " + key_label(key);
    for (const auto& before : w.before)
      if (!owned(w.kind, before)) return label + ", which belongs to " + belongs(w.kind, before);
    if (w.after && !owned(w.kind, *w.after)) return label + " as " + belongs(w.kind, *w.after) + "'s";
    const auto& now = review.central_versions.at(key);
    if (now && !owned(w.kind, *now)) return label + ", which belongs to " + belongs(w.kind, *now) + " on central now";
  }
  return "";
}

std::vector<Contribution> contributions(const History& history, const std::optional<CommitId>& base,
                                        const CommitId& central_head, const CommitId& pushed_head) {
  // A pushed file central holds as well (the same blob, or both removed) was
  // taken from central, not contributed. Only files central changed since
  // the base can be such: the others hold the base's version, which a
  // pushed change differs from.
  auto central_changed = new_blobs(history.diff_blobs(base, central_head));
  std::vector<Contribution> out;
  for (const auto& d : history.diff_blobs(base, pushed_head)) {
    auto key = parse_record_path(d.path);
    if (!key) continue;  // review_push refuses such a push
    if (auto it = central_changed.find(d.path); it != central_changed.end()) {
      const auto& central = it->second;
      if (central.has_value() == d.new_blob.has_value() && (!central || *central == *d.new_blob))
        continue;
    }
    Contribution c{key->kind, key->id, std::nullopt, std::nullopt};
    if (d.old_blob) c.before = stored_version(history, *d.old_blob, d.path);
    if (d.new_blob) c.after = stored_version(history, *d.new_blob, d.path);
    out.push_back(std::move(c));
  }
  return out;
}

Json describe_contributions(const std::vector<Contribution>& contributions) {
  Json out = Json::array();
  for (const auto& c : contributions) out.push_back(to_json(diff_record(c.kind, c.id, c.before, c.after)));
  return out;
}

}  // namespace liaison::server
