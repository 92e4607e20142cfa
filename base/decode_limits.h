// Bounds on what liaison decodes from outside: push bodies, fetched commit
// patches, bundles, view snapshots, HTTP answers. Every size, count and
// length read from such input is checked against these limits, and against
// the bytes that remain, before memory is allocated for it, so that a few
// hostile bytes cannot make a server or a client allocate gigabytes. A value
// over a limit is refused with a one-line UserError.
//
// The defaults admit real data with a wide margin: a 100k-record import is
// one commit of 100k changes of a few hundred bytes each, whose patches
// expand to some 50 MB, about six times their compressed size; a view
// snapshot of it is under 100 MB, about three times its packed size.
// liaisond may lower or raise them from its command line.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace liaison {

struct DecodeLimits {
  // Bytes a compressed frame (commit patches) may expand to.
  std::uint64_t max_expanded_bytes = 1ULL << 30;
  // Expanded bytes per compressed byte. zlib reaches about 1000 on runs of
  // one byte; real patches and snapshots stay far below 200.
  std::uint32_t max_ratio = 200;
  // A frame expanding to at most this many bytes is never refused for its
  // ratio: so small a frame is no bomb, and tiny inputs compress oddly.
  std::uint64_t ratio_exempt_bytes = 1ULL << 20;
  // Commits in one set of patches (a push, a fetch, a bundle of a whole
  // history).
  std::size_t max_commits = 1'000'000;
  // File changes in one set of patches, all commits together: twice a
  // million-record directory's import.
  std::size_t max_changes = 2'000'000;
  // One record file (canonical JSON of a few hundred bytes).
  std::size_t max_record_bytes = 1ULL << 20;
  // A path inside the history (kind/xx/id.json).
  std::size_t max_path_bytes = 4096;
  // A commit object's raw text (tree, parents, author, message).
  std::size_t max_commit_bytes = 1ULL << 20;
  // A view snapshot, expanded to a file (never held in memory whole).
  std::uint64_t max_snapshot_bytes = 1ULL << 33;
  // The body of one HTTP answer the client reads (a clone's pack is the
  // largest: about 40 MB for 100k records).
  std::uint64_t max_response_bytes = 1ULL << 30;
  // A bundle file's header line (head, prerequisites, payload size).
  std::size_t max_bundle_header_bytes = 64 * 1024;
};

// A commit id as liaison writes one: 40 lower-case hex digits. Decoders
// refuse anything else where an id is expected.
inline bool is_commit_id(std::string_view id) {
  return id.size() == 40 && id.find_first_not_of("0123456789abcdef") == std::string_view::npos;
}

}  // namespace liaison
