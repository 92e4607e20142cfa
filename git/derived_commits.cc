#include "git/derived_commits.h"

#include <algorithm>
#include <set>

#include <git2/sys/mempack.h>
#include <git2/sys/odb_backend.h>

#include "git/git_handles.h"
#include "git/tree_delta.h"
#include "git/object_batch.h"
#include "git/pack_writer.h"

namespace liaison {

struct DerivedCommits::Made {
  std::vector<std::pair<git_oid, git_object_t>> objects;
  // Directories tree_with() made as deltas, not readable until written.
  struct Delta {
    git_oid id, base;
    std::string delta;
  };
  std::vector<Delta> deltas;
  std::set<std::string> delta_ids;  // hex
  git_odb_backend* memory = nullptr;  // owned by the object store
};

namespace {

git_oid oid_of(const CommitId& id) {
  auto oid = parse_oid(id);
  if (!oid) throw Failure("not a commit id: " + id);
  return *oid;
}

GitTree tree_of_commit(git_repository* repo, const std::optional<CommitId>& commit) {
  git_oid tree_id;
  if (commit) {
    git_oid c = oid_of(*commit);
    git_commit* raw = nullptr;
    git_check(git_commit_lookup(&raw, repo, &c), "reading commit " + short_commit(*commit));
    GitCommit guard(raw);
    tree_id = *git_commit_tree_id(raw);
  } else {
    tree_id = empty_tree_id(repo);
  }
  git_tree* t = nullptr;
  git_check(git_tree_lookup(&t, repo, &tree_id), "reading tree");
  return GitTree(t);
}

// The header lines of `source` that a derived commit keeps: all but its tree
// and parents, and but a signature, which would not hold for other bytes.
std::string kept_header(git_repository* repo, const CommitId& source) {
  git_oid c = oid_of(source);
  git_commit* raw = nullptr;
  git_check(git_commit_lookup(&raw, repo, &c), "reading commit " + short_commit(source));
  GitCommit guard(raw);
  std::string header = git_commit_raw_header(raw) ? git_commit_raw_header(raw) : "";
  std::string out;
  bool in_signature = false;
  std::size_t at = 0;
  while (at < header.size()) {
    auto end = header.find('\n', at);
    if (end == std::string::npos) end = header.size();
    std::string_view line(header.data() + at, end - at);
    at = end + 1;
    if (line.starts_with(" ") && in_signature) continue;
    in_signature = line.starts_with("gpgsig");
    if (in_signature || line.starts_with("tree ") || line.starts_with("parent ")) continue;
    out.append(line);
    out.push_back('\n');
  }
  return out;
}

}  // namespace

DerivedCommits::DerivedCommits(const History& history)
    : staged_(std::make_unique<History>(History::open(history.dir()))), made_(std::make_unique<Made>()) {
  auto odb = object_store(staged_->raw());
  git_odb_backend* mempack = nullptr;
  git_check(git_mempack_new(&mempack), "creating an in-memory object store");
  git_check(git_odb_add_backend(odb.get(), mempack, 1000), "creating an in-memory object store");
  made_->memory = mempack;
}

DerivedCommits::~DerivedCommits() = default;

ObjectId DerivedCommits::blob(std::string_view content) {
  auto odb = object_store(staged_->raw());
  git_oid id;
  git_check(git_odb_hash(&id, content.data(), content.size(), GIT_OBJECT_BLOB), "hashing blob");
  if (!git_odb_exists_ext(odb.get(), &id, GIT_ODB_LOOKUP_NO_REFRESH)) {
    // Straight into memory: the object store's write would look for the
    // object again on disk, rescanning its packs.
    git_check(made_->memory->write(made_->memory, &id, content.data(), content.size(), GIT_OBJECT_BLOB),
              "writing blob");
    made_->objects.emplace_back(id, GIT_OBJECT_BLOB);
  }
  return to_object_id(id);
}

bool DerivedCommits::has_file(const std::optional<CommitId>& commit, const std::string& path) const {
  auto tree = tree_of_commit(staged_->raw(), commit);
  git_tree_entry* e = nullptr;
  if (git_tree_entry_bypath(&e, tree.get(), path.c_str()) != 0) return false;
  GitTreeEntry guard(e);
  return true;
}

CommitId DerivedCommits::commit(const History& sources, const CommitId& source, const std::vector<CommitId>& parents,
                                const std::optional<CommitId>& base, const std::vector<BlobUpdate>& updates,
                                const std::string& message) {
  git_repository* repo = staged_->raw();
  auto base_tree = tree_of_commit(repo, base);
  std::vector<git_tree_update> edits;
  std::vector<git_oid> ids(updates.size());
  std::vector<std::string> paths;
  for (std::size_t i = 0; i < updates.size(); ++i) {
    const auto& u = updates[i];
    git_tree_update e{};
    e.path = u.path.c_str();
    if (u.blob) {
      ids[i] = to_git_oid(*u.blob);
      e.action = GIT_TREE_UPDATE_UPSERT;
      e.id = ids[i];
      e.filemode = GIT_FILEMODE_BLOB;
    } else {
      git_tree_entry* found = nullptr;
      if (git_tree_entry_bypath(&found, base_tree.get(), u.path.c_str()) != 0) continue;
      git_tree_entry_free(found);
      e.action = GIT_TREE_UPDATE_REMOVE;
    }
    edits.push_back(e);
    paths.push_back(u.path);
  }
  git_oid tree_id;
  git_check(git_tree_create_updated(&tree_id, repo, base_tree.get(), edits.size(), edits.data()), "building tree");
  for (const auto& id : trees_along(repo, tree_id, paths)) made_->objects.emplace_back(id, GIT_OBJECT_TREE);
  return commit_with_tree(sources, source, parents, oid_hex(tree_id), message);
}

std::optional<ObjectId> DerivedCommits::edit_directory(const std::optional<ObjectId>& base,
                                                       const std::vector<std::pair<std::string, const BlobUpdate*>>& updates) {
  git_repository* repo = staged_->raw();
  auto odb = object_store(repo);
  std::vector<std::pair<std::string, const BlobUpdate*>> here;  // files in this directory
  std::map<std::string, std::vector<std::pair<std::string, const BlobUpdate*>>> below;
  for (const auto& [rest, u] : updates) {
    auto slash = rest.find('/');
    if (slash == std::string::npos) here.emplace_back(rest, u);
    else below[rest.substr(0, slash)].emplace_back(rest.substr(slash + 1), u);
  }
  std::sort(here.begin(), here.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  // A directory of files only is remembered by what it is built from: its
  // base and each file's name and blob (or none), as raw bytes.
  std::string key;
  if (below.empty()) {
    key = base ? "B" + std::string(reinterpret_cast<const char*>(base->bytes.data()), GIT_OID_RAWSZ) : "N";
    for (const auto& [name, u] : here) {
      key += std::to_string(name.size()) + ":" + name;
      key += u->blob ? "+" + std::string(reinterpret_cast<const char*>(u->blob->bytes.data()), GIT_OID_RAWSZ) : "-";
    }
    if (auto known = directories_.find(key); known != directories_.end()) return known->second;
  }
  std::string base_bytes;
  if (base) base_bytes = read_raw_object(odb.get(), to_git_oid(*base));
  auto entries = tree_entries(base_bytes);
  if (!entries) throw Failure("tree_with: a malformed tree");
  std::vector<EntryEdit> edits;
  for (const auto& [name, u] : here) {
    if (!edits.empty() && edits.back().name == name) throw Failure("tree_with: " + u->path + " is set twice");
    edits.push_back({name, std::nullopt, false});
    if (u->blob) edits.back().id = to_git_oid(*u->blob);
  }
  for (const auto& [name, under] : below) {
    std::optional<ObjectId> sub;
    for (const auto& e : *entries)
      if (e.name == name && e.directory) sub = to_object_id(e.id);
    auto made = edit_directory(sub, under);
    if (made == sub) continue;
    edits.push_back({name, std::nullopt, true});
    if (made) edits.back().id = to_git_oid(*made);
  }
  auto edited = edit_tree(base_bytes, std::move(edits));
  if (!edited) throw Failure("tree_with: an entry set twice");
  std::optional<ObjectId> out;
  if (!edited->tree.empty()) {
    auto id = object_id(GIT_OBJECT_TREE, edited->tree);
    out = to_object_id(id);
    if (!made_->delta_ids.count(oid_hex(id)) && !git_odb_exists_ext(odb.get(), &id, GIT_ODB_LOOKUP_NO_REFRESH)) {
      if (base) {
        // Kept as a delta against its base: a few entries, not the whole
        // directory again.
        made_->delta_ids.insert(oid_hex(id));
        made_->deltas.push_back({id, to_git_oid(*base), std::move(edited->delta)});
      } else {
        git_oid written;
        git_check(git_odb_write(&written, odb.get(), edited->tree.data(), edited->tree.size(), GIT_OBJECT_TREE),
                  "writing tree");
        made_->objects.emplace_back(written, GIT_OBJECT_TREE);
      }
    }
  }
  if (below.empty()) {
    if (directories_.size() >= kDirectoriesKept) directories_.clear();
    directories_.emplace(std::move(key), out);
  }
  return out;
}

std::string DerivedCommits::tree_with(const std::optional<CommitId>& base, const std::vector<BlobUpdate>& updates) {
  git_repository* repo = staged_->raw();
  auto base_tree = tree_of_commit(repo, base);
  std::vector<std::pair<std::string, const BlobUpdate*>> all;
  all.reserve(updates.size());
  for (const auto& u : updates) all.emplace_back(u.path, &u);
  auto root = edit_directory(to_object_id(*git_tree_id(base_tree.get())), all);
  return root ? oid_hex(to_git_oid(*root)) : oid_hex(empty_tree_id(repo));
}

CommitId DerivedCommits::commit_with_tree(const History& sources, const CommitId& source,
                                          const std::vector<CommitId>& parents, const std::string& tree,
                                          const std::string& message) {
  auto odb = object_store(staged_->raw());
  std::string raw = "tree " + tree + "\n";
  for (const auto& p : parents) raw += "parent " + p + "\n";
  raw += kept_header(sources.raw(), source);
  raw += "\n";
  raw += message;
  git_oid commit_id;
  git_check(git_odb_write(&commit_id, odb.get(), raw.data(), raw.size(), GIT_OBJECT_COMMIT), "writing commit");
  made_->objects.emplace_back(commit_id, GIT_OBJECT_COMMIT);
  return oid_hex(commit_id);
}

// A delta stands for a few entries of a tree: about a 64th of an object.
std::size_t DerivedCommits::pending() const { return made_->objects.size() + made_->deltas.size() / 64; }

bool DerivedCommits::holds_unreadable() const { return !made_->deltas.empty(); }

std::size_t DerivedCommits::write(History& target) {
  auto staged_store = object_store(staged_->raw());
  auto target_store = object_store(target.raw());
  std::set<std::string> seen;
  std::size_t written = 0;
  auto is_new = [&](const git_oid& id) {
    return seen.insert(oid_hex(id)).second && !git_odb_exists_ext(target_store.get(), &id, GIT_ODB_LOOKUP_NO_REFRESH);
  };
  if (made_->deltas.empty()) {
    ObjectBatch batch(target.pack_compression_level());
    for (const auto& [id, type] : made_->objects) {
      if (!is_new(id)) continue;
      batch.add(id, type, read_raw_object(staged_store.get(), id));
      ++written;
    }
    batch.write(target.raw(), target.dir());
  } else {
    // One pack, each delta beside its base (a pack git keeps holds every
    // base it refers to).
    PackWriter pack(target.pack_compression_level(), target.dir());
    for (const auto& [id, type] : made_->objects) {
      if (made_->delta_ids.count(oid_hex(id)) || !is_new(id)) continue;
      pack.add(type, read_raw_object(staged_store.get(), id));
      ++written;
    }
    for (const auto& d : made_->deltas) {
      if (!is_new(d.id)) continue;
      if (!pack.holds(d.base)) pack.add(GIT_OBJECT_TREE, read_raw_object(staged_store.get(), d.base));
      pack.add_delta(d.id, d.base, d.delta);
      ++written;
    }
    pack.write(target.dir());
    git_check(git_odb_refresh(target_store.get()), "refreshing object store");
    git_check(git_odb_refresh(staged_store.get()), "refreshing object store");
    made_->deltas.clear();
    made_->delta_ids.clear();
  }
  made_->objects.clear();
  // What was made is read from the repository from now on.
  git_check(git_mempack_reset(made_->memory), "emptying the in-memory object store");
  return written;
}

}  // namespace liaison
