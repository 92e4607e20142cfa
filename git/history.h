// History: the bare git repository that is the truth of a local copy. Each
// record is one canonical JSON file (see schema.h for the paths); each edit
// is one commit on refs/heads/main. Small changes are written as loose
// objects, bulk ones (import, initial data) as one pack, so 100k records cost
// one file, not 100k. Objects and refs are fsynced. The head moves by
// compare-and-swap, so two writers can never lose each other's commits.
//
// A History is used from one thread at a time.
#pragma once

#include <array>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/error.h"

struct git_repository;

namespace liaison {

using CommitId = std::string;  // 40 hex digits

// A commit id as liaison shows it in messages: its first 10 hex digits.
inline std::string short_commit(const CommitId& id) { return id.substr(0, 10); }

struct Person {
  std::string name;
  std::string email;
};

struct CommitInfo {
  CommitId id;
  std::vector<CommitId> parents;
  std::string tree;  // the id of its tree
  Person author;
  std::int64_t time = 0;  // seconds since the epoch
  int offset_minutes = 0;
  std::string message;
};

// A file to write (content) or delete (nullopt) in the next commit.
struct FileChange {
  std::string path;
  std::optional<std::string> content;
};

// A file that differs between two commits, with both contents.
struct FileDiff {
  std::string path;
  std::optional<std::string> old_content;
  std::optional<std::string> new_content;
};

// The id of a git object (a record's blob, a tree, a commit), as its 20 bytes.
struct ObjectId {
  std::array<unsigned char, 20> bytes{};
  friend bool operator==(const ObjectId&, const ObjectId&) = default;
};

// A file that differs between two commits, by blob id (nullopt: absent on
// that side). Cheaper than FileDiff when only some contents are needed.
struct BlobDiff {
  std::string path;
  std::optional<ObjectId> old_blob;
  std::optional<ObjectId> new_blob;
};

// The author git's own configuration names (user.name, user.email in the
// global and system config); empty fields where it names none.
Person person_from_git_config();

class History {
 public:
  static History init(const std::filesystem::path& dir);
  static History open(const std::filesystem::path& dir);
  // Whether reading an object checks that its content hashes to its id
  // (off by default, as in git; doctor turns it on). Process-wide.
  static void verify_objects_on_read(bool on);
  // Turns off libgit2's object cache for the process: a long-running server
  // keeps its memory level instead of holding the objects of past syncs.
  static void disable_object_cache();

  // Head of refs/heads/main; nullopt in an empty history.
  std::optional<CommitId> head() const;

  // True when the commit `id` is in this history.
  bool has_commit(const CommitId& id) const;
  // The best common ancestor of two commits; nullopt when they share none.
  std::optional<CommitId> merge_base(const CommitId& a, const CommitId& b) const;
  // True when `ancestor` is `descendant` or reachable from it.
  bool is_ancestor(const CommitId& ancestor, const CommitId& descendant) const;
  // How many commits `a` has that `b` lacks, and `b` has that `a` lacks.
  std::pair<std::size_t, std::size_t> ahead_behind(const CommitId& a, const CommitId& b) const;
  // The commits reachable from `want` but not from `hide` (nullopt: all),
  // parents before children.
  std::vector<CommitId> commits_between(const CommitId& want, const std::optional<CommitId>& hide) const;
  // A commit id from a revision (full or abbreviated id, HEAD, HEAD~2...).
  // Throws UserError for an unknown revision.
  CommitId resolve(const std::string& revision) const;
  CommitInfo commit_info(const CommitId& id) const;

  // Content of `path` at `commit`; nullopt if absent.
  std::optional<std::string> read_file(const CommitId& commit, const std::string& path) const;
  // The blob id of `path` at `commit`, or empty.
  std::string blob_id(const CommitId& commit, const std::string& path) const;
  // Every file under the tree of `commit`, or under its `folder` only.
  void for_each_file(const CommitId& commit,
                     const std::function<void(const std::string& path, std::string_view content)>& visit,
                     const std::string& folder = "") const;
  // How many files the tree of `commit` holds under `folder` (recursively),
  // reading trees only.
  std::size_t count_files(const CommitId& commit, const std::string& folder) const;
  // Files that differ from `from` (nullopt: the empty tree) to `to`.
  std::vector<FileDiff> diff(const std::optional<CommitId>& from, const CommitId& to) const;
  // The same files, by blob id, reading no blob.
  std::vector<BlobDiff> diff_blobs(const std::optional<CommitId>& from, const CommitId& to) const;
  // The content of a blob.
  std::string read_blob(const ObjectId& blob) const;

  // Writes a commit with `changes` applied to `parents[0]`'s tree (the
  // empty tree if none). Does not move the head. A large change goes into
  // one pack whose objects are stored uncompressed unless the repository's
  // git config sets a level (pack_compression_level()).
  CommitId write_commit(const std::vector<CommitId>& parents, const std::vector<FileChange>& changes,
                        const Person& author, const std::string& message);
  // Removes the lock files a writer killed while moving a ref leaves behind
  // (refs/heads/main.lock, packed-refs.lock), which would refuse every later
  // move. Only for a process that knows it is the head's only writer.
  // Returns how many it removed.
  int remove_stale_ref_locks();
  // The same for every ref under refs/ (the server's segment refs too): only
  // before any thread of the process writes a ref.
  int remove_every_stale_ref_lock();
  // Moves refs/heads/main from `expected` to `next` atomically; false if the
  // head was not `expected` any more.
  bool advance_head(const std::optional<CommitId>& expected, const CommitId& next, const std::string& reflog);

  // Points the ref `name` (e.g. refs/segments/public) at `commit`, whatever
  // it pointed at: refs beside main keep derived commits from git gc.
  void set_ref(const std::string& name, const CommitId& commit);

  // Commits reachable from the head, newest first. With `path`, only those
  // that changed that file (compared with every parent, as git log does).
  // `from` starts the walk at another commit than the head.
  std::vector<CommitInfo> log(const std::optional<std::string>& path = std::nullopt, std::size_t limit = 0,
                              const std::optional<CommitId>& from = std::nullopt) const;

  // The deflate level of the packs write_commit writes: git's
  // pack.compression or core.compression when set (-1 meaning zlib's
  // default, 6), else 0.
  // Compressing records one by one costs a third of an import to save a
  // quarter of the pack (a short JSON file compresses little on its own);
  // `git repack -a -d -F` recompresses them later, with deltas, far better
  // (a plain `git gc` reuses the stored objects as they are).
  int pack_compression_level() const;

  const std::filesystem::path& dir() const { return dir_; }
  // The libgit2 handle, for the git layer's own modules only.
  git_repository* raw() const { return repo_.get(); }

 private:
  struct CloseRepository {
    void operator()(git_repository* repo) const;
  };
  using Repository = std::unique_ptr<git_repository, CloseRepository>;
  History(std::filesystem::path dir, Repository repo) : dir_(std::move(dir)), repo_(std::move(repo)) {}
  std::filesystem::path dir_;
  Repository repo_;
};

}  // namespace liaison
