// RAII owners for libgit2 handles, the one place that turns a libgit2 error
// code into a liaison::Failure, and the reads every module of the git layer
// needs (an object's raw bytes, the empty tree, whether a commit exists).
// Nothing else frees a git_* handle. For the git layer only.
#pragma once

#include <cstring>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <git2.h>

#include "base/error.h"
#include "git/history.h"

namespace liaison {

template <typename T, void (*Free)(T*)>
struct GitDeleter {
  void operator()(T* p) const {
    if (p) Free(p);
  }
};

template <typename T, void (*Free)(T*)>
using GitPtr = std::unique_ptr<T, GitDeleter<T, Free>>;

using GitRepository = GitPtr<git_repository, git_repository_free>;
using GitCommit = GitPtr<git_commit, git_commit_free>;
using GitTree = GitPtr<git_tree, git_tree_free>;
using GitTreeEntry = GitPtr<git_tree_entry, git_tree_entry_free>;
using GitBlob = GitPtr<git_blob, git_blob_free>;
using GitReference = GitPtr<git_reference, git_reference_free>;
using GitRevwalk = GitPtr<git_revwalk, git_revwalk_free>;
using GitDiff = GitPtr<git_diff, git_diff_free>;
using GitOdb = GitPtr<git_odb, git_odb_free>;
using GitSignature = GitPtr<git_signature, git_signature_free>;
using GitObject = GitPtr<git_object, git_object_free>;
using GitIndexer = GitPtr<git_indexer, git_indexer_free>;
using GitConfig = GitPtr<git_config, git_config_free>;
using GitOdbObject = GitPtr<git_odb_object, git_odb_object_free>;
using GitTreeBuilder = GitPtr<git_treebuilder, git_treebuilder_free>;
using GitPackBuilder = GitPtr<git_packbuilder, git_packbuilder_free>;

// A git_buf that libgit2 fills, disposed of when it goes.
struct GitBuf {
  git_buf buf = GIT_BUF_INIT;
  GitBuf() = default;
  GitBuf(const GitBuf&) = delete;
  GitBuf& operator=(const GitBuf&) = delete;
  ~GitBuf() { git_buf_dispose(&buf); }
  std::string text() const { return buf.ptr ? std::string(buf.ptr, buf.size) : std::string(); }
};

// Throws Failure("<what>: <libgit2 message>") when `code` is an error.
inline void git_check(int code, const std::string& what) {
  if (code >= 0) return;
  const git_error* e = git_error_last();
  throw Failure(what + ": " + (e && e->message ? e->message : "libgit2 error " + std::to_string(code)));
}

// Initialises libgit2 once per process with fsync of objects and refs turned
// on, so that a commit a command reported survives a power cut.
void git_library_init();

std::string oid_hex(const git_oid& oid);

// The object id written as `hex` (40 hex digits), or nullopt.
std::optional<git_oid> parse_oid(std::string_view hex);
// The object store of `repo`.
GitOdb object_store(git_repository* repo);
// A walk of the commits reachable from `want` and from none of `haves` (those
// `repo` lacks, or that are no commit ids, are ignored), in `sorting` order.
GitRevwalk walk_excluding(git_repository* repo, const git_oid& want, const std::vector<std::string>& haves,
                          unsigned sorting = GIT_SORT_NONE);
// The raw bytes of object `id` (without git's header).
std::string read_raw_object(git_odb* odb, const git_oid& id);
// The id of the empty tree, written to `repo` if it lacks it.
git_oid empty_tree_id(git_repository* repo);
// True when `repo` has the commit `id`.
bool commit_exists(git_repository* repo, const git_oid& id);
// The ids of `root` and of its subtrees along `paths` (each file's folders),
// once each: the trees a tree update made.
std::vector<git_oid> trees_along(git_repository* repo, const git_oid& root, const std::vector<std::string>& paths);

// ObjectId (history.h) is git_oid's 20 bytes, without libgit2's header.
inline ObjectId to_object_id(const git_oid& oid) {
  ObjectId id;
  std::memcpy(id.bytes.data(), oid.id, id.bytes.size());
  return id;
}
inline git_oid to_git_oid(const ObjectId& id) {
  git_oid oid;
  std::memcpy(oid.id, id.bytes.data(), id.bytes.size());
  return oid;
}

}  // namespace liaison
