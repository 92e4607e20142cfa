#include "git/transfer.h"

#include <algorithm>
#include <fstream>
#include <set>
#include <optional>
#include <sstream>
#include <string_view>
#include <unordered_map>

#include "base/canonical_json.h"
#include "git/commit_patch.h"
#include "base/decode_limits.h"
#include "base/durable_file.h"
#include "base/error.h"
#include "git/git_handles.h"
#include "git/object_batch.h"
#include "git/pack_writer.h"

namespace liaison {
namespace {

constexpr std::string_view kBundleMagic = "# liaison bundle v1\n";

git_oid oid_of(const CommitId& id) {
  if (auto oid = parse_oid(id)) return *oid;
  throw UserError("invalid commit id '" + id + "'");
}

}  // namespace

std::string build_pack(const History& source, const CommitId& want, const std::vector<CommitId>& haves) {
  git_packbuilder* pb = nullptr;
  git_check(git_packbuilder_new(&pb, source.raw()), "packing");
  GitPackBuilder guard(pb);
  auto walk = walk_excluding(source.raw(), oid_of(want), haves);
  git_check(git_packbuilder_insert_walk(pb, walk.get()), "packing");
  GitBuf buf;
  git_check(git_packbuilder_write_buf(&buf.buf, pb), "packing");
  return buf.text();
}

std::string pack_everything(const History& history, const CommitId& head) {
  PackWriter pack;
  auto guard = object_store(history.raw());
  git_odb* odb = guard.get();
  auto add_object = [](git_odb* o, const git_oid& id, git_object_t type, PackWriter& p) {
    p.add(type, read_raw_object(o, id));
  };
  git_revwalk* w = nullptr;
  git_check(git_revwalk_new(&w, history.raw()), "walking history");
  GitRevwalk rw(w);
  git_oid head_oid = oid_of(head);
  git_revwalk_push(w, &head_oid);
  std::set<std::string> seen;
  git_oid oid;
  while (git_revwalk_next(&oid, w) == 0) {
    add_object(odb, oid, GIT_OBJECT_COMMIT, pack);
    git_commit* c = nullptr;
    git_check(git_commit_lookup(&c, history.raw(), &oid), "reading commit");
    GitCommit commit(c);
    git_tree* t = nullptr;
    git_check(git_commit_tree(&t, c), "reading tree");
    GitTree tree(t);
    if (seen.insert(oid_hex(*git_tree_id(t))).second) add_object(odb, *git_tree_id(t), GIT_OBJECT_TREE, pack);
    struct Ctx {
      git_odb* odb;
      PackWriter* pack;
      std::set<std::string>* seen;
      decltype(add_object)* add;
    } ctx{odb, &pack, &seen, &add_object};
    git_tree_walk(
        t, GIT_TREEWALK_PRE,
        [](const char*, const git_tree_entry* e, void* payload) -> int {
          auto* x = static_cast<Ctx*>(payload);
          if (!x->seen->insert(oid_hex(*git_tree_entry_id(e))).second) return 1;  // skip known subtrees
          (*x->add)(x->odb, *git_tree_entry_id(e), git_tree_entry_type(e), *x->pack);
          return 0;
        },
        &ctx);
  }
  return pack.finish();
}

namespace {

// The id of the tree a raw commit names on its first line ("tree <hex>").
git_oid tree_of_raw_commit(const std::string& raw) {
  if (auto tree = parse_oid(std::string_view(raw).substr(5, 40)); tree && raw.starts_with("tree ")) return *tree;
  throw Failure("a commit of the history does not start with its tree");
}

// One entry of a raw tree; the views point into the tree's data.
struct RawTreeEntry {
  bool is_tree;
  std::string_view name;
  std::string_view raw_id;  // GIT_OID_RAWSZ bytes
};

std::vector<RawTreeEntry> parse_raw_tree(std::string_view data) {
  std::vector<RawTreeEntry> out;
  std::size_t i = 0;
  while (i < data.size()) {
    auto space = data.find(' ', i);
    auto nul = space == std::string_view::npos ? space : data.find('\0', space);
    // A tree from another copy's pack is not checked by libgit2's indexer:
    // a malformed one must not send this loop past the end.
    if (nul == std::string_view::npos || data.size() - nul - 1 < GIT_OID_RAWSZ)
      throw UserError("a tree object is malformed");
    out.push_back({data.substr(i, space - i) == "40000", data.substr(space + 1, nul - space - 1),
                   data.substr(nul + 1, GIT_OID_RAWSZ)});
    i = nul + 1 + GIT_OID_RAWSZ;
  }
  return out;
}

git_oid oid_of_raw(std::string_view raw_id) {
  git_oid oid;
  git_oid_fromraw(&oid, reinterpret_cast<const unsigned char*>(raw_id.data()));
  return oid;
}

// Adds the trees under `tree_id` that `to` lacks to `pack` and lists the
// blobs it lacks in `blobs` (read later, if at all). `ours` is the tree at the
// same path in `to`'s head, if any: entries equal to its entries are there
// already, which spares looking up each of 100k unchanged records.
void copy_tree(git_odb* from, git_odb* to, const git_oid& tree_id, const std::optional<git_oid>& ours,
               ObjectBatch& pack, std::vector<git_oid>& blobs, std::set<std::string>& added) {
  if (git_odb_exists_ext(to, &tree_id, GIT_ODB_LOOKUP_NO_REFRESH) || !added.insert(oid_hex(tree_id)).second) return;
  std::string data = read_raw_object(from, tree_id);
  pack.add(tree_id, GIT_OBJECT_TREE, data);
  std::string our_data = ours ? read_raw_object(to, *ours) : std::string();
  std::unordered_map<std::string_view, std::string_view> our_ids;  // name -> raw id
  for (const auto& e : parse_raw_tree(our_data)) our_ids.emplace(e.name, e.raw_id);
  for (const auto& entry : parse_raw_tree(data)) {
    auto mine = our_ids.find(entry.name);
    if (mine != our_ids.end() && mine->second == entry.raw_id) continue;
    git_oid child = oid_of_raw(entry.raw_id);
    if (entry.is_tree) {
      std::optional<git_oid> our_subtree;
      if (mine != our_ids.end()) our_subtree = oid_of_raw(mine->second);
      copy_tree(from, to, child, our_subtree, pack, blobs, added);
    } else if (!git_odb_exists_ext(to, &child, GIT_ODB_LOOKUP_NO_REFRESH) && added.insert(oid_hex(child)).second) {
      blobs.push_back(child);
    }
  }
}

// Bytes of the source's packs that the target has no file of.
std::uintmax_t unshared_pack_bytes(const History& source, const History& target) {
  std::uintmax_t total = 0;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(source.dir() / "objects" / "pack", ec)) {
    if (entry.path().extension() != ".pack") continue;
    if (std::filesystem::exists(target.dir() / "objects" / "pack" / entry.path().filename(), ec)) continue;
    total += entry.file_size(ec);
  }
  return total;
}

}  // namespace

