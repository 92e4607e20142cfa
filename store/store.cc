#include "store/store.h"

#include <algorithm>
#include <chrono>
#include <deque>
#include <future>
#include <cstdlib>
#include <map>
#include <numeric>
#include <set>
#include <tuple>
#include <unordered_map>
#include <unordered_set>
#include <unistd.h>
#include <pwd.h>

#include "base/batch_queue.h"
#include "base/error.h"
#include "base/parallel.h"
#include "model/ids.h"
#include "model/record.h"
#include "model/reference_data.h"

namespace liaison {
namespace {

constexpr const char* kHistoryDir = "history.git";
constexpr const char* kViewFile = "view.db";
constexpr const char* kStateFile = "state.db";

Person default_user() {
  Person p = person_from_git_config();
  if (const char* env = std::getenv("LIAISON_USER_NAME")) p.name = env;
  if (const char* env = std::getenv("LIAISON_USER_EMAIL")) p.email = env;
  std::string login = "liaison";
  if (const passwd* pw = getpwuid(getuid()); pw && pw->pw_name) login = pw->pw_name;
  if (p.name.empty()) p.name = login;
  if (p.email.empty()) p.email = login + "@localhost";
  return p;
}

// The most problems doctor lists.
constexpr std::size_t kMaxDoctorProblems = 1000;

// A record's kind and id for hashed sets and maps, viewing the id: the string
// it views must outlive the key.
struct KeyView {
  Kind kind;
  std::string_view id;
  bool operator==(const KeyView&) const = default;
};
struct KeyViewHash {
  std::size_t operator()(const KeyView& k) const noexcept {
    return std::hash<std::string_view>{}(k.id) ^ static_cast<std::size_t>(k.kind);
  }
};
using KeySet = std::unordered_set<KeyView, KeyViewHash>;
template <typename T>
using KeyMap = std::unordered_map<KeyView, T, KeyViewHash>;

// Frees `doomed` on another thread: for a change of 100k records that takes
// a fifth of a second, better spent while the view builds its indexes.
template <typename... T>
std::future<void> free_later(T&&... doomed) {
  // Moved out inside the call: the callable itself is destroyed by whoever
  // drops the future.
  return in_background([... held = std::move(doomed)]() mutable {
    ([](auto& h) { auto freed_here = std::move(h); }(held), ...);
  });
}

// normalize_record of each change's record, or the error it threw.
struct NormalizedRecord {
  Json record;
  std::exception_ptr error;
};

// Normalises on two threads when there are many records (phone parsing
// dominates, base/parallel.h); a thread stops at its first error, which the caller rethrows
// when it reaches that record in order.
std::vector<NormalizedRecord> normalize_all(const std::vector<RecordChange>& changes) {
  std::vector<NormalizedRecord> out(changes.size());
  auto normalize = [&](std::size_t from, std::size_t to) {
    for (std::size_t i = from; i < to; ++i) {
      if (!changes[i].after) continue;
      try {
        out[i].record = normalize_record(changes[i].kind, *changes[i].after);
      } catch (...) {
        out[i].error = std::current_exception();
        return;
      }
    }
  };
  in_two_halves(changes.size(), normalize);
  return out;
}

// The view's page cache for a large change: its dirty pages go to the WAL
// as the cache fills instead of all waiting in memory for the commit (an
// IATI import of 18k offers held 16 MB of them). At 2 MB, about SQLite's
// own default, an import of 100k contacts, one of 10k changed contacts and
// a merge of 2 x 10k were no slower than with the usual 256 MB (2026-12-02).
constexpr std::int64_t kLargeChangePageCache = 2 << 20;

// Caps the view's page cache while it lives, then gives it back its limit.
class PageCacheCap {
 public:
  PageCacheCap(View& view, std::int64_t bytes) : view_(view), before_(view.page_cache_limit()) {
    if (bytes < before_) view_.limit_page_cache(bytes);
    else before_ = 0;
  }
  ~PageCacheCap() {
    if (before_ == 0) return;
    try {
      view_.limit_page_cache(before_);
    } catch (...) {
      // Setting a pragma does not fail on an open connection; nothing to undo if it did.
    }
  }
  PageCacheCap(const PageCacheCap&) = delete;
  PageCacheCap& operator=(const PageCacheCap&) = delete;

