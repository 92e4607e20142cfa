#include "server/job_threads.h"

#include <pthread.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cstring>

#include <boost/asio/post.hpp>

namespace liaison::server {

JobThreads::JobThreads(int threads, int nice, const char* name) : keep_running_(boost::asio::make_work_guard(jobs_)) {
  for (int i = 0; i < threads; ++i)
    threads_.emplace_back([this, nice, name] {
      name_this_thread(name);
      lower_this_thread_priority(nice);
      jobs_.run();
    });
}

JobThreads::~JobThreads() {
  keep_running_.reset();
  for (auto& t : threads_) t.join();
}

void lower_this_thread_priority(int nice) {
  if (nice > 0) ::setpriority(PRIO_PROCESS, static_cast<id_t>(::gettid()), ::getpriority(PRIO_PROCESS, 0) + nice);
}

void name_this_thread(const char* name) {
  char kept[16] = {};
  std::strncpy(kept, name, sizeof kept - 1);
  ::pthread_setname_np(::pthread_self(), kept);
}

void JobThreads::post(std::function<void()> job) { boost::asio::post(jobs_, std::move(job)); }

void JobThreads::drop_queued() { jobs_.stop(); }

}  // namespace liaison::server
