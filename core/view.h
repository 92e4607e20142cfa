// View: the SQLite database of a local copy. It holds
//  * a queryable, derived picture of the records at one commit of the
//    history (one table per kind with a column per scalar field, one table
//    per indexed set field, and an FTS5 index over searchable text), which
//    can always be rebuilt from history;
//  * the reference table of states and regions;
//  * local settings that are not history (the copy's org, the user, remotes).
// Table layout is generated from schema.h, so queries can rely on
// <plural>(id, <field>..., json) and <plural>_<set field>(id, value).
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <unordered_set>
#include <vector>

#include "core/canonical_json.h"
#include "core/schema.h"
#include "core/sqlite_db.h"

namespace liaison {

// True for set fields that get their own table (references, states, languages).
bool has_set_table(const FieldSpec& field);
std::string set_table(Kind kind, const FieldSpec& field);

// Text prepared for FTS5: ideographs and kana get spaces around them so that
// scripts written without spaces can be searched by substring.
std::string fts_prepare(std::string_view text);

// The version of the table layout; a view of another layout is rebuilt.
inline constexpr int kViewLayoutVersion = 3;

class View {
 public:
  static View open(const std::filesystem::path& path);

  Database& db() { return db_; }

  // The commit the records reflect; nullopt for an empty view. set_head
  // also completes the full-text index for the records put or removed since
  // the last call, so every write ends with it.
  std::optional<std::string> head();
  void set_head(const std::optional<std::string>& commit);
  void flush_search_index();

  // Adds or replaces a record. `canonical_text` (canonical_json of the
  // record), when the caller has it, saves serialising it again.
  void put(Kind kind, const Json& record, std::string_view canonical_text = {});
  // Like put, for a caller that holds the record as the view has it now
  // (`before`, as get returned it): updates the row in place (its rid, and
  // so its full-text rowid, stay) and rewrites only the set rows and the
  // full-text entry whose content changed.
  void replace(Kind kind, const Json& before, const Json& record, std::string_view canonical_text = {});
  // Adds a record known to be absent.
  void insert(Kind kind, const Json& record, std::string_view canonical_text = {});
  void remove(Kind kind, const std::string& id);
  // Around a bulk load inside one transaction: drop the secondary indexes,
  // then build them again in one pass.
  void begin_bulk();
  void end_bulk();
  // Drops every record (not settings) before a rebuild.
  void clear_records();

  std::optional<Json> get(Kind kind, const std::string& id);
  bool exists(Kind kind, const std::string& id);
  // Every id of `kind`: one scan, for checking many records at once.
  std::unordered_set<std::string> ids(Kind kind);
  // The record behind a row of the full-text index.
  std::optional<std::pair<Kind, Json>> search_hit(std::int64_t rowid);
  // Ids of `kind` starting with `prefix`, at most `limit`.
  std::vector<std::string> ids_with_prefix(Kind kind, const std::string& prefix, int limit);
  struct Referrer {
    RecordKey key;
    std::string field;
    std::string description;  // "contact 3fa2c1d9 (Jane Doe)"
  };
  // Records that refer to (kind, id), at most `limit`.
  std::vector<Referrer> referrers(Kind kind, const std::string& id, int limit);
  std::int64_t count(Kind kind);

  std::optional<std::string> setting(const std::string& key);
  void set_setting(const std::string& key, const std::string& value);

 private:
  explicit View(Database db) : db_(std::move(db)) {}
  void create_schema();
  struct KindStatements;
  KindStatements& statements(Kind kind);
  // Binds the scalar columns and json of `record` from column `col` on;
  // returns the next column.
  int bind_columns(Statement& st, int col, Kind kind, const Json& record, std::string_view canonical_text);

  Database db_;
  std::map<Kind, std::shared_ptr<KindStatements>> statements_;
};

}  // namespace liaison
