// ObjectBatch: new objects written into a repository the way git's fetch
// does with its unpack limit: a few objects are written loose (one fsynced
// file each, found by name; compressed at zlib's fastest level), many as
// one pack (PackWriter, at the history's pack level). Without the
// limit every pull of one record left a small pack behind, and every later
// command opened all of them.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include <git2.h>

#include "base/bulk_thresholds.h"
#include "git/pack_writer.h"

namespace liaison {

class ObjectBatch {
 public:
  static constexpr std::size_t kLooseLimit = kPackObjectsFrom;

  // `pack_level`: the deflate level of a pack's objects (History::pack_compression_level()).
  explicit ObjectBatch(int pack_level) : pack_(pack_level) {}

  // `id` is the object's id, known to the caller (it comes from a store
  // that computed it); loose objects are written under it without hashing.
  void add(const git_oid& id, git_object_t type, std::string content);
  // Writes the objects into `repo` (loose or as a pack) and refreshes its
  // object store so they can be read at once.
  void write(git_repository* repo, const std::filesystem::path& git_dir);

 private:
  struct Loose {
    git_oid id;
    git_object_t type;
    std::string content;
  };
  std::vector<Loose> loose_;
  PackWriter pack_;
  bool packing_ = false;
};

}  // namespace liaison
