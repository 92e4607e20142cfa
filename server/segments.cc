#include "server/segments.h"

#include <algorithm>
#include <atomic>
#include <limits>
#include <map>
#include <set>

#include "base/error.h"
#include "git/derived_commits.h"
#include "server/segment_deriver.h"
#include "server/segment_overlay.h"
#include "model/record.h"
#include "store/store.h"

namespace liaison::server {
namespace {

// Commits derived in memory before their objects and rows are written: a
// bound on what one derivation holds.
constexpr std::size_t kCommitsPerWrite = 4096;
constexpr std::size_t kObjectsPerWrite = 4096;
// No commit is made through OrgOverlays: one audience is derived alone.
constexpr std::size_t kNoLargeCommit = std::numeric_limits<std::size_t>::max();

Database open_db(const std::filesystem::path& file) {
  auto db = Database::open(file);
  db.exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA busy_timeout=10000;"
          "CREATE TABLE IF NOT EXISTS segment_commits(audience TEXT NOT NULL, central TEXT NOT NULL,"
          " projected TEXT NOT NULL, PRIMARY KEY(audience, central)) WITHOUT ROWID;"
          "CREATE INDEX IF NOT EXISTS segment_commits_projected ON segment_commits(audience, projected);"
          "CREATE TABLE IF NOT EXISTS segment_heads(audience TEXT PRIMARY KEY, central TEXT NOT NULL)");
  return db;
}

std::optional<CommitId> mapped(Database& db, const std::string& audience, const CommitId& central) {
  auto st = db.prepare("SELECT projected FROM segment_commits WHERE audience=? AND central=?");
  st.bind(1, audience).bind(2, central);
  if (!st.step()) return std::nullopt;
  return st.text(0);
}

// The commit an audience's segment was last brought up to, when it is
// still central's and an ancestor of `central`.
std::optional<CommitId> segment_head(History& history, Database& db, const std::string& audience,
                                     const CommitId& central) {
  std::optional<CommitId> last = db.scalar("SELECT central FROM segment_heads WHERE audience=?", audience);
  if (last && (!history.has_commit(*last) || !history.is_ancestor(*last, central))) last.reset();
  return last;
}

// How many records a commit changes (against its first parent).
std::size_t records_changed(History& history, const CommitInfo& info) {
  std::optional<CommitId> first = info.parents.empty() ? std::nullopt : std::optional(info.parents[0]);
  std::size_t n = 0;
  for (const auto& d : history.diff_blobs(first, info.id)) n += parse_record_path(d.path).has_value();
  return n;
}

// Derives the audiences' projections of every commit reachable from
// `central` they lack, oldest first, from `last` on (where each of them
// was brought up to). Organizations' projections of a one-parent commit
// changing `large_commit` records or more are made together, on the
// partners' projection (which must be derived); everything else one
// audience at a time.
void derive(History& history, Database& db, const std::vector<Audience>& audiences,
            const std::optional<CommitId>& last, const CommitId& central, std::size_t large_commit,
            const std::atomic<bool>* stop) {
  auto todo = history.commits_between(central, last);
  DerivedCommits made(history);
  std::map<std::string, std::map<CommitId, CommitId>> fresh;  // by audience: derived, not yet written
  std::size_t fresh_count = 0;
  auto projection_of = [&](const std::string& name, const CommitId& c) -> CommitId {
    if (auto it = fresh[name].find(c); it != fresh[name].end()) return it->second;
    if (auto done = mapped(db, name, c)) return *done;
    throw Failure("the " + name + " segment lacks the parent " + short_commit(c));
  };
  auto flush = [&] {
    if (fresh_count == 0) return;
    made.write(history);
    Transaction tx(db);
    auto insert = db.prepare("INSERT OR REPLACE INTO segment_commits(audience, central, projected) VALUES(?,?,?)");
    for (const auto& [name, commits] : fresh)
      for (const auto& [c, p] : commits) insert.bind(1, name).bind(2, c).bind(3, p).run();
    tx.commit();
    fresh.clear();
    fresh_count = 0;
  };
  std::map<std::string, Deriver> derivers;
  std::set<std::string> orgs;
  for (const auto& a : audiences) {
    derivers.try_emplace(a.name(), history, a, made);
    if (a.level == Audience::Level::Org) orgs.insert(a.org);
  }
  std::optional<OrgOverlays> overlays;
  const auto partners = Audience::partners().name();
  for (const auto& c : todo) {
    if (stop && *stop) break;
    std::vector<const Audience*> lacking;
    for (const auto& a : audiences)
      if (!fresh[a.name()].count(c) && !mapped(db, a.name(), c)) lacking.push_back(&a);
    if (lacking.empty()) continue;
    auto info = history.commit_info(c);
    std::optional<OrgOverlays::Views> views;
    std::optional<CommitId> partners_c;
    if (!orgs.empty() && large_commit != kNoLargeCommit && info.parents.size() <= 1 &&
        std::max<std::size_t>(large_commit, 1) <= records_changed(history, info)) {
      if (!overlays) overlays.emplace(history);
      views = overlays->views(info, orgs, made);
    }
    for (const auto* a : lacking) {
      auto name = a->name();
      std::vector<CommitId> parents;
      for (const auto& p : info.parents) {
        auto projected = projection_of(name, p);
        if (std::find(parents.begin(), parents.end(), projected) == parents.end()) parents.push_back(projected);
      }
      const OrgOverlays::View* view = nullptr;
      if (views && a->level == Audience::Level::Org) {
        auto it = views->orgs.find(a->org);
        view = it != views->orgs.end() ? &it->second : &views->partners;
      }
      // A message naming the one record changed is left to the Deriver,
      // which has it at hand.
      if (view && (view->faithful || view->count != 1)) {
        // The partners come first when they are derived with the group.
        if (!partners_c) partners_c = projection_of(partners, c);
        auto tree = made.tree_with(partners_c, view->overlay);
        auto message = projected_message(info, view->faithful, view->count, std::nullopt);
        fresh[name][c] = made.commit_with_tree(history, c, parents, tree, message);
      } else {
        // An organization's Deriver reads its trees made so far, which may be
        // deltas not yet written; the partners' never are.
        if (a->level == Audience::Level::Org && made.holds_unreadable()) flush();
        fresh[name][c] = derivers.at(name).derive(info, parents);
      }
      ++fresh_count;
      if (fresh_count >= kCommitsPerWrite || made.pending() >= kObjectsPerWrite) flush();
    }
  }
  flush();
  for (const auto& a : audiences) {
    auto head = mapped(db, a.name(), central);
    if (!head) continue;
    history.set_ref(Segments::ref_name(a), *head);
    auto st = db.prepare("INSERT OR REPLACE INTO segment_heads(audience, central) VALUES(?,?)");
    st.bind(1, a.name()).bind(2, central).run();
  }
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
  derive(history, db, {audience}, segment_head(history, db, name, central), central, kNoLargeCommit, nullptr);
  if (auto done = lookup(name, central)) return *done;
  throw Failure("the " + name + " segment of " + short_commit(central) + " could not be derived");
}

void Segments::derive_all(const std::vector<Audience>& audiences, const CommitId& central, std::size_t large_commit,
                          const std::atomic<bool>* stop) {
  std::map<std::string, Audience> orgs;  // by name, the order their locks are taken in
  for (const auto& a : audiences) {
    if (a.level == Audience::Level::Org) orgs.emplace(a.name(), a);
    else at(a, central);
  }
  if (orgs.empty()) return;
  const auto partners = Audience::partners();
  orgs.emplace(partners.name(), partners);
  std::vector<std::unique_lock<std::mutex>> deriving;
  for (const auto& [name, a] : orgs) deriving.emplace_back(derivation_lock(name));
  auto history = History::open(history_dir_);
  auto db = open_db(db_file_);
  // Organizations brought up to the same commit are derived together, and
  // with the partners when theirs is the same: the partners' trees, which
  // the organizations' are deltas of, then go in the same packs.
  std::map<std::optional<CommitId>, std::vector<Audience>> by_head;
  for (const auto& [name, a] : orgs) {
    if (a == partners || mapped(db, name, central)) continue;
    by_head[segment_head(history, db, name, central)].push_back(a);
  }
  if (!by_head.empty() && !mapped(db, partners.name(), central)) {
    auto head = segment_head(history, db, partners.name(), central);
    if (auto group = by_head.find(head); group != by_head.end()) {
      group->second.insert(group->second.begin(), partners);
    } else {
      derive(history, db, {partners}, head, central, kNoLargeCommit, stop);
    }
  }
  // The partners' group first: every other builds on the partners' commits.
  std::vector<const std::pair<const std::optional<CommitId>, std::vector<Audience>>*> groups;
  for (const auto& g : by_head) {
    if (g.second.front() == partners) groups.insert(groups.begin(), &g);
    else groups.push_back(&g);
  }
  for (const auto* g : groups) {
    const auto& [last, group] = *g;
    if (stop && *stop) return;
    derive(history, db, group, last, central, large_commit, stop);
  }
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
