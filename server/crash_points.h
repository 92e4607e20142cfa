// Named points in liaisond's write path where the kill tests stop the
// server as a power cut would: when LIAISOND_CRASH_AT names the point, the
// process kills itself with SIGKILL there (no destructor, no flush). Unset,
// a crash point costs one comparison.
#pragma once

#include <string_view>

namespace liaison::server {

void crash_point(std::string_view name);

}  // namespace liaison::server
