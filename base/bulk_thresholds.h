// Every size past which liaison leaves its one-record path for a bulk one,
// in one place, so that the paths can be found and tuned together. Below
// each, the simple path is the faster (no thread to start, no index to
// rebuild, no pack to index); docs/PERFORMANCE.md measures them.
#pragma once

#include <cstddef>
#include <cstdint>

namespace liaison {

// Records in one change past which records are normalised or checked on two
// threads (base/parallel.h), the store reads the ids present in one scan per
// kind, reads rows while other threads normalise, frees the change on
// another thread, and a view catching up rebuilds instead of going row by row.
inline constexpr std::size_t kLargeChange = 2000;

// New rows in one change past which the view drops its secondary indexes
// and builds them again in one pass.
inline constexpr std::size_t kRebuildIndexesAbove = 5000;

// Changed files past which a commit's objects are written as one pack
// instead of loose objects.
inline constexpr std::size_t kPackCommitsAboveFiles = 128;

// Objects from elsewhere (a fetch, a push, a bundle) from which they are
// written as one pack instead of loose objects.
inline constexpr std::size_t kPackObjectsFrom = 100;

// Records to copy between two histories on one machine past which, or
// bytes of packs the target lacks past which, whole object files are
// copied instead of building a pack.
inline constexpr std::size_t kCopyFilesAboveRecords = 1000;
inline constexpr std::uintmax_t kCopyFilesAbovePackBytes = 1 << 20;

}  // namespace liaison
