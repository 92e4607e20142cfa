#include "git/derived_commits.h"

#include <algorithm>
#include <set>

#include <git2/sys/mempack.h>

#include "git/git_handles.h"
#include "git/object_batch.h"

namespace liaison {

struct DerivedCommits::Made {
  std::vector<std::pair<git_oid, git_object_t>> objects;
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
  if (!git_odb_exists(odb.get(), &id)) {
    git_check(git_odb_write(&id, odb.get(), content.data(), content.size(), GIT_OBJECT_BLOB), "writing blob");
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

std::string DerivedCommits::tree_with(const std::optional<CommitId>& base, const std::vector<BlobUpdate>& updates) {
  // Bounds what directories_ holds; forgetting only costs building again.
  constexpr std::size_t kDirectoriesKept = 1 << 16;
  git_repository* repo = staged_->raw();
  auto base_tree = tree_of_commit(repo, base);
  std::map<std::string, std::vector<const BlobUpdate*>> by_directory;
  for (const auto& u : updates) {
    auto slash = u.path.rfind('/');
    if (slash == std::string::npos) throw Failure("tree_with: " + u.path + " is not in a directory");
    by_directory[u.path.substr(0, slash)].push_back(&u);
  }
  if (directories_.size() > kDirectoriesKept) directories_.clear();
  const git_oid empty = empty_tree_id(repo);
  std::vector<std::pair<std::string, std::optional<git_oid>>> made_directories;  // nullopt: remove
  for (auto& [dir, files] : by_directory) {
    std::optional<git_oid> base_dir;
    git_tree_entry* found = nullptr;
    if (git_tree_entry_bypath(&found, base_tree.get(), dir.c_str()) == 0) {
      GitTreeEntry guard(found);
      if (git_tree_entry_type(found) == GIT_OBJECT_TREE) base_dir = *git_tree_entry_id(found);
    }
    std::sort(files.begin(), files.end(), [](const BlobUpdate* a, const BlobUpdate* b) { return a->path < b->path; });
    // What the directory is built from: its base tree and each file's name
    // and blob (or none), as raw bytes.
    std::string key(reinterpret_cast<const char*>(base_dir ? base_dir->id : empty.id), GIT_OID_RAWSZ);
    for (const auto* f : files) {
      auto name = f->path.substr(dir.size() + 1);
      key += std::to_string(name.size()) + ":" + name;
      key += f->blob ? "+" + std::string(reinterpret_cast<const char*>(f->blob->bytes.data()), GIT_OID_RAWSZ) : "-";
    }
    auto known = directories_.find(key);
    if (known == directories_.end()) {
      git_oid sub_id = base_dir ? *base_dir : empty;
      git_tree* raw = nullptr;
      git_check(git_tree_lookup(&raw, repo, &sub_id), "reading tree");
      GitTree sub(raw);
      std::vector<std::string> names;
      std::vector<git_oid> ids;
      names.reserve(files.size());
      ids.reserve(files.size());
      std::vector<git_tree_update> edits;
      for (const auto* f : files) {
        names.push_back(f->path.substr(dir.size() + 1));
        git_tree_update e{};
        e.path = names.back().c_str();
        if (f->blob) {
          ids.push_back(to_git_oid(*f->blob));
          e.action = GIT_TREE_UPDATE_UPSERT;
          e.id = ids.back();
          e.filemode = GIT_FILEMODE_BLOB;
        } else {
          if (!git_tree_entry_byname(sub.get(), e.path)) continue;
          e.action = GIT_TREE_UPDATE_REMOVE;
        }
        edits.push_back(e);
      }
      git_oid built;
      git_check(git_tree_create_updated(&built, repo, sub.get(), edits.size(), edits.data()), "building tree");
      std::optional<ObjectId> made;
      if (!git_oid_equal(&built, &empty)) {
        made = to_object_id(built);
        made_->objects.emplace_back(built, GIT_OBJECT_TREE);
      }
      known = directories_.emplace(std::move(key), std::move(made)).first;
    }
    if (known->second) {
      auto id = to_git_oid(*known->second);
      if (!base_dir || !git_oid_equal(&id, &*base_dir)) made_directories.emplace_back(dir, id);
    } else if (base_dir) {
      made_directories.emplace_back(dir, std::nullopt);
    }
  }
  std::vector<git_tree_update> edits;
  std::vector<std::string> paths;
  for (const auto& [dir, id] : made_directories) {
    git_tree_update e{};
    e.path = dir.c_str();
    if (id) {
      e.action = GIT_TREE_UPDATE_UPSERT;
      e.id = *id;
      e.filemode = GIT_FILEMODE_TREE;
    } else {
      e.action = GIT_TREE_UPDATE_REMOVE;
    }
    edits.push_back(e);
    paths.push_back(dir + "/");
  }
  git_oid tree_id;
  git_check(git_tree_create_updated(&tree_id, repo, base_tree.get(), edits.size(), edits.data()), "building tree");
  for (const auto& id : trees_along(repo, tree_id, paths)) made_->objects.emplace_back(id, GIT_OBJECT_TREE);
  return oid_hex(tree_id);
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

std::size_t DerivedCommits::pending() const { return made_->objects.size(); }

std::size_t DerivedCommits::write(History& target) {
  auto staged_store = object_store(staged_->raw());
  auto target_store = object_store(target.raw());
  ObjectBatch batch(target.pack_compression_level());
  std::set<std::string> seen;
  std::size_t written = 0;
  for (const auto& [id, type] : made_->objects) {
    if (!seen.insert(oid_hex(id)).second) continue;
    if (git_odb_exists_ext(target_store.get(), &id, GIT_ODB_LOOKUP_NO_REFRESH)) continue;
    batch.add(id, type, read_raw_object(staged_store.get(), id));
    ++written;
  }
  batch.write(target.raw(), target.dir());
  made_->objects.clear();
  // What was made is read from the repository from now on.
  git_check(git_mempack_reset(made_->memory), "emptying the in-memory object store");
  return written;
}

}  // namespace liaison
