// Length-prefixed zlib frames for bytes sent over the wire or written to
// bundles: 8 bytes of little-endian uncompressed size, then one zlib stream.
// expand() refuses (UserError naming `what`) a frame that is cut short,
// damaged, or announces more than `max_size` bytes.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace liaison {

std::string compress_framed(std::string_view plain, int level);
std::string expand_framed(std::string_view frame, const std::string& what, std::uint64_t max_size = 1ULL << 32);

}  // namespace liaison
