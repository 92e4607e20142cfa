#include "server/web_views.h"

#include "view/audience_scope.h"

namespace liaison::server {

WebViews::Lease::~Lease() {
  if (view_) owner_->give_back(audience_, std::move(view_));
}

WebViews::Lease WebViews::lease(const std::filesystem::path& view_file, const Audience& audience) {
  auto name = audience.name();
  {
    std::lock_guard<std::mutex> lock(mutex_);
    auto& idle = idle_[name];
    if (!idle.empty()) {
      auto view = std::move(idle.back());
      idle.pop_back();
      --idle_count_;
      return Lease(*this, name, std::move(view));
    }
  }
  auto view = std::make_unique<View>(View::open(view_file));
  view->limit_page_cache(8 << 20);
  limit_to_audience(*view, audience);
  return Lease(*this, name, std::move(view));
}

void WebViews::give_back(const std::string& audience, std::unique_ptr<View> view) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (idle_count_ >= max_idle_) return;  // closed as it goes
  idle_[audience].push_back(std::move(view));
  ++idle_count_;
}

}  // namespace liaison::server
