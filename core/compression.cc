#include "core/compression.h"

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

Deflater::Deflater(int level) : stream_(std::make_unique<z_stream>()) {
  if (deflateInit2(stream_.get(), level, Z_DEFLATED, 15, 8, Z_DEFAULT_STRATEGY) != Z_OK)
    throw Failure("setting up compression failed");
}

Deflater::~Deflater() {
  if (stream_) deflateEnd(stream_.get());
}

Deflater::Deflater(Deflater&&) noexcept = default;

Deflater& Deflater::operator=(Deflater&& other) noexcept {
  if (this != &other) {
    if (stream_) deflateEnd(stream_.get());
    stream_ = std::move(other.stream_);
  }
  return *this;
}

void Deflater::compress_into(std::string_view input, std::string& out) {
  z_stream& z = *stream_;
  if (deflateReset(&z) != Z_OK) throw Failure("compressing data failed");
  std::size_t at = out.size();
  auto bound = deflateBound(&z, static_cast<uLong>(input.size()));
  out.resize(at + bound);
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(input.data()));
  z.avail_in = static_cast<uInt>(input.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data() + at);
  z.avail_out = static_cast<uInt>(bound);
  if (deflate(&z, Z_FINISH) != Z_STREAM_END) throw Failure("compressing data failed");
  out.resize(at + (bound - z.avail_out));
}

}  // namespace liaison
