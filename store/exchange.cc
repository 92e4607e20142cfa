#include "store/exchange.h"

#include "git/commit_patch.h"
#include "base/error.h"
#include "merge/merge.h"
#include "view/sqlite_db.h"
#include "base/temp_file.h"
#include "git/transfer.h"
#include "view/view_snapshot.h"

namespace liaison {
namespace {

// A bare git repository: what `git clone --bare` or `--mirror` of a copy's
// history makes, or a copy's history.git itself.
bool is_git_history(const std::filesystem::path& dir) {
  return std::filesystem::is_regular_file(dir / "HEAD") && std::filesystem::is_directory(dir / "objects") &&
         std::filesystem::is_directory(dir / "refs");
}

bool is_exchange_location(const std::filesystem::path& location) {
  return Store::is_copy(location) || is_git_history(location);
}

std::filesystem::path history_of(const std::filesystem::path& location) {
  if (Store::is_copy(location)) return Store::history_dir(location);
  if (is_git_history(location)) return location;
  throw UserError("not a liaison copy nor a git history: " + location.string());
}

std::filesystem::path view_of(const std::filesystem::path& copy) { return copy / "view.db"; }

}  // namespace

bool is_url(const std::string& location) {
  return location.starts_with("http://") || location.starts_with("https://");
}

void add_remote(Store& store, const Remote& remote) {
  if (remote.name.empty() || remote.name.find_first_of(" /\\.") != std::string::npos)
    throw UserError("remote name '" + remote.name + "' must be a single word");
  if (!is_url(remote.url) && !is_exchange_location(remote.url))
    throw UserError("'" + remote.url + "' is neither an http(s) URL nor a liaison copy or git history");
  std::string url = is_url(remote.url) ? remote.url : std::filesystem::absolute(remote.url).lexically_normal().string();
  store.state().add_remote({remote.name, url, remote.token});
}

void remove_remote(Store& store, const std::string& name) { store.state().remove_remote(name); }

std::vector<Remote> list_remotes(Store& store) { return store.state().remotes(); }

std::optional<Remote> find_remote(Store& store, const std::string& name) { return store.state().remote(name); }

std::vector<CommitId> recent_commits(const History& history, std::size_t limit) {
  std::vector<CommitId> out;
  for (const auto& c : history.log(std::nullopt, limit)) out.push_back(c.id);
  return out;
}

CommitId fetch_from_copy(Store& store, const std::filesystem::path& other) {
  auto source = History::open(history_of(other));
  auto head = source.head();
  if (!head) throw UserError("the copy at " + other.string() + " has no history yet");
  copy_objects(source, store.history(), *head, recent_commits(store.history()));
  return *head;
}

CommitId fetch_bundle(Store& store, const std::filesystem::path& file) {
  auto bundle = read_bundle(file);
  for (const auto& p : bundle.prerequisites) {
    if (!store.history().has_commit(p))
      throw UserError(file.filename().string() + ": the bundle builds on commit " + short_commit(p) +
                      ", which this copy does not have; ask for a bundle made --since a commit you have");
  }
  auto patches = decode_patches(bundle.payload, file.filename().string());
  if (patches.empty()) return bundle.head;  // nothing new: the receiver must have the head already
  auto last = apply_patches(store.history(), patches, file.filename().string());
  if (last != bundle.head)
    throw UserError(file.filename().string() + ": the bundle does not end at the commit it announces");
  return bundle.head;
}

PushResult push_to_copy(Store& store, const std::filesystem::path& other) {
  auto ours = store.history().head();
  if (!ours) throw UserError("nothing to push: the history is empty");
  if (auto state = Store::peek_state(other); state && state->merging)
    throw UserError("the copy at " + other.string() + " has a merge in progress; it must finish it first");
  // The other copy's writer lock, held as its own commands hold it while
  // they move its head. A plain git history has no such lock.
  std::optional<Database> target_view;
  std::optional<Transaction> target_lock;
  if (Store::is_copy(other) && std::filesystem::exists(view_of(other))) {
    target_view.emplace(Database::open(view_of(other)));
    target_lock.emplace(*target_view);
  }
  auto target = History::open(history_of(other));
  if (target_lock) target.remove_stale_ref_locks();
  auto theirs = target.head();
  if (theirs == ours) return {true, *ours};
  if (theirs) {
    bool known = true;
    try {
      store.history().commit_info(*theirs);
    } catch (const Error&) {
      known = false;
    }
    if (!known || !store.history().is_ancestor(*theirs, *ours))
      throw UserError("push refused: the copy at " + other.string() +
                      " has commits this copy lacks; pull from it first, then push");
  }
  std::vector<CommitId> haves;
  if (theirs) haves.push_back(*theirs);
  copy_objects(store.history(), target, *ours, haves);
  if (!target.advance_head(theirs, *ours, "liaison: push"))
    throw UserError("push refused: the other copy changed meanwhile; pull and push again");
  return {false, *ours};
}

Store clone_copy(const std::filesystem::path& source, const std::filesystem::path& dir,
                 const std::optional<std::string>& org) {
  auto source_history = History::open(history_of(source));
  auto head = source_history.head();
  if (!head) throw UserError("the copy at " + source.string() + " has no history to clone");
  Store::InitOptions options;
  auto source_state = Store::peek_state(source);
  options.org = org ? *org : source_state ? source_state->org : "";
  if (options.org.empty())
    throw UserError(source_state ? "give --org: the source copy does not say whose it is"
                                 : "give --org: a git history does not say whose copy it is");
  options.with_reference_data = false;
  // The source's view, when it reflects the head, saves building ours.
  TempFile snapshot(dir.parent_path() / ("." + dir.filename().string() + ".view-snapshot"));
  try {
    if (!std::filesystem::exists(view_of(source))) throw Failure("no view");
    auto source_view = Database::open(view_of(source));
    if (View::head_of(source_view) == head) {
      write_view_snapshot(source_view, snapshot.path());
      options.view_snapshot = snapshot.path();
    }
  } catch (const Error&) {
    // No usable snapshot: the view is built from history.
  }
  auto store = Store::init(dir, options);
  copy_object_files(source_history, store.history());
  store.start_at(*head);
  add_remote(store, {"origin", source.string(), ""});
  return store;
}

}  // namespace liaison