void copy_objects(const History& source, History& target, const CommitId& want, const std::vector<CommitId>& haves) {
  // A pack the target lacks holds a bulk change (small ones are written as
  // loose objects): copy the files at once, without walking trees.
  if (unshared_pack_bytes(source, target) > kCopyFilesAbovePackBytes) {
    copy_object_files(source, target);
    return;
  }
  auto source_store = object_store(source.raw());
  git_odb* from = source_store.get();
  auto target_store = object_store(target.raw());
  git_odb* to = target_store.get();
  auto walk = walk_excluding(source.raw(), oid_of(want), haves);
  git_revwalk* w = walk.get();
  // The tree of the target's head, to skip what it holds unchanged.
  std::optional<git_oid> our_tree;
  if (auto head = target.head()) our_tree = tree_of_raw_commit(read_raw_object(to, oid_of(*head)));
  ObjectBatch pack(target.pack_compression_level());
  std::vector<git_oid> blobs;
  std::set<std::string> added;
  git_oid oid;
  while (git_revwalk_next(&oid, w) == 0) {
    if (git_odb_exists_ext(to, &oid, GIT_ODB_LOOKUP_NO_REFRESH)) continue;
    std::string raw = read_raw_object(from, oid);
    pack.add(oid, GIT_OBJECT_COMMIT, raw);
    copy_tree(from, to, tree_of_raw_commit(raw), our_tree, pack, blobs, added);
  }
  if (blobs.size() > kCopyFilesAboveRecords) {
    // Many records changed on the other side (a bulk import): copying its
    // object files costs a file copy, where reading and recompressing each
    // object grows with their number.
    copy_object_files(source, target);
    return;
  }
  for (const auto& blob : blobs) pack.add(blob, GIT_OBJECT_BLOB, read_raw_object(from, blob));
  pack.write(target.raw(), target.dir());
}

void copy_object_files(const History& source, History& target) {
  auto from = source.dir() / "objects";
  auto to = target.dir() / "objects";
  std::set<std::filesystem::path> folders;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(from)) {
    if (!entry.is_regular_file()) continue;
    auto name = entry.path().filename().string();
    if (name.starts_with("tmp") || name.ends_with(".lock")) continue;  // another process's work in progress
    auto dest = to / std::filesystem::relative(entry.path(), from);
    if (std::filesystem::exists(dest)) continue;
    std::filesystem::create_directories(dest.parent_path());
    copy_file_synced(entry.path(), dest);
    folders.insert(dest.parent_path());
  }
  for (const auto& folder : folders) sync_directory(folder);
  auto guard = object_store(target.raw());
  git_odb* odb = guard.get();
  git_check(git_odb_refresh(odb), "refreshing object store");
}