 private:
  View& view_;
  std::int64_t before_;
};

}  // namespace

std::string describe_change(Kind kind, const std::optional<Json>& before, const std::optional<Json>& after) {
  if (!before && after) return "Add " + describe_record(kind, *after);
  if (before && !after) return "Remove " + describe_record(kind, *before);
  if (!before || !after) return "No change";
  std::string fields;
  std::set<std::string> keys;
  for (auto it = before->begin(); it != before->end(); ++it) keys.insert(it.key());
  for (auto it = after->begin(); it != after->end(); ++it) keys.insert(it.key());
  for (const auto& k : keys) {
    if (before->value(k, Json()) == after->value(k, Json())) continue;
    fields += (fields.empty() ? "" : ", ") + k;
  }
  return "Edit " + describe_record(kind, *after) + ": " + fields;
}

std::string Store::today() {
  if (const char* env = std::getenv("LIAISON_TODAY"); env && *env) return env;
  auto now = std::chrono::floor<std::chrono::days>(std::chrono::system_clock::now());
  std::chrono::year_month_day ymd{now};
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                static_cast<unsigned>(ymd.day()));
  return buf;
}

bool Store::is_copy(const std::filesystem::path& dir) {
  // The view is not asked for: it is a cache, rebuilt when it is missing.
  // A copy laid out before state.db existed keeps its state in the view.
  return std::filesystem::is_directory(dir / kHistoryDir) &&
         (std::filesystem::exists(dir / kStateFile) || std::filesystem::exists(dir / kViewFile));
}

std::filesystem::path Store::history_dir(const std::filesystem::path& dir) { return dir / kHistoryDir; }

std::optional<CopyState::Summary> Store::peek_state(const std::filesystem::path& dir) {
  return CopyState::peek(dir / kStateFile, dir / kViewFile);
}

std::filesystem::path Store::locate(const std::filesystem::path& start) {
  auto dir = std::filesystem::absolute(start);
  for (auto d = dir; !d.empty(); d = d.parent_path()) {
    if (is_copy(d)) return d;
    if (d == d.parent_path()) break;
  }
  throw UserError("not a liaison copy: " + dir.string() + " (run 'liaison init' or use -C DIR)");
}

Store Store::init(const std::filesystem::path& dir, const InitOptions& options) {
  if (!is_slug(options.org)) throw UserError("--org: '" + options.org + "' is not an organization slug");
  if (std::filesystem::exists(dir) && !std::filesystem::is_empty(dir))
    throw UserError("cannot create a copy in " + dir.string() + ": the folder is not empty");
  std::filesystem::create_directories(dir);
  auto history = History::init(dir / kHistoryDir);
  if (!options.view_snapshot.empty()) {
    std::error_code ignored;  // without it, start_at() builds the view
    std::filesystem::rename(options.view_snapshot, dir / kViewFile, ignored);
  }
  auto state = CopyState::create(dir / kStateFile, {options.org, options.user.value_or(default_user())});
  auto view = View::open(dir / kViewFile);
  Store store(dir, std::move(history), std::move(state), std::move(view));
  if (options.with_reference_data) {
    std::vector<RecordChange> changes;
    for (const auto& area : initial_areas()) changes.push_back({Kind::Area, area.value("code", ""), area});
    for (const auto& org : initial_orgs()) changes.push_back({Kind::Org, org.value("slug", ""), org});
    bool known = false;
    for (const auto& c : changes) known |= (c.kind == Kind::Org && c.id == options.org);
    if (!known)
      changes.push_back({Kind::Org, options.org,
                         Json{{"slug", options.org}, {"name", options.org}, {"kind", "international"}}});
    store.commit(changes, "Initial reference data: thematic areas and organizations");
  }
  return store;
}

Store Store::open(const std::filesystem::path& dir) {
  if (!is_copy(dir)) throw UserError("not a liaison copy: " + dir.string());
  auto history = History::open(dir / kHistoryDir);
  auto state = std::filesystem::exists(dir / kStateFile) ? CopyState::open(dir / kStateFile)
                                                          : CopyState::migrate_from_view(dir / kViewFile, dir / kStateFile);
  // A missing view is made anew and filled from history by catch_up().
  auto view = View::open(dir / kViewFile);
  Store store(dir, std::move(history), std::move(state), std::move(view));
  store.catch_up();
  return store;
}

