#include "git/commit_patch.h"

#include <set>
#include <sstream>

#include <cereal/archives/portable_binary.hpp>
#include <cereal/types/optional.hpp>
#include <cereal/types/string.hpp>
#include <cereal/types/vector.hpp>
#include <git2/sys/mempack.h>
#include <git2/sys/odb_backend.h>

#include "base/compression.h"
#include "base/error.h"
#include "git/git_handles.h"
#include "git/object_batch.h"

namespace liaison {

template <class Archive>
void serialize(Archive& ar, FileChange& c) {
  ar(c.path, c.content);
}

template <class Archive>
void serialize(Archive& ar, CommitPatch& p) {
  ar(p.id, p.raw, p.changes);
}

namespace {

constexpr std::uint32_t kPatchFormat = 1;

git_oid to_oid(const CommitId& id, const std::string& what) {
  if (auto oid = parse_oid(id)) return *oid;
  throw UserError(what + ": malformed commit id");
}


// The tree line of a raw commit.
std::string tree_of_raw(const std::string& raw) {
  if (!raw.starts_with("tree ") || raw.size() < 45) return {};
  return raw.substr(5, 40);
}

std::vector<std::string> parents_of_raw(const std::string& raw) {
  std::vector<std::string> out;
  std::size_t at = raw.find('\n');
  while (at != std::string::npos && raw.compare(at + 1, 7, "parent ") == 0) {
    out.push_back(raw.substr(at + 8, 40));
    at = raw.find('\n', at + 1);
  }
  return out;
}

// Strict UTF-8: no overlong forms, no surrogates, nothing above U+10FFFF.
bool is_valid_utf8(std::string_view text) {
  for (std::size_t i = 0; i < text.size();) {
    auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[i + k]); };
    unsigned char c = byte(0);
    std::size_t n = c < 0x80 ? 1 : (c >= 0xC2 && c <= 0xDF) ? 2 : (c >= 0xE0 && c <= 0xEF) ? 3 : (c >= 0xF0 && c <= 0xF4) ? 4 : 0;
    if (n == 0 || i + n > text.size()) return false;
    for (std::size_t k = 1; k < n; ++k)
      if ((byte(k) & 0xC0) != 0x80) return false;
    if ((c == 0xE0 && byte(1) < 0xA0) || (c == 0xED && byte(1) >= 0xA0) || (c == 0xF0 && byte(1) < 0x90) ||
        (c == 0xF4 && byte(1) >= 0x90))
      return false;
    i += n;
  }
  return true;
}

// The commit as libgit2 reads it back must say what the patch was checked
// against: a commit whose header git parses differently (a second tree
// line, a malformed author) would otherwise reach every copy and fail there.
void check_commit_reads_back(git_repository* repo, const git_oid& id, const git_oid& tree,
                             const std::vector<std::string>& parents, const std::string& what) {
  git_commit* c = nullptr;
  if (git_commit_lookup(&c, repo, &id) != 0) throw UserError(what + " is malformed");
  GitCommit commit(c);
  bool same = git_oid_equal(git_commit_tree_id(c), &tree) && git_commit_parentcount(c) == parents.size();
  for (unsigned i = 0; same && i < parents.size(); ++i) same = oid_hex(*git_commit_parent_id(c, i)) == parents[i];
  if (!same || !git_commit_author(c) || !git_commit_committer(c)) throw UserError(what + " is malformed");
}

}  // namespace

