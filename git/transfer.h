// Moving history between copies without a server: packs of the commits the
// other side lacks, and bundle files (a pack with a small header) carried on
// removable media. Ingesting is all-or-nothing: a pack is indexed and
// checked (checksums, zlib streams, object ids) in a temporary file and only
// then added to the object store; a truncated, corrupted or foreign input is
// refused with a UserError and leaves no trace.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "base/bulk_thresholds.h"
#include "base/decode_limits.h"
#include "git/history.h"

namespace liaison {

// A pack of every object reachable from `want` in `source` that is not
// reachable from any of `haves` (those `source` does not know are ignored).
std::string build_pack(const History& source, const CommitId& want, const std::vector<CommitId>& haves);

// A pack of every object reachable from `head`, without delta search: the
// server's clone image, written once and served to every clone.
std::string pack_everything(const History& history, const CommitId& head);

// Copies into `target` every object reachable from `want` in `source` that
// `target` lacks, walking only the commits not reachable from `haves` and
// skipping subtrees `target` already has, as one pack without delta search.
// When the source has packs the target lacks of over kCopyFilesAbovePackBytes,
// or past kCopyFilesAboveRecords records to copy, copies the object files
// instead (see copy_object_files). Used between copies on one machine
// (fetch, push).
void copy_objects(const History& source, History& target, const CommitId& want, const std::vector<CommitId>& haves);

// Copies the object files (packs and loose objects) of `source` that
// `target` does not have, as git clone does on one machine: a whole history
// without reading or recompressing an object. Files of the same name hold
// the same objects, so they are skipped.
void copy_object_files(const History& source, History& target);

// Adds the objects of `pack` to `target`. Throws UserError naming `what`
// when the pack is malformed.
void ingest_pack(History& target, std::string_view pack, const std::string& what);

// A bundle carries commit patches (commit_patch.h): one changed record
// makes a bundle of well under 2 KB.
struct Bundle {
  CommitId head;                        // the commit the bundle brings
  std::vector<CommitId> prerequisites;  // commits the receiver must have
  std::string payload;                  // encode_patches()
};

// Writes the commits reachable from the head, minus those reachable from
// `since`, into `file`.
Bundle make_bundle(const History& source, const std::optional<CommitId>& since);
void write_bundle(const Bundle& bundle, const std::filesystem::path& file);
// Reads and checks the header (its length, the ids, the payload's size,
// within `limits`); throws UserError for a file that is not a liaison
// bundle, is cut short or padded, or announces too much.
Bundle read_bundle(const std::filesystem::path& file, const DecodeLimits& limits = DecodeLimits{});
// True if the file starts like a liaison bundle.
bool looks_like_bundle(const std::filesystem::path& file);

}  // namespace liaison
