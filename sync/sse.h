// Server-Sent Events, the framing of the change feed (GET /v1/events,
// protocol.h): the server writes each event as "event:", "id:" and one
// "data:" line ended by a blank line, and a comment line as a heartbeat;
// the client parses them back, whatever way the bytes are split. A line
// and an event are bounded: a hostile server cannot make the parser hold
// more than the limit given.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace liaison::sync {

struct SseEvent {
  std::string event = "message";  // the "event:" field, "message" when none
  std::string id;                 // the "id:" field, "" when none
  std::string data;               // the "data:" lines, joined by "\n"
};

// One event as the server writes it. `data` must hold no line break (a
// JSON document dumped on one line); `id` none either.
std::string sse_frame(std::string_view event, std::string_view id, std::string_view data);

// A comment line: the heartbeat, which a client counts as a sign of life
// and otherwise ignores.
inline constexpr std::string_view kSseHeartbeat = ": ping\n\n";

class SseParser {
 public:
  // `max_event_bytes` bounds one line and one event's data.
  explicit SseParser(std::size_t max_event_bytes) : limit_(max_event_bytes) {}
  // Parses `bytes`, appending each event completed to `out`. Throws Failure
  // when a line or an event's data is longer than the limit.
  void feed(std::string_view bytes, std::vector<SseEvent>& out);

 private:
  void line(std::string_view text, std::vector<SseEvent>& out);
  std::size_t limit_;
  std::string line_;         // the line read so far
  bool after_cr_ = false;    // the last byte was a CR: a following LF ends no second line
  SseEvent event_;
  bool has_data_ = false;
};

}  // namespace liaison::sync
