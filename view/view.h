// View: the SQLite database of a local copy. It holds
//  * a queryable, derived picture of the records at one commit of the
//    history (one table per kind with a column per scalar field, one table
//    per indexed set field, and an FTS5 index over searchable text), which
//    can always be rebuilt from history;
//  * the reference table of states and regions.
// Nothing in it is lost when the file is: the copy's own state lives in
// state.db (copy_state.h).
// Table layout is generated from schema.h, so queries can rely on
// <plural>(rid, id, <field>..., json) and <plural>_<set field>(rid, value),
// where rid is the row's integer key in <plural>.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <unordered_set>
#include <vector>

#include "base/canonical_json.h"
#include "model/record.h"
#include "model/schema.h"
#include "view/sqlite_db.h"

namespace liaison {

// True for set fields that get their own table: the ones queries join on,
// references (areas, needs) and states (countries, recipients). Other sets
// (emails, phones, languages...) live in the json column and the full-text
// index only.
bool has_set_table(const FieldSpec& field);
std::string set_table(Kind kind, const FieldSpec& field);
// Scalar fields that get a column: everything queries filter, group or sort
// on. Free text other than labels lives only in the json column.
std::vector<const FieldSpec*> scalar_columns(const KindSpec& ks);

// Text prepared for FTS5: ideographs and kana get spaces around them so that
// scripts written without spaces can be searched by substring. Arabic words
// are folded as Arabic search usually is (hamza forms of alef to alef, alef
// maksura to yeh, teh marbuta to heh, no harakat or tatweel), and a word
// with the article attached (ال, وال, بال, كال, فال, لل) is indexed with its
// bare form after it, so that علي finds العلي.
std::string fts_prepare(std::string_view text);
// A search word prepared the same way, an Arabic word reduced to its bare
// form, so that العلي also finds علي.
std::string fts_prepare_query(std::string_view word);

// The version of the table layout; a view of another layout is rebuilt.
inline constexpr int kViewLayoutVersion = 7;

// The order needs and offers are listed in (view/query.h), which an index
// of each follows, so that a page of a list reads its rows in order and
// stops instead of sorting every record.
inline constexpr const char* kNeedsListOrder =
    "CASE priority WHEN 'high' THEN 0 WHEN 'medium' THEN 1 ELSE 2 END, raised, id";
inline constexpr const char* kOffersListOrder = "provider, title, id";

// A record's row in the view: its id, column values, set members and
// full-text body, taken from the record alone. Making it walks the record's
// JSON, the costly half of loading a record, so bulk loads make rows on the
// threads that check or read the records, and the thread holding the
// database only binds them.
struct ViewRow {
  struct Cell {
    enum Type : std::uint8_t { Null, Text, Integer } type = Null;
    std::uint32_t offset = 0, size = 0;  // a Text cell's place in `texts`
    std::int64_t integer = 0;
  };
  std::string id;
  std::string texts;                                     // every text cell, one after another
  std::vector<Cell> columns;                             // the kind's scalar columns, in table order
  std::vector<std::pair<std::uint32_t, Cell>> members;   // (set table, in schema order; member)
  std::string search_text;                               // fts_prepare(searchable_text(record))
  std::string_view text(const Cell& cell) const { return {texts.data() + cell.offset, cell.size}; }
};
ViewRow make_view_row(Kind kind, const Json& record);
// Every record the row's record refers to: references_of(kind, record),
// read from the row.
std::vector<Reference> references_of(Kind kind, const ViewRow& row);

class View {
 public:
  static View open(const std::filesystem::path& path);

  // The database, for the view layer's own modules (queries, snapshots).
  Database& db() { return db_; }
  // A write transaction (BEGIN IMMEDIATE): the copy's writer lock.
  Transaction write_transaction() { return Transaction(db_); }
  bool in_transaction() const { return db_.in_transaction(); }
  // Caps this connection's page cache (a long-running server, a bulk
  // change). Pages a write transaction has changed beyond the cap are
  // written to the WAL before it commits (SQLite's cache spill), where they
  // count only once it does: a transaction stays all or nothing.
  void limit_page_cache(std::int64_t bytes);
  // The cap in bytes, as limit_page_cache or open set it.
  std::int64_t page_cache_limit();

  // The commit the records reflect; nullopt for an empty view. set_head
  // also completes the full-text index for the records put or removed since
  // the last call, so every write ends with it.
  std::optional<std::string> head();
  // The head a view database reflects, read without opening it as a View
  // (which would create or migrate its tables): another copy's view.
  static std::optional<std::string> head_of(Database& db);
  void set_head(const std::optional<std::string>& commit);
  void flush_search_index();

  // Adds or replaces a record. `canonical_text` (canonical_json of the
  // record), when the caller has it, saves serialising it again.
  void put(Kind kind, const Json& record, std::string_view canonical_text = {});
  // Like put, for a caller that holds the record as the view has it now
  // (`before`, as get returned it): updates the row in place (its rid, and
  // so its full-text rowid, stay) and rewrites only the set rows and the
  // full-text entry whose content changed. `row` is make_view_row(kind,
  // record) and `canonical_text` canonical_json(record).
  void replace(Kind kind, const Json& before, const Json& record, const ViewRow& row, std::string_view canonical_text);
  // Adds a record known to be absent.
  void insert(Kind kind, const Json& record, std::string_view canonical_text = {});
  // The same from its row (make_view_row) and canonical text.
  void insert(Kind kind, const ViewRow& row, std::string_view canonical_text);
  void remove(Kind kind, const std::string& id);
  // Around a bulk load inside one transaction: drop the secondary indexes,
  // then build them again in one pass.
  void begin_bulk();
  void end_bulk();
  // Drops every record before a rebuild.
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

  // Everything the view derives, compared with what `records` (every record
  // of the head, as history holds them) make: each row's columns and json,
  // its set rows, its full-text entry (compared term by term, position by
  // position), and rows of either side missing on the other. One line per
  // difference, at most `limit`.
  std::vector<std::string> differences(const std::map<RecordKey, Json>& records, std::size_t limit);

 private:
  explicit View(Database db) : db_(std::move(db)) {}
  void create_schema();
  struct KindStatements;
  KindStatements& statements(Kind kind);
  // Binds the scalar columns of `row` and then `json` from column `col` on,
  // without copying: both must outlive the statement's step. Returns the
  // next column.
  static int bind_columns(Statement& st, int col, const ViewRow& row, std::string_view json);

  Database db_;
  std::map<Kind, std::shared_ptr<KindStatements>> statements_;
};

}  // namespace liaison
