#include "git/pack_writer.h"

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <zlib.h>

#include "base/durable_file.h"
#include "base/error.h"
#include "git/git_handles.h"

namespace liaison {
namespace {

constexpr std::size_t kPackHeaderSize = 12;
// A spooling writer writes its pack to its file in pieces of this size.
constexpr std::size_t kSpoolChunk = 1 << 20;

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

void write_at(int fd, const std::filesystem::path& path, std::string_view data, std::uint64_t offset) {
  while (!data.empty()) {
    auto n = ::pwrite(fd, data.data(), data.size(), static_cast<off_t>(offset));
    if (n < 0) {
      if (errno == EINTR) continue;
      throw Failure("cannot write " + path.string() + ": " + std::strerror(errno));
    }
    data.remove_prefix(static_cast<std::size_t>(n));
    offset += static_cast<std::uint64_t>(n);
  }
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

struct PackWriter::Spool {
  std::filesystem::path path;  // empty once the file is renamed into place
  int fd = -1;
};

void PackWriter::SpoolDelete::operator()(Spool* spool) const {
  if (spool->fd >= 0) ::close(spool->fd);
  if (!spool->path.empty()) ::unlink(spool->path.c_str());
  delete spool;
}

PackWriter::PackWriter(int level) : pack_(kPackHeaderSize, '\0'), deflater_(level) {}

PackWriter::PackWriter(int level, const std::filesystem::path& git_dir)
    : pack_(kPackHeaderSize, '\0'), spool_dir_(git_dir / "objects" / "pack"), deflater_(level) {}

namespace {

std::string pack_header(std::size_t objects) {
  std::string header = "PACK";
  put_be32(header, 2);
  put_be32(header, static_cast<std::uint32_t>(objects));
  return header;
}

// The version-2 index of `objects` (in any order, repeats allowed) in the
// pack whose checksum is `checksum`.
template <typename Entries>
std::string pack_index(Entries entries, const std::string& checksum) {
  std::sort(entries.begin(), entries.end(),
            [](const auto& a, const auto& b) { return git_oid_cmp(&a.oid, &b.oid) < 0; });
  entries.erase(std::unique(entries.begin(), entries.end(),
                            [](const auto& a, const auto& b) { return git_oid_equal(&a.oid, &b.oid); }),
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
  return idx;
}

}  // namespace

void PackWriter::fill_header() { pack_.replace(0, kPackHeaderSize, pack_header(objects_.size())); }

void PackWriter::spool(bool all) {
  if (spool_dir_.empty() || (!all && pack_.size() < kSpoolChunk)) return;
  if (!spool_) {
    std::filesystem::create_directories(spool_dir_);
    std::string name = (spool_dir_ / "tmp_pack_XXXXXX").string();
    int fd = ::mkostemp(name.data(), O_CLOEXEC);
    if (fd < 0) throw Failure("cannot create a pack in " + spool_dir_.string() + ": " + std::strerror(errno));
    spool_.reset(new Spool{name, fd});
  }
  write_at(spool_->fd, spool_->path, pack_, spooled_);
  spooled_ += pack_.size();
  pack_.clear();
}

namespace {

// An object's header in a pack: its type in bits 4-6 of the first byte, its
// size in 4 + 7n bits.
void put_object_header(std::string& pack, int type, std::uint64_t size) {
  auto byte = static_cast<unsigned char>((static_cast<unsigned>(type) << 4) | (size & 0x0F));
  size >>= 4;
  while (size) {
    pack.push_back(static_cast<char>(byte | 0x80));
    byte = size & 0x7F;
    size >>= 7;
  }
  pack.push_back(static_cast<char>(byte));
}

std::string raw_id(const git_oid& id) { return std::string(reinterpret_cast<const char*>(id.id), GIT_OID_RAWSZ); }

}  // namespace

bool PackWriter::holds(const git_oid& id) const { return added_.count(raw_id(id)) > 0; }

git_oid PackWriter::add(git_object_t type, std::string_view content) {
  git_oid oid = object_id(type, content);
  if (skip_in_ && git_odb_exists_ext(skip_in_, &oid, GIT_ODB_LOOKUP_NO_REFRESH)) return oid;
  if (!added_.insert(raw_id(oid)).second) return oid;  // already in this pack

  std::uint64_t offset = spooled_ + pack_.size();
  std::size_t start = pack_.size();
  put_object_header(pack_, type, content.size());
  deflater_.compress_into(content, pack_);

  auto crc = crc32(0L, reinterpret_cast<const Bytef*>(pack_.data() + start), static_cast<uInt>(pack_.size() - start));
  objects_.push_back(Entry{oid, static_cast<std::uint32_t>(crc), offset});
  spool(false);
  return oid;
}

void PackWriter::add_delta(const git_oid& id, const git_oid& base, std::string_view delta) {
  if (!holds(base)) throw Failure("a delta's base is not in its pack");
  if (!added_.insert(raw_id(id)).second) return;

  std::uint64_t offset = spooled_ + pack_.size();
  std::size_t start = pack_.size();
  put_object_header(pack_, GIT_OBJECT_REF_DELTA, delta.size());
  pack_.append(reinterpret_cast<const char*>(base.id), GIT_OID_RAWSZ);
  deflater_.compress_into(delta, pack_);

  auto crc = crc32(0L, reinterpret_cast<const Bytef*>(pack_.data() + start), static_cast<uInt>(pack_.size() - start));
  objects_.push_back(Entry{id, static_cast<std::uint32_t>(crc), offset});
  spool(false);
}

std::string PackWriter::finish() {
  if (!spool_dir_.empty()) throw Failure("a pack spooled to a file cannot be finished in memory");
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
  if (!spool_dir_.empty()) {
    if (git_dir / "objects" / "pack" != spool_dir_)
      throw Failure("a pack spooled under " + spool_dir_.string() + " written into " + git_dir.string());
    return write_spooled();
  }
  fill_header();
  Sha1 pack_sum;
  pack_sum.update(pack_);
  std::string checksum = pack_sum.finish();
  std::string idx = pack_index(objects_, checksum);

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

void PackWriter::write_spooled() {
  spool(true);
  int fd = spool_->fd;
  const auto& path = spool_->path;
  write_at(fd, path, pack_header(objects_.size()), 0);
  // The checksum covers the header, known only now: the file is read back
  // (from the page cache; it is about to be fsynced anyway).
  Sha1 pack_sum;
  std::string buffer(kSpoolChunk, '\0');
  for (std::uint64_t at = 0; at < spooled_;) {
    auto n = ::pread(fd, buffer.data(), std::min<std::uint64_t>(buffer.size(), spooled_ - at), static_cast<off_t>(at));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) throw Failure("cannot read " + path.string() + ": " + (n < 0 ? std::strerror(errno) : "truncated"));
    pack_sum.update(std::string_view(buffer.data(), static_cast<std::size_t>(n)));
    at += static_cast<std::uint64_t>(n);
  }
  std::string checksum = pack_sum.finish();
  std::string idx = pack_index(objects_, checksum);

  std::string name = "pack-" + to_hex(checksum);
  auto tmp_idx = spool_dir_ / ("tmp_" + name + ".idx");
  try {
    write_at(fd, path, checksum, spooled_);
    if (::fsync(fd) != 0) throw Failure("cannot sync " + path.string() + ": " + std::strerror(errno));
    ::fchmod(fd, 0444);
    write_file_synced(tmp_idx, idx);
    // The pack first, the index last: readers look for packs through indexes.
    std::filesystem::rename(path, spool_dir_ / (name + ".pack"));
    spool_->path.clear();
    std::filesystem::rename(tmp_idx, spool_dir_ / (name + ".idx"));
  } catch (...) {
    // The writer keeps its objects for a retry, its file as it was before the checksum.
    if (!spool_->path.empty() && ::ftruncate(fd, static_cast<off_t>(spooled_)) == 0) ::fchmod(fd, 0600);
    std::error_code ignored;
    if (std::filesystem::is_regular_file(tmp_idx, ignored)) std::filesystem::remove(tmp_idx, ignored);
    throw;
  }
  sync_directory(spool_dir_);
  spool_.reset();
  spooled_ = 0;
  pack_.assign(kPackHeaderSize, '\0');
  objects_.clear();
  added_.clear();
}

}  // namespace liaison
