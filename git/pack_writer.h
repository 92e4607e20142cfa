// PackWriter: writes many objects into a repository as one git pack and its
// version-2 index, without deltas of its own finding (a caller that knows
// one object as a small edit of another can store it so) and at a fast
// compression level (or none:
// stored deflate blocks, which git reads like any other). It exists
// because writing 100k records as loose objects (one fsynced file each) takes
// seconds; one pack takes a fraction of that. The pack and index are fsynced
// and renamed into objects/pack only when complete, so a crash leaves either
// no pack or a whole one (and, from a spooling writer, a temporary file).
#pragma once

#include <filesystem>
#include <memory>
#include <unordered_set>
#include <string>
#include <string_view>
#include <vector>

#include <git2.h>

#include "base/compression.h"

namespace liaison {

// The id git gives an object: the SHA-1 of "<type> <size>\0<content>",
// computed with OpenSSL, several times faster than libgit2's SHA-1. That
// one detects collision attacks, so bytes from another copy or the network
// are hashed by libgit2 instead; this is for objects liaison makes itself.
git_oid object_id(git_object_t type, std::string_view content);

class PackWriter {
 public:
  // `level`: the objects' deflate level, 0 (stored) to 12.
  explicit PackWriter(int level = 1);
  // A writer that spools the pack into a temporary file under `git_dir`'s
  // objects/pack as objects are added, instead of holding it in memory (an
  // import's pack is the size of its records): only a megabyte and the
  // objects' ids are held. write() must be given the same `git_dir`;
  // finish() is for the writers that hold their pack. A writer destroyed
  // before write() removes its file.
  PackWriter(int level, const std::filesystem::path& git_dir);
  // Adds an object (git_object_t GIT_OBJECT_BLOB, _TREE or _COMMIT) and
  // returns its id.
  git_oid add(git_object_t type, std::string_view content);
  // Adds object `id` as `delta` (git's delta format) against `base`, which
  // must be in this pack already, as every delta's base is in a pack git
  // keeps. The caller vouches that `id` is what the delta makes.
  void add_delta(const git_oid& id, const git_oid& base, std::string_view delta);
  // Whether the object is in this pack.
  bool holds(const git_oid& id) const;
  // From now on, objects `odb` already holds are not added (their ids are
  // still returned): a lookup costs less than compressing them again.
  void skip_objects_in(git_odb* odb) { skip_in_ = odb; }
  std::size_t size() const { return objects_.size(); }
  // Writes objects/pack/pack-<checksum>.{pack,idx} under `git_dir`.
  // Does nothing when no object was added.
  void write(const std::filesystem::path& git_dir);
  // The pack's bytes (header, objects, checksum) instead of files, for
  // sending; the receiver indexes it.
  std::string finish();

 private:
  struct Entry {
    git_oid oid;
    std::uint32_t crc32;
    std::uint64_t offset;
  };
  // The temporary file of a spooling writer, removed unless renamed into place.
  struct Spool;
  struct SpoolDelete {
    void operator()(Spool* spool) const;
  };
  // Starts with room for the 12-byte header, filled in by write() and
  // finish(), so that the pack is never copied to be completed. A spooling
  // writer holds here what it has not yet written to its file.
  std::string pack_;
  std::filesystem::path spool_dir_;  // objects/pack of a spooling writer, else empty
  std::unique_ptr<Spool, SpoolDelete> spool_;
  std::uint64_t spooled_ = 0;  // the pack's bytes in the spool file, before pack_
  void fill_header();
  void spool(bool all);
  void write_spooled();
  std::vector<Entry> objects_;
  std::unordered_set<std::string> added_;  // raw ids, so that identical objects are stored once
  Deflater deflater_;
  git_odb* skip_in_ = nullptr;
};

}  // namespace liaison