std::string Store::org() { return state_.org(); }

Person Store::user() {
  Person p = state_.user();
  if (const char* env = std::getenv("LIAISON_USER_NAME")) p.name = env;
  if (const char* env = std::getenv("LIAISON_USER_EMAIL")) p.email = env;
  if (p.name.empty() || p.email.empty()) return default_user();
  return p;
}

std::string Store::resolve_id(Kind kind, const std::string& prefix) {
  std::string p = prefix;
  for (auto& c : p)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  if (p.empty()) throw UserError("empty " + std::string(kind_name(kind)) + " id");
  if (!spec(kind).random_id()) {
    if (view_.exists(kind, p)) return p;
  }
  auto ids = view_.ids_with_prefix(kind, p, 6);
  if (ids.empty()) throw UserError("no " + std::string(kind_name(kind)) + " with id '" + prefix + "'");
  if (ids.size() == 1 || ids.front() == p) return ids.front();
  std::string list;
  for (std::size_t i = 0; i < ids.size() && i < 5; ++i) {
    auto rec = view_.get(kind, ids[i]);
    list += (i ? ", " : "") + (rec ? describe_record(kind, *rec) : ids[i]);
  }
  if (ids.size() > 5) list += ", ...";
  throw UserError("id '" + prefix + "' is ambiguous: " + list);
}

RecordKey Store::resolve_any(const std::string& prefix) {
  std::vector<RecordKey> found;
  for (Kind kind : kAllKinds) {
    if (!spec(kind).random_id()) {
      if (view_.exists(kind, prefix)) found.push_back({kind, prefix});
      continue;
    }
    if (prefix.size() < 4) continue;
    for (auto& id : view_.ids_with_prefix(kind, prefix, 2)) found.push_back({kind, id});
  }
  if (found.empty()) throw UserError("no record with id '" + prefix + "'");
  if (found.size() > 1) {
    std::string list;
    for (const auto& k : found) list += (list.empty() ? "" : ", ") + std::string(kind_name(k.kind)) + " " + short_id(k.id);
    throw UserError("id '" + prefix + "' is ambiguous: " + list);
  }
  return found.front();
}

Json Store::get(Kind kind, const std::string& id) {
  auto rec = view_.get(kind, id);
  if (!rec) throw UserError("no " + std::string(kind_name(kind)) + " with id '" + id + "'");
  return *rec;
}

void Store::check_references(const ChangePlan& plan) {
  const auto& changes = plan.effective;
  const auto& origin = plan.origin;
  // Hashed, viewing the changes' ids: an import checks 100k records.
  KeyMap<bool> pending;  // exists after the change
  pending.reserve(changes.size());
  for (const auto& c : changes) pending[{c.kind, c.id}] = c.after.has_value();
  std::deque<std::string> known_ids;  // what `known` views
  KeyMap<bool> known;
  auto exists = [&](Kind kind, const std::string& id) {
    if (auto it = pending.find({kind, id}); it != pending.end()) return it->second;
    if (auto it = known.find({kind, id}); it != known.end()) return it->second;
    bool found = view_.exists(kind, id);
    known.emplace(KeyView{kind, known_ids.emplace_back(id)}, found);
    return found;
  };
  for (std::size_t i = 0; i < changes.size(); ++i) {
    const auto& c = changes[i];
    if (!c.after) continue;
    for (const auto& ref : references_of(c.kind, *c.row)) {
      if (!exists(ref.to, ref.id))
        throw RecordError(origin[i], describe_record(c.kind, c.after->is_null() ? parse_json(*plan.files[i].content,
                                                                                             plan.files[i].path)
                                                                                : *c.after) +
                                         ": " + std::string(ref.field) +
                                         ": unknown " + std::string(kind_name(ref.to)) + " '" + ref.id + "'");
    }
  }
  for (std::size_t i = 0; i < changes.size(); ++i) {
    const auto& c = changes[i];
    if (c.after) continue;
    for (const auto& r : view_.referrers(c.kind, c.id, 6)) {
      if (pending.count({r.key.kind, r.key.id})) continue;  // its new state was checked above
      throw RecordError(origin[i], "cannot remove " + std::string(kind_name(c.kind)) + " " + short_id(c.id) +
                      ": still referred to by " + r.description + " (" + r.field + ")");
    }
  }
}

