#include "process/trim_memory.h"

#include <cstdlib>
#include <string_view>

#ifdef __GLIBC__
#include <malloc.h>
#endif

namespace liaison::process {

void trim_memory() {
#ifdef __GLIBC__
  static const bool off = [] {
    const char* value = std::getenv("LIAISON_MALLOC_TRIM");
    return value && std::string_view(value) == "off";
  }();
  if (!off) malloc_trim(0);
#endif
}

}  // namespace liaison::process
