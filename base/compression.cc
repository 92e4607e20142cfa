#include "base/compression.h"

#include <algorithm>

#include <libdeflate.h>
#include <zlib.h>

#include "base/error.h"

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

namespace {

// The size a frame announces, once it is known to be within the limits.
std::uint64_t checked_frame_size(std::string_view frame, const std::string& what, std::uint64_t max_bytes,
                                 const DecodeLimits& limits) {
  if (frame.size() < 8) throw UserError(what + " is cut short");
  std::uint64_t size = 0;
  for (int i = 0; i < 8; ++i) size |= static_cast<std::uint64_t>(static_cast<unsigned char>(frame[i])) << (8 * i);
  if (size > max_bytes)
    throw UserError(what + " announces " + std::to_string(size) + " bytes, more than the " +
                    std::to_string(max_bytes) + " allowed");
  std::uint64_t compressed = frame.size() - 8;
  // size > ratio * compressed, without the product (it could overflow).
  if (size > limits.ratio_exempt_bytes && limits.max_ratio > 0 && (size - 1) / limits.max_ratio >= compressed)
    throw UserError(what + " announces " + std::to_string(size) + " bytes from " + std::to_string(compressed) +
                    " compressed, more than " + std::to_string(limits.max_ratio) + " times as many");
  return size;
}

}  // namespace

void expand_framed_to(std::string_view frame, const std::string& what, std::uint64_t max_bytes,
                      const DecodeLimits& limits, const std::function<void(std::string_view)>& sink) {
  const std::uint64_t size = checked_frame_size(frame, what, max_bytes, limits);
  z_stream z{};
  if (inflateInit(&z) != Z_OK) throw Failure("setting up decompression failed");
  std::unique_ptr<z_stream, int (*)(z_stream*)> guard(&z, inflateEnd);
  std::string_view in = frame.substr(8);
  std::uint64_t produced = 0;
  char chunk[64 * 1024];
  int rc = Z_OK;
  while (rc != Z_STREAM_END) {
    if (z.avail_in == 0 && !in.empty()) {
      auto take = std::min<std::size_t>(in.size(), 1U << 30);  // avail_in is 32 bits
      z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
      z.avail_in = static_cast<uInt>(take);
      in.remove_prefix(take);
    }
    z.next_out = reinterpret_cast<Bytef*>(chunk);
    z.avail_out = sizeof chunk;
    rc = inflate(&z, Z_NO_FLUSH);
    if (rc != Z_OK && rc != Z_STREAM_END) throw UserError(what + " is damaged or cut short");
    std::size_t got = sizeof chunk - z.avail_out;
    produced += got;
    if (produced > size) throw UserError(what + " expands to more than the " + std::to_string(size) +
                                         " bytes it announces");
    if (got > 0) sink(std::string_view(chunk, got));
    // No progress with all input used: the stream is cut short.
    if (rc == Z_OK && got == 0 && z.avail_in == 0 && in.empty()) throw UserError(what + " is damaged or cut short");
  }
  if (produced != size) throw UserError(what + " is damaged or cut short");
  if (z.avail_in != 0 || !in.empty()) throw UserError(what + " has bytes after its end");
}

std::string expand_framed(std::string_view frame, const std::string& what, const DecodeLimits& limits) {
  std::string plain;
  expand_framed_to(frame, what, limits.max_expanded_bytes, limits, [&plain, &frame](std::string_view piece) {
    // Grows with what really expands, not with what the frame announces.
    if (plain.empty()) plain.reserve(std::min<std::size_t>(frame.size() * 4, 1U << 26));
    plain.append(piece);
  });
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