void ingest_pack(History& target, std::string_view pack, const std::string& what) {
  if (pack.size() < 32 || pack.substr(0, 4) != "PACK") throw UserError(what + ": not a git pack");
  auto odb_guard = object_store(target.raw());
  git_odb* odb = odb_guard.get();
  git_odb_writepack* writer = nullptr;
  git_check(git_odb_write_pack(&writer, odb, nullptr, nullptr), "receiving pack");
  git_indexer_progress stats{};
  int rc = writer->append(writer, pack.data(), pack.size(), &stats);
  if (rc == 0) rc = writer->commit(writer, &stats);
  std::string message;
  if (rc != 0) {
    const git_error* e = git_error_last();
    message = e && e->message ? e->message : "unreadable pack";
  }
  writer->free(writer);
  if (rc != 0) throw UserError(what + ": damaged or incomplete pack (" + message + ")");
  git_check(git_odb_refresh(odb), "refreshing object store");
}

Bundle make_bundle(const History& source, const std::optional<CommitId>& since) {
  auto head = source.head();
  if (!head) throw UserError("the history is empty: nothing to bundle");
  Bundle b;
  b.head = *head;
  if (since) b.prerequisites.push_back(*since);
  b.payload = encode_patches(make_patches(source, *head, b.prerequisites));
  return b;
}

void write_bundle(const Bundle& bundle, const std::filesystem::path& file) {
  Json header = {{"head", bundle.head}, {"prerequisites", bundle.prerequisites},
                 {"payload_bytes", bundle.payload.size()}};
  auto tmp = file.string() + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary);
    out << kBundleMagic << header.dump() << "\n" << bundle.payload;
    out.flush();
    if (!out) throw Failure("cannot write " + file.string());
  }
  std::filesystem::rename(tmp, file);
}

bool looks_like_bundle(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::string start(kBundleMagic.size(), '\0');
  in.read(start.data(), static_cast<std::streamsize>(start.size()));
  return in && start == kBundleMagic;
}

Bundle read_bundle(const std::filesystem::path& file, const DecodeLimits& limits) {
  std::string name = file.filename().string();
  std::ifstream in(file, std::ios::binary);
  std::error_code ec;
  auto file_size = std::filesystem::file_size(file, ec);
  if (!in || ec) throw UserError("cannot read " + file.string());
  // The header line, read within its limit; then exactly the payload it
  // announces, once the file is known to hold that many bytes.
  std::string head(std::min<std::uintmax_t>(file_size, kBundleMagic.size() + limits.max_bundle_header_bytes + 1),
                   '\0');
  in.read(head.data(), static_cast<std::streamsize>(head.size()));
  if (!in) throw UserError("cannot read " + file.string());
  if (!head.starts_with(kBundleMagic)) throw UserError(name + ": not a liaison bundle");
  auto eol = head.find('\n', kBundleMagic.size());
  if (eol == std::string::npos)
    throw UserError(name + (head.size() < file_size ? ": bundle header is too long" : ": bundle header is cut short"));
  Json header = parse_json(std::string_view(head).substr(kBundleMagic.size(), eol - kBundleMagic.size()), name);
  Bundle b;
  std::uint64_t size = 0;
  try {
    b.head = header.at("head").get<std::string>();
    b.prerequisites = header.at("prerequisites").get<std::vector<std::string>>();
    const auto& bytes = header.at("payload_bytes");
    if (!bytes.is_number_unsigned()) throw UserError(name + ": bundle header is malformed");
    size = bytes.get<std::uint64_t>();
  } catch (const Json::exception&) {
    throw UserError(name + ": bundle header is malformed");
  }
  if (!is_commit_id(b.head)) throw UserError(name + ": bundle header names a malformed head");
  for (const auto& p : b.prerequisites)
    if (!is_commit_id(p)) throw UserError(name + ": bundle header names a malformed prerequisite");
  if (size > limits.max_expanded_bytes)
    throw UserError(name + ": bundle announces " + std::to_string(size) + " bytes of patches, more than the " +
                    std::to_string(limits.max_expanded_bytes) + " allowed");
  std::uintmax_t payload_start = eol + 1;
  if (file_size - payload_start != size)
    throw UserError(name + ": bundle is truncated or padded (" + std::to_string(file_size - payload_start) + " of " +
                    std::to_string(size) + " bytes)");
  b.payload.assign(head, payload_start);
  std::size_t have = b.payload.size();
  b.payload.resize(size);
  in.read(b.payload.data() + have, static_cast<std::streamsize>(size - have));
  if (!in && size != have) throw UserError(name + ": bundle is truncated (it changed while read)");
  return b;
}

}  // namespace liaison