std::vector<CommitPatch> make_patches(const History& history, const CommitId& want,
                                      const std::vector<CommitId>& haves) {
  auto walk = walk_excluding(history.raw(), to_oid(want, "patch"), haves, GIT_SORT_TOPOLOGICAL | GIT_SORT_REVERSE);
  git_revwalk* w = walk.get();
  auto store = object_store(history.raw());
  git_odb* odb = store.get();
  std::vector<CommitPatch> out;
  git_oid oid;
  while (git_revwalk_next(&oid, w) == 0) {
    CommitPatch p;
    p.id = oid_hex(oid);
    p.raw = read_raw_object(odb, oid);
    auto parents = parents_of_raw(p.raw);
    std::optional<CommitId> first;
    if (!parents.empty()) first = parents[0];
    for (auto& d : history.diff(first, p.id)) p.changes.push_back({d.path, d.new_content});
    out.push_back(std::move(p));
  }
  return out;
}

std::string encode_patches(const std::vector<CommitPatch>& patches) {
  std::ostringstream raw;
  {
    cereal::PortableBinaryOutputArchive ar(raw);
    ar(kPatchFormat, patches);
  }
  return compress_framed(raw.str(), 6);
}

namespace {

// Reads the patches as cereal's PortableBinaryOutputArchive writes them: a
// byte naming the byte order of what follows (1 little-endian, 0 big), then
// numbers in that order, sizes as 64 bits, a string as its size then its
// bytes, an optional as a flag (1: absent) then its value. cereal itself
// would resize a vector or a string to whatever size it reads; here every
// count and length is checked against the limits and against the bytes left
// before anything is allocated for it.
class PatchReader {
 public:
  PatchReader(std::string_view in, const std::string& what) : in_(in), what_(what) {
    unsigned order = byte();
    if (order > 1) fail("starts with an unknown byte order");
    little_endian_ = order == 1;
  }

  std::uint64_t number(std::size_t bytes) {
    auto raw = take(bytes);
    std::uint64_t value = 0;
    for (std::size_t i = 0; i < bytes; ++i)
      value = (value << 8) | static_cast<unsigned char>(raw[little_endian_ ? bytes - 1 - i : i]);
    return value;
  }

  // A count of items that take at least `min_bytes` each: at most `limit`,
  // and no more than the bytes left can hold.
  std::size_t count(std::size_t limit, std::size_t min_bytes, const char* items) {
    std::uint64_t n = number(8);
    if (n > limit) over(n, limit, items);
    if (n > in_.size() / min_bytes) fail("is cut short (" + std::to_string(n) + " " + items + " announced)");
    return static_cast<std::size_t>(n);
  }

  std::string text(std::size_t limit, const char* of) {
    std::uint64_t n = number(8);
    if (n > limit) over(n, limit, of);
    return std::string(take(n));
  }

  // cereal's flag for an optional: true when it holds no value.
  bool absent() {
    unsigned b = byte();
    if (b > 1) fail("holds a malformed flag");
    return b == 1;
  }

  std::size_t left() const { return in_.size(); }

  [[noreturn]] void fail(const std::string& why) const { throw UserError(what_ + ": patch data " + why); }

 private:
  [[noreturn]] void over(std::uint64_t n, std::uint64_t limit, const char* of) const {
    fail("announces " + std::to_string(n) + " " + of + ", more than the " + std::to_string(limit) + " allowed");
  }

  std::string_view take(std::uint64_t n) {
    if (n > in_.size()) fail("is cut short");
    auto out = in_.substr(0, static_cast<std::size_t>(n));
    in_.remove_prefix(static_cast<std::size_t>(n));
    return out;
  }

  unsigned byte() { return static_cast<unsigned char>(take(1)[0]); }

  std::string_view in_;
  const std::string& what_;
  bool little_endian_ = true;
};

}  // namespace

