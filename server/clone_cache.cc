#include "server/clone_cache.h"

#include <fstream>
#include <iostream>
#include <set>

#include "base/error.h"
#include "git/transfer.h"
#include "base/temp_file.h"
#include "view/view.h"
#include "view/view_snapshot.h"
#include "server/central.h"
#include "store/store.h"

namespace liaison::server {
namespace {

// Writes `bytes` to a new file that goes away with the returned TempFile.
std::unique_ptr<TempFile> image_file(const std::filesystem::path& path, const std::string& bytes) {
  auto file = std::make_unique<TempFile>(path);
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  out.close();
  if (!out) throw Failure("cannot write " + path.string());
  return file;
}

std::filesystem::path images_dir(Central& central) { return central.dir() / "clone-images"; }

}  // namespace

CloneCache::CloneCache(Central& central) : central_(central) {
  // Images are rebuilt as the server starts; those of an earlier run go.
  std::filesystem::remove_all(images_dir(central_));
  std::filesystem::create_directories(images_dir(central_));
}

CloneCache::~CloneCache() {
  if (builder_.joinable()) builder_.join();
}

void CloneCache::refresh_in_background() {
  std::lock_guard<std::mutex> lock(mutex_);
  if (building_) return;
  if (builder_.joinable()) builder_.join();  // the last build is over (building_ is false)
  building_ = true;
  builder_ = std::thread([this] { build(); });
}

void CloneCache::build() {
  std::shared_ptr<CloneImage> made;
  try {
    TempFile snapshot(central_.dir() / "clone-view.tmp");
    CommitId head;
    std::filesystem::path history_dir;
    bool with_view = false;
    {
      auto lock = central_.lock();
      {
        std::lock_guard<std::mutex> own(mutex_);
        building_mark_ = changed_records_;  // pushes need the central lock: none can slip in
      }
      auto& store = central_.store();
      history_dir = store.history().dir();
      if (auto h = store.history().head()) {
        head = *h;
        if (store.view().head() == head) {
          write_view_snapshot(store.view(), snapshot.path());
          with_view = true;
        }
      }
    }
    if (!head.empty()) {
      // Packing reads only objects reachable from `head`, which never
      // change, through a handle of its own: no central lock needed.
      auto history = History::open(history_dir);
      auto image = std::make_shared<CloneImage>();
      image->head = head;
      auto base = images_dir(central_) / (std::to_string(++images_built_) + "-" + head);
      image->pack = image_file(base.string() + ".pack", pack_everything(history, head));
      if (with_view) {
        image->view = image_file(base.string() + ".view", pack_view_snapshot(snapshot.path()));
        image->view_layout = kViewLayoutVersion;
      }
      made = std::move(image);
    }
  } catch (const std::exception& e) {
    std::cerr << "liaisond: building the clone image failed: " << e.what() << "\n";
  }
  std::lock_guard<std::mutex> lock(mutex_);
  if (made) {
    current_ = std::move(made);
    image_mark_ = building_mark_;
  }
  building_ = false;
  built_.notify_all();
}

void CloneCache::note_changes(std::size_t records) {
  bool bulk = false;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    changed_records_ += records;
    bulk = records_behind() > kWaitAfterRecords;
  }
  if (bulk) refresh_in_background();
}

std::size_t CloneCache::records_behind() { return changed_records_ - image_mark_; }

bool CloneCache::is_old(const CloneImage& image) {
  // From the published head and a read handle: a clone does not wait for a
  // push in progress.
  auto head = central_.published_head();
  if (!head || *head == image.head) return false;
  auto lease = central_.read_history();
  const auto& history = *lease;
  {
    std::lock_guard<std::mutex> own(mutex_);
    if (records_behind() > kRefreshAfterRecords) return true;
  }
  auto [ahead, behind] = history.ahead_behind(*head, image.head);
  return ahead > kRefreshAfterCommits || behind > 0;
}

std::shared_ptr<const CloneImage> CloneCache::image() {
  std::shared_ptr<const CloneImage> found;
  bool far_behind = false;
  {
    std::unique_lock<std::mutex> lock(mutex_);
    found = current_;
    far_behind = records_behind() > kWaitAfterRecords;
  }
  if (!found || far_behind) {
    refresh_in_background();
    std::unique_lock<std::mutex> lock(mutex_);
    built_.wait(lock, [&] { return !building_; });
    return current_;
  }
  if (is_old(*found)) refresh_in_background();
  return found;
}

std::shared_ptr<const CloneImage> CloneCache::segment_image(const std::string& audience, const CommitId& head) {
  {
    // Segments that hide nothing are central's history itself, and
    // organizations that see the same records share their commits.
    std::lock_guard<std::mutex> lock(mutex_);
    if (current_ && current_->head == head) return current_;
    for (const auto& [name, image] : segment_images_)
      if (image->head == head) return image;
  }
  auto fresh_enough = [&](const std::shared_ptr<const CloneImage>& image) {
    if (!image) return false;
    if (image->head == head) return true;
    auto lease = central_.read_history();
    auto [ahead, behind] = lease->ahead_behind(head, image->head);
    return ahead <= kRefreshAfterCommits && behind == 0;
  };
  auto cached = [&] {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = segment_images_.find(audience);
    return it == segment_images_.end() ? nullptr : it->second;
  };
  if (auto image = cached(); fresh_enough(image)) return image;
  std::lock_guard<std::mutex> building(segment_build_mutex_);
  if (auto image = cached(); fresh_enough(image)) return image;  // built while this one waited
  auto image = std::make_shared<CloneImage>();
  image->head = head;
  auto base = images_dir(central_) / ("segment-" + std::to_string(++segment_images_built_) + "-" + head);
  std::string pack;
  {
    auto lease = central_.read_history();
    pack = pack_everything(*lease, head);
  }
  image->pack = image_file(base.string() + ".pack", pack);
  try {
    // The segment's view, built once in a scratch copy of the segment alone,
    // so that its clones start from it as clones of central do.
    auto scratch = base.string() + ".copy";
    TempFile snapshot(base.string() + ".view.tmp");
    {
      Store::InitOptions options;
      options.org = "liaisond";
      options.user = Person{"liaisond", "liaisond@localhost"};
      options.with_reference_data = false;
      auto copy = Store::init(scratch, options);
      ingest_pack(copy.history(), pack, "segment image");
      copy.start_at(head);
      write_view_snapshot(copy.view(), snapshot.path());
    }
    std::filesystem::remove_all(scratch);
    image->view = image_file(base.string() + ".view", pack_view_snapshot(snapshot.path()));
    image->view_layout = kViewLayoutVersion;
  } catch (const std::exception& e) {
    std::cerr << "liaisond: building the view of a segment image failed (its clones build their own): " << e.what()
              << "\n";
  }
  std::lock_guard<std::mutex> lock(mutex_);
  segment_images_[audience] = image;
  return image;
}

std::shared_ptr<const CloneImage> CloneCache::segment_image_at(const CommitId& head) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (current_ && current_->head == head) return current_;
  for (const auto& [name, image] : segment_images_)
    if (image->head == head) return image;
  return nullptr;
}

std::shared_ptr<const CloneImage> CloneCache::image_at(const CommitId& head) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (current_ && current_->head == head) return current_;
  return nullptr;
}

}  // namespace liaison::server
