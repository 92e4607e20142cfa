// Test helper: a unique temporary folder, removed when the helper goes, and
// environment settings that make copies deterministic (date, user).
#pragma once

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <string>

#include <unistd.h>

namespace liaison::test {

class TempDir {
 public:
  TempDir() {
    static std::atomic<int> counter{0};
    path_ = std::filesystem::temp_directory_path() /
            ("liaison-unit-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
    setenv("LIAISON_TODAY", "2026-11-22", 1);
    setenv("LIAISON_USER_NAME", "Unit Test", 1);
    setenv("LIAISON_USER_EMAIL", "unit.test@example.org", 1);
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  std::filesystem::path operator/(const std::string& name) const { return path_ / name; }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

}  // namespace liaison::test
