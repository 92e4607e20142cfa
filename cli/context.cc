#include "cli/context.h"

#include <stdexcept>

namespace liaison::cli {

Store& Context::open() {
  if (!needs_copy) throw std::logic_error("a command without kNeedsCopy opened the copy");
  if (!store) store.emplace(Store::open(Store::locate(directory)));
  return *store;
}

}  // namespace liaison::cli
