#include "cli/context.h"

namespace liaison::cli {

Store& Context::open() {
  if (!store) store.emplace(Store::open(Store::locate(directory)));
  return *store;
}

}  // namespace liaison::cli