std::optional<CommitId> Store::commit(std::vector<RecordChange> changes, const std::string& message,
                                      bool normalized) {
  if (state_.pending_merge())
    throw UserError("a merge is in progress: resolve its conflicts ('liaison conflicts') and run "
                    "'liaison merge --continue', or 'liaison merge --abort'");
  return commit_impl(std::move(changes), message, normalized, std::nullopt);
}

CommitId Store::commit_merge(std::vector<RecordChange> changes, const std::string& message, const CommitId& theirs) {
  return *commit_impl(std::move(changes), message, false, theirs);
}

Transaction Store::lock_writers() {
  auto tx = view_.write_transaction();
  history_.remove_stale_ref_locks();
  return tx;
}

void Store::fast_forward(const CommitId& commit) {
  auto tx = lock_writers();
  auto head = history_.head();
  if (!history_.advance_head(head, commit, "liaison: fast-forward"))
    throw Failure("the copy's history moved during the change; nothing was changed, try again");
  catch_up();
  tx.commit();
}

bool Store::replace_head(const CommitId& expected, const CommitId& commit) {
  auto tx = lock_writers();
  if (history_.head() != expected) return false;
  if (!history_.advance_head(expected, commit, "liaison: the server's version of the pushed commits")) return false;
  catch_up();
  tx.commit();
  return true;
}

void Store::start_at(const CommitId& commit) {
  auto tx = lock_writers();
  if (history_.head()) throw Failure("start_at needs an empty history");
  if (!history_.advance_head(std::nullopt, commit, "liaison: clone"))
    throw Failure("the copy's history moved during the clone; nothing was changed, try again");
  bool keep = view_.head() == commit;
  for (Kind kind : kAllKinds) {
    if (!keep) break;
    keep = static_cast<std::size_t>(view_.count(kind)) == history_.count_files(commit, std::string(spec(kind).plural));
  }
  if (!keep) load_view(commit);
  view_.set_head(commit);
  tx.commit();
}

std::optional<CommitId> Store::commit_impl(std::vector<RecordChange> input, const std::string& message,
                                           bool normalized, const std::optional<CommitId>& merge_parent) {
  auto plan = plan_change(std::move(input), normalized);
  if (plan.effective.empty() && !merge_parent) return std::nullopt;
  return apply_change(plan, message, merge_parent);
}

void Store::lock_for_plan(ChangePlan& plan, const std::map<Kind, std::size_t>& changed_per_kind) {
  plan.lock.emplace(lock_writers());
  plan.head = history_.head();
  if (view_.head() != plan.head) catch_up();
  // When a change is large next to what the view holds (an import), the
  // ids present are read in one scan per kind, and rows only for records
  // that exist; a merge of 10k changed records into 100k reads just those.
  for (const auto& [kind, n] : changed_per_kind)
    if (n > kLargeChange && n * 4 > static_cast<std::size_t>(view_.count(kind)))
      plan.present.emplace(kind, view_.ids(kind));
}

std::optional<Json> Store::planned_before(const ChangePlan& plan, Kind kind, const std::string& id) {
  if (auto it = plan.present.find(kind); it != plan.present.end() && !it->second.count(id)) return std::nullopt;
  return view_.get(kind, id);
}

