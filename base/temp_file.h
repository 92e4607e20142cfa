// TempFile: a path for a scratch file that is removed when the TempFile goes
// out of scope, unless the file was moved away (renamed) before.
#pragma once

#include <filesystem>
#include <system_error>

namespace liaison {

class TempFile {
 public:
  explicit TempFile(std::filesystem::path path) : path_(std::move(path)) {
    std::error_code ignored;
    std::filesystem::remove(path_, ignored);  // a leftover of a killed process
  }
  ~TempFile() {
    std::error_code ignored;
    std::filesystem::remove(path_, ignored);
  }
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

}  // namespace liaison
