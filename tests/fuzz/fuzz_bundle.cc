// A bundle file as `liaison fetch FILE` reads it: read_bundle, then its
// patches decoded and staged into a history of its own (not written).
#include <fstream>

#include "git/commit_patch.h"
#include "base/error.h"
#include "store/store.h"
#include "git/transfer.h"
#include "tests/fuzz/fuzz_support.h"

using namespace liaison;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto& store = fuzz::scratch_copy();
  auto file = fuzz::scratch_dir() / "input.bundle";
  {
    std::ofstream out(file, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  }
  try {
    if (!looks_like_bundle(file)) return 0;
    auto bundle = read_bundle(file);
    auto patches = decode_patches(bundle.payload, "bundle");
    if (!patches.empty()) stage_patches(store.history(), patches, "bundle");
  } catch (const UserError&) {
  }
  return 0;
}