namespace {

// The record of a change that may have been given by its text alone
// (RecordChange::after null), read from that text the first time it is asked for.
const Json& record_of(RecordChange& c) {
  if (c.after->is_null()) *c.after = parse_json(c.text, record_path(c.kind, c.id));
  return *c.after;
}

// The changes with their normalised records and ids, in input order; throws
// RecordError for the first record that failed to normalise, whose id does
// not match the one given, or that appears twice. was_read[i] tells whether
// the i-th change's current row was read ahead (by the id it was given).
std::vector<RecordChange> normalized_changes(std::vector<RecordChange>& input, std::vector<NormalizedRecord>& normal,
                                             bool normalized, bool read_ahead, std::vector<bool>& was_read) {
  std::vector<RecordChange> changes;
  changes.reserve(input.size());
  for (std::size_t i = 0; i < input.size(); ++i) {
    auto& c = input[i];
    RecordChange n{c.kind, std::move(c.id), std::nullopt, normalized ? std::move(c.text) : std::string(),
                   normalized ? std::move(c.row) : std::nullopt};
    bool given = !n.id.empty();
    if (c.after) {
      if (normal[i].error) {
        try {
          std::rethrow_exception(normal[i].error);
        } catch (const UserError& e) {
          throw RecordError(i, e.what());
        }
      }
      n.after = normalized ? std::move(*c.after) : std::move(normal[i].record);
      if (n.after->is_null() && (n.text.empty() || !n.row))
        throw Failure("a record given by its text alone needs its text and its row");
      std::string id = n.row ? n.row->id : record_id(c.kind, *n.after);
      if (given && id != n.id)
        throw RecordError(i, describe_record(c.kind, record_of(n)) + ": id does not match '" + n.id + "'");
      n.id = std::move(id);
    }
    was_read.push_back(read_ahead && given);
    changes.push_back(std::move(n));
  }
  KeySet seen;  // views changes' ids, which stay where they are from here on
  seen.reserve(changes.size());
  for (std::size_t i = 0; i < changes.size(); ++i)
    if (!seen.insert({changes[i].kind, changes[i].id}).second)
      throw RecordError(i, std::string(kind_name(changes[i].kind)) + " " + short_id(changes[i].id) +
                               " appears twice in one change");
  return changes;
}

}  // namespace

Store::ChangePlan Store::plan_change(std::vector<RecordChange> input, bool normalized) {
  ChangePlan plan;
  std::map<Kind, std::size_t> changed_per_kind;
  for (const auto& c : input) ++changed_per_kind[c.kind];
  // A small change is normalised before taking the lock. A large one that
  // needs normalising (a merge: phone numbers dominate) is normalised on
  // other threads while this one takes the lock and reads the rows the
  // records have now, by the ids they were given.
  bool read_ahead = !normalized && input.size() > kLargeChange;
  std::future<std::vector<NormalizedRecord>> normalizing;
  std::vector<NormalizedRecord> normal;
  if (read_ahead) normalizing = in_background([&input] { return normalize_all(input); });
  else normal = normalized ? std::vector<NormalizedRecord>(input.size()) : normalize_all(input);
  std::vector<std::optional<Json>> read_before(read_ahead ? input.size() : 0);
  if (read_ahead) {
    lock_for_plan(plan, changed_per_kind);
    for (std::size_t i = 0; i < input.size(); ++i)
      if (!input[i].id.empty()) read_before[i] = planned_before(plan, input[i].kind, input[i].id);
    normal = normalizing.get();
  }
  std::vector<bool> was_read;  // read_before[i] holds the i-th change's row
  auto changes = normalized_changes(input, normal, normalized, read_ahead, was_read);
  std::vector<RecordChange>().swap(input);  // moved into `changes`
  std::vector<NormalizedRecord>().swap(normal);
  if (!plan.lock) lock_for_plan(plan, changed_per_kind);

  plan.origin.reserve(changes.size());
  plan.befores.reserve(changes.size());
  plan.files.reserve(changes.size());
  std::size_t kept = 0;  // the effective changes are gathered at the front of `changes`
  for (std::size_t i = 0; i < changes.size(); ++i) {
    auto& c = changes[i];
    auto before = was_read[i] ? std::move(read_before[i]) : planned_before(plan, c.kind, c.id);
    if (!before && !c.after) throw RecordError(i, "no " + std::string(kind_name(c.kind)) + " with id '" + c.id + "'");
    if (before && c.after && *before == record_of(c)) continue;
    if (before && c.after) {
      try {
        check_update(c.kind, *before, *c.after);
      } catch (const UserError& e) {
        throw RecordError(i, e.what());
      }
    }
    if (c.after && !c.row) c.row = make_view_row(c.kind, *c.after);
    std::optional<std::string> text;
    if (c.after) text = c.text.empty() ? canonical_json(*c.after) : std::move(c.text);
    plan.files.push_back({record_path(c.kind, c.id), std::move(text)});
    plan.replaces_rows |= before.has_value();
    if (kept == 0)
      plan.summary = describe_change(c.kind, before, c.after && c.after->is_null()
                                                         ? std::optional<Json>(parse_json(*plan.files.back().content,
                                                                                          plan.files.back().path))
                                                         : c.after);
    if (c.after && !before) *c.after = Json();  // written from its row and text from here on
    plan.befores.push_back(std::move(before));
    if (kept != i) changes[kept] = std::move(c);
    ++kept;
    plan.origin.push_back(i);
  }
  changes.erase(changes.begin() + static_cast<std::ptrdiff_t>(kept), changes.end());
  plan.effective = std::move(changes);
  check_references(plan);
  return plan;
}


