// Import: turns a CSV file (header row naming the fields, set members
// separated by ';') or a JSON array of records into record changes, and
// commits them as one commit. Every row is checked before anything is
// written, and when rows are bad UserError lists each one,
// "FILE:LINE: ... reason" (the first kImportErrorsShown of them, then how
// many more): a field, a value, a row's shape. Else the row the store's
// checks across records stop at is reported. Nothing is imported then.
// Rows with an id that exists already replace that record; rows without
// one get a fresh id.
//
// What spreadsheets make of a file is read back: cells ="TEXT" (as
// `export --for-spreadsheet` writes them) as TEXT, a leading ' on a phone
// or a date dropped, and phones through read_written_phone: digits that lost
// their +, national numbers in the states of the contact's organization.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/schema.h"
#include "store/store.h"

namespace liaison {

enum class ImportFormat { Csv, Json };

struct ImportedRecords {
  std::string file_name;
  ImportFormat format;
  std::vector<RecordChange> changes;  // normalised, with their canonical text and view row
  std::vector<std::size_t> lines;     // where changes[i] is: its line (CSV) or record number (JSON)
  // "contacts.csv:12", "contacts.json: record 12"
  std::string where(std::size_t change) const;
};

// How many bad rows an import's error lists; the others are counted.
constexpr std::size_t kImportErrorsShown = 20;

// Organization slug -> the states (ISO 3166 codes) phones of its contact
// points written nationally are read in.
using OrgStates = std::map<std::string, std::vector<std::string>, std::less<>>;

// Each organization's countries; one naming none has its nearest parent's
// (a committee reads in the states of the body it belongs to).
OrgStates org_states(View& view);

// Reads and checks every row on its own (fields, values, phones...). A CSV
// header names each field by its name or its command-line flag ("emails"
// or "email"), in any case; columns with an empty header are skipped when
// empty in every row. `delimiter` 0 means the one the header line shows
// (detect_csv_delimiter). UTF-16 text is refused with one line. Phones not
// in international form are read in `org_states` of the row's org.
ImportedRecords read_import(Kind kind, std::string_view text, std::string_view file_name, ImportFormat format,
                            char delimiter = 0, const OrgStates& org_states = {});

// Commits what read_import read, as one commit. What only the whole copy
// can tell (an id given twice, a reference to no record, a status change
// not allowed) is checked by the store, under its lock, and reported with
// the row's place in the file.
std::optional<CommitId> commit_import(Store& store, ImportedRecords records, const std::string& message);

}  // namespace liaison
