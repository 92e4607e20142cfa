// Read connections to central's view, each limited to one audience
// (view/audience_scope.h), kept for the next page of the same audience so
// that a page does not open SQLite and create its temp views each time. At
// most `max_idle` wait at once; a lease gives its connection back when it
// goes. Thread-safe.
#pragma once

#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "model/visibility.h"
#include "view/view.h"

namespace liaison::server {

class WebViews {
 public:
  class Lease {
   public:
    Lease(WebViews& owner, std::string audience, std::unique_ptr<View> view)
        : owner_(&owner), audience_(std::move(audience)), view_(std::move(view)) {}
    Lease(Lease&&) noexcept = default;
    ~Lease();
    View& operator*() { return *view_; }

   private:
    WebViews* owner_;
    std::string audience_;
    std::unique_ptr<View> view_;
  };

  explicit WebViews(std::size_t max_idle = 16) : max_idle_(max_idle) {}
  // A connection to `view_file` limited to `audience`.
  Lease lease(const std::filesystem::path& view_file, const Audience& audience);

 private:
  void give_back(const std::string& audience, std::unique_ptr<View> view);
  std::size_t max_idle_;
  std::mutex mutex_;
  std::map<std::string, std::vector<std::unique_ptr<View>>> idle_;
  std::size_t idle_count_ = 0;
};

}  // namespace liaison::server
