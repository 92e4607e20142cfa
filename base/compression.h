// Length-prefixed zlib frames for bytes sent over the wire or written to
// bundles: 8 bytes of little-endian uncompressed size, then one zlib stream.
// Expanding refuses (UserError naming `what`) a frame that is cut short,
// damaged, followed by other bytes, expands to another size than it
// announces, or announces more than the limits allow (decode_limits.h): more
// than a total, or more than a ratio times its compressed size. The
// announced size is checked before anything is allocated, and memory grows
// only with the bytes actually expanded, so a frame that lies costs no more
// than what it really holds.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "base/decode_limits.h"

struct libdeflate_compressor;

namespace liaison {

std::string compress_framed(std::string_view plain, int level);
// At most limits.max_expanded_bytes.
std::string expand_framed(std::string_view frame, const std::string& what, const DecodeLimits& limits = DecodeLimits{});
// At most `max_bytes`, handed to `sink` in pieces, in order (for what goes
// to a file, never held whole). `sink` may throw; expanding stops then.
void expand_framed_to(std::string_view frame, const std::string& what, std::uint64_t max_bytes,
                      const DecodeLimits& limits, const std::function<void(std::string_view)>& sink);

// Deflater: zlib streams of many small inputs (the objects of a pack), made
// by libdeflate. For a 300-byte record zlib spends most of its time building
// Huffman trees: libdeflate compresses them in 60% of zlib's time, and
// compressing was a quarter of a 100k-record import's CPU.
class Deflater {
 public:
  // `level`: 0 (stored, no compression) to 12; 1 is fastest that compresses.
  explicit Deflater(int level);
  // Appends the zlib stream of `input` to `out`.
  void compress_into(std::string_view input, std::string& out);

 private:
  struct Free {
    void operator()(libdeflate_compressor* c) const;
  };
  std::unique_ptr<libdeflate_compressor, Free> compressor_;
};

}  // namespace liaison
