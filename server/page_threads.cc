#include "server/page_threads.h"

#include <sys/resource.h>
#include <unistd.h>

#include <boost/asio/post.hpp>

namespace liaison::server {

PageThreads::PageThreads(int threads, int nice) : keep_running_(boost::asio::make_work_guard(jobs_)) {
  for (int i = 0; i < threads; ++i)
    threads_.emplace_back([this, nice] {
      // Without CAP_SYS_NICE a thread may lower its priority, never raise it
      // back; a refusal leaves it at the process's, which is only slower.
      if (nice > 0) ::setpriority(PRIO_PROCESS, static_cast<id_t>(::gettid()), ::getpriority(PRIO_PROCESS, 0) + nice);
      jobs_.run();
    });
}

PageThreads::~PageThreads() {
  keep_running_.reset();
  for (auto& t : threads_) t.join();
}

void PageThreads::post(std::function<void()> job) { boost::asio::post(jobs_, std::move(job)); }

}  // namespace liaison::server
