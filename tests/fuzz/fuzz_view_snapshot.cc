// A view snapshot as a clone receives it: the input is the SQLite file,
// framed here as the server packs it, then installed (install_view_snapshot
// checks it) and, when accepted, opened as a view and read.
#include "base/compression.h"
#include "base/error.h"
#include "view/view.h"
#include "view/view_snapshot.h"
#include "tests/fuzz/fuzz_support.h"

using namespace liaison;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto file = fuzz::scratch_dir() / "snapshot.db";
  std::error_code ignored;
  for (const char* suffix : {"", "-wal", "-shm", "-journal"})
    std::filesystem::remove(file.string() + suffix, ignored);
  try {
    install_view_snapshot(compress_framed(fuzz::as_text(data, size), 1), file);
  } catch (const UserError&) {
    fuzz::require(!std::filesystem::exists(file));
    return 0;
  }
  try {
    auto view = View::open(file);
    for (Kind kind : kAllKinds) view.count(kind);
    view.head();
  } catch (const UserError&) {
  }
  return 0;
}
