// CloneCache: what GET /v1/clone and GET /v1/clone/view serve. Packing a
// 100k-record history takes seconds, so the server keeps one clone image —
// a pack of everything reachable from a recent central head and a snapshot
// of the central view at that head — and serves it to every clone. The
// client then fetches the commits made since, as any pull does, so an image
// a few commits old is as good as a new one. When the head has moved more
// than kRefreshAfterCommits commits or kRefreshAfterRecords changed records
// beyond the image, the next clone starts a new image in the background and
// is still served the old one. Past kWaitAfterRecords changed records (a
// bulk import), fetching the difference would cost more than a new image:
// the clone waits for it, and the push that made them starts it at once.
// A server's first clone waits too (the server starts an image as it starts).
//
// Thread-safe. The background build takes the central lock only to read
// the head and snapshot the view, and packs with a history handle of its
// own, so pushes are not held up while it packs.
#pragma once

#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "git/history.h"
#include "base/temp_file.h"

namespace liaison::server {

class Central;

// The image's parts are files under DATA/clone-images/, removed when the
// image is dropped (a response being sent holds the image): kept in memory,
// an image would weigh as much as its pack, which grows with the history.
struct CloneImage {
  CommitId head;
  std::unique_ptr<TempFile> pack;
  std::unique_ptr<TempFile> view;  // pack_view_snapshot() bytes, or null
  int view_layout = 0;             // kViewLayoutVersion of the snapshot
};

class CloneCache {
 public:
  static constexpr std::size_t kRefreshAfterCommits = 64;
  static constexpr std::size_t kRefreshAfterRecords = 500;
  static constexpr std::size_t kWaitAfterRecords = 5000;

  explicit CloneCache(Central& central);
  ~CloneCache();  // waits for a build in progress
  CloneCache(const CloneCache&) = delete;
  CloneCache& operator=(const CloneCache&) = delete;

  // Starts building an image in the background, unless one is being built.
  void refresh_in_background();
  // The image to serve (call without holding the central lock): waits when
  // there is none yet; starts a refresh when it is old. Null when the
  // central history is empty.
  std::shared_ptr<const CloneImage> image();
  // Counts records a push changed in central (call after the head moved).
  void note_changes(std::size_t records);
  // The image if it was made for `head`.
  std::shared_ptr<const CloneImage> image_at(const CommitId& head);
  // The image of a segment (segments.h) whose head is `head` now: its pack
  // and the view of a copy holding the segment alone, built when there is
  // none or when the segment moved on by more than kRefreshAfterCommits
  // commits (the clone waits for it).
  std::shared_ptr<const CloneImage> segment_image(const std::string& audience, const CommitId& head);
  // The image, central's or a segment's, made for `head` (the caller checks
  // that `head` is a commit the token may see).
  std::shared_ptr<const CloneImage> segment_image_at(const CommitId& head);

 private:
  void build();
  bool is_old(const CloneImage& image);
  std::size_t records_behind();  // under mutex_

  Central& central_;
  std::mutex mutex_;
  std::condition_variable built_;
  std::shared_ptr<const CloneImage> current_;
  bool building_ = false;
  std::size_t changed_records_ = 0;   // by pushes since the server started
  std::size_t image_mark_ = 0;        // changed_records_ when the image's head was read
  std::size_t building_mark_ = 0;     // the same for the image being built
  std::size_t images_built_ = 0;      // names image files apart (builder thread only)
  std::mutex segment_build_mutex_;    // one segment image built at a time
  std::map<std::string, std::shared_ptr<const CloneImage>> segment_images_;  // under mutex_
  std::size_t segment_images_built_ = 0;  // under segment_build_mutex_
  std::thread builder_;
};

}  // namespace liaison::server
