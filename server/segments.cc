#include "server/segments.h"

#include <algorithm>
#include <map>
#include <set>

#include "base/error.h"
#include "git/derived_commits.h"
#include "model/record.h"
#include "store/store.h"

namespace liaison::server {
namespace {

// Commits derived in memory before their objects and rows are written: a
// bound on what one derivation holds.
constexpr std::size_t kCommitsPerWrite = 500;

Database open_db(const std::filesystem::path& file) {
  auto db = Database::open(file);
  db.exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA busy_timeout=10000;"
          "CREATE TABLE IF NOT EXISTS segment_commits(audience TEXT NOT NULL, central TEXT NOT NULL,"
          " projected TEXT NOT NULL, PRIMARY KEY(audience, central)) WITHOUT ROWID;"
          "CREATE INDEX IF NOT EXISTS segment_commits_projected ON segment_commits(audience, projected);"
          "CREATE TABLE IF NOT EXISTS segment_heads(audience TEXT PRIMARY KEY, central TEXT NOT NULL)");
  return db;
}

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

struct Shown {
  Kind kind;
  std::optional<Json> before, after;
};

std::string trailer_block(const std::string& message) {
  auto trailers = kept_trailers(message);
  return trailers.empty() ? "" : "\n" + trailers;
}

// `count` changes the audience sees, the first of them in `shown` when
// there is one only.
std::string projected_message(const CommitInfo& info, const std::vector<Shown>& shown, std::size_t count) {
  std::string subject;
  if (count == 1) subject = describe_change(shown[0].kind, shown[0].before, shown[0].after);
  else if (count == 0) subject = "Changes outside this segment";
  else subject = "Change " + std::to_string(count) + " records";
  return subject + "\n" + trailer_block(info.message);
}

// Whether an organization's audience (or the partners') sees a stored
// record exactly as stored, told from its canonical text without parsing
// it: no visibility narrower than partners, no shared_with, no reference
// to a record that can be hidden. Anything else is parsed and projected.
bool shown_as_stored(const Audience& audience, Kind kind, std::string_view text) {
  if (audience.level != Audience::Level::Org && audience.level != Audience::Level::Partners) return false;
  if (text.find("\"shared_with\"") != std::string_view::npos) return false;
  if (auto at = text.find("\"visibility\":\""); at != std::string_view::npos) {
    auto word = text.substr(at + 14);
    if (!word.starts_with("public\"") && !word.starts_with("partners\"")) return false;
  }
  for (const auto& f : spec(kind).fields)
    if (f.ref && !spec(*f.ref).default_visibility.empty() &&
        text.find("\"" + std::string(f.name) + "\":") != std::string_view::npos)
      return false;
  return true;
}

// Derives one commit at a time for one audience, reading central's records.
class Deriver {
 public:
  Deriver(const History& central, const Audience& audience) : central_(central), audience_(audience), made_(central) {}

  CommitId derive(const CommitInfo& info, const std::vector<CommitId>& parents) {
    const auto& c = info.id;
    std::optional<CommitId> first = info.parents.empty() ? std::nullopt : std::optional(info.parents[0]);
    std::optional<CommitId> base = parents.empty() ? std::nullopt : std::optional(parents[0]);
    sees_cache_.clear();
    auto sees = [&](Kind kind, const std::string& id) { return sees_at(c, kind, id); };
    std::vector<BlobUpdate> updates;
    std::vector<Shown> shown;
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
    // A merge's message lists decisions and resolved values of records on
    // both sides, which the audience may not see: it is written anew.
    std::string message;
    if (parents.size() > 1) message = "Merge " + short_commit(parents[1]) + "\n" + trailer_block(info.message);
    else if (faithful && !paths_done.empty()) message = info.message;
    else {
      auto count = shown.size() + as_stored.size();
      if (count == 1 && shown.empty()) {
        const auto& st = as_stored.front();
        auto parse = [&](const std::string& text) {
          return text.empty() ? std::nullopt : std::optional<Json>(parse_json(text, st.path));
        };
        shown.push_back({st.kind, parse(st.before), parse(st.after)});
      }
      message = projected_message(info, shown, count);
    }
    return made_.commit(central_, c, parents, base, updates, message);
  }