CommitId Store::apply_change(ChangePlan& plan, const std::string& message, const std::optional<CommitId>& merge_parent) {
  std::string full_message = message.empty() ? plan.summary : message;
  full_message += "\n\nLiaison-Org: " + org() + "\n";
  std::vector<CommitId> parents;
  if (plan.head) parents.push_back(*plan.head);
  if (merge_parent) parents.push_back(*merge_parent);
  // History objects and view rows are written at the same time on two
  // threads; the head moves only when both are done, and the view
  // transaction commits after the head, so a failure anywhere leaves the
  // copy as it was (or, after the head moved, with a view that catches up).
  Person author = user();
  auto written = in_background([&] { return history_.write_commit(parents, plan.files, author, full_message); });
  std::future<void> freeing;
  try {
    freeing = write_view(plan);
  } catch (...) {
    written.wait();
    throw;
  }
  CommitId id = written.get();
  if (!history_.advance_head(plan.head, id, "liaison: " + full_message.substr(0, full_message.find('\n'))))
    throw Failure("the copy's history moved during the change; nothing was changed, try again");
  view_.set_head(id);
  plan.lock->commit();
  if (freeing.valid()) freeing.get();
  return id;
}

std::future<void> Store::write_view(ChangePlan& plan) {
  auto& effective = plan.effective;
  std::optional<PageCacheCap> cap;
  if (effective.size() > kLargeChange) cap.emplace(view_, kLargeChangePageCache);
  // Dropping indexes pays off for a large load of new rows only: replacing
  // rows needs the indexes to find the old ones.
  bool bulk = effective.size() > kRebuildIndexesAbove && !plan.replaces_rows;
  // A bulk load goes in id order, so the id index grows at its end instead
  // of taking each row at a random place.
  std::vector<std::size_t> order(effective.size());
  std::iota(order.begin(), order.end(), 0);
  if (bulk) {
    view_.begin_bulk();
    std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
      return std::tie(effective[a].kind, effective[a].id) < std::tie(effective[b].kind, effective[b].id);
    });
  }
  for (std::size_t i : order) {
    auto& c = effective[i];
    if (!c.after) view_.remove(c.kind, c.id);
    else if (plan.befores[i]) view_.replace(c.kind, *plan.befores[i], *c.after, *c.row, *plan.files[i].content);
    else view_.insert(c.kind, *c.row, *plan.files[i].content);
    c.row.reset();  // written: its memory goes to the view's pages
  }
  // The records are in the view: another thread frees them while indexes
  // are built and the transaction commits.
  std::future<void> freeing;
  if (effective.size() > kLargeChange) freeing = free_later(std::move(plan.effective), std::move(plan.befores));
  if (bulk) view_.end_bulk();
  view_.flush_search_index();
  return freeing;
}

Json Store::add(Kind kind, Json record) {
  const auto& ks = spec(kind);
  if (ks.random_id() && !record.contains(ks.id_field)) record[ks.id_field] = new_random_id();
  apply_defaults(kind, record, today());
  auto normalized = normalize_record(kind, record);
  auto id = record_id(kind, normalized);
  if (view_.exists(kind, id)) throw UserError(std::string(kind_name(kind)) + " '" + id + "' already exists");
  commit({{kind, id, normalized}}, "");
  return normalized;
}

Json Store::update(Kind kind, const std::string& id, const Json& record) {
  auto stored = view_.get(kind, id);
  auto normalized = normalize_record(kind, record, stored ? &*stored : nullptr);
  commit({{kind, id, normalized}}, "", true);
  return normalized;
}

void Store::remove(Kind kind, const std::string& id) { commit({{kind, id, std::nullopt}}, ""); }

void Store::apply_to_view(const std::vector<BlobDiff>& diffs) {
  for (const auto& d : diffs) {
    auto key = parse_record_path(d.path);
    if (!key) continue;
    if (d.new_blob) {
      auto text = history_.read_blob(*d.new_blob);
      view_.put(key->kind, parse_json(text, d.path), text);
    } else {
      view_.remove(key->kind, key->id);
    }
  }
}

