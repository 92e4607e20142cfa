#include "git/history.h"

#include <cstring>

#include <algorithm>
#include <cstring>
#include <mutex>
#include <set>

#include <map>

#include "base/bulk_thresholds.h"
#include "git/git_handles.h"
#include "git/pack_writer.h"

namespace liaison {
namespace {

constexpr const char* kMainRef = "refs/heads/main";

git_oid to_oid(const CommitId& id) {
  if (auto oid = parse_oid(id)) return *oid;
  throw Failure("invalid object id '" + id + "'");
}

GitCommit lookup_commit(git_repository* repo, const CommitId& id) {
  git_oid oid = to_oid(id);
  git_commit* c = nullptr;
  git_check(git_commit_lookup(&c, repo, &oid), "reading commit " + short_commit(id));
  return GitCommit(c);
}

GitTree commit_tree(const git_commit* commit) {
  git_tree* t = nullptr;
  git_check(git_commit_tree(&t, commit), "reading tree");
  return GitTree(t);
}

GitTree empty_tree(git_repository* repo) {
  git_oid oid = empty_tree_id(repo);
  git_tree* t = nullptr;
  git_check(git_tree_lookup(&t, repo, &oid), "reading empty tree");
  return GitTree(t);
}

std::string blob_text(git_repository* repo, const git_oid& oid) {
  git_blob* b = nullptr;
  git_check(git_blob_lookup(&b, repo, &oid), "reading blob");
  GitBlob blob(b);
  return std::string(static_cast<const char*>(git_blob_rawcontent(b)), git_blob_rawsize(b));
}

std::optional<git_oid> entry_oid(git_tree* tree, const std::string& path) {
  git_tree_entry* e = nullptr;
  if (git_tree_entry_bypath(&e, tree, path.c_str()) != 0) return std::nullopt;
  GitTreeEntry entry(e);
  return *git_tree_entry_id(e);
}

CommitInfo info_of(const git_commit* c) {
  CommitInfo info;
  info.id = oid_hex(*git_commit_id(c));
  for (unsigned i = 0; i < git_commit_parentcount(c); ++i) info.parents.push_back(oid_hex(*git_commit_parent_id(c, i)));
  info.tree = oid_hex(*git_commit_tree_id(c));
  const git_signature* a = git_commit_author(c);
  info.author = Person{a->name ? a->name : "", a->email ? a->email : ""};
  info.time = a->when.time;
  info.offset_minutes = a->when.offset;
  info.message = git_commit_message(c) ? git_commit_message(c) : "";
  return info;
}

// Builds the new tree for `changes` on `baseline` inside `repo`.
git_oid updated_tree(git_repository* repo, git_tree* baseline, const std::vector<FileChange>& changes,
                     const std::vector<git_oid>& blob_ids) {
  std::vector<git_tree_update> updates;
  updates.reserve(changes.size());
  for (std::size_t i = 0; i < changes.size(); ++i) {
    git_tree_update u{};
    u.path = changes[i].path.c_str();
    if (changes[i].content) {
      u.action = GIT_TREE_UPDATE_UPSERT;
      u.id = blob_ids[i];
      u.filemode = GIT_FILEMODE_BLOB;
    } else {
      u.action = GIT_TREE_UPDATE_REMOVE;
    }
    updates.push_back(u);
  }
  git_oid tree_id;
  git_check(git_tree_create_updated(&tree_id, repo, baseline, updates.size(), updates.data()), "building tree");
  return tree_id;
}

}  // namespace

void git_library_init() {
  static std::once_flag once;
  std::call_once(once, [] {
    git_libgit2_init();
    git_libgit2_opts(GIT_OPT_ENABLE_FSYNC_GITDIR, 1);
    // Our histories are local folders; skip the ownership check that would
    // refuse copies created by another user of a shared machine.
    git_libgit2_opts(GIT_OPT_SET_OWNER_VALIDATION, 0);
    // As git does, trust the object store when reading: hashing every
    // object read (libgit2's collision-detecting SHA-1) was a sixth of a
    // one-record push. doctor turns the check on (verify_objects_on_read).
    git_libgit2_opts(GIT_OPT_ENABLE_STRICT_HASH_VERIFICATION, 0);
  });
}

void History::CloseRepository::operator()(git_repository* repo) const { git_repository_free(repo); }

void History::disable_object_cache() {
  git_library_init();
  git_libgit2_opts(GIT_OPT_ENABLE_CACHING, 0);
}

Person person_from_git_config() {
  git_library_init();
  Person p;
  git_config* cfg = nullptr;
  if (git_config_open_default(&cfg) != 0) return p;
  GitConfig guard(cfg);
  if (GitBuf name; git_config_get_string_buf(&name.buf, cfg, "user.name") == 0) p.name = name.text();
  if (GitBuf email; git_config_get_string_buf(&email.buf, cfg, "user.email") == 0) p.email = email.text();
  return p;
}

void History::verify_objects_on_read(bool on) {
  git_library_init();
  git_libgit2_opts(GIT_OPT_ENABLE_STRICT_HASH_VERIFICATION, on ? 1 : 0);
}

std::optional<git_oid> parse_oid(std::string_view hex) {
  git_oid oid;
  if (hex.size() != GIT_OID_HEXSZ || git_oid_fromstrn(&oid, hex.data(), hex.size()) != 0) return std::nullopt;
  return oid;
}

GitOdb object_store(git_repository* repo) {
  git_odb* odb = nullptr;
  git_check(git_repository_odb(&odb, repo), "opening object store");
  return GitOdb(odb);
}

GitRevwalk walk_excluding(git_repository* repo, const git_oid& want, const std::vector<std::string>& haves,
                          unsigned sorting) {
  git_revwalk* w = nullptr;
  git_check(git_revwalk_new(&w, repo), "walking history");
  GitRevwalk walk(w);
  git_revwalk_sorting(w, sorting);
  git_check(git_revwalk_push(w, &want), "walking history");
  for (const auto& h : haves) {
    auto oid = parse_oid(h);
    if (!oid || !commit_exists(repo, *oid)) continue;
    git_check(git_revwalk_hide(w, &*oid), "walking history");
  }
  return walk;
}

std::string read_raw_object(git_odb* odb, const git_oid& id) {
  git_odb_object* obj = nullptr;
  git_check(git_odb_read(&obj, odb, &id), "reading object");
  GitOdbObject guard(obj);
  return std::string(static_cast<const char*>(git_odb_object_data(obj)), git_odb_object_size(obj));
}

git_oid empty_tree_id(git_repository* repo) {
  git_treebuilder* builder = nullptr;
  git_check(git_treebuilder_new(&builder, repo, nullptr), "creating tree");
  GitTreeBuilder guard(builder);
  git_oid oid;
  git_check(git_treebuilder_write(&oid, builder), "writing the empty tree");
  return oid;
}

bool commit_exists(git_repository* repo, const git_oid& id) {
  git_commit* c = nullptr;
  if (git_commit_lookup(&c, repo, &id) != 0) return false;
  GitCommit guard(c);
  return true;
}

std::vector<git_oid> trees_along(git_repository* repo, const git_oid& root, const std::vector<std::string>& paths) {
  std::set<std::string> dirs{""};
  for (const auto& path : paths)
    for (auto slash = path.find('/'); slash != std::string::npos; slash = path.find('/', slash + 1))
      dirs.insert(path.substr(0, slash));
  git_tree* t = nullptr;
  git_check(git_tree_lookup(&t, repo, &root), "reading tree");
  GitTree tree(t);
  std::vector<git_oid> out;
  for (const auto& d : dirs) {
    if (d.empty()) {
      out.push_back(root);
      continue;
    }
    git_tree_entry* e = nullptr;
    if (git_tree_entry_bypath(&e, t, d.c_str()) != 0) continue;  // removed with its last file
    GitTreeEntry entry(e);
    out.push_back(*git_tree_entry_id(e));
  }
  return out;
}

std::string oid_hex(const git_oid& oid) {
  char buf[GIT_OID_HEXSZ + 1];
  git_oid_tostr(buf, sizeof buf, &oid);
  return buf;
}

History History::init(const std::filesystem::path& dir) {
  git_library_init();
  git_repository* r = nullptr;
  git_repository_init_options opts = GIT_REPOSITORY_INIT_OPTIONS_INIT;
  opts.flags = GIT_REPOSITORY_INIT_BARE | GIT_REPOSITORY_INIT_MKPATH | GIT_REPOSITORY_INIT_NO_REINIT;
  opts.initial_head = "main";
  git_check(git_repository_init_ext(&r, dir.c_str(), &opts), "creating history in " + dir.string());
  return History(dir, Repository(r));
}

History History::open(const std::filesystem::path& dir) {
  git_library_init();
  git_repository* r = nullptr;
  git_check(git_repository_open_bare(&r, dir.c_str()), "opening history " + dir.string());
  return History(dir, Repository(r));
}

std::optional<CommitId> History::head() const {
  git_oid oid;
  int rc = git_reference_name_to_id(&oid, repo_.get(), kMainRef);
  if (rc == GIT_ENOTFOUND) return std::nullopt;
  git_check(rc, "reading head");
  return oid_hex(oid);
}

CommitId History::resolve(const std::string& revision) const {
  git_object* obj = nullptr;
  std::string spec = revision;
  if (git_revparse_single(&obj, repo_.get(), spec.c_str()) != 0)
    throw UserError("unknown revision '" + revision + "'");
  GitObject object(obj);
  git_object* peeled = nullptr;
  if (git_object_peel(&peeled, obj, GIT_OBJECT_COMMIT) != 0)
    throw UserError("revision '" + revision + "' is not a commit");
  GitObject commit(peeled);
  return oid_hex(*git_object_id(peeled));
}

CommitInfo History::commit_info(const CommitId& id) const { return info_of(lookup_commit(repo_.get(), id).get()); }

std::optional<std::string> History::read_file(const CommitId& commit, const std::string& path) const {
  auto c = lookup_commit(repo_.get(), commit);
  auto tree = commit_tree(c.get());
  auto oid = entry_oid(tree.get(), path);
  if (!oid) return std::nullopt;
  return blob_text(repo_.get(), *oid);
}

std::string History::blob_id(const CommitId& commit, const std::string& path) const {
  auto c = lookup_commit(repo_.get(), commit);
  auto tree = commit_tree(c.get());
  auto oid = entry_oid(tree.get(), path);
  return oid ? oid_hex(*oid) : std::string();
}

void History::for_each_file(const CommitId& commit, const std::function<void(const std::string&, std::string_view)>& visit,
                            const std::string& folder) const {
  auto c = lookup_commit(repo_.get(), commit);
  auto tree = commit_tree(c.get());
  if (!folder.empty()) {
    git_tree_entry* e = nullptr;
    if (git_tree_entry_bypath(&e, tree.get(), folder.c_str()) != 0) return;  // no such folder: no file
    GitTreeEntry entry(e);
    if (git_tree_entry_type(e) != GIT_OBJECT_TREE) return;
    git_tree* sub = nullptr;
    git_check(git_tree_lookup(&sub, repo_.get(), git_tree_entry_id(e)), "reading tree");
    tree.reset(sub);
  }
  struct Walk {
    git_repository* repo;
    const std::function<void(const std::string&, std::string_view)>* visit;
    std::string prefix;
    std::exception_ptr error;
  } walk{repo_.get(), &visit, folder.empty() ? "" : folder + "/", nullptr};
  auto callback = [](const char* root, const git_tree_entry* entry, void* payload) -> int {
    auto* w = static_cast<Walk*>(payload);
    if (git_tree_entry_type(entry) != GIT_OBJECT_BLOB) return 0;
    try {
      git_blob* b = nullptr;
      git_check(git_blob_lookup(&b, w->repo, git_tree_entry_id(entry)), "reading blob");
      GitBlob blob(b);
      std::string path = w->prefix + root + git_tree_entry_name(entry);
      (*w->visit)(path, std::string_view(static_cast<const char*>(git_blob_rawcontent(b)), git_blob_rawsize(b)));
    } catch (...) {
      w->error = std::current_exception();
      return -1;
    }
    return 0;
  };
  int rc = git_tree_walk(tree.get(), GIT_TREEWALK_PRE, callback, &walk);
  if (walk.error) std::rethrow_exception(walk.error);
  git_check(rc, "walking tree");
}

namespace {

std::size_t count_blobs(git_repository* repo, const git_tree* tree) {
  std::size_t n = 0;
  for (std::size_t i = 0; i < git_tree_entrycount(tree); ++i) {
    auto* e = git_tree_entry_byindex(tree, i);
    if (git_tree_entry_type(e) == GIT_OBJECT_BLOB) {
      ++n;
    } else if (git_tree_entry_type(e) == GIT_OBJECT_TREE) {
      git_tree* sub = nullptr;
      git_check(git_tree_lookup(&sub, repo, git_tree_entry_id(e)), "reading tree");
      GitTree guard(sub);
      n += count_blobs(repo, sub);
    }
  }
  return n;
}

}  // namespace

std::size_t History::count_files(const CommitId& commit, const std::string& folder) const {
  auto c = lookup_commit(repo_.get(), commit);
  auto root = commit_tree(c.get());
  git_tree_entry* entry = nullptr;
  if (git_tree_entry_bypath(&entry, root.get(), folder.c_str()) != 0) return 0;
  std::unique_ptr<git_tree_entry, void (*)(git_tree_entry*)> entry_guard(entry, git_tree_entry_free);
  if (git_tree_entry_type(entry) != GIT_OBJECT_TREE) return 1;
  git_tree* tree = nullptr;
  git_check(git_tree_lookup(&tree, repo_.get(), git_tree_entry_id(entry)), "reading tree");
  GitTree guard(tree);
  return count_blobs(repo_.get(), tree);
}

namespace {

bool is_tree_entry(const git_tree_entry* e) { return git_tree_entry_type(e) == GIT_OBJECT_TREE; }

// Git's order of tree entries: by name, a folder compared as if its name
// ended in '/'. Both trees of a diff are sorted by it, so one merge-walk
// pairs their entries.
int compare_entries(const git_tree_entry* a, const git_tree_entry* b) {
  std::string_view na = git_tree_entry_name(a), nb = git_tree_entry_name(b);
  std::size_t n = std::min(na.size(), nb.size());
  if (int c = std::memcmp(na.data(), nb.data(), n)) return c;
  int ca = na.size() > n ? static_cast<unsigned char>(na[n]) : (is_tree_entry(a) ? '/' : 0);
  int cb = nb.size() > n ? static_cast<unsigned char>(nb[n]) : (is_tree_entry(b) ? '/' : 0);
  return ca - cb;
}

// Compares two trees (either may be null), descending only into subtrees
// whose ids differ: a one-record change in a 100k-record tree reads three
// trees, where libgit2's diff walks them all.
void diff_trees(git_repository* repo, const git_tree* a, const git_tree* b, const std::string& prefix,
                std::vector<BlobDiff>& out) {
  auto subtree = [repo](const git_tree_entry* e) {
    GitTree t;
    if (e && is_tree_entry(e)) {
      git_tree* raw = nullptr;
      git_check(git_tree_lookup(&raw, repo, git_tree_entry_id(e)), "reading tree");
      t.reset(raw);
    }
    return t;
  };
  std::size_t count_a = a ? git_tree_entrycount(a) : 0, count_b = b ? git_tree_entrycount(b) : 0;
  std::size_t i = 0, j = 0;
  while (i < count_a || j < count_b) {
    const git_tree_entry* ea = i < count_a ? git_tree_entry_byindex(a, i) : nullptr;
    const git_tree_entry* eb = j < count_b ? git_tree_entry_byindex(b, j) : nullptr;
    int order = !ea ? 1 : !eb ? -1 : compare_entries(ea, eb);
    const git_tree_entry* old_entry = order <= 0 ? ea : nullptr;
    const git_tree_entry* new_entry = order >= 0 ? eb : nullptr;
    if (order <= 0) ++i;
    if (order >= 0) ++j;
    if (old_entry && new_entry && git_oid_equal(git_tree_entry_id(old_entry), git_tree_entry_id(new_entry))) continue;
    std::string path = prefix + git_tree_entry_name(old_entry ? old_entry : new_entry);
    bool old_tree = old_entry && is_tree_entry(old_entry);
    bool new_tree = new_entry && is_tree_entry(new_entry);
    if (old_tree || new_tree) {
      auto ot = subtree(old_tree ? old_entry : nullptr);
      auto nt = subtree(new_tree ? new_entry : nullptr);
      diff_trees(repo, ot.get(), nt.get(), path + "/", out);
      continue;
    }
    std::optional<ObjectId> old_blob, new_blob;
    if (old_entry && !old_tree) old_blob = to_object_id(*git_tree_entry_id(old_entry));
    if (new_entry && !new_tree) new_blob = to_object_id(*git_tree_entry_id(new_entry));
    if (old_blob || new_blob) out.push_back({std::move(path), old_blob, new_blob});
  }
}

}  // namespace

bool History::has_commit(const CommitId& id) const {
  auto oid = parse_oid(id);
  return oid && commit_exists(repo_.get(), *oid);
}

std::vector<CommitId> History::commits_between(const CommitId& want, const std::optional<CommitId>& hide) const {
  git_revwalk* w = nullptr;
  git_check(git_revwalk_new(&w, repo_.get()), "walking history");
  GitRevwalk walk(w);
  git_revwalk_sorting(w, GIT_SORT_TOPOLOGICAL | GIT_SORT_REVERSE);
  git_oid want_oid = to_oid(want);
  git_check(git_revwalk_push(w, &want_oid), "walking history");
  if (hide) {
    git_oid hide_oid = to_oid(*hide);
    git_check(git_revwalk_hide(w, &hide_oid), "walking history");
  }
  std::vector<CommitId> out;
  git_oid oid;
  while (git_revwalk_next(&oid, w) == 0) out.push_back(oid_hex(oid));
  return out;
}

std::vector<BlobDiff> History::diff_blobs(const std::optional<CommitId>& from, const CommitId& to) const {
  GitTree old_tree;
  if (from) old_tree = commit_tree(lookup_commit(repo_.get(), *from).get());
  auto new_tree = commit_tree(lookup_commit(repo_.get(), to).get());
  std::vector<BlobDiff> out;
  diff_trees(repo_.get(), old_tree.get(), new_tree.get(), "", out);
  return out;
}

std::string History::read_blob(const ObjectId& blob) const { return blob_text(repo_.get(), to_git_oid(blob)); }

std::optional<CommitId> History::merge_base(const CommitId& a, const CommitId& b) const {
  git_oid oa = to_oid(a), ob = to_oid(b), out;
  int rc = git_merge_base(&out, repo_.get(), &oa, &ob);
  if (rc == GIT_ENOTFOUND) return std::nullopt;
  git_check(rc, "finding the merge base");
  return oid_hex(out);
}

bool History::is_ancestor(const CommitId& ancestor, const CommitId& descendant) const {
  if (ancestor == descendant) return true;
  git_oid a = to_oid(ancestor), d = to_oid(descendant);
  int rc = git_graph_descendant_of(repo_.get(), &d, &a);
  git_check(rc, "walking history");
  return rc == 1;
}

std::pair<std::size_t, std::size_t> History::ahead_behind(const CommitId& a, const CommitId& b) const {
  git_oid oa = to_oid(a), ob = to_oid(b);
  std::size_t ahead = 0, behind = 0;
  git_check(git_graph_ahead_behind(&ahead, &behind, repo_.get(), &oa, &ob), "walking history");
  return {ahead, behind};
}

std::vector<FileDiff> History::diff(const std::optional<CommitId>& from, const CommitId& to) const {
  std::vector<FileDiff> out;
  for (auto& d : diff_blobs(from, to)) {
    FileDiff f{std::move(d.path), std::nullopt, std::nullopt};
    if (d.old_blob) f.old_content = read_blob(*d.old_blob);
    if (d.new_blob) f.new_content = read_blob(*d.new_blob);
    out.push_back(std::move(f));
  }
  return out;
}

namespace {

// The changed part of a tree: subfolders and files to set (blob id) or
// delete (nullopt), by name.
struct TreeEdit {
  std::map<std::string, TreeEdit> dirs;
  std::map<std::string, std::optional<git_oid>> files;
};

// Git orders tree entries by name, comparing a folder as if its name ended in '/'.
std::string tree_sort_key(const std::string& name, bool is_dir) { return is_dir ? name + "/" : name; }

// Writes the tree `base` (may be null) with `edit` applied into `pack` and
// returns its id, or nullopt when the result is empty (git stores no empty
// folders). Unchanged subtrees are referenced, not rewritten.
std::optional<git_oid> write_tree(git_repository* repo, const git_tree* base, const TreeEdit& edit, PackWriter& pack) {
  struct Entry {
    std::string name;
    git_filemode_t mode;
    git_oid id;
  };
  std::map<std::string, Entry> entries;  // by sort key
  std::map<std::string, std::string> key_of;
  if (base) {
    for (std::size_t i = 0; i < git_tree_entrycount(base); ++i) {
      const git_tree_entry* e = git_tree_entry_byindex(base, i);
      std::string name = git_tree_entry_name(e);
      bool dir = git_tree_entry_type(e) == GIT_OBJECT_TREE;
      auto key = tree_sort_key(name, dir);
      entries[key] = Entry{name, git_tree_entry_filemode(e), *git_tree_entry_id(e)};
      key_of[name] = key;
    }
  }
  auto erase = [&](const std::string& name) {
    if (auto it = key_of.find(name); it != key_of.end()) {
      entries.erase(it->second);
      key_of.erase(it);
    }
  };
  for (const auto& [name, blob] : edit.files) {
    erase(name);
    if (!blob) continue;
    entries[tree_sort_key(name, false)] = Entry{name, GIT_FILEMODE_BLOB, *blob};
    key_of[name] = tree_sort_key(name, false);
  }
  for (const auto& [name, sub] : edit.dirs) {
    GitTree sub_base;
    if (auto it = key_of.find(name); it != key_of.end() && entries[it->second].mode == GIT_FILEMODE_TREE) {
      git_tree* t = nullptr;
      git_check(git_tree_lookup(&t, repo, &entries[it->second].id), "reading tree " + name);
      sub_base.reset(t);
    }
    auto id = write_tree(repo, sub_base.get(), sub, pack);
    erase(name);
    if (!id) continue;
    entries[tree_sort_key(name, true)] = Entry{name, GIT_FILEMODE_TREE, *id};
    key_of[name] = tree_sort_key(name, true);
  }
  if (entries.empty()) return std::nullopt;
  std::string data;
  for (const auto& [key, e] : entries) {
    data += e.mode == GIT_FILEMODE_TREE ? "40000" : "100644";
    data += ' ';
    data += e.name;
    data.push_back('\0');
    data.append(reinterpret_cast<const char*>(e.id.id), GIT_OID_RAWSZ);
  }
  return pack.add(GIT_OBJECT_TREE, data);
}

std::string signature_line(const git_signature* sig) {
  int offset = sig->when.offset;
  char sign = offset < 0 ? '-' : '+';
  if (offset < 0) offset = -offset;
  char tz[16];
  std::snprintf(tz, sizeof tz, "%c%02d%02d", sign, offset / 60, offset % 60);
  return std::string(sig->name) + " <" + sig->email + "> " + std::to_string(sig->when.time) + " " + tz;
}

}  // namespace

CommitId History::write_commit(const std::vector<CommitId>& parents, const std::vector<FileChange>& changes,
                               const Person& author, const std::string& message) {
  git_signature* sig = nullptr;
  git_check(git_signature_now(&sig, author.name.c_str(), author.email.c_str()), "author name or email");
  GitSignature signature(sig);
  std::vector<GitCommit> parent_commits;
  for (const auto& p : parents) parent_commits.push_back(lookup_commit(repo_.get(), p));

  if (changes.size() <= kPackCommitsAboveFiles) {
    // Small: loose objects through libgit2, each fsynced.
    std::vector<git_oid> blob_ids(changes.size());
    for (std::size_t i = 0; i < changes.size(); ++i)
      if (changes[i].content)
        git_check(git_blob_create_from_buffer(&blob_ids[i], repo_.get(), changes[i].content->data(),
                                              changes[i].content->size()),
                  "writing " + changes[i].path);
    GitTree baseline = parent_commits.empty() ? empty_tree(repo_.get()) : commit_tree(parent_commits[0].get());
    git_oid tree_id = updated_tree(repo_.get(), baseline.get(), changes, blob_ids);
    git_tree* t = nullptr;
    git_check(git_tree_lookup(&t, repo_.get(), &tree_id), "reading new tree");
    GitTree tree(t);
    std::vector<const git_commit*> raw_parents;
    for (auto& p : parent_commits) raw_parents.push_back(p.get());
    git_oid commit_id;
    git_check(git_commit_create(&commit_id, repo_.get(), nullptr, sig, sig, "UTF-8", message.c_str(), tree.get(),
                                raw_parents.size(), raw_parents.data()),
              "writing commit");
    return oid_hex(commit_id);
  }

  // Bulk: blobs, the changed trees and the commit go into one pack.
  // Spooled to its file as it grows: an import's pack is as large as its records.
  PackWriter pack(pack_compression_level(), dir_);
  // A merge commit's records come mostly from the other side's commits,
  // whose objects the store already holds: looking them up is cheaper than
  // compressing them again (an import's new records are not looked up).
  auto odb_guard = object_store(repo_.get());
  git_odb* odb = odb_guard.get();
  if (parents.size() > 1) pack.skip_objects_in(odb);
  TreeEdit root;
  for (const auto& change : changes) {
    TreeEdit* node = &root;
    std::size_t start = 0;
    for (auto slash = change.path.find('/'); slash != std::string::npos; slash = change.path.find('/', start)) {
      node = &node->dirs[change.path.substr(start, slash - start)];
      start = slash + 1;
    }
    std::optional<git_oid> blob;
    if (change.content) blob = pack.add(GIT_OBJECT_BLOB, *change.content);
    node->files[change.path.substr(start)] = blob;
  }
  GitTree baseline;
  if (!parent_commits.empty()) baseline = commit_tree(parent_commits[0].get());
  auto tree_id = write_tree(repo_.get(), baseline.get(), root, pack);
  if (!tree_id) tree_id = pack.add(GIT_OBJECT_TREE, "");
  std::string commit = "tree " + oid_hex(*tree_id) + "\n";
  for (const auto& p : parents) commit += "parent " + p + "\n";
  commit += "author " + signature_line(sig) + "\ncommitter " + signature_line(sig) + "\n\n" + message;
  git_oid commit_id = pack.add(GIT_OBJECT_COMMIT, commit);
  pack.write(dir_);
  git_check(git_odb_refresh(odb), "refreshing object store");
  return oid_hex(commit_id);
}

int History::pack_compression_level() const {
  git_config* config = nullptr;
  git_check(git_repository_config_snapshot(&config, repo_.get()), "reading the history's git config");
  GitConfig guard(config);
  // As git does for packs: pack.compression, else core.compression.
  for (const char* name : {"pack.compression", "core.compression"}) {
    std::int32_t level = 0;
    int rc = git_config_get_int32(&level, config, name);
    if (rc == GIT_ENOTFOUND) continue;
    if (rc < 0 || level < -1 || level > 9) throw UserError(std::string("git config: ") + name + " must be -1 to 9");
    return level == -1 ? 6 : level;
  }
  return 0;
}

int History::remove_stale_ref_locks() {
  int removed = 0;
  for (const char* name : {"refs/heads/main.lock", "packed-refs.lock"})
    if (std::filesystem::remove(dir_ / name)) ++removed;
  return removed;
}

int History::remove_every_stale_ref_lock() {
  int removed = 0;
  if (std::filesystem::remove(dir_ / "packed-refs.lock")) ++removed;
  std::error_code ec;
  std::vector<std::filesystem::path> locks;
  for (auto it = std::filesystem::recursive_directory_iterator(dir_ / "refs", ec);
       !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec))
    if (it->is_regular_file() && it->path().extension() == ".lock") locks.push_back(it->path());
  if (ec) throw Failure("reading " + (dir_ / "refs").string() + ": " + ec.message());
  for (const auto& lock : locks)
    if (std::filesystem::remove(lock)) ++removed;
  return removed;
}