std::vector<CommitPatch> decode_patches(std::string_view blob, const std::string& what, const DecodeLimits& limits) {
  std::string plain = expand_framed(blob, what + ": patch data", limits);
  PatchReader in(plain, what);
  auto format = in.number(4);
  if (format != kPatchFormat) throw UserError(what + ": unknown patch format " + std::to_string(format));
  // The least a patch takes: its id (size and 40 digits), its text's size
  // and its count of changes; a change: its path's size and the flag.
  constexpr std::size_t kMinPatchBytes = 8 + GIT_OID_HEXSZ + 8 + 8;
  constexpr std::size_t kMinChangeBytes = 8 + 1;
  std::vector<CommitPatch> out(in.count(limits.max_commits, kMinPatchBytes, "commits"));
  std::size_t changes_left = limits.max_changes;
  for (auto& p : out) {
    p.id = in.text(GIT_OID_HEXSZ, "bytes of commit id");
    if (!is_commit_id(p.id)) in.fail("holds a malformed commit id");
    p.raw = in.text(limits.max_commit_bytes, "bytes of commit text");
    p.changes.resize(in.count(changes_left, kMinChangeBytes, "file changes"));
    changes_left -= p.changes.size();
    for (auto& c : p.changes) {
      c.path = in.text(limits.max_path_bytes, "bytes of path");
      if (!in.absent()) c.content = in.text(limits.max_record_bytes, "bytes of record");
    }
  }
  if (in.left() != 0) in.fail("has " + std::to_string(in.left()) + " bytes after its end");
  return out;
}

