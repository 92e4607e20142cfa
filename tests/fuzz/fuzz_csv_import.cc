// A CSV file as `liaison import` reads it: the first byte picks the kind,
// the rest is parsed (parse_csv) and every row checked (read_import).
// Property: rows written back with append_csv_row parse to the same cells.
#include "base/csv.h"
#include "base/error.h"
#include "io/importer.h"
#include "tests/fuzz/fuzz_support.h"

using namespace liaison;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  Kind kind = kAllKinds[data[0] % kAllKinds.size()];
  auto text = fuzz::as_text(data + 1, size - 1);
  try {
    auto rows = parse_csv(text, "fuzz.csv");
    std::string again;
    for (const auto& row : rows) append_csv_row(again, row.cells);
    auto back = parse_csv(again, "again.csv");
    fuzz::require(back.size() == rows.size());
    for (std::size_t i = 0; i < rows.size(); ++i) fuzz::require(back[i].cells == rows[i].cells);
  } catch (const UserError&) {
    return 0;
  }
  try {
    read_import(kind, text, "fuzz.csv", ImportFormat::Csv);
  } catch (const UserError&) {
  }
  return 0;
}
