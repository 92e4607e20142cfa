#include "io/importer.h"

#include <cctype>
#include <optional>
#include <set>

#include "base/canonical_json.h"
#include "base/csv.h"
#include "base/error.h"
#include "base/parallel.h"
#include "model/ids.h"
#include "model/phone.h"
#include "view/query.h"
#include "model/record.h"

namespace liaison {
namespace {

bool blank(std::string_view cell) { return cell.find_first_not_of(" \t") == std::string_view::npos; }

// A header cell as the field it names: the field's name or its CLI flag
// ("emails" or "email"), in any case, spaces around ignored.
std::string header_key(std::string_view cell) {
  auto from = cell.find_first_not_of(" \t");
  if (from == std::string_view::npos) return "";
  auto to = cell.find_last_not_of(" \t");
  std::string key(cell.substr(from, to - from + 1));
  for (auto& c : key) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return key;
}

const FieldSpec* header_field(const KindSpec& ks, std::string_view cell) {
  std::string key = header_key(cell);
  for (const auto& f : ks.fields)
    if (f.name == key || f.flag() == key) return &f;
  return nullptr;
}

std::string field_names(const KindSpec& ks) {
  std::string out;
  for (const auto& f : ks.fields) out += (out.empty() ? "" : ", ") + std::string(f.name);
  return out;
}

// Spreadsheets write line breaks inside a cell as CRLF in a CRLF file; the
// record keeps LF, as a typed one does.
std::string without_cr(const std::string& cell) {
  if (cell.find('\r') == std::string::npos) return cell;
  std::string out;
  out.reserve(cell.size());
  for (std::size_t i = 0; i < cell.size(); ++i)
    if (!(cell[i] == '\r' && i + 1 < cell.size() && cell[i + 1] == '\n')) out.push_back(cell[i]);
  return out;
}

// A cell as the value it holds once a spreadsheet's text protection is
// taken off: ="TEXT" as TEXT (the whole cell, before set members are split),
// and the apostrophe Excel users type before a phone or a date to keep it
// text, which a file saved by hand may still have.
std::string unprotected(const FieldSpec& f, std::string cell) {
  if (auto text = spreadsheet_text(cell)) cell = std::move(*text);
  if ((f.type == ValueType::Phone || f.type == ValueType::Date) && cell.starts_with('\'')) cell.erase(0, 1);
  return cell;
}

Json row_to_record(Kind kind, const std::vector<const FieldSpec*>& columns, const std::vector<std::string>& cells) {
  Json rec = Json::object();
  for (std::size_t c = 0; c < columns.size(); ++c) {
    const FieldSpec* f = columns[c];
    if (!f) continue;
    if (blank(cells[c])) continue;
    const std::string cell = unprotected(*f, without_cr(cells[c]));
    if (f->is_set) {
      Json members = Json::array();
      std::size_t start = 0;
      while (start <= cell.size()) {
        auto end = cell.find(';', start);
        if (end == std::string::npos) end = cell.size();
        members.push_back(cell.substr(start, end - start));
        start = end + 1;
      }
      rec[f->name] = members;
    } else if (f->type == ValueType::Bool) {
      rec[f->name] = parse_value(*f, cell);
    } else {
      rec[f->name] = cell;
    }
  }
  (void)kind;
  return rec;
}

std::string lower_trimmed(std::string_view text) { return header_key(text); }

// Phones of `raw` not in international form, read as people and
// spreadsheets write them (read_written_phone), in the states of the row's
// organization. Members starting with + are left to normalize_record, which
// reads them as every command does.
void read_written_phones(const KindSpec& ks, Json& raw, const OrgStates& org_states) {
  for (const auto& f : ks.fields) {
    if (f.type != ValueType::Phone) continue;
    auto it = raw.find(f.name);
    if (it == raw.end()) continue;
    Json* members = &*it;
    Json one = Json::array();
    if (members->is_string()) {  // a JSON record may give one phone as a string
      one.push_back(*members);
      members = &one;
    }
    if (!members->is_array()) continue;
    for (auto& member : *members) {
      if (!member.is_string()) continue;
      std::string text = member.get<std::string>();
      auto first = text.find_first_not_of(" \t");
      if (first == std::string::npos || text[first] == '+') continue;
      if (auto inner = spreadsheet_text(text.substr(first))) text = *inner;  // a member of a JSON array
      if (text.starts_with('\'')) text.erase(0, 1);
      static const std::vector<std::string> no_states;
      const std::vector<std::string>* states = &no_states;
      if (auto org = raw.find("org"); org != raw.end() && org->is_string())
        if (auto found = org_states.find(lower_trimmed(org->get<std::string>())); found != org_states.end())
          states = &found->second;
      auto phone = read_written_phone(text, *states);
      if (!phone.e164) throw UserError(std::string(f.name) + ": " + phone.error);
      member = *phone.e164;
    }
    if (members == &one) *it = one;
  }
}

// How normalize_record names a record in its messages: "contact 3fa2c1d9".
std::string record_who(const KindSpec& ks, const Json& raw) {
  std::string who(ks.name);
  if (auto id = raw.find(ks.id_field); id != raw.end() && id->is_string()) who += " " + short_id(id->get<std::string>());
  return who;
}

// normalize_record keeps fields a newer version wrote; a file someone
// prepared may not bring one in, so a misspelt key is refused here.
void refuse_unknown_fields(const KindSpec& ks, const Json& raw) {
  for (auto it = raw.begin(); it != raw.end(); ++it) {
    if (ks.field(it.key())) continue;
    // The key as JSON writes it (control characters escaped), bounded: the
    // message stays one line whatever the file holds.
    std::string key = Json(it.key()).dump(-1, ' ', false, Json::error_handler_t::replace);
    key = key.substr(1, key.size() - 2);
    if (key.size() > 64) {
      std::size_t cut = 64;
      while (cut > 0 && (static_cast<unsigned char>(key[cut]) & 0xC0) == 0x80) --cut;  // not inside a character
      key = key.substr(0, cut) + "...";
    }
    throw UserError(record_who(ks, raw) + ": unknown field '" + key + "' (fields: " + field_names(ks) + ")");
  }
}

// Bad rows met by one checking thread: the first kImportErrorsShown, and
// how many in all.
struct RowErrors {
  std::vector<std::pair<std::size_t, std::string>> shown;
  std::size_t count = 0;
  void add(std::size_t row, std::string what) {
    if (shown.size() < kImportErrorsShown) shown.emplace_back(row, std::move(what));
    ++count;
  }
};

}  // namespace

OrgStates org_states(View& view) {
  OrgStates own;
  std::map<std::string, std::string> parent;
  for (const auto& org : list_records(view, Kind::Org, {})) {
    std::string slug = org["slug"];
    own[slug] = org.value("countries", std::vector<std::string>());
    if (org.contains("parent")) parent[slug] = org["parent"];
  }
  OrgStates out = own;
  for (auto& [slug, states] : out) {
    std::string at = slug;
    for (std::size_t depth = 0; states.empty() && depth < parent.size(); ++depth) {  // bounded: a cycle ends
      auto up = parent.find(at);
      if (up == parent.end()) break;
      at = up->second;
      if (auto found = own.find(at); found != own.end()) states = found->second;
    }
  }
  return out;
}

std::string ImportedRecords::where(std::size_t change) const {
  return file_name + (format == ImportFormat::Csv ? ":" : ": record ") + std::to_string(lines[change]);
}

ImportedRecords read_import(Kind kind, std::string_view text, std::string_view file_name, ImportFormat format,
                            char delimiter, const OrgStates& org_states) {
  const auto& ks = spec(kind);
  ImportedRecords out{std::string(file_name), format, {}, {}};
  std::vector<Json> raws;  // out.lines[i]'s record as read (CSV: made when checked)
  std::vector<CsvRow> csv;
  std::vector<const FieldSpec*> columns;
  std::map<std::size_t, std::string> shape_errors;  // row index -> why its cells cannot be placed
  if (format == ImportFormat::Csv) {
    refuse_utf16(text, file_name);
    if (!delimiter)
      delimiter = detect_csv_delimiter(text, [&](std::string_view cell) { return header_field(ks, cell) != nullptr; });
    csv = parse_csv(text, file_name, delimiter);
    if (csv.empty()) throw UserError(std::string(file_name) + ": empty file");
    std::set<std::string_view> seen;
    std::vector<std::size_t> unnamed;  // columns with an empty header
    for (std::size_t c = 0; c < csv[0].cells.size(); ++c) {
      const auto& name = csv[0].cells[c];
      const FieldSpec* f = header_field(ks, name);
      if (!f && blank(name)) unnamed.push_back(c);
      else if (!f)
        throw UserError(std::string(file_name) + ":1: unknown " + std::string(ks.name) + " field '" +
                        header_key(name) + "' (fields: " + field_names(ks) + ")");
      else if (!seen.insert(f->name).second)
        throw UserError(std::string(file_name) + ":1: column '" + std::string(f->name) + "' appears twice");
      columns.push_back(f);
    }
    for (std::size_t r = 1; r < csv.size(); ++r) {
      out.lines.push_back(csv[r].line);
      if (csv[r].cells.size() != columns.size()) {
        shape_errors[r - 1] = "expected " + std::to_string(columns.size()) + " fields, found " +
                              std::to_string(csv[r].cells.size());
        continue;
      }
      // Spreadsheets add empty columns without a header; one with a value
      // is data we could not place.
      for (std::size_t c : unnamed)
        if (!blank(csv[r].cells[c])) {
          shape_errors[r - 1] =
              "column " + std::to_string(c + 1) + " has a value but no header (fields: " + field_names(ks) + ")";
          break;
        }
    }
    raws.resize(out.lines.size());
  } else {
    refuse_utf16(text, file_name);
    auto doc = parse_json(text, file_name);
    if (!doc.is_array()) throw UserError(std::string(file_name) + ": expected a JSON array of records");
    for (std::size_t i = 0; i < doc.size(); ++i) {
      out.lines.push_back(i + 1);
      raws.push_back(std::move(doc[i]));
    }
  }

  std::string today = Store::today();
  // Rows are made into records and checked on two threads; the errors are
  // reported in the order of the rows.
  auto& changes = out.changes;
  changes.resize(raws.size());
  auto check_rows = [&](std::size_t from, std::size_t to) {
    RowErrors errors;
    for (std::size_t i = from; i < to; ++i) {
      if (auto shape = shape_errors.find(i); shape != shape_errors.end()) {
        errors.add(i, shape->second);
        continue;
      }
      auto& raw = raws[i];
      try {
        if (format == ImportFormat::Csv) {
          raw = row_to_record(kind, columns, csv[i + 1].cells);
          std::vector<std::string>().swap(csv[i + 1].cells);  // freed here, not on the committing thread
        }
        if (ks.random_id() && !raw.contains(ks.id_field)) raw[ks.id_field] = new_random_id();
        apply_defaults(kind, raw, today);
        if (raw.is_object()) {
          if (format != ImportFormat::Csv) refuse_unknown_fields(ks, raw);  // CSV: its header was checked
          try {
            read_written_phones(ks, raw, org_states);
          } catch (const UserError& e) {  // named as normalize_record names the record
            throw UserError(record_who(ks, raw) + ": " + e.what());
          }
        }
        Json rec = normalize_record(kind, raw);
        std::string id = record_id(kind, rec);
        std::string text = canonical_json(rec);
        raw = Json();  // freed on the thread that made it
        auto row = make_view_row(kind, rec);
        changes[i] = RecordChange{kind, std::move(id), std::move(rec), std::move(text), std::move(row)};
      } catch (const UserError& e) {
        errors.add(i, e.what());
      }
    }
    return errors;
  };
  auto [errors, later] = in_two_halves(raws.size(), check_rows);
  for (auto& e : later.shown)
    if (errors.shown.size() < kImportErrorsShown) errors.shown.push_back(std::move(e));
  errors.count += later.count;
  if (errors.count == 0) return out;
  if (errors.count == 1) throw UserError(out.where(errors.shown[0].first) + ": " + errors.shown[0].second);
  std::string message = std::string(file_name) + ": " + std::to_string(errors.count) + " of " +
                        std::to_string(raws.size()) + " " + (format == ImportFormat::Csv ? "rows" : "records") +
                        " have errors; nothing was imported:";
  for (const auto& [row, what] : errors.shown) message += "\n" + out.where(row) + ": " + what;
  if (errors.count > errors.shown.size())
    message += "\n... and " + std::to_string(errors.count - errors.shown.size()) + " more " +
               (format == ImportFormat::Csv ? "rows" : "records") + " with errors";
  throw UserError(message);
}

std::optional<CommitId> commit_import(Store& store, ImportedRecords records, const std::string& message) {
  try {
    return store.commit(std::move(records.changes), message, true);
  } catch (const RecordError& e) {
    throw UserError(records.where(e.index) + ": " + e.what());
  }
}

}  // namespace liaison
