// A time in seconds since the epoch, written in UTC with a strftime format
// ("%Y-%m-%d", "%Y-%m-%dT%H:%M:%SZ"), and a day (YYYY-MM-DD) read back as
// the second its UTC midnight starts.
#pragma once

#include <cstdint>
#include <ctime>
#include <optional>
#include <string>
#include <string_view>

namespace liaison {

inline std::string format_utc(std::int64_t seconds, const char* format) {
  std::time_t t = static_cast<std::time_t>(seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char text[64];
  auto n = std::strftime(text, sizeof text, format, &tm);
  return std::string(text, n);
}

// The start of `day` (YYYY-MM-DD, UTC); nullopt when it is no such day.
inline std::optional<std::int64_t> utc_midnight(std::string_view day) {
  std::string text(day);
  std::tm tm{};
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
  const char* end = strptime(text.c_str(), "%Y-%m-%d", &tm);
  if (!end || *end != '\0') return std::nullopt;
  return static_cast<std::int64_t>(timegm(&tm));
}

}  // namespace liaison
