// View snapshots: a copy of a view database's derived tables (records, set
// tables, search index, states, the commit they reflect), so that a new copy
// can start from the view of the copy or server it clones instead of
// rebuilding 100k records from history.
//
// Promises:
//  * A snapshot never carries the source's own state (tokens, remotes, the
//    user): that lives in state.db (copy_state.h), never in the view, and a
//    snapshot holding a settings table with rows (older layouts) is refused.
//  * install_view_snapshot() accepts only a SQLite file that passes
//    quick_check; the store then keeps the snapshot only if it reflects the
//    commit being installed and holds as many records of each kind as that
//    commit's tree (Store::start_at), else it rebuilds the view.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include "base/decode_limits.h"
#include "view/sqlite_db.h"
#include "view/view.h"

namespace liaison {

// Writes the snapshot of the open view database `view_db` into `file`
// (which must not exist), consistent with one transaction of the source.
void write_view_snapshot(Database& view_db, const std::filesystem::path& file);
void write_view_snapshot(View& view, const std::filesystem::path& file);

// A snapshot file as bytes for the wire (compressed), and back into a file.
std::string pack_view_snapshot(const std::filesystem::path& file);
// Throws UserError when the bytes are damaged, expand past
// limits.max_snapshot_bytes or the ratio limit, or are not a SQLite database
// of data only (no settings, triggers, views, or virtual tables but FTS5);
// leaves no file behind then. Expands to the file, never to memory whole.
void install_view_snapshot(std::string_view packed, const std::filesystem::path& file,
                           const DecodeLimits& limits = DecodeLimits{});

}  // namespace liaison
