// The threads web pages are made on, apart from the io threads that answer
// the sync API, and at a lower scheduling priority (a higher nice value):
// under a crowd of visitors a push or a pull still finds an io thread free
// and gets the CPU first, while pages wait a little longer. Jobs run in the
// order they were posted; the destructor lets the queued ones finish.
#pragma once

#include <functional>
#include <memory>
#include <thread>
#include <vector>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

namespace liaison::server {

class PageThreads {
 public:
  // `nice` is added to each thread's nice value (Linux schedules threads
  // one by one); 0 leaves them as the process is.
  PageThreads(int threads, int nice);
  ~PageThreads();
  PageThreads(const PageThreads&) = delete;
  PageThreads& operator=(const PageThreads&) = delete;

  void post(std::function<void()> job);

 private:
  boost::asio::io_context jobs_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> keep_running_;
  std::vector<std::thread> threads_;
};

}  // namespace liaison::server
