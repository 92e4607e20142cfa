// A record file as it arrives in a push or a bundle: the first byte picks
// the kind, the rest is parsed (parse_json) and checked (normalize_record).
// Properties: the canonical text parses back to the same value, and a
// normalised record normalises to itself.
#include "base/canonical_json.h"
#include "base/error.h"
#include "model/record.h"
#include "tests/fuzz/fuzz_support.h"

using namespace liaison;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  Kind kind = kAllKinds[data[0] % kAllKinds.size()];
  try {
    Json value = parse_json(fuzz::as_text(data + 1, size - 1), "record");
    std::string text;
    try {
      text = canonical_json(value);
    } catch (const UserError&) {
      return 0;
    }
    fuzz::require(parse_json(text, "canonical") == value);
    Json record = normalize_record(kind, value);
    fuzz::require(normalize_record(kind, record) == record);
  } catch (const UserError&) {
  }
  return 0;
}
