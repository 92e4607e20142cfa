// Length-prefixed zlib frames for bytes sent over the wire or written to
// bundles: 8 bytes of little-endian uncompressed size, then one zlib stream.
// expand() refuses (UserError naming `what`) a frame that is cut short,
// damaged, or announces more than `max_size` bytes.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

struct z_stream_s;

namespace liaison {

std::string compress_framed(std::string_view plain, int level);
std::string expand_framed(std::string_view frame, const std::string& what, std::uint64_t max_size = 1ULL << 32);

// Deflater: one zlib stream reused for many small inputs (the objects of a
// pack). Setting a stream up for each 300-byte record cost more than
// compressing it: a third of a 100k-record import.
class Deflater {
 public:
  explicit Deflater(int level);
  ~Deflater();
  Deflater(Deflater&&) noexcept;
  Deflater& operator=(Deflater&&) noexcept;
  // Appends the zlib stream of `input` to `out`.
  void compress_into(std::string_view input, std::string& out);

 private:
  std::unique_ptr<z_stream_s> stream_;
};

}  // namespace liaison
