#include "core/commit_patch.h"

#include <set>
#include <sstream>

#include <cereal/archives/portable_binary.hpp>
#include <cereal/types/optional.hpp>
#include <cereal/types/string.hpp>
#include <cereal/types/vector.hpp>
#include <git2/sys/mempack.h>
#include <git2/sys/odb_backend.h>

#include "core/compression.h"
#include "core/error.h"
#include "core/object_batch.h"

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
  git_oid oid;
  if (id.size() != GIT_OID_HEXSZ || git_oid_fromstr(&oid, id.c_str()) != 0)
    throw UserError(what + ": malformed commit id");
  return oid;
}

std::string raw_object(git_odb* odb, const git_oid& id) {
  git_odb_object* obj = nullptr;
  git_check(git_odb_read(&obj, odb, &id), "reading object");
  std::string out(static_cast<const char*>(git_odb_object_data(obj)), git_odb_object_size(obj));
  git_odb_object_free(obj);
  return out;
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

}  // namespace

std::vector<CommitPatch> make_patches(const History& history, const CommitId& want,
                                      const std::vector<CommitId>& haves) {
  git_revwalk* w = nullptr;
  git_check(git_revwalk_new(&w, history.raw()), "walking history");
  GitRevwalk walk(w);
  git_revwalk_sorting(w, GIT_SORT_TOPOLOGICAL | GIT_SORT_REVERSE);
  git_oid want_oid = to_oid(want, "patch");
  git_check(git_revwalk_push(w, &want_oid), "walking history");
  for (const auto& h : haves) {
    git_oid oid;
    git_commit* c = nullptr;
    if (git_oid_fromstr(&oid, h.c_str()) != 0 || git_commit_lookup(&c, history.raw(), &oid) != 0) continue;
    git_commit_free(c);
    git_check(git_revwalk_hide(w, &oid), "walking history");
  }
  git_odb* odb = nullptr;
  git_check(git_repository_odb(&odb, history.raw()), "opening object store");
  GitOdb odb_guard(odb);
  std::vector<CommitPatch> out;
  git_oid oid;
  while (git_revwalk_next(&oid, w) == 0) {
    CommitPatch p;
    p.id = oid_hex(oid);
    p.raw = raw_object(odb, oid);
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

std::vector<CommitPatch> decode_patches(std::string_view blob, const std::string& what) {
  std::string plain = expand_framed(blob, what + ": patch data");
  std::vector<CommitPatch> out;
  try {
    std::istringstream in(plain);
    cereal::PortableBinaryInputArchive ar(in);
    std::uint32_t format = 0;
    ar(format);
    if (format != kPatchFormat) throw UserError(what + ": unknown patch format " + std::to_string(format));
    ar(out);
  } catch (const cereal::Exception&) {
    throw UserError(what + ": patch data is malformed");
  }
  return out;
}

std::unique_ptr<StagedPatches> stage_patches(const History& history, const std::vector<CommitPatch>& patches,
                                             const std::string& what) {
  if (patches.empty()) throw UserError(what + ": no commits");
  // Quarantine: a second handle whose writes go to memory.
  auto staged = std::make_unique<StagedPatches>(History::open(history.dir()), patches.back().id);
  git_repository* r = staged->quarantine_.raw();
  git_odb* qodb = nullptr;
  git_check(git_repository_odb(&qodb, r), "opening object store");
  GitOdb qodb_guard(qodb);
  git_odb_backend* mempack = nullptr;
  git_check(git_mempack_new(&mempack), "creating quarantine");
  git_check(git_odb_add_backend(qodb, mempack, 1000), "creating quarantine");

  auto& created = staged->created_;
  for (const auto& p : patches) {
    git_oid commit_oid = to_oid(p.id, what);
    auto tree_hex = tree_of_raw(p.raw);
    if (tree_hex.empty()) throw UserError(what + ": commit " + p.id.substr(0, 10) + " is malformed");
    auto parents = parents_of_raw(p.raw);
    GitTree base;
    if (!parents.empty()) {
      git_oid parent = to_oid(parents[0], what);
      git_commit* pc = nullptr;
      if (git_commit_lookup(&pc, r, &parent) != 0)
        throw UserError(what + ": commit " + p.id.substr(0, 10) + " builds on " + parents[0].substr(0, 10) +
                        ", which this copy does not have");
      GitCommit parent_commit(pc);
      git_tree* t = nullptr;
      git_check(git_commit_tree(&t, pc), "reading tree");
      base.reset(t);
    } else {
      git_treebuilder* tb = nullptr;
      git_check(git_treebuilder_new(&tb, r, nullptr), "creating tree");
      git_oid empty;
      int rc = git_treebuilder_write(&empty, tb);
      git_treebuilder_free(tb);
      git_check(rc, "creating tree");
      git_tree* t = nullptr;
      git_check(git_tree_lookup(&t, r, &empty), "reading tree");
      base.reset(t);
    }
    for (std::size_t i = 1; i < parents.size(); ++i) {
      git_oid other = to_oid(parents[i], what);
      if (!git_odb_exists(qodb, &other))
        throw UserError(what + ": merge " + p.id.substr(0, 10) + " needs " + parents[i].substr(0, 10) +
                        ", which is missing");
    }
    std::vector<git_tree_update> updates;
    std::vector<git_oid> blobs(p.changes.size());
    for (std::size_t i = 0; i < p.changes.size(); ++i) {
      const auto& c = p.changes[i];
      if (c.path.empty() || c.path.front() == '/' || c.path.find("..") != std::string::npos)
        throw UserError(what + ": bad path in commit " + p.id.substr(0, 10));
      git_tree_update u{};
      u.path = c.path.c_str();
      if (c.content) {
        // Straight into the memory backend: the object store's write path
        // first looks for the object in every backend, a file-system
        // lookup per blob (2 s of a 100k-record push). Hashed by libgit2,
        // which detects SHA-1 collision attacks: these bytes come from
        // another copy or the network.
        git_check(git_odb_hash(&blobs[i], c.content->data(), c.content->size(), GIT_OBJECT_BLOB), "hashing blob");
        git_check(mempack->write(mempack, &blobs[i], c.content->data(), c.content->size(), GIT_OBJECT_BLOB),
                  "writing blob");
        created.emplace_back(blobs[i], GIT_OBJECT_BLOB);
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
      throw UserError(what + ": the changes of commit " + p.id.substr(0, 10) + " do not apply to its parent");
    if (oid_hex(tree_id) != tree_hex)
      throw UserError(what + ": commit " + p.id.substr(0, 10) + " does not rebuild to the same tree");
    // Record the new trees along the changed paths.
    {
      std::set<std::string> dirs{""};
      for (const auto& c : p.changes)
        for (auto slash = c.path.find('/'); slash != std::string::npos; slash = c.path.find('/', slash + 1))
          dirs.insert(c.path.substr(0, slash));
      git_tree* nt = nullptr;
      git_check(git_tree_lookup(&nt, r, &tree_id), "reading tree");
      GitTree new_tree(nt);
      for (const auto& d : dirs) {
        git_oid id = tree_id;
        if (!d.empty()) {
          git_tree_entry* e = nullptr;
          if (git_tree_entry_bypath(&e, nt, d.c_str()) != 0) continue;
          id = *git_tree_entry_id(e);
          git_tree_entry_free(e);
        }
        created.emplace_back(id, GIT_OBJECT_TREE);
      }
    }
    git_oid written;
    git_check(git_odb_write(&written, qodb, p.raw.data(), p.raw.size(), GIT_OBJECT_COMMIT), "writing commit");
    if (!git_oid_equal(&written, &commit_oid))
      throw UserError(what + ": commit " + p.id.substr(0, 10) + " does not rebuild to its id");
    created.emplace_back(written, GIT_OBJECT_COMMIT);
  }

  return staged;
}

void StagedPatches::write(History& target) {
  git_odb* qodb = nullptr;
  git_check(git_repository_odb(&qodb, quarantine_.raw()), "opening object store");
  GitOdb qodb_guard(qodb);
  git_odb* main_odb = nullptr;
  git_check(git_repository_odb(&main_odb, target.raw()), "opening object store");
  GitOdb main_guard(main_odb);
  ObjectBatch batch(target.pack_compression_level());
  std::set<std::string> packed;
  for (const auto& [id, type] : created_) {
    if (!packed.insert(oid_hex(id)).second) continue;
    if (git_odb_exists_ext(main_odb, &id, GIT_ODB_LOOKUP_NO_REFRESH)) continue;
    batch.add(id, type, raw_object(qodb, id));
  }
  batch.write(target.raw(), target.dir());
}

CommitId apply_patches(History& history, const std::vector<CommitPatch>& patches, const std::string& what) {
  auto staged = stage_patches(history, patches, what);
  staged->write(history);
  return staged->head();
}

}  // namespace liaison
