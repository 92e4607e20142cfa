#include "view/view.h"

#include <algorithm>

#include <sqlite3.h>

#include "base/error.h"
#include "base/utf8.h"
#include "model/ids.h"
#include "model/record.h"
#include "model/reference_data.h"

namespace liaison {
namespace {

std::string quoted(std::string_view name) { return "\"" + std::string(name) + "\""; }

constexpr std::string_view kSearchTokenizer = "unicode61 remove_diacritics 2";

}  // namespace

std::vector<const FieldSpec*> scalar_columns(const KindSpec& ks) {
  std::vector<const FieldSpec*> out;
  for (std::size_t i = 1; i < ks.fields.size(); ++i) {
    const auto& f = ks.fields[i];
    if (f.is_set) continue;
    bool label = std::find(ks.label_fields.begin(), ks.label_fields.end(), f.name) != ks.label_fields.end();
    bool text = f.type == ValueType::Text || f.type == ValueType::Url;
    if (!text || label || f.name == "role") out.push_back(&f);
  }
  return out;
}

namespace {

// Secondary indexes, as (name, CREATE statement).
std::vector<std::pair<std::string, std::string>> secondary_indexes() {
  std::vector<std::pair<std::string, std::string>> out;
  // Covering indexes for the matrix and gaps, which read only these columns
  // (visibility too, when an audience's views test it), and for the count
  // of stale contact points.
  out.emplace_back("needs_matrix", "CREATE INDEX IF NOT EXISTS needs_matrix ON needs(status, area, state, org, priority,"
                                   " raised, id, visibility)");
  out.emplace_back("contacts_stale",
                   "CREATE INDEX IF NOT EXISTS contacts_stale ON contacts(status, last_verified, visibility, org)");
  out.emplace_back("offers_cover", "CREATE INDEX IF NOT EXISTS offers_cover ON offers(id, status, provider)");
  // Lists in their order, with what an audience's views test (visibility,
  // owner), so a page of the public's list reads neither records nor a sort.
  out.emplace_back("needs_listed", std::string("CREATE INDEX IF NOT EXISTS needs_listed ON needs(") + kNeedsListOrder +
                                       ", visibility, org)");
  out.emplace_back("offers_listed", std::string("CREATE INDEX IF NOT EXISTS offers_listed ON offers(") +
                                        kOffersListOrder + ", visibility)");
  // Contacts in list order (query.cc): `list --area X --limit 50` reads the
  // first matches in order instead of sorting every match.
  out.emplace_back("contacts_listed",
                   "CREATE INDEX IF NOT EXISTS contacts_listed ON contacts(org, coalesce(name, role), id)");
  for (Kind kind : kAllKinds) {
    const auto& ks = spec(kind);
    std::string table(ks.plural);
    // What an audience sees of the kind (audience_scope.h tests visibility
    // and owner): its web pages count and list it from this index instead of
    // reading every record.
    if (!ks.default_visibility.empty())
      out.emplace_back(table + "_seen", "CREATE INDEX IF NOT EXISTS " + table + "_seen ON " + table +
                                            "(visibility, " + quoted(ks.owner_field) + ", id)");
    for (const auto* f : scalar_columns(ks))
      if (f->type == ValueType::Ref || f->type == ValueType::State || f->name == "status") {
        if (kind == Kind::Contact && f->name == "org") continue;  // contacts_listed starts with org
        auto name = table + "_by_" + std::string(f->name);
        out.emplace_back(name, "CREATE INDEX IF NOT EXISTS " + name + " ON " + table + "(" + quoted(f->name) + ")");
      }
    for (const auto& f : ks.fields) {
      if (!has_set_table(f)) continue;
      // The table's own key (rid, value) finds a record's members; this
      // index (value, rid) finds the records holding a member.
      auto st = set_table(kind, f);
      out.emplace_back(st + "_by_value", "CREATE INDEX IF NOT EXISTS " + st + "_by_value ON " + st + "(value)");
    }
  }
  return out;
}

int kind_index(Kind kind) { return static_cast<int>(kind); }

// Which fields of a kind make its row: scalar columns in table order, then
// the fields with set tables in schema order.
struct RowLayout {
  std::vector<const FieldSpec*> columns;
  std::vector<const FieldSpec*> sets;
};

const RowLayout& row_layout(Kind kind) {
  static const auto layouts = [] {
    std::array<RowLayout, kAllKinds.size()> out;
    for (Kind k : kAllKinds) {
      auto& layout = out[kind_index(k)];
      layout.columns = scalar_columns(spec(k));
      for (const auto& f : spec(k).fields)
        if (has_set_table(f)) layout.sets.push_back(&f);
    }
    return out;
  }();
  return layouts[kind_index(kind)];
}

// The json column: the canonical text without its final newline.
std::string_view json_column(std::string_view canonical_text) {
  if (canonical_text.ends_with('\n')) canonical_text.remove_suffix(1);
  return canonical_text;
}

bool is_cjk(char32_t c) {
  return (c >= 0x3040 && c <= 0x30FF) || (c >= 0x3400 && c <= 0x9FFF) || (c >= 0xAC00 && c <= 0xD7AF) ||
         (c >= 0xF900 && c <= 0xFAFF) || (c >= 0x20000 && c <= 0x2FFFF);
}

}  // namespace

bool has_set_table(const FieldSpec& field) {
  return field.is_set && (field.type == ValueType::Ref || field.type == ValueType::State);
}

std::string set_table(Kind kind, const FieldSpec& field) {
  return std::string(spec(kind).plural) + "_" + std::string(field.name);
}

namespace {

// The code point at text[i] and its length in bytes; a malformed byte is
// taken as itself, one byte long.
bool is_arabic_letter(char32_t c) { return (c >= 0x0620 && c <= 0x064A) || (c >= 0x066E && c <= 0x06D3); }
// Harakat, the superscript alef and tatweel: written or not at will.
bool is_arabic_mark(char32_t c) { return (c >= 0x064B && c <= 0x065F) || c == 0x0670 || c == 0x0640; }

char32_t fold_arabic(char32_t c) {
  switch (c) {
    case 0x0622: case 0x0623: case 0x0625: case 0x0671: return 0x0627;  // alef with hamza or madda
    case 0x0649: return 0x064A;                                        // alef maksura
    case 0x0629: return 0x0647;                                        // teh marbuta
    default: return c;
  }
}

// The word without the article and the conjunction or preposition joined
// to it; the word itself when none is attached or too little would remain.
std::u32string arabic_bare_form(const std::u32string& word) {
  static const std::u32string prefixes[] = {U"\u0648\u0627\u0644", U"\u0641\u0627\u0644", U"\u0628\u0627\u0644",
                                            U"\u0643\u0627\u0644", U"\u0644\u0644", U"\u0627\u0644"};
  for (const auto& p : prefixes)
    if (word.size() >= p.size() + 2 && word.compare(0, p.size(), p) == 0) return word.substr(p.size());
  return word;
}

enum class Purpose { Index, Query };

std::string prepare(std::string_view text, Purpose purpose) {
  std::string out;
  out.reserve(text.size() + 8);
  std::u32string arabic;  // the Arabic word being read, folded
  auto flush_arabic = [&] {
    if (arabic.empty()) return;
    auto bare = arabic_bare_form(arabic);
    if (purpose == Purpose::Index || bare == arabic) {
      for (char32_t c : arabic) append_utf8(out, c);
      if (bare != arabic) out.push_back(' ');
    }
    if (bare != arabic)
      for (char32_t c : bare) append_utf8(out, c);
    arabic.clear();
  };
  std::size_t i = 0;
  while (i < text.size()) {
    auto [cp, len] = decode_utf8(text, i);
    if (is_arabic_letter(cp)) {
      arabic.push_back(fold_arabic(cp));
    } else if (is_arabic_mark(cp) && !arabic.empty()) {
      // dropped
    } else {
      flush_arabic();
      if (is_cjk(cp)) {
        out.push_back(' ');
        out.append(text.substr(i, len));
        out.push_back(' ');
      } else {
        out.append(text.substr(i, len));
      }
    }
    i += len;
  }
  flush_arabic();
  return out;
}

}  // namespace

std::string fts_prepare(std::string_view text) { return prepare(text, Purpose::Index); }

std::string fts_prepare_query(std::string_view word) { return prepare(word, Purpose::Query); }

ViewRow make_view_row(Kind kind, const Json& record) {
  const auto& layout = row_layout(kind);
  ViewRow row;
  row.id = record_id(kind, record);
  auto add_text = [&row](const std::string& text) {
    ViewRow::Cell cell{ViewRow::Cell::Text, static_cast<std::uint32_t>(row.texts.size()),
                       static_cast<std::uint32_t>(text.size())};
    row.texts += text;
    return cell;
  };
  row.columns.reserve(layout.columns.size());
  for (const auto* f : layout.columns) {
    auto it = record.find(f->name);
    if (it == record.end()) row.columns.push_back({});
    else if (it->is_boolean()) row.columns.push_back({ViewRow::Cell::Integer, 0, 0, it->get<bool>() ? 1 : 0});
    else row.columns.push_back(add_text(it->get_ref<const std::string&>()));
  }
  for (std::uint32_t s = 0; s < layout.sets.size(); ++s) {
    auto it = record.find(layout.sets[s]->name);
    if (it == record.end()) continue;
    for (const auto& v : *it) row.members.emplace_back(s, add_text(v.get_ref<const std::string&>()));
  }
  row.search_text = fts_prepare(searchable_text(kind, record));
  return row;
}

std::vector<Reference> references_of(Kind kind, const ViewRow& row) {
  const auto& layout = row_layout(kind);
  std::vector<Reference> out;
  for (std::size_t c = 0; c < layout.columns.size(); ++c)
    if (layout.columns[c]->type == ValueType::Ref && row.columns[c].type == ViewRow::Cell::Text)
      out.push_back({layout.columns[c]->name, *layout.columns[c]->ref, std::string(row.text(row.columns[c]))});
  for (const auto& [set, member] : row.members)
    if (layout.sets[set]->type == ValueType::Ref)
      out.push_back({layout.sets[set]->name, *layout.sets[set]->ref, std::string(row.text(member))});
  return out;
}

struct View::KindStatements {
  Statement find_rid;
  Statement find_row;
  Statement get_json;
  Statement delete_row;
  Statement forget_fts;
  Statement delete_pending;
  std::vector<Statement> delete_sets;
  Statement insert_row;
  std::vector<std::pair<const FieldSpec*, Statement>> insert_sets;
  Statement insert_fts;
  Statement update_row;
};

void View::limit_page_cache(std::int64_t bytes) {
  // A negative cache_size is a size in KiB.
  db_.exec("PRAGMA cache_size=-" + std::to_string(bytes / 1024));
}

std::int64_t View::page_cache_limit() {
  // Negative: KiB; positive: pages.
  auto size = std::stoll(db_.scalar("PRAGMA cache_size").value_or("0"));
  if (size < 0) return -size * 1024;
  return size * std::stoll(db_.scalar("PRAGMA page_size").value_or("4096"));
}

View View::open(const std::filesystem::path& path) {
  View view(Database::open(path));
  // The records include personal data: the owner alone may read the file
  // (SQLite gives its -wal and -shm files the same mode).
  std::error_code ignored;
  std::filesystem::permissions(path, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write,
                               ignored);
  // The view is derived from history, so losing its last transactions in a
  // power cut costs only a catch-up on the next open: NORMAL is enough.
  view.db_.exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA cache_size=-262144;");
  view.create_schema();
  view.db_.exec("CREATE TEMP TABLE search_pending(rowid INTEGER PRIMARY KEY, body TEXT);"
                "CREATE TEMP TABLE search_forget(rowid INTEGER PRIMARY KEY, body TEXT);");
  return view;
}

void View::create_schema() {
  auto version = db_.scalar("PRAGMA user_version");
  if (version && std::stoi(*version) == kViewLayoutVersion) return;
  Transaction tx(db_);
  if (version && std::stoi(*version) != 0) {
    // A view laid out by another version: everything in it is derived
    // (settings of older layouts were moved to state.db before the view is
    // opened), so drop it; the store rebuilds it from history.
    auto st = db_.prepare("SELECT type, name FROM sqlite_schema WHERE name NOT LIKE 'sqlite_%'"
                          " AND type IN ('table', 'view')");
    std::vector<std::string> drops{"DROP TABLE IF EXISTS search;"};  // the index before its shadow tables
    while (st.step()) drops.push_back("DROP TABLE IF EXISTS \"" + st.text(1) + "\";");
    for (const auto& d : drops) db_.exec(d);
  }
  std::string sql =
      "CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT);"
      "CREATE TABLE IF NOT EXISTS states(code TEXT PRIMARY KEY, alpha3 TEXT, m49 TEXT, name TEXT, region TEXT,"
      " subregion TEXT);"
      // Contentless: the text lives in the records; a row's rowid encodes
      // (kind table rid, kind) so hits map back to records.
      "CREATE VIRTUAL TABLE IF NOT EXISTS search USING fts5(body, content='',"
      " tokenize='" + std::string(kSearchTokenizer) + "');";
  for (Kind kind : kAllKinds) {
    const auto& ks = spec(kind);
    std::string table(ks.plural);
    sql += "CREATE TABLE IF NOT EXISTS " + table + "(rid INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE";
    for (const auto* f : scalar_columns(ks)) sql += ", " + quoted(f->name);
    sql += ", json TEXT NOT NULL);";
    for (const auto& f : ks.fields)
      if (has_set_table(f))
        sql += "CREATE TABLE IF NOT EXISTS " + set_table(kind, f) +
               "(rid INTEGER NOT NULL, value TEXT NOT NULL, PRIMARY KEY(rid, value)) WITHOUT ROWID;";
  }
  for (const auto& [name, create] : secondary_indexes()) sql += create + ";";
  db_.exec(sql);
  auto insert = db_.prepare("INSERT OR REPLACE INTO states VALUES(?,?,?,?,?,?)");
  for (const auto& [code, s] : states()) {
    insert.bind(1, s.code).bind(2, s.alpha3).bind(3, s.m49).bind(4, s.name).bind(5, s.region).bind(6, s.subregion);
    insert.run();
  }
  db_.exec("PRAGMA user_version=" + std::to_string(kViewLayoutVersion));
  tx.commit();
}

View::KindStatements& View::statements(Kind kind) {
  auto it = statements_.find(kind);
  if (it != statements_.end()) return *it->second;
  const auto& ks = spec(kind);
  std::string table(ks.plural);
  const auto& columns = row_layout(kind).columns;
  // Writes name main's tables: on a connection limited to an audience
  // (audience_scope.h) the plain names are read-only views.
  std::string insert = "INSERT INTO main." + table + "(id";
  std::string values = "VALUES(?";
  for (const auto* f : columns) {
    insert += ", " + quoted(f->name);
    values += ",?";
  }
  insert += ", json) " + values + ",?)";
  std::string update = "UPDATE main." + table + " SET ";
  for (const auto* f : columns) update += quoted(f->name) + "=?, ";
  update += "json=? WHERE rid=?";
  auto* s = new KindStatements{
      db_.prepare("SELECT rid FROM " + table + " WHERE id=?"),
      db_.prepare("SELECT rid, json FROM " + table + " WHERE id=?"),
      db_.prepare("SELECT json FROM " + table + " WHERE id=?"),
      db_.prepare("DELETE FROM main." + table + " WHERE rid=?"),
      db_.prepare("INSERT INTO temp.search_forget(rowid, body) VALUES(?, ?)"),
      db_.prepare("DELETE FROM temp.search_pending WHERE rowid=?"),
      {},
      db_.prepare(insert),
      {},
      db_.prepare("INSERT INTO temp.search_pending(rowid, body) VALUES(?,?)"),
      db_.prepare(update),
  };
  for (const auto* f : row_layout(kind).sets) {  // in ViewRow::members' numbering
    auto st = set_table(kind, *f);
    s->delete_sets.push_back(db_.prepare("DELETE FROM main." + st + " WHERE rid=?"));
    s->insert_sets.emplace_back(f, db_.prepare("INSERT OR IGNORE INTO main." + st + "(rid, value) VALUES(?,?)"));
  }
  statements_[kind].reset(s);
  return *s;
}

std::optional<std::string> View::head_of(Database& db) { return db.scalar("SELECT value FROM meta WHERE key='head'"); }

std::optional<std::string> View::head() { return head_of(db_); }

void View::flush_search_index() {
  // FTS5 flushes its pending terms at every statement boundary, so one
  // INSERT per record costs a segment each; one INSERT ... SELECT per
  // commit indexes the whole batch at once. Deletions go first: a rid freed
  // by a deletion may be taken again by a pending insertion.
  db_.exec("INSERT INTO search(search, rowid, body) SELECT 'delete', rowid, body FROM temp.search_forget;"
           "DELETE FROM temp.search_forget;"
           "INSERT INTO search(rowid, body) SELECT rowid, body FROM temp.search_pending;"
           "DELETE FROM temp.search_pending;");
}

void View::set_head(const std::optional<std::string>& commit) {
  flush_search_index();
  auto st = db_.prepare("INSERT OR REPLACE INTO meta(key, value) VALUES('head', ?)");
  st.bind_optional(1, commit);
  st.run();
}

void View::remove(Kind kind, const std::string& id) {
  auto& s = statements(kind);
  s.find_row.bind(1, id);
  if (!s.find_row.step()) {
    s.find_row.reset();
    return;
  }
  auto rid = s.find_row.integer(0);
  auto old = Json::parse(s.find_row.text(1));
  s.find_row.reset();
  s.delete_row.bind(1, rid).run();
  // A row not yet flushed to the index is simply dropped; an indexed one is
  // forgotten by a contentless index only when given the text it indexed.
  // That is queued too: touching the index inside the transaction would make
  // every later statement with a statement journal flush FTS5 (its savepoint).
  auto fts_rowid = rid * 8 + kind_index(kind);
  s.delete_pending.bind(1, fts_rowid).run();
  if (sqlite3_changes(db_.raw()) == 0)
    s.forget_fts.bind(1, fts_rowid).bind(2, fts_prepare(searchable_text(kind, old))).run();
  for (auto& d : s.delete_sets) d.bind(1, rid).run();
}

void View::put(Kind kind, const Json& record, std::string_view canonical_text) {
  remove(kind, record_id(kind, record));
  insert(kind, record, canonical_text);
}

void View::replace(Kind kind, const Json& before, const Json& record, const ViewRow& row,
                   std::string_view canonical_text) {
  auto json = json_column(canonical_text);
  auto& s = statements(kind);
  s.find_rid.bind(1, row.id);
  bool found = s.find_rid.step();
  auto rid = found ? s.find_rid.integer(0) : 0;
  s.find_rid.reset();
  if (!found) {
    insert(kind, row, json);
    return;
  }
  // The row is updated where it is, and only the set tables and the
  // full-text entry whose content changed are touched: a merge typically
  // changes one or two fields of thousands of records.
  int col = bind_columns(s.update_row, 1, row, json);
  s.update_row.bind(col, rid).run();
  for (std::uint32_t i = 0; i < s.insert_sets.size(); ++i) {
    const auto* field = s.insert_sets[i].first;
    auto old_value = before.find(field->name), new_value = record.find(field->name);
    bool had = old_value != before.end(), has = new_value != record.end();
    if (had == has && (!has || *old_value == *new_value)) continue;
    s.delete_sets[i].bind(1, rid).run();
    for (const auto& [set, member] : row.members)
      if (set == i) s.insert_sets[i].second.bind(1, rid).bind_static(2, row.text(member)).run();
  }
  auto old_text = fts_prepare(searchable_text(kind, before));
  if (old_text == row.search_text) return;
  auto fts_rowid = rid * 8 + kind_index(kind);
  s.delete_pending.bind(1, fts_rowid).run();
  if (sqlite3_changes(db_.raw()) == 0) s.forget_fts.bind(1, fts_rowid).bind(2, old_text).run();
  s.insert_fts.bind(1, fts_rowid).bind_static(2, row.search_text).run();
}

int View::bind_columns(Statement& st, int col, const ViewRow& row, std::string_view json) {
  for (const auto& cell : row.columns) {
    if (cell.type == ViewRow::Cell::Null) st.bind_null(col++);
    else if (cell.type == ViewRow::Cell::Integer) st.bind(col++, cell.integer);
    else st.bind_static(col++, row.text(cell));
  }
  st.bind_static(col++, json);
  return col;
}

void View::insert(Kind kind, const Json& record, std::string_view canonical_text) {
  if (canonical_text.empty()) insert(kind, make_view_row(kind, record), record.dump());
  else insert(kind, make_view_row(kind, record), canonical_text);
}

void View::insert(Kind kind, const ViewRow& row, std::string_view canonical_text) {
  auto& s = statements(kind);
  s.insert_row.bind_static(1, row.id);
  bind_columns(s.insert_row, 2, row, json_column(canonical_text));
  s.insert_row.run();
  auto rid = sqlite3_last_insert_rowid(db_.raw());
  for (const auto& [set, member] : row.members)
    s.insert_sets[set].second.bind(1, rid).bind_static(2, row.text(member)).run();
  s.insert_fts.bind(1, rid * 8 + kind_index(kind)).bind_static(2, row.search_text).run();
}

void View::begin_bulk() {
  // Building indexes once after a bulk load sorts; keeping them during it
  // costs a random B-tree insert per row and index.
  std::string sql;
  for (const auto& [name, create] : secondary_indexes()) sql += "DROP INDEX IF EXISTS " + name + ";";
  db_.exec(sql);
}

void View::end_bulk() {
  std::string sql;
  for (const auto& [name, create] : secondary_indexes()) sql += create + ";";
  // Sampled statistics (a few milliseconds) let the planner pick the
  // selective index, e.g. org over status for `stale --org`.
  sql += "PRAGMA analysis_limit=400; ANALYZE;";
  db_.exec(sql);
}

void View::clear_records() {
  statements_.clear();
  std::string sql =
      "INSERT INTO search(search) VALUES('delete-all'); DELETE FROM temp.search_pending;"
      "DELETE FROM temp.search_forget;";
  for (Kind kind : kAllKinds) {
    const auto& ks = spec(kind);
    sql += "DELETE FROM " + std::string(ks.plural) + ";";
    for (const auto& f : ks.fields)
      if (has_set_table(f)) sql += "DELETE FROM " + set_table(kind, f) + ";";
  }
  db_.exec(sql);
}

std::optional<Json> View::get(Kind kind, const std::string& id) {
  auto& st = statements(kind).get_json;
  st.bind(1, id);
  if (!st.step()) {
    st.reset();
    return std::nullopt;
  }
  auto out = Json::parse(st.text(0));
  st.reset();
  return out;
}

std::optional<std::pair<Kind, Json>> View::search_hit(std::int64_t rowid) {
  Kind kind = static_cast<Kind>(rowid % 8);
  auto st = db_.prepare("SELECT json FROM " + std::string(spec(kind).plural) + " WHERE rid=?");
  st.bind(1, rowid / 8);
  if (!st.step()) return std::nullopt;
  return std::make_pair(kind, Json::parse(st.text(0)));
}

bool View::exists(Kind kind, const std::string& id) {
  auto& s = statements(kind);
  s.find_rid.bind(1, id);
  bool found = s.find_rid.step();
  s.find_rid.reset();
  return found;
}

std::unordered_set<std::string> View::ids(Kind kind) {
  auto st = db_.prepare("SELECT id FROM " + std::string(spec(kind).plural));
  std::unordered_set<std::string> out;
  while (st.step()) out.insert(st.text(0));
  return out;
}

std::vector<std::string> View::ids_with_prefix(Kind kind, const std::string& prefix, int limit) {
  auto st = db_.prepare("SELECT id FROM " + std::string(spec(kind).plural) +
                        " WHERE id >= ?1 AND id < ?1 || x'ff' ORDER BY id LIMIT ?2");
  st.bind(1, prefix).bind(2, static_cast<std::int64_t>(limit));
  std::vector<std::string> out;
  while (st.step()) out.push_back(st.text(0));
  return out;
}

std::vector<View::Referrer> View::referrers(Kind kind, const std::string& id, int limit) {
  std::vector<Referrer> out;
  for (Kind from : kAllKinds) {
    const auto& ks = spec(from);
    for (const auto& f : ks.fields) {
      if (f.type != ValueType::Ref || f.ref != kind) continue;
      std::string sql = f.is_set ? "SELECT t.json FROM " + set_table(from, f) + " s JOIN " + std::string(ks.plural) +
                                       " t ON t.rid = s.rid WHERE s.value=? LIMIT ?"
                                 : "SELECT json FROM " + std::string(ks.plural) + " WHERE " + quoted(f.name) +
                                       "=? LIMIT ?";
      auto st = db_.prepare(sql);
      st.bind(1, id).bind(2, static_cast<std::int64_t>(limit));
      while (st.step() && static_cast<int>(out.size()) < limit) {
        auto rec = Json::parse(st.text(0));
        if (from == kind && record_id(from, rec) == id) continue;
        out.push_back(Referrer{RecordKey{from, record_id(from, rec)}, std::string(f.name), describe_record(from, rec)});
      }
    }
  }
  return out;
}

std::vector<std::string> View::differences(const std::map<RecordKey, Json>& records, std::size_t limit) {
  std::vector<std::string> out;
  auto problem = [&](std::string text) {
    if (out.size() < limit) out.push_back(std::move(text));
  };
  // The full-text entries the records make go into a scratch index of the
  // same tokenizer under the live rowids, so the two indexes compare by
  // their terms: a contentless index keeps no text to compare. One read
  // transaction for the whole comparison, and the scratch index filled by
  // one statement: row by row, each insert would be a commit and a segment.
  db_.exec("SAVEPOINT view_differences;"
           "DROP TABLE IF EXISTS temp.search_expected; DROP TABLE IF EXISTS temp.search_expected_rows;"
           "CREATE TEMP TABLE search_expected_rows(rowid INTEGER PRIMARY KEY, body TEXT);"
           "CREATE VIRTUAL TABLE temp.search_expected USING fts5(body, content='', tokenize='" +
           std::string(kSearchTokenizer) + "');");
  struct Release {
    Database& db;
    ~Release() {
      try {
        db.exec("ROLLBACK TO view_differences; RELEASE view_differences;");
      } catch (const Error&) {
      }
    }
  } release{db_};
  auto expect_fts = db_.prepare("INSERT INTO temp.search_expected_rows(rowid, body) VALUES(?, ?)");
  std::size_t in_view = 0;
  for (Kind kind : kAllKinds) {
    const auto& layout = row_layout(kind);
    std::string table(spec(kind).plural), select = "SELECT rid, id";
    for (const auto* f : layout.columns) select += ", " + quoted(f->name);
    auto rows = db_.prepare(select + ", json FROM " + table);
    std::vector<Statement> members;
    for (const auto* f : layout.sets)
      members.push_back(db_.prepare("SELECT value FROM " + set_table(kind, *f) + " WHERE rid=? ORDER BY value"));
    while (rows.step()) {
      ++in_view;
      auto rid = rows.integer(0);
      auto id = rows.text(1);
      auto it = records.find({kind, id});
      if (it == records.end()) {
        problem("view has " + std::string(kind_name(kind)) + " " + short_id(id) + " that history does not");
        continue;
      }
      const auto& record = it->second;
      auto label = describe_record(kind, record);
      auto row = make_view_row(kind, record);
      for (std::size_t c = 0; c < layout.columns.size(); ++c) {
        const auto& cell = row.columns[c];
        int col = static_cast<int>(c) + 2;
        bool same = cell.type == ViewRow::Cell::Null      ? rows.is_null(col)
                    : cell.type == ViewRow::Cell::Integer ? !rows.is_null(col) && rows.integer(col) == cell.integer
                                                          : !rows.is_null(col) && rows.text(col) == row.text(cell);
        if (!same) problem("view differs from history for " + label + ": column " + std::string(layout.columns[c]->name));
      }
      int json_col = static_cast<int>(layout.columns.size()) + 2;
      if (Json::parse(rows.text(json_col)) != record) problem("view differs from history for " + label + ": json");
      for (std::uint32_t s = 0; s < layout.sets.size(); ++s) {
        std::vector<std::string> want, have;
        for (const auto& [set, member] : row.members)
          if (set == s) want.emplace_back(row.text(member));
        std::sort(want.begin(), want.end());
        want.erase(std::unique(want.begin(), want.end()), want.end());
        members[s].bind(1, rid);
        while (members[s].step()) have.push_back(members[s].text(0));
        members[s].reset();
        if (want != have) problem("view differs from history for " + label + ": " + set_table(kind, *layout.sets[s]));
      }
      expect_fts.bind(1, rid * 8 + kind_index(kind)).bind(2, row.search_text).run();
    }
    for (const auto* f : layout.sets) {
      auto orphans = db_.scalar("SELECT count(*) FROM " + set_table(kind, *f) + " WHERE rid NOT IN (SELECT rid FROM " +
                                table + ")");
      if (orphans != "0") problem(set_table(kind, *f) + ": " + orphans.value_or("?") + " rows of no record");
    }
  }
  if (in_view != records.size())
    problem("view holds " + std::to_string(in_view) + " records, history " + std::to_string(records.size()));
  db_.exec("INSERT INTO temp.search_expected(rowid, body) SELECT rowid, body FROM temp.search_expected_rows;"
           "DROP TABLE IF EXISTS temp.search_live_terms; DROP TABLE IF EXISTS temp.search_expected_terms;"
           "CREATE VIRTUAL TABLE temp.search_live_terms USING fts5vocab(main, search, instance);"
           "CREATE VIRTUAL TABLE temp.search_expected_terms USING fts5vocab(temp, search_expected, instance);");
  auto mismatched = db_.prepare(
      "SELECT DISTINCT doc FROM (SELECT * FROM (SELECT term, doc, offset FROM temp.search_live_terms EXCEPT"
      " SELECT term, doc, offset FROM temp.search_expected_terms) UNION ALL SELECT * FROM (SELECT term, doc, offset"
      " FROM temp.search_expected_terms EXCEPT SELECT term, doc, offset FROM temp.search_live_terms)) ORDER BY doc");
  while (mismatched.step()) {
    auto rowid = mismatched.integer(0);
    auto hit = search_hit(rowid);
    problem("search index differs from history for " +
            (hit ? describe_record(hit->first, hit->second) : "row " + std::to_string(rowid) + " of no record"));
  }
  return out;  // the scratch tables go with the savepoint
}

std::int64_t View::count(Kind kind) {
  return std::stoll(db_.scalar("SELECT count(*) FROM " + std::string(spec(kind).plural)).value_or("0"));
}

}  // namespace liaison
