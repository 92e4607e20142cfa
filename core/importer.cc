#include "core/importer.h"

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

Json row_to_record(Kind kind, const std::vector<const FieldSpec*>& columns, const std::vector<std::string>& cells) {
  Json rec = Json::object();
  for (std::size_t c = 0; c < columns.size(); ++c) {
    const FieldSpec* f = columns[c];
    if (!f) continue;
    const std::string& cell = cells[c];
    if (cell.find_first_not_of(" \t") == std::string::npos) continue;
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

ImportedRecords read_import(Kind kind, std::string_view text, std::string_view file_name, ImportFormat format) {
  const auto& ks = spec(kind);
  ImportedRecords out{std::string(file_name), format, {}, {}};
  std::vector<Json> raws;  // out.lines[i]'s record as read (CSV: made when checked)
  std::vector<CsvRow> csv;
  std::vector<const FieldSpec*> columns;
  if (format == ImportFormat::Csv) {
    csv = parse_csv(text, file_name);
    if (csv.empty()) throw UserError(std::string(file_name) + ": empty file");
    std::set<std::string> seen;
    for (const auto& name : csv[0].cells) {
      std::string n = name;
      while (!n.empty() && (n.back() == ' ' || n.back() == '\t')) n.pop_back();
      const FieldSpec* f = ks.field(n);
      if (!f) throw UserError(std::string(file_name) + ":1: unknown " + std::string(ks.name) + " field '" + n + "'");
      if (!seen.insert(n).second) throw UserError(std::string(file_name) + ":1: column '" + n + "' appears twice");
      columns.push_back(f);
    }
    for (std::size_t r = 1; r < csv.size(); ++r) {
      out.lines.push_back(csv[r].line);
      if (csv[r].cells.size() != columns.size())
        throw UserError(out.where(r - 1) + ": expected " + std::to_string(columns.size()) + " fields, found " +
                        std::to_string(csv[r].cells.size()));
    }
    raws.resize(out.lines.size());
  } else {
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
