// A time in seconds since the epoch, written in UTC with a strftime format
// ("%Y-%m-%d", "%Y-%m-%dT%H:%M:%SZ").
#pragma once

#include <cstdint>
#include <ctime>
#include <string>

namespace liaison {

inline std::string format_utc(std::int64_t seconds, const char* format) {
  std::time_t t = static_cast<std::time_t>(seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char text[64];
  auto n = std::strftime(text, sizeof text, format, &tm);
  return std::string(text, n);
}

}  // namespace liaison
