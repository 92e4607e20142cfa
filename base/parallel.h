// Work on other threads, done one way across the project: a task in the
// background, whose future waits for it when dropped (so nothing the task
// uses can be destroyed before it ends), and a range of items split into
// two halves when it is large enough to pay for a second thread.
#pragma once

#include <cstddef>
#include <future>
#include <type_traits>
#include <utility>

#include "base/bulk_thresholds.h"

namespace liaison {

template <class Task>
auto in_background(Task&& task) {
  return std::async(std::launch::async, std::forward<Task>(task));
}

// Runs work(from, to) over [0, n): past kLargeChange items, the second half
// on another thread while this one does the first; otherwise all of it here.
// Returns the two halves' results, the first half's first (a result of
// work(n, n) for a range that was not split); nothing for void work.
template <class Work>
auto in_two_halves(std::size_t n, Work&& work) {
  std::size_t half = n > kLargeChange ? n / 2 : n;
  using Result = std::invoke_result_t<Work&, std::size_t, std::size_t>;
  if (half == n) {
    if constexpr (std::is_void_v<Result>) {
      work(std::size_t{0}, n);
    } else {
      Result first = work(std::size_t{0}, n);
      return std::pair<Result, Result>(std::move(first), work(n, n));
    }
  } else {
    auto second = in_background([&work, half, n] { return work(half, n); });
    if constexpr (std::is_void_v<Result>) {
      work(std::size_t{0}, half);
      second.get();
    } else {
      Result first = work(std::size_t{0}, half);
      return std::pair<Result, Result>(std::move(first), second.get());
    }
  }
}

}  // namespace liaison
