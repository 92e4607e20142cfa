#include "process/bulk_allocator.h"

#include <cstdlib>
#include <filesystem>
#include <string>
#include <system_error>

#include <unistd.h>

namespace liaison::process {

#ifdef LIAISON_TCMALLOC_PATH

namespace {

constexpr const char* kMarker = "LIAISON_BULK_ALLOCATOR";

}  // namespace

void use_bulk_allocator(char** argv) {
  if (std::getenv(kMarker)) return;
  std::error_code ec;
  if (!std::filesystem::exists(LIAISON_TCMALLOC_PATH, ec)) return;
  const char* earlier = std::getenv("LD_PRELOAD");
  std::string kept = earlier ? earlier : "";
  std::string preload = LIAISON_TCMALLOC_PATH;
  if (!kept.empty()) preload += ":" + kept;
  setenv("LD_PRELOAD", preload.c_str(), 1);
  setenv(kMarker, "tcmalloc", 1);
  execv("/proc/self/exe", argv);
  // Could not run again: carry on with glibc's malloc, environment as it was.
  if (earlier) setenv("LD_PRELOAD", kept.c_str(), 1);
  else unsetenv("LD_PRELOAD");
  unsetenv(kMarker);
}

#else

// Built without tcmalloc (or with the sanitizers): every command keeps glibc's malloc.
void use_bulk_allocator(char**) {}

#endif

}  // namespace liaison::process
