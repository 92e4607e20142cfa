// Field-level differences between two versions of a record, as `liaison
// diff`, `show` and `blame` present them: for scalars the old and new value,
// for sets the members added and removed, and whether the order changed
// (a set's first member is its preferred one, so a reorder is a change).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "base/canonical_json.h"
#include "model/schema.h"

namespace liaison {

struct FieldChange {
  std::string field;
  std::optional<Json> before;  // absent: the field was not set
  std::optional<Json> after;
  std::vector<std::string> added;    // set fields only, in the new order
  std::vector<std::string> removed;  // set fields only, in the old order
  bool reordered = false;            // set fields only: see set_order_kept
};

// True when the set `after` is `before` (arrays or null) with some members
// removed and new ones appended: the members both hold keep their order and
// no new member goes before an old one. An edit that only adds and removes
// keeps the order; anything else says which member comes first.
bool set_order_kept(const Json& before, const Json& after);

struct RecordDiff {
  Kind kind;
  std::string id;
  enum class Type { Added, Removed, Changed } type;
  std::optional<Json> before;
  std::optional<Json> after;
  std::vector<FieldChange> fields;  // in schema order
};

std::vector<FieldChange> diff_fields(Kind kind, const Json& before, const Json& after);
RecordDiff diff_record(Kind kind, const std::string& id, const std::optional<Json>& before,
                       const std::optional<Json>& after);

Json to_json(const RecordDiff& diff);
// Several lines, human-readable: "~ contact 3fa2c1d9 (Jane Doe)" then one
// line per field.
std::string format_diff(const RecordDiff& diff);

}  // namespace liaison
