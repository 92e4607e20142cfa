// A push body as the server reads it: decode_push, decode_patches, then
// stage_patches into a history of its own (in quarantine: nothing is
// written). The patches are tried as sent and framed here from the body's
// bytes, so that mutations reach the patch decoder beyond zlib.
#include "git/commit_patch.h"
#include "base/compression.h"
#include "base/error.h"
#include "store/store.h"
#include "sync/protocol.h"
#include "tests/fuzz/fuzz_support.h"

using namespace liaison;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto& store = fuzz::scratch_copy();
  sync::PushRequest push;
  try {
    push = sync::decode_push(fuzz::as_text(data, size));
  } catch (const UserError&) {
    return 0;
  }
  for (const auto& blob : {push.patches, compress_framed(push.patches, 1)}) {
    try {
      auto patches = decode_patches(blob, "push");
      if (!patches.empty()) stage_patches(store.history(), patches, "push");
    } catch (const UserError&) {
    }
  }
  return 0;
}
