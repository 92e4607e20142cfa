#include "git/pack_writer.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <fcntl.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <zlib.h>

#include "base/durable_file.h"
#include "base/error.h"
#include "git/git_handles.h"

namespace liaison {
namespace {

constexpr std::size_t kPackHeaderSize = 12;

class Sha1 {
 public:
  Sha1() : ctx_(EVP_MD_CTX_new()) { EVP_DigestInit_ex(ctx_, EVP_sha1(), nullptr); }
  ~Sha1() { EVP_MD_CTX_free(ctx_); }
  Sha1(const Sha1&) = delete;
  Sha1& operator=(const Sha1&) = delete;
  void update(std::string_view data) { EVP_DigestUpdate(ctx_, data.data(), data.size()); }
  std::string finish() {
    std::array<unsigned char, EVP_MAX_MD_SIZE> out{};
    unsigned int len = 0;
    EVP_DigestFinal_ex(ctx_, out.data(), &len);
    return std::string(reinterpret_cast<const char*>(out.data()), len);
  }

 private:
  EVP_MD_CTX* ctx_;
};

void put_be32(std::string& out, std::uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<char>((v >> shift) & 0xFF));
}

void put_be64(std::string& out, std::uint64_t v) {
  put_be32(out, static_cast<std::uint32_t>(v >> 32));
  put_be32(out, static_cast<std::uint32_t>(v));
}

std::string to_hex(std::string_view bytes) {
  static const char* hex = "0123456789abcdef";
  std::string out;
  for (unsigned char c : bytes) {
    out.push_back(hex[c >> 4]);
    out.push_back(hex[c & 0xF]);
  }
  return out;
}

}  // namespace

git_oid object_id(git_object_t type, std::string_view content) {
  static const char* type_names[] = {"", "commit", "tree", "blob", "tag"};
  std::string header = std::string(type_names[type]) + " " + std::to_string(content.size());
  header.push_back('\0');
  Sha1 object_sum;
  object_sum.update(header);
  object_sum.update(content);
  auto digest = object_sum.finish();
  git_oid oid;
  git_oid_fromraw(&oid, reinterpret_cast<const unsigned char*>(digest.data()));
  return oid;
}

PackWriter::PackWriter(int level) : pack_(kPackHeaderSize, '\0'), deflater_(level) {}

void PackWriter::fill_header() {
  std::string header = "PACK";
  put_be32(header, 2);
  put_be32(header, static_cast<std::uint32_t>(objects_.size()));
  pack_.replace(0, kPackHeaderSize, header);
}

git_oid PackWriter::add(git_object_t type, std::string_view content) {
  git_oid oid = object_id(type, content);
  if (skip_in_ && git_odb_exists_ext(skip_in_, &oid, GIT_ODB_LOOKUP_NO_REFRESH)) return oid;
  if (!added_.insert(std::string(reinterpret_cast<const char*>(oid.id), GIT_OID_RAWSZ)).second)
    return oid;  // already in this pack

  std::uint64_t offset = pack_.size();
  std::size_t start = pack_.size();
  // Object header: type in bits 4-6 of the first byte, size in 4 + 7n bits.
  std::uint64_t size = content.size();
  auto byte = static_cast<unsigned char>((static_cast<unsigned>(type) << 4) | (size & 0x0F));
  size >>= 4;
  while (size) {
    pack_.push_back(static_cast<char>(byte | 0x80));
    byte = size & 0x7F;
    size >>= 7;
  }
  pack_.push_back(static_cast<char>(byte));

  deflater_.compress_into(content, pack_);

  auto crc = crc32(0L, reinterpret_cast<const Bytef*>(pack_.data() + start), static_cast<uInt>(pack_.size() - start));
  objects_.push_back(Entry{oid, static_cast<std::uint32_t>(crc), offset});
  return oid;
}

std::string PackWriter::finish() {
  fill_header();
  Sha1 sum;
  sum.update(pack_);
  pack_ += sum.finish();
  std::string out = std::move(pack_);
  pack_.assign(kPackHeaderSize, '\0');
  objects_.clear();
  added_.clear();
  return out;
}

void PackWriter::write(const std::filesystem::path& git_dir) {
  if (objects_.empty()) return;
  fill_header();
  Sha1 pack_sum;
  pack_sum.update(pack_);
  std::string checksum = pack_sum.finish();

  auto entries = objects_;
  std::sort(entries.begin(), entries.end(),
            [](const Entry& a, const Entry& b) { return git_oid_cmp(&a.oid, &b.oid) < 0; });
  entries.erase(std::unique(entries.begin(), entries.end(),
                            [](const Entry& a, const Entry& b) { return git_oid_equal(&a.oid, &b.oid); }),
                entries.end());

  std::string idx = "\377tOc";
  put_be32(idx, 2);
  std::array<std::uint32_t, 256> fanout{};
  for (const auto& e : entries) ++fanout[e.oid.id[0]];
  std::uint32_t running = 0;
  for (auto count : fanout) put_be32(idx, running += count);
  for (const auto& e : entries) idx.append(reinterpret_cast<const char*>(e.oid.id), GIT_OID_RAWSZ);
  for (const auto& e : entries) put_be32(idx, e.crc32);
  std::vector<std::uint64_t> large;
  for (const auto& e : entries) {
    if (e.offset < 0x80000000ULL) {
      put_be32(idx, static_cast<std::uint32_t>(e.offset));
    } else {
      put_be32(idx, 0x80000000U | static_cast<std::uint32_t>(large.size()));
      large.push_back(e.offset);
    }
  }
  for (auto off : large) put_be64(idx, off);
  idx += checksum;
  Sha1 idx_sum;
  idx_sum.update(idx);
  idx += idx_sum.finish();

  auto pack_dir = git_dir / "objects" / "pack";
  std::filesystem::create_directories(pack_dir);
  std::string name = "pack-" + to_hex(checksum);
  auto tmp_pack = pack_dir / ("tmp_" + name + ".pack");
  auto tmp_idx = pack_dir / ("tmp_" + name + ".idx");
  bool completed = false;
  try {
    pack_ += checksum;
    completed = true;
    write_file_synced(tmp_pack, pack_);
    write_file_synced(tmp_idx, idx);
    // The pack first, the index last: readers look for packs through indexes.
    std::filesystem::rename(tmp_pack, pack_dir / (name + ".pack"));
    std::filesystem::rename(tmp_idx, pack_dir / (name + ".idx"));
  } catch (...) {
    // The writer keeps its objects for a retry, which finds the names free
    // (the same objects make the same names).
    if (completed) pack_.resize(pack_.size() - checksum.size());
    std::error_code ignored;
    if (std::filesystem::is_regular_file(tmp_pack, ignored)) std::filesystem::remove(tmp_pack, ignored);
    if (std::filesystem::is_regular_file(tmp_idx, ignored)) std::filesystem::remove(tmp_idx, ignored);
    throw;
  }
  sync_directory(pack_dir);
  pack_.assign(kPackHeaderSize, '\0');
  objects_.clear();
  added_.clear();
}

}  // namespace liaison
