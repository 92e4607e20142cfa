// Threads that run posted jobs, at a scheduling priority of their own (a
// nice value added to the server's). liaisond keeps three kinds apart so
// that a crowd of visitors cannot take the CPU from organizations syncing:
// the sync API runs at the server's own priority, the io threads (reading
// requests, sending answers and kept pages) and the threads making web
// pages below it. Jobs run in the order they were posted; the destructor
// lets the queued ones finish, unless drop_queued() was called.
#pragma once

#include <functional>
#include <memory>
#include <thread>
#include <vector>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

namespace liaison::server {

class JobThreads {
 public:
  // `nice` is added to each thread's nice value (Linux schedules threads
  // one by one); 0 leaves them as the process is. `name` (at most 15
  // bytes) is what `top -H` and /proc show for each.
  JobThreads(int threads, int nice, const char* name);
  ~JobThreads();
  JobThreads(const JobThreads&) = delete;
  JobThreads& operator=(const JobThreads&) = delete;

  void post(std::function<void()> job);
  // Runs no job not yet started: the server calls it as it stops, so that
  // no push waiting for a sync thread is applied once nobody can be told.
  void drop_queued();

 private:
  boost::asio::io_context jobs_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> keep_running_;
  std::vector<std::thread> threads_;
};

// Adds `nice` (> 0) to the calling thread's nice value; Linux schedules
// threads one by one. Without CAP_SYS_NICE a thread may lower its priority,
// never raise it back; a refusal leaves it at the process's, which is only
// slower.
void lower_this_thread_priority(int nice);
// Names the calling thread (at most 15 bytes are kept).
void name_this_thread(const char* name);

}  // namespace liaison::server