bool History::advance_head(const std::optional<CommitId>& expected, const CommitId& next, const std::string& reflog) {
  git_oid next_oid = to_oid(next);
  git_reference* ref = nullptr;
  int rc;
  if (expected) {
    git_oid expected_oid = to_oid(*expected);
    rc = git_reference_create_matching(&ref, repo_.get(), kMainRef, &next_oid, 1, &expected_oid, reflog.c_str());
  } else {
    rc = git_reference_create(&ref, repo_.get(), kMainRef, &next_oid, 0, reflog.c_str());
  }
  GitReference guard(ref);
  if (rc == GIT_EMODIFIED || rc == GIT_EEXISTS || rc == GIT_ELOCKED || rc == GIT_ENOTFOUND) return false;
  git_check(rc, "moving head");
  return true;
}

void History::set_ref(const std::string& name, const CommitId& commit) {
  git_oid oid = to_oid(commit);
  git_reference* ref = nullptr;
  git_check(git_reference_create(&ref, repo_.get(), name.c_str(), &oid, 1, "liaison: derived"), "setting " + name);
  git_reference_free(ref);
}

std::vector<CommitInfo> History::log(const std::optional<std::string>& path, std::size_t limit,
                                     const std::optional<CommitId>& from) const {
  std::vector<CommitInfo> out;
  auto start = from ? from : head();
  if (!start) return out;
  git_revwalk* w = nullptr;
  git_check(git_revwalk_new(&w, repo_.get()), "walking history");
  GitRevwalk walk(w);
  git_revwalk_sorting(w, GIT_SORT_TOPOLOGICAL | GIT_SORT_TIME);
  git_oid start_oid = to_oid(*start);
  git_check(git_revwalk_push(w, &start_oid), "walking history");
  git_oid oid;
  while (git_revwalk_next(&oid, w) == 0) {
    git_commit* c = nullptr;
    git_check(git_commit_lookup(&c, repo_.get(), &oid), "reading commit");
    GitCommit commit(c);
    if (path) {
      auto tree = commit_tree(c);
      auto mine = entry_oid(tree.get(), *path);
      bool same_as_a_parent = false;
      for (unsigned i = 0; i < git_commit_parentcount(c) && !same_as_a_parent; ++i) {
        git_commit* p = nullptr;
        git_check(git_commit_parent(&p, c, i), "reading parent");
        GitCommit parent(p);
        auto ptree = commit_tree(p);
        auto theirs = entry_oid(ptree.get(), *path);
        same_as_a_parent = (mine.has_value() == theirs.has_value()) && (!mine || git_oid_equal(&*mine, &*theirs));
      }
      bool is_root = git_commit_parentcount(c) == 0;
      if (same_as_a_parent || (is_root && !mine)) continue;
    }
    out.push_back(info_of(c));
    if (limit && out.size() >= limit) break;
  }
  return out;
}

}  // namespace liaison
