#include "server/clone_cache.h"

#include <fstream>
#include <iostream>
#include <set>

#include "base/error.h"
#include "git/pack_writer.h"
#include "base/temp_file.h"
#include "view/view.h"
#include "view/view_snapshot.h"
#include "server/central.h"

namespace liaison::server {
namespace {

git_oid to_oid(const CommitId& id) {
  git_oid oid;
  git_check(git_oid_fromstr(&oid, id.c_str()), "reading a commit id");
  return oid;
}

// Every object reachable from `head`, without delta search.
std::string full_pack(const History& history, const CommitId& head) {
  PackWriter pack;
  git_odb* odb = nullptr;
  git_check(git_repository_odb(&odb, history.raw()), "opening object store");
  GitOdb guard(odb);
  auto add_object = [](git_odb* o, const git_oid& id, git_object_t type, PackWriter& p) {
    git_odb_object* obj = nullptr;
    git_check(git_odb_read(&obj, o, &id), "reading object");
    p.add(type, std::string_view(static_cast<const char*>(git_odb_object_data(obj)), git_odb_object_size(obj)));
    git_odb_object_free(obj);
  };
  git_revwalk* w = nullptr;
  git_check(git_revwalk_new(&w, history.raw()), "walking history");
  GitRevwalk rw(w);
  git_oid head_oid = to_oid(head);
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
          write_view_snapshot(store.view().db(), snapshot.path());
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
      image->pack = image_file(base.string() + ".pack", full_pack(history, head));
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
  git_oid now = to_oid(*head), then = to_oid(image.head);
  std::size_t ahead = 0, behind = 0;
  if (git_graph_ahead_behind(&ahead, &behind, history.raw(), &now, &then) != 0) return true;
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

std::shared_ptr<const CloneImage> CloneCache::image_at(const CommitId& head) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (current_ && current_->head == head) return current_;
  return nullptr;
}

}  // namespace liaison::server
