// What the fuzz targets share: a scratch folder made once per process (and
// removed as it exits), a copy in it to stage into, and the input as text. A target catches UserError
// (and ConflictError), the refusals an input may rightly cause; anything
// else escaping, Failure included, is a finding: hostile input must be
// refused as bad input, not make the program fail.
#pragma once

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <string_view>

#include "store/store.h"

namespace liaison::fuzz {

inline const std::filesystem::path& scratch_dir() {
  static struct Dir {
    std::filesystem::path path;
    Dir() {
      std::string name = (std::filesystem::temp_directory_path() / "liaison-fuzz-XXXXXX").string();
      if (!mkdtemp(name.data())) std::abort();
      path = name;
    }
    ~Dir() {
      std::error_code ignored;
      std::filesystem::remove_all(path, ignored);
    }
  } dir;
  return dir.path;
}

// A copy loaded with the reference data, made once per process, that
// staged patches build on.
inline Store& scratch_copy() {
  static Store store = Store::init(scratch_dir() / "copy", {"cis-atc", Person{"Fuzz", "fuzz@example.org"}, true});
  return store;
}

inline std::string_view as_text(const std::uint8_t* data, std::size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

// The next line of `text`, taken off it (the fields of a request input).
inline std::string_view take_line(std::string_view& text) {
  auto eol = text.find('\n');
  auto out = text.substr(0, eol);
  text.remove_prefix(eol == std::string_view::npos ? text.size() : eol + 1);
  return out;
}

// A property a target checks; failing it is a finding like a crash.
inline void require(bool ok) {
  if (!ok) std::abort();
}

}  // namespace liaison::fuzz