void Store::catch_up() {
  auto head = history_.head();
  auto seen = view_.head();
  if (head == seen) return;
  bool own_tx = !view_.in_transaction();
  std::optional<Transaction> tx;
  if (own_tx) tx.emplace(view_.write_transaction());
  if (!head) {
    view_.clear_records();
  } else if (!seen) {
    load_view(*head);
  } else {
    // Row by row, with the indexes kept up to date, unless the change
    // outweighs what the view holds (a central copy taking a 100k-record
    // import): then the bulk load of every record is the faster way.
    auto diffs = history_.diff_blobs(seen, *head);
    std::int64_t held = 0;
    for (Kind kind : kAllKinds) held += view_.count(kind);
    if (diffs.size() > kLargeChange && static_cast<std::int64_t>(diffs.size()) * 2 > held) load_view(*head);
    else apply_to_view(diffs);
  }
  view_.set_head(head);
  if (tx) tx->commit();
}

void Store::load_view(const CommitId& head) {
  // One thread reads the records and makes their rows while this one writes them:
  // for a clone of 100k records the two halves take about as long.
  struct Parsed {
    Kind kind;
    ViewRow row;
    std::string text;
  };
  using Batch = std::vector<Parsed>;
  constexpr std::size_t kBatch = 256;
  BatchQueue<Batch> queue(64);
  auto reader = in_background([&] {
    try {
      Batch batch;
      batch.reserve(kBatch);
      bool stopped = false;
      history_.for_each_file(head, [&](const std::string& path, std::string_view content) {
        if (stopped) return;
        auto key = parse_record_path(path);
        if (!key) return;
        batch.push_back({key->kind, make_view_row(key->kind, parse_json(content, path)), std::string(content)});
        if (batch.size() == kBatch) {
          stopped = !queue.push(std::move(batch));
          batch = Batch();
          batch.reserve(kBatch);
        }
      });
      if (!batch.empty()) queue.push(std::move(batch));
      queue.close();
    } catch (...) {
      queue.fail(std::current_exception());
    }
  });
  try {
    view_.clear_records();
    view_.begin_bulk();
    while (auto batch = queue.pop())
      for (const auto& p : *batch) view_.insert(p.kind, p.row, p.text);
    view_.end_bulk();
  } catch (...) {
    queue.abandon();
    reader.wait();
    throw;
  }
  reader.get();
}

void Store::rebuild_view() {
  Transaction tx = view_.write_transaction();
  view_.set_head(std::nullopt);
  if (auto head = history_.head()) load_view(*head);
  else view_.clear_records();
  view_.set_head(history_.head());
  tx.commit();
}

DoctorReport Store::doctor() {
  History::verify_objects_on_read(true);
  DoctorReport report;
  auto head = history_.head();
  if (view_.head() != head)
    report.problems.push_back("view reflects commit " + short_commit(view_.head().value_or("(none)")) +
                              " but history is at " + short_commit(head.value_or("(none)")));
  if (!head) return report;
  std::map<RecordKey, Json> records;
  history_.for_each_file(*head, [&](const std::string& path, std::string_view content) {
    auto key = parse_record_path(path);
    if (!key) {
      report.problems.push_back(path + ": not a record path");
      return;
    }
    ++report.records_checked;
    try {
      auto parsed = parse_json(content, path);
      auto normalized = normalize_record(key->kind, parsed);
      if (canonical_json(normalized) != content) report.problems.push_back(path + ": not in canonical form");
      if (record_id(key->kind, normalized) != key->id) report.problems.push_back(path + ": id does not match path");
      records.emplace(*key, std::move(normalized));
    } catch (const Error& e) {
      report.problems.push_back(path + ": " + e.what());
    }
  });
  for (const auto& [key, rec] : records)
    for (const auto& ref : references_of(key.kind, rec))
      if (!records.count({ref.to, ref.id}))
        report.problems.push_back(describe_record(key.kind, rec) + ": " + std::string(ref.field) + ": unknown " +
                                  std::string(kind_name(ref.to)) + " '" + ref.id + "'");
  for (auto& p : view_.differences(records, kMaxDoctorProblems)) report.problems.push_back(std::move(p));
  return report;
}

}  // namespace liaison
