#include "core/compression.h"

#include <libdeflate.h>
#include <zlib.h>

#include "core/error.h"

namespace liaison {

std::string compress_framed(std::string_view plain, int level) {
  uLongf bound = compressBound(static_cast<uLong>(plain.size()));
  std::string out(8 + bound, '\0');
  std::uint64_t size = plain.size();
  for (int i = 0; i < 8; ++i) out[i] = static_cast<char>((size >> (8 * i)) & 0xFF);
  if (compress2(reinterpret_cast<Bytef*>(out.data() + 8), &bound, reinterpret_cast<const Bytef*>(plain.data()),
                static_cast<uLong>(plain.size()), level) != Z_OK)
    throw Failure("compressing data failed");
  out.resize(8 + bound);
  return out;
}

std::string expand_framed(std::string_view frame, const std::string& what, std::uint64_t max_size) {
  if (frame.size() < 8) throw UserError(what + " is cut short");
  std::uint64_t size = 0;
  for (int i = 0; i < 8; ++i) size |= static_cast<std::uint64_t>(static_cast<unsigned char>(frame[i])) << (8 * i);
  if (size > max_size) throw UserError(what + " announces an impossible size");
  std::string plain(size, '\0');
  uLongf got = static_cast<uLongf>(size);
  if (uncompress(reinterpret_cast<Bytef*>(plain.data()), &got, reinterpret_cast<const Bytef*>(frame.data() + 8),
                 static_cast<uLong>(frame.size() - 8)) != Z_OK ||
      got != size)
    throw UserError(what + " is damaged or cut short");
  return plain;
}

Deflater::Deflater(int level) : compressor_(libdeflate_alloc_compressor(level)) {
  if (!compressor_) throw Failure("setting up compression failed");
}

void Deflater::Free::operator()(libdeflate_compressor* c) const { libdeflate_free_compressor(c); }

void Deflater::compress_into(std::string_view input, std::string& out) {
  std::size_t at = out.size();
  std::size_t bound = libdeflate_zlib_compress_bound(compressor_.get(), input.size());
  out.resize(at + bound);
  std::size_t written = libdeflate_zlib_compress(compressor_.get(), input.data(), input.size(), out.data() + at, bound);
  if (written == 0) throw Failure("compressing data failed");
  out.resize(at + written);
}

}  // namespace liaison
