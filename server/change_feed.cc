#include "server/change_feed.h"

#include <iostream>

#include "sync/sse.h"

namespace liaison::server {

namespace {

// A failure while making an event goes to the log; the feed goes on (the
// watchers of that audience hear of the head at the next move).
void log_failure(const std::string& what, const std::exception& e) {
  std::cerr << "change feed: " << what << ": " << e.what() << "\n";
}

// Gone watchers are forgotten in one sweep at most this often, so that
// thousands leaving together cost a few sweeps, not one each.
constexpr std::chrono::milliseconds kForgetEvery{100};

}  // namespace

ChangeFeed::ChangeFeed(const std::filesystem::path& history_dir, Segments& segments, FeedOptions options)
    : segments_(segments),
      options_(options),
      history_(History::open(history_dir)),
      state_(std::make_shared<State>()),
      ping_(std::make_shared<const std::string>(sync::kSseHeartbeat)),
      thread_([this] { run(); }) {}

ChangeFeed::~ChangeFeed() {
  {
    std::lock_guard<std::mutex> lock(state_->mutex);
    state_->stop = true;
  }
  state_->wake.notify_all();
  thread_.join();
}

void ChangeFeed::central_moved(const CommitId& head) {
  {
    std::lock_guard<std::mutex> lock(state_->mutex);
    if (state_->central_head == head) return;
    state_->central_head = head;
    state_->moved = true;
  }
  state_->wake.notify_all();
}

ChangeFeed::Ticket ChangeFeed::watch(const Audience& audience, const std::optional<CommitId>& since,
                                     std::weak_ptr<FeedSink> sink) {
  {
    std::lock_guard<std::mutex> lock(state_->mutex);
    if (state_->closed || state_->tickets >= options_.max_watchers) return nullptr;
    state_->arriving.push_back(Watcher{audience, since, std::move(sink)});
    ++state_->tickets;
  }
  state_->wake.notify_all();
  return Ticket(static_cast<void*>(state_.get()), [state = state_](void*) {
    {
      std::lock_guard<std::mutex> lock(state->mutex);
      --state->tickets;
      ++state->departed;
    }
    state->wake.notify_all();
  });
}

void ChangeFeed::close() {
  std::lock_guard<std::mutex> work(work_mutex_);
  std::lock_guard<std::mutex> lock(state_->mutex);
  state_->closed = true;
  state_->arriving.clear();
  groups_.clear();
}

std::size_t ChangeFeed::watchers() const {
  std::lock_guard<std::mutex> lock(state_->mutex);
  return state_->tickets;
}

void ChangeFeed::run() {
  using Clock = std::chrono::steady_clock;
  auto next_beat = Clock::now() + options_.heartbeat;
  auto next_forget = Clock::now();
  for (;;) {
    std::vector<Watcher> arriving;
    std::optional<CommitId> central;
    bool forget = false;
    {
      auto& s = *state_;
      std::unique_lock<std::mutex> lock(s.mutex);
      for (;;) {
        if (s.stop) return;
        auto now = Clock::now();
        if (s.moved || !s.arriving.empty() || now >= next_beat || (s.departed && now >= next_forget)) break;
        s.wake.wait_until(lock, s.departed ? std::min(next_beat, next_forget) : next_beat);
      }
      arriving.swap(s.arriving);
      central = s.central_head;
      s.moved = false;
      forget = s.departed > 0 && Clock::now() >= next_forget;
      if (forget) s.departed = 0;
    }
    std::lock_guard<std::mutex> work(work_mutex_);
    if (forget) {
      forget_gone();
      next_forget = Clock::now() + kForgetEvery;
    }
    if (central && central != processed_head_) {
      for (auto& [name, group] : groups_) advance(group, *central);
      processed_head_ = central;
    }
    CatchUps made;  // watchers coming back together mostly saw the same head
    for (auto& w : arriving) start(w, made);
    if (Clock::now() >= next_beat) {
      heartbeat();
      next_beat = Clock::now() + options_.heartbeat;
    }
  }
}

ChangeFeed::Group& ChangeFeed::group_of(const Audience& audience) {
  auto name = audience.name();
  auto it = groups_.find(name);
  if (it != groups_.end()) return it->second;
  Group group{audience, std::nullopt, {}};
  if (processed_head_) group.head = segments_.at(audience, *processed_head_);
  return groups_.emplace(name, std::move(group)).first->second;
}

bool ChangeFeed::in_segment(const Audience& audience, const CommitId& commit, const CommitId& head) {
  if (audience != Audience::all()) return segments_.source_of(audience, commit).has_value();
  return history_.has_commit(commit) && history_.is_ancestor(commit, head);
}

std::shared_ptr<const std::string> ChangeFeed::event_between(const Audience& audience,
                                                             const std::optional<CommitId>& from, const CommitId& to) {
  bool known = from && in_segment(audience, *from, to);
  std::optional<std::vector<sync::RecordChangeNote>> changes;
  if (known) changes = sync::changes_between(history_, from, to, options_.limits);
  if (!changes) {
    Json data{{"head", to},
              {"previous", from ? Json(*from) : Json()},
              {"reason", known ? "more changed than an event holds (" + std::to_string(options_.limits.max_records) +
                                     " records, " + std::to_string(options_.limits.max_commits) + " commits)"
                               : std::string("the last commit seen is not in this segment")}};
    return std::make_shared<const std::string>(sync::sse_frame("pull", to, data.dump()));
  }
  Json records = Json::array();
  for (const auto& note : *changes) records.push_back(sync::to_json(note));
  Json data{{"head", to}, {"previous", *from}, {"records", std::move(records)}};
  return std::make_shared<const std::string>(sync::sse_frame("change", to, data.dump()));
}

void ChangeFeed::advance(Group& group, const CommitId& central) {
  std::optional<CommitId> head;
  try {
    head = segments_.at(group.audience, central);
  } catch (const std::exception& e) {
    return log_failure("deriving the segment " + group.audience.name(), e);
  }
  if (head == group.head) return;
  std::shared_ptr<const std::string> frame;
  try {
    frame = event_between(group.audience, group.head, *head);
  } catch (const std::exception& e) {
    return log_failure("reading the changes of " + group.audience.name(), e);
  }
  group.head = head;
  send_to(group, frame);
}

void ChangeFeed::send_to(Group& group, const std::shared_ptr<const std::string>& frame) {
  std::erase_if(group.sinks, [&](const std::weak_ptr<FeedSink>& weak) {
    auto sink = weak.lock();
    if (!sink) return true;
    sink->send(frame);
    return false;
  });
}

// A gone watcher's weak_ptr keeps its connection's memory (one block with
// the count), so it is not left until the next heartbeat.
void ChangeFeed::forget_gone() {
  for (auto& [name, group] : groups_)
    std::erase_if(group.sinks, [](const std::weak_ptr<FeedSink>& weak) { return weak.expired(); });
}

void ChangeFeed::start(Watcher& watcher, CatchUps& made) {
  auto sink = watcher.sink.lock();
  if (!sink) return;
  try {
    auto& group = group_of(watcher.audience);
    Json hello{{"head", group.head ? Json(*group.head) : Json()},
               {"segment", watcher.audience.name()},
               {"heartbeat_ms", options_.heartbeat.count()}};
    sink->send(std::make_shared<const std::string>(sync::sse_frame("hello", group.head.value_or(""), hello.dump())));
    if (group.head && watcher.since && *watcher.since != *group.head) {
      auto& frame = made[watcher.audience.name() + " " + *watcher.since];
      if (!frame) frame = event_between(watcher.audience, watcher.since, *group.head);
      sink->send(frame);
    }
    group.sinks.push_back(watcher.sink);
  } catch (const std::exception& e) {
    log_failure("starting a watcher of " + watcher.audience.name(), e);
  }
}

void ChangeFeed::heartbeat() {
  for (auto& [name, group] : groups_) send_to(group, ping_);
}

}  // namespace liaison::server
