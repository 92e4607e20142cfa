// BatchQueue: a bounded, single-producer single-consumer hand-off of batches
// between two threads, so that one thread can read and parse records while
// another writes them to SQLite. push() blocks while the queue is full;
// pop() blocks until a batch arrives or the producer closes the queue.
// A producer that fails calls fail() with its exception, which pop()
// rethrows in the consumer. All members are thread-safe.
#pragma once

#include <condition_variable>
#include <deque>
#include <exception>
#include <mutex>
#include <optional>

namespace liaison {

template <class Batch>
class BatchQueue {
 public:
  explicit BatchQueue(std::size_t capacity) : capacity_(capacity) {}

  // Returns false when the consumer has stopped (see abandon()).
  bool push(Batch batch) {
    std::unique_lock<std::mutex> lock(mutex_);
    space_.wait(lock, [&] { return batches_.size() < capacity_ || abandoned_; });
    if (abandoned_) return false;
    batches_.push_back(std::move(batch));
    ready_.notify_one();
    return true;
  }
  void close() {
    std::lock_guard<std::mutex> lock(mutex_);
    closed_ = true;
    ready_.notify_one();
  }
  void fail(std::exception_ptr error) {
    std::lock_guard<std::mutex> lock(mutex_);
    error_ = error;
    closed_ = true;
    ready_.notify_one();
  }
  // The next batch, or nullopt once the producer closed the queue and every
  // batch was taken. Rethrows the producer's failure.
  std::optional<Batch> pop() {
    std::unique_lock<std::mutex> lock(mutex_);
    ready_.wait(lock, [&] { return !batches_.empty() || closed_; });
    if (error_) std::rethrow_exception(error_);
    if (batches_.empty()) return std::nullopt;
    Batch b = std::move(batches_.front());
    batches_.pop_front();
    space_.notify_one();
    return b;
  }
  // The consumer gives up (it failed): unblocks and stops the producer.
  void abandon() {
    std::lock_guard<std::mutex> lock(mutex_);
    abandoned_ = true;
    space_.notify_one();
  }

 private:
  std::mutex mutex_;
  std::condition_variable ready_, space_;
  std::deque<Batch> batches_;
  std::size_t capacity_;
  bool closed_ = false;
  bool abandoned_ = false;
  std::exception_ptr error_;
};

}  // namespace liaison
