#include "core/object_batch.h"

#include "core/git_handles.h"

namespace liaison {

void ObjectBatch::add(git_object_t type, std::string content) {
  if (packing_) {
    pack_.add(type, content);
    return;
  }
  loose_.emplace_back(type, std::move(content));
  if (loose_.size() < kLooseLimit) return;
  packing_ = true;
  for (auto& [t, c] : loose_) pack_.add(t, c);
  loose_.clear();
}

void ObjectBatch::write(git_repository* repo, const std::filesystem::path& git_dir) {
  git_odb* odb = nullptr;
  git_check(git_repository_odb(&odb, repo), "opening object store");
  GitOdb guard(odb);
  if (packing_) {
    pack_.write(git_dir);
  } else {
    for (const auto& [type, content] : loose_) {
      git_oid id;
      git_check(git_odb_write(&id, odb, content.data(), content.size(), type), "writing object");
    }
  }
  loose_.clear();
  git_check(git_odb_refresh(odb), "refreshing object store");
}

}  // namespace liaison