std::unique_ptr<StagedPatches> stage_patches(const History& history, const std::vector<CommitPatch>& patches,
                                             const std::string& what) {
  // Every commit must lead to the last one: nothing else would be checked
  // by whoever judges the history the patches bring, yet all of it would be
  // written.
  {
    std::set<std::string> needed;
    if (!patches.empty()) needed.insert(patches.back().id);
    for (auto it = patches.rbegin(); it != patches.rend(); ++it) {
      if (!needed.count(it->id))
        throw UserError(what + ": commit " + short_commit(it->id) + " is not part of the history the patches bring");
      for (auto& parent : parents_of_raw(it->raw)) needed.insert(std::move(parent));
    }
  }
  if (patches.empty()) throw UserError(what + ": no commits");
  // Quarantine: a second handle whose writes go to memory.
  auto staged = std::make_unique<StagedPatches>(History::open(history.dir()), patches.back().id);
  git_repository* r = staged->quarantine_.raw();
  auto qodb_guard = object_store(r);
  git_odb* qodb = qodb_guard.get();
  git_odb_backend* mempack = nullptr;
  git_check(git_mempack_new(&mempack), "creating quarantine");
  git_check(git_odb_add_backend(qodb, mempack, 1000), "creating quarantine");

  auto& created = staged->created_;
  for (const auto& p : patches) {
    git_oid commit_oid = to_oid(p.id, what);
    auto tree_hex = tree_of_raw(p.raw);
    if (tree_hex.empty()) throw UserError(what + ": commit " + short_commit(p.id) + " is malformed");
    auto parents = parents_of_raw(p.raw);
    GitTree base;
    if (!parents.empty()) {
      git_oid parent = to_oid(parents[0], what);
      git_commit* pc = nullptr;
      if (git_commit_lookup(&pc, r, &parent) != 0)
        throw UserError(what + ": commit " + short_commit(p.id) + " builds on " + short_commit(parents[0]) +
                        ", which this copy does not have");
      GitCommit parent_commit(pc);
      git_tree* t = nullptr;
      git_check(git_commit_tree(&t, pc), "reading tree");
      base.reset(t);
    } else {
      git_oid empty = empty_tree_id(r);
      git_tree* t = nullptr;
      git_check(git_tree_lookup(&t, r, &empty), "reading tree");
      base.reset(t);
    }
    // Two parents at most, each a commit: liaison merges two histories at a
    // time, and every further parent multiplies what checking a merge costs.
    if (parents.size() > 2 || (parents.size() == 2 && parents[0] == parents[1]))
      throw UserError(what + ": commit " + short_commit(p.id) + " has more parents than a merge of two");
    for (std::size_t i = 1; i < parents.size(); ++i) {
      git_oid other = to_oid(parents[i], what);
      if (!commit_exists(r, other))
        throw UserError(what + ": merge " + short_commit(p.id) + " needs commit " + short_commit(parents[i]) +
                        ", which is missing");
    }
    std::vector<git_tree_update> updates;
    std::vector<git_oid> blobs(p.changes.size());
    for (std::size_t i = 0; i < p.changes.size(); ++i) {
      const auto& c = p.changes[i];
      if (c.path.empty() || c.path.front() == '/' || c.path.find("..") != std::string::npos)
        throw UserError(what + ": bad path in commit " + short_commit(p.id));
      git_tree_update u{};
      u.path = c.path.c_str();
      if (c.content) {
        // Straight into the memory backend: the object store's write path
        // first looks for the object in every backend, a file-system
        // lookup per blob, which dominated a large push. Hashed by libgit2,
        // which detects SHA-1 collision attacks: these bytes come from
        // another copy or the network.
        git_check(git_odb_hash(&blobs[i], c.content->data(), c.content->size(), GIT_OBJECT_BLOB), "hashing blob");
        git_check(mempack->write(mempack, &blobs[i], c.content->data(), c.content->size(), GIT_OBJECT_BLOB),
                  "writing blob");
        created.emplace_back(to_object_id(blobs[i]), GIT_OBJECT_BLOB);
        u.action = GIT_TREE_UPDATE_UPSERT;
        u.id = blobs[i];
        u.filemode = GIT_FILEMODE_BLOB;
      } else {
        u.action = GIT_TREE_UPDATE_REMOVE;
      }
      updates.push_back(u);
    }
    git_oid tree_id;
    if (git_tree_create_updated(&tree_id, r, base.get(), updates.size(), updates.data()) != 0)
      throw UserError(what + ": the changes of commit " + short_commit(p.id) + " do not apply to its parent");
    if (oid_hex(tree_id) != tree_hex)
      throw UserError(what + ": commit " + short_commit(p.id) + " does not rebuild to the same tree");
    // Record the new trees along the changed paths.
    {
      std::vector<std::string> paths;
      for (const auto& c : p.changes) paths.push_back(c.path);
      for (const auto& id : trees_along(r, tree_id, paths)) created.emplace_back(to_object_id(id), GIT_OBJECT_TREE);
    }
    if (!is_valid_utf8(p.raw)) throw UserError(what + ": commit " + short_commit(p.id) + " is not valid UTF-8");
    git_oid written;
    git_check(git_odb_write(&written, qodb, p.raw.data(), p.raw.size(), GIT_OBJECT_COMMIT), "writing commit");
    if (!git_oid_equal(&written, &commit_oid))
      throw UserError(what + ": commit " + short_commit(p.id) + " does not rebuild to its id");
    check_commit_reads_back(r, written, tree_id, parents, what + ": commit " + short_commit(p.id));
    created.emplace_back(to_object_id(written), GIT_OBJECT_COMMIT);
  }

  return staged;
}

void StagedPatches::write(History& target) {
  auto quarantine_store = object_store(quarantine_.raw());
  git_odb* qodb = quarantine_store.get();
  auto target_store = object_store(target.raw());
  git_odb* main_odb = target_store.get();
  ObjectBatch batch(target.pack_compression_level());
  std::set<std::string> packed;
  for (const auto& [object, type] : created_) {
    git_oid id = to_git_oid(object);
    if (!packed.insert(oid_hex(id)).second) continue;
    if (git_odb_exists_ext(main_odb, &id, GIT_ODB_LOOKUP_NO_REFRESH)) continue;
    batch.add(id, static_cast<git_object_t>(type), read_raw_object(qodb, id));
  }
  batch.write(target.raw(), target.dir());
}

CommitId apply_patches(History& history, const std::vector<CommitPatch>& patches, const std::string& what) {
  auto staged = stage_patches(history, patches, what);
  staged->write(history);
  return staged->head();
}

}  // namespace liaison
