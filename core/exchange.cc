#include "core/exchange.h"

#include "core/commit_patch.h"
#include "core/error.h"
#include "core/merge.h"
#include "core/sqlite_db.h"
#include "core/temp_file.h"
#include "core/transfer.h"
#include "core/view_snapshot.h"

namespace liaison {
namespace {

std::filesystem::path history_of(const std::filesystem::path& copy) {
  if (!Store::is_copy(copy)) throw UserError("not a liaison copy: " + copy.string());
  return copy / "history.git";
}

std::filesystem::path view_of(const std::filesystem::path& copy) { return copy / "view.db"; }

// Reads a setting of another copy without opening it as a Store (which
// would write to it).
std::optional<std::string> other_setting(const std::filesystem::path& copy, const std::string& key) {
  auto db = Database::open(view_of(copy));
  return db.scalar("SELECT value FROM settings WHERE key=?", key);
}

}  // namespace

bool is_url(const std::string& location) {
  return location.starts_with("http://") || location.starts_with("https://");
}

void add_remote(Store& store, const Remote& remote) {
  if (remote.name.empty() || remote.name.find_first_of(" /\\.") != std::string::npos)
    throw UserError("remote name '" + remote.name + "' must be a single word");
  if (find_remote(store, remote.name)) throw UserError("remote '" + remote.name + "' exists already");
  if (!is_url(remote.url) && !Store::is_copy(remote.url))
    throw UserError("'" + remote.url + "' is neither an http(s) URL nor a liaison copy");
  std::string url = is_url(remote.url) ? remote.url : std::filesystem::absolute(remote.url).lexically_normal().string();
  store.view().set_setting("remote." + remote.name + ".url", url);
  if (!remote.token.empty()) store.view().set_setting("remote." + remote.name + ".token", remote.token);
}

void remove_remote(Store& store, const std::string& name) {
  if (!find_remote(store, name)) throw UserError("no remote named '" + name + "'");
  auto st = store.view().db().prepare("DELETE FROM settings WHERE key LIKE ?");
  st.bind(1, "remote." + name + ".%").run();
}

std::vector<Remote> list_remotes(Store& store) {
  std::vector<Remote> out;
  auto st = store.view().db().prepare(
      "SELECT substr(key, 8, length(key) - 11), value FROM settings WHERE key LIKE 'remote.%.url' ORDER BY key");
  while (st.step()) {
    Remote r{st.text(0), st.text(1), ""};
    r.token = store.view().setting("remote." + r.name + ".token").value_or("");
    out.push_back(r);
  }
  return out;
}

std::optional<Remote> find_remote(Store& store, const std::string& name) {
  auto url = store.view().setting("remote." + name + ".url");
  if (!url) return std::nullopt;
  return Remote{name, *url, store.view().setting("remote." + name + ".token").value_or("")};
}

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
    git_oid oid;
    git_commit* c = nullptr;
    if (git_oid_fromstr(&oid, p.c_str()) != 0 || git_commit_lookup(&c, store.history().raw(), &oid) != 0)
      throw UserError(file.filename().string() + ": the bundle builds on commit " + p.substr(0, 10) +
                      ", which this copy does not have; ask for a bundle made --since a commit you have");
    git_commit_free(c);
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
  if (other_setting(other, "merge"))
    throw UserError("the copy at " + other.string() + " has a merge in progress; it must finish it first");
  auto target = History::open(history_of(other));
  auto theirs = target.head();
  if (theirs == ours) return {true, *ours};
  if (theirs) {
    bool known = true;
    try {
      store.history().commit_info(*theirs);
    } catch (const Error&) {
      known = false;
    }
    if (!known || !is_ancestor(store.history(), *theirs, *ours))
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
  options.org = org ? *org : other_setting(source, "org").value_or("");
  if (options.org.empty()) throw UserError("give --org: the source copy does not say whose it is");
  options.with_reference_data = false;
  // The source's view, when it reflects the head, saves building ours.
  TempFile snapshot(dir.parent_path() / ("." + dir.filename().string() + ".view-snapshot"));
  try {
    auto source_view = Database::open(view_of(source));
    if (source_view.scalar("SELECT value FROM meta WHERE key='head'") == head) {
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