  std::size_t write(History& target) { return made_.write(target); }

 private:
  BlobUpdate update_for(const std::string& path, const std::optional<Json>& shown, const std::string& stored_text,
                        const std::optional<ObjectId>& stored_blob) {
    if (!shown) return {path, std::nullopt};
    auto text = canonical_json(*shown);
    if (stored_blob && text == stored_text) return {path, stored_blob};
    return {path, made_.blob(text)};
  }

  std::optional<Json> project_at(const CommitId& commit, Kind kind, const Json& record) {
    return project_record(audience_, kind, record,
                          [&](Kind k, const std::string& id) { return sees_uncached(commit, k, id); });
  }

  bool sees_uncached(const CommitId& commit, Kind kind, const std::string& id) {
    auto text = central_.read_file(commit, record_path(kind, id));
    return text && may_see(audience_, kind, parse_json(*text, id));
  }

  bool sees_at(const CommitId& commit, Kind kind, const std::string& id) {
    RecordKey key{kind, id};
    auto it = sees_cache_.find(key);
    if (it != sees_cache_.end()) return it->second;
    bool seen = sees_uncached(commit, kind, id);
    sees_cache_.emplace(std::move(key), seen);
    return seen;
  }

  // Records the commit did not change whose projection still changes: those
  // referring to a need the audience now sees, or no longer sees.
  void reproject_referrers(const CommitId& c, const std::set<std::string>& needs, const std::set<std::string>& done,
                           std::vector<BlobUpdate>& updates) {
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

  const History& central_;
  const Audience& audience_;
  DerivedCommits made_;
  std::map<RecordKey, bool> sees_cache_;
};

std::optional<CommitId> mapped(Database& db, const std::string& audience, const CommitId& central) {
  auto st = db.prepare("SELECT projected FROM segment_commits WHERE audience=? AND central=?");
  st.bind(1, audience).bind(2, central);
  if (!st.step()) return std::nullopt;
  return st.text(0);
}

// Derives the audience's projection of every commit reachable from
// `central` that it lacks, oldest first.
void derive(History& history, Database& db, const Audience& audience, const std::string& ref, const CommitId& central) {
  auto name = audience.name();
  std::optional<CommitId> last = db.scalar("SELECT central FROM segment_heads WHERE audience=?", name);
  if (last && (!history.has_commit(*last) || !history.is_ancestor(*last, central))) last.reset();
  auto todo = history.commits_between(central, last);
  std::map<CommitId, CommitId> fresh;  // derived, not yet written
  auto projection_of = [&](const CommitId& c) -> CommitId {
    if (auto it = fresh.find(c); it != fresh.end()) return it->second;
    if (auto done = mapped(db, name, c)) return *done;
    throw Failure("the " + name + " segment lacks the parent " + short_commit(c));
  };
  auto deriver = std::make_unique<Deriver>(history, audience);
  auto flush = [&] {
    if (fresh.empty()) return;
    deriver->write(history);
    Transaction tx(db);
    auto insert = db.prepare("INSERT OR REPLACE INTO segment_commits(audience, central, projected) VALUES(?,?,?)");
    for (const auto& [c, p] : fresh) insert.bind(1, name).bind(2, c).bind(3, p).run();
    tx.commit();
    fresh.clear();
    deriver = std::make_unique<Deriver>(history, audience);
  };
  for (const auto& c : todo) {
    if (mapped(db, name, c)) continue;
    auto info = history.commit_info(c);
    std::vector<CommitId> parents;
    for (const auto& p : info.parents) {
      auto projected = projection_of(p);
      if (std::find(parents.begin(), parents.end(), projected) == parents.end()) parents.push_back(projected);
    }
    fresh[c] = deriver->derive(info, parents);
    if (fresh.size() >= kCommitsPerWrite) flush();
  }
  flush();
  auto head = mapped(db, name, central);
  if (!head) return;
  history.set_ref(ref, *head);
  auto st = db.prepare("INSERT OR REPLACE INTO segment_heads(audience, central) VALUES(?,?)");
  st.bind(1, name).bind(2, central).run();
}

}  // namespace

Segments::Segments(const std::filesystem::path& history_dir, const std::filesystem::path& server_db)
    : history_dir_(history_dir), db_file_(server_db), history_(History::open(history_dir)), db_(open_db(server_db)) {}

std::string Segments::ref_name(const Audience& audience) {
  if (audience.level == Audience::Level::Org) return "refs/segments/org/" + audience.org;
  return "refs/segments/" + audience.name();
}

std::optional<CommitId> Segments::lookup(const std::string& audience, const CommitId& central) {
  std::lock_guard<std::mutex> lock(lookup_mutex_);
  return mapped(db_, audience, central);
}

std::mutex& Segments::derivation_lock(const std::string& audience) {
  std::lock_guard<std::mutex> lock(locks_mutex_);
  auto& m = derivation_locks_[audience];
  if (!m) m = std::make_unique<std::mutex>();
  return *m;
}

CommitId Segments::at(const Audience& audience, const CommitId& central) {
  if (audience.level == Audience::Level::All) return central;
  auto name = audience.name();
  if (auto done = lookup(name, central)) return *done;
  std::lock_guard<std::mutex> deriving(derivation_lock(name));
  if (auto done = lookup(name, central)) return *done;  // derived while this one waited
  auto history = History::open(history_dir_);
  auto db = open_db(db_file_);
  derive(history, db, audience, ref_name(audience), central);
  if (auto done = lookup(name, central)) return *done;
  throw Failure("the " + name + " segment of " + short_commit(central) + " could not be derived");
}

std::optional<CommitId> Segments::known_last_visible_change(const Audience& audience, const CommitId& central) {
  if (audience.level == Audience::Level::All) return central;
  std::lock_guard<std::mutex> lock(changes_mutex_);
  auto& known = last_changes_[audience.name()];
  if (auto it = known.find(central); it != known.end()) return it->second;
  return std::nullopt;
}

CommitId Segments::last_visible_change(const Audience& audience, const CommitId& central) {
  if (auto known = known_last_visible_change(audience, central)) return *known;
  // A walk longer than this gives `central` itself: always right, only
  // kept for fewer heads.
  constexpr int kMaxWalk = 256;
  constexpr std::size_t kMaxKnown = 4096;
  auto tree_of = [&](const CommitId& c) {
    auto projected = at(audience, c);
    std::lock_guard<std::mutex> lock(lookup_mutex_);
    return history_.commit_info(projected).tree;
  };
  auto first_parent = [&](const CommitId& c) -> std::optional<CommitId> {
    std::lock_guard<std::mutex> lock(lookup_mutex_);
    auto parents = history_.commit_info(c).parents;
    if (parents.empty()) return std::nullopt;
    return parents.front();
  };
  std::vector<CommitId> same;  // commits whose answer is their first parent's
  CommitId answer = central;
  CommitId c = central;
  auto tree = tree_of(c);
  for (int step = 0;; ++step) {
    auto parent = first_parent(c);
    if (!parent) {
      answer = c;
      break;
    }
    auto parent_tree = tree_of(*parent);
    if (parent_tree != tree) {
      answer = c;
      break;
    }
    same.push_back(c);
    if (auto known = known_last_visible_change(audience, *parent)) {
      answer = *known;
      break;
    }
    if (step == kMaxWalk) {
      same.clear();
      answer = central;
      break;
    }
    c = *parent;
  }
  std::lock_guard<std::mutex> lock(changes_mutex_);
  auto& known = last_changes_[audience.name()];
  if (known.size() + same.size() > kMaxKnown) known.clear();
  for (const auto& commit : same) known[commit] = answer;
  known[answer] = answer;
  known[central] = answer;
  return answer;
}

std::optional<CommitId> Segments::source_of(const Audience& audience, const CommitId& projected) {
  std::lock_guard<std::mutex> lock(lookup_mutex_);
  if (audience.level == Audience::Level::All)
    return history_.has_commit(projected) ? std::optional(projected) : std::nullopt;
  auto st = db_.prepare("SELECT central FROM segment_commits WHERE audience=? AND projected=? LIMIT 1");
  st.bind(1, audience.name()).bind(2, projected);
  if (!st.step()) return std::nullopt;
  return st.text(0);
}

}  // namespace liaison::server
