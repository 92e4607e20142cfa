// Files that survive a power cut once a call returns: written (or copied)
// then fsynced, and the folders that name them fsynced too. Throw Failure.
#pragma once

#include <filesystem>
#include <string_view>

namespace liaison {

// Creates `path` (read-only, mode 0444) with `data`, fsynced. A file of that
// name is replaced: a writer killed midway leaves its temporary file behind.
void write_file_synced(const std::filesystem::path& path, std::string_view data);
// Copies `from` to `to` (which must not exist), fsynced.
void copy_file_synced(const std::filesystem::path& from, const std::filesystem::path& to);
// Fsyncs an existing file.
void sync_file(const std::filesystem::path& path);
// Fsyncs a folder, so that the names created in it persist.
void sync_directory(const std::filesystem::path& dir);

}  // namespace liaison
