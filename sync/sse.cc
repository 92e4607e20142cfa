#include "sync/sse.h"

#include "base/error.h"

namespace liaison::sync {

std::string sse_frame(std::string_view event, std::string_view id, std::string_view data) {
  std::string out;
  out.reserve(event.size() + id.size() + data.size() + 24);
  out.append("event: ").append(event).append("\n");
  if (!id.empty()) out.append("id: ").append(id).append("\n");
  out.append("data: ").append(data).append("\n\n");
  return out;
}

void SseParser::feed(std::string_view bytes, std::vector<SseEvent>& out) {
  for (char c : bytes) {
    if (c == '\n' && after_cr_) {
      after_cr_ = false;
      continue;
    }
    after_cr_ = c == '\r';
    if (c == '\n' || c == '\r') {
      line(line_, out);
      line_.clear();
      continue;
    }
    if (line_.size() >= limit_) throw Failure("the change feed sent a line longer than " + std::to_string(limit_) + " bytes");
    line_.push_back(c);
  }
}

void SseParser::line(std::string_view text, std::vector<SseEvent>& out) {
  if (text.empty()) {
    if (has_data_) out.push_back(std::move(event_));
    event_ = SseEvent{};
    has_data_ = false;
    return;
  }
  if (text.front() == ':') return;  // a comment: the heartbeat
  auto colon = text.find(':');
  auto field = text.substr(0, colon);
  std::string_view value = colon == std::string_view::npos ? std::string_view() : text.substr(colon + 1);
  if (!value.empty() && value.front() == ' ') value.remove_prefix(1);
  if (field == "event") {
    event_.event = std::string(value);
  } else if (field == "id") {
    event_.id = std::string(value);
  } else if (field == "data") {
    if (has_data_) event_.data.push_back('\n');
    if (event_.data.size() + value.size() > limit_)
      throw Failure("the change feed sent an event larger than " + std::to_string(limit_) + " bytes");
    event_.data.append(value);
    has_data_ = true;
  }
  // "retry" and unknown fields are ignored, as the standard says.
}

}  // namespace liaison::sync
