// PackWriter: writes many objects into a repository as one git pack and its
// version-2 index, without deltas and at a fast compression level (or none:
// stored deflate blocks, which git reads like any other). It exists
// because writing 100k records as loose objects (one fsynced file each) takes
// seconds; one pack takes a fraction of that. The pack and index are fsynced
// and renamed into objects/pack only when complete, so a crash leaves either
// no pack or a whole one.
#pragma once

#include <filesystem>
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
  // Adds an object (git_object_t GIT_OBJECT_BLOB, _TREE or _COMMIT) and
  // returns its id.
  git_oid add(git_object_t type, std::string_view content);
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
  // Starts with room for the 12-byte header, filled in by write() and
  // finish(), so that the pack is never copied to be completed.
  std::string pack_;
  void fill_header();
  std::vector<Entry> objects_;
  std::unordered_set<std::string> added_;  // raw ids, so that identical objects are stored once
  Deflater deflater_;
  git_odb* skip_in_ = nullptr;
};

}  // namespace liaison
