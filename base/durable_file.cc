#include "base/durable_file.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <unistd.h>

#include "base/error.h"

namespace liaison {
namespace {

void sync_and_close(int fd, const std::filesystem::path& path) {
  if (::fsync(fd) != 0) {
    ::close(fd);
    throw Failure("cannot sync " + path.string() + ": " + std::strerror(errno));
  }
  if (::close(fd) != 0) throw Failure("cannot close " + path.string() + ": " + std::strerror(errno));
}

}  // namespace

void write_file_synced(const std::filesystem::path& path, std::string_view data) {
  // A file of that name left by a killed writer is read-only: replace it.
  if (::unlink(path.c_str()) != 0 && errno != ENOENT && errno != EISDIR && errno != EPERM)
    throw Failure("cannot replace " + path.string() + ": " + std::strerror(errno));
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0444);
  if (fd < 0) throw Failure("cannot create " + path.string() + ": " + std::strerror(errno));
  std::size_t done = 0;
  while (done < data.size()) {
    auto n = ::write(fd, data.data() + done, data.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      ::close(fd);
      throw Failure("cannot write " + path.string() + ": " + std::strerror(errno));
    }
    done += static_cast<std::size_t>(n);
  }
  sync_and_close(fd, path);
}

void sync_file(const std::filesystem::path& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw Failure("cannot open " + path.string() + ": " + std::strerror(errno));
  sync_and_close(fd, path);
}

void copy_file_synced(const std::filesystem::path& from, const std::filesystem::path& to) {
  std::filesystem::copy_file(from, to);
  sync_file(to);
}

void sync_directory(const std::filesystem::path& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return;
  ::fsync(fd);
  ::close(fd);
}

}  // namespace liaison
