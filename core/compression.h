// Length-prefixed zlib frames for bytes sent over the wire or written to
// bundles: 8 bytes of little-endian uncompressed size, then one zlib stream.
// expand() refuses (UserError naming `what`) a frame that is cut short,
// damaged, or announces more than `max_size` bytes.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

struct libdeflate_compressor;

namespace liaison {

std::string compress_framed(std::string_view plain, int level);
std::string expand_framed(std::string_view frame, const std::string& what, std::uint64_t max_size = 1ULL << 32);

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
