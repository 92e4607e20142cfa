#include "git/object_batch.h"

#include <zlib.h>

#include "base/durable_file.h"
#include "base/error.h"
#include "git/git_handles.h"

namespace liaison {
namespace {

const char* type_name(git_object_t type) { return git_object_type2string(type); }

// Writes one loose object (objects/xx/yyyy...: zlib of "type size\0content")
// through a temporary file, fsynced, renamed into place.
void write_loose(const std::filesystem::path& git_dir, const git_oid& id, git_object_t type,
                 const std::string& content) {
  std::string hex = oid_hex(id);
  auto folder = git_dir / "objects" / hex.substr(0, 2);
  auto file = folder / hex.substr(2);
  std::error_code ec;
  if (std::filesystem::exists(file, ec)) return;
  std::string raw = std::string(type_name(type)) + " " + std::to_string(content.size());
  raw.push_back('\0');
  raw += content;
  uLongf size = compressBound(static_cast<uLong>(raw.size()));
  std::string deflated(size, '\0');
  if (compress2(reinterpret_cast<Bytef*>(deflated.data()), &size, reinterpret_cast<const Bytef*>(raw.data()),
                static_cast<uLong>(raw.size()), Z_BEST_SPEED) != Z_OK)
    throw Failure("compressing object " + hex + " failed");
  deflated.resize(size);
  std::filesystem::create_directories(folder);
  auto tmp = folder / ("tmp_obj_" + hex.substr(2));
  write_file_synced(tmp, deflated);
  std::filesystem::rename(tmp, file);
  sync_directory(folder);
}

}  // namespace

void ObjectBatch::add(const git_oid& id, git_object_t type, std::string content) {
  if (packing_) {
    pack_.add(type, content);
    return;
  }
  loose_.push_back({id, type, std::move(content)});
  if (loose_.size() < kLooseLimit) return;
  packing_ = true;
  for (auto& o : loose_) pack_.add(o.type, o.content);
  loose_.clear();
}

void ObjectBatch::write(git_repository* repo, const std::filesystem::path& git_dir) {
  if (packing_) {
    pack_.write(git_dir);
  } else {
    for (const auto& o : loose_) write_loose(git_dir, o.id, o.type, o.content);
  }
  loose_.clear();
  auto guard = object_store(repo);
  git_odb* odb = guard.get();
  git_check(git_odb_refresh(odb), "refreshing object store");
}

}  // namespace liaison
