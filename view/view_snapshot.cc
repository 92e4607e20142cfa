#include "view/view_snapshot.h"

#include <fstream>
#include <sstream>

#include "base/compression.h"
#include "base/durable_file.h"
#include "base/error.h"

namespace liaison {
namespace {

std::string quote_sql(const std::string& text) {
  std::string out = "'";
  for (char c : text) {
    if (c == '\'') out += '\'';
    out += c;
  }
  return out + "'";
}

std::string read_file_bytes(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw Failure("cannot read " + file.string());
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace

void write_view_snapshot(View& view, const std::filesystem::path& file) { write_view_snapshot(view.db(), file); }

void write_view_snapshot(Database& view_db, const std::filesystem::path& file) {
  if (std::filesystem::exists(file)) throw Failure("snapshot file exists already: " + file.string());
  // VACUUM INTO reads one consistent state of the source and writes a
  // compact copy; temp tables (pending search rows) are not part of it.
  view_db.exec("VACUUM INTO " + quote_sql(file.string()));
  try {
    sync_file(file);
  } catch (...) {
    std::filesystem::remove(file);
    throw;
  }
}

std::string pack_view_snapshot(const std::filesystem::path& file) {
  return compress_framed(read_file_bytes(file), 1);
}

void install_view_snapshot(std::string_view packed, const std::filesystem::path& file, const DecodeLimits& limits) {
  try {
    // Expanded straight into the file: a snapshot is the largest thing a
    // clone receives, and memory need not hold it.
    std::ofstream out(file, std::ios::binary | std::ios::trunc);
    if (!out) throw Failure("cannot write " + file.string());
    expand_framed_to(packed, "view snapshot", limits.max_snapshot_bytes, limits, [&](std::string_view piece) {
      out.write(piece.data(), static_cast<std::streamsize>(piece.size()));
      if (!out) throw Failure("cannot write " + file.string());
    });
    out.flush();
    if (!out) throw Failure("cannot write " + file.string());
  } catch (...) {
    std::error_code ignored;
    std::filesystem::remove(file, ignored);
    throw;
  }
  try {
    auto db = Database::open(file);
    auto verdict = db.scalar("PRAGMA quick_check");
    if (verdict != "ok") throw UserError("it is damaged (" + verdict.value_or("no answer") + ")");
    if (db.scalar("SELECT name FROM sqlite_schema WHERE type='table' AND name='settings'") &&
        db.scalar("SELECT count(*) FROM settings") != "0")
      throw UserError("it carries settings");
    // The view is data only: a trigger would run code on our writes.
    if (db.scalar("SELECT count(*) FROM sqlite_schema WHERE type='trigger'") != "0")
      throw UserError("it holds triggers");
    // Nor views, nor virtual tables but the search index's.
    if (db.scalar("SELECT count(*) FROM sqlite_schema WHERE type='view'") != "0") throw UserError("it holds views");
    if (db.scalar("SELECT count(*) FROM sqlite_schema WHERE sql LIKE 'CREATE VIRTUAL TABLE%' AND "
                  "NOT (name = 'search' AND sql LIKE 'CREATE VIRTUAL TABLE search USING fts5(%')") != "0")
      throw UserError("it holds foreign virtual tables");
  } catch (const Error& e) {
    std::filesystem::remove(file);
    throw UserError(std::string("view snapshot refused: ") + e.what());
  }
}

}  // namespace liaison
