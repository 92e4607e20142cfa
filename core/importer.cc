#include "core/importer.h"

#include <cctype>
#include <future>
#include <optional>
#include <set>

#include "core/canonical_json.h"
#include "core/csv.h"
#include "core/error.h"
#include "core/ids.h"
#include "core/record.h"

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

Json row_to_record(Kind kind, const std::vector<const FieldSpec*>& columns, const std::vector<std::string>& cells) {
  Json rec = Json::object();
  for (std::size_t c = 0; c < columns.size(); ++c) {
    const FieldSpec* f = columns[c];
    if (!f) continue;
    if (blank(cells[c])) continue;
    const std::string cell = without_cr(cells[c]);
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

}  // namespace

std::string ImportedRecords::where(std::size_t change) const {
  return file_name + (format == ImportFormat::Csv ? ":" : ": record ") + std::to_string(lines[change]);
}

ImportedRecords read_import(Kind kind, std::string_view text, std::string_view file_name, ImportFormat format,
                            char delimiter) {
  const auto& ks = spec(kind);
  ImportedRecords out{std::string(file_name), format, {}, {}};
  std::vector<Json> raws;  // out.lines[i]'s record as read (CSV: made when checked)
  std::vector<CsvRow> csv;
  std::vector<const FieldSpec*> columns;
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
      if (csv[r].cells.size() != columns.size())
        throw UserError(out.where(r - 1) + ": expected " + std::to_string(columns.size()) + " fields, found " +
                        std::to_string(csv[r].cells.size()));
      // Spreadsheets add empty columns without a header; one with a value
      // is data we could not place.
      for (std::size_t c : unnamed)
        if (!blank(csv[r].cells[c]))
          throw UserError(out.where(r - 1) + ": column " + std::to_string(c + 1) +
                          " has a value but no header (fields: " + field_names(ks) + ")");
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
  // Rows are made into records and checked on two threads; the error
  // reported is the first bad row's, as if checked in order.
  auto& changes = out.changes;
  changes.resize(raws.size());
  auto check_rows = [&](std::size_t from, std::size_t to) -> std::optional<std::pair<std::size_t, std::string>> {
    for (std::size_t i = from; i < to; ++i) {
      auto& raw = raws[i];
      try {
        if (format == ImportFormat::Csv) {
          raw = row_to_record(kind, columns, csv[i + 1].cells);
          std::vector<std::string>().swap(csv[i + 1].cells);  // freed here, not on the committing thread
        }
        if (ks.random_id() && !raw.contains(ks.id_field)) raw[ks.id_field] = new_random_id();
        apply_defaults(kind, raw, today);
        Json rec = normalize_record(kind, raw);
        std::string id = record_id(kind, rec);
        std::string text = canonical_json(rec);
        raw = Json();  // freed on the thread that made it
        auto row = make_view_row(kind, rec);
        changes[i] = RecordChange{kind, std::move(id), std::move(rec), std::move(text), std::move(row)};
      } catch (const UserError& e) {
        return std::make_pair(i, std::string(e.what()));
      }
    }
    return std::nullopt;
  };
  std::size_t half = raws.size() > 2000 ? raws.size() / 2 : raws.size();
  auto second = std::async(std::launch::async, check_rows, half, raws.size());
  auto first_error = check_rows(0, half);
  auto second_error = second.get();
  if (!first_error) first_error = second_error;
  if (first_error) throw UserError(out.where(first_error->first) + ": " + first_error->second);
  return out;
}

std::optional<CommitId> commit_import(Store& store, ImportedRecords records, const std::string& message) {
  try {
    return store.commit(std::move(records.changes), message, true);
  } catch (const RecordError& e) {
    throw UserError(records.where(e.index) + ": " + e.what());
  }
}

}  // namespace liaison
