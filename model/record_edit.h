// Field edits as the command line and imports express them, applied to a
// record: set a scalar, replace a set, add to or remove from a set, unset.
// Sets keep their order (the first member is the preferred one): a replaced
// set takes the order of its Set edits, an added member goes last.
#pragma once

#include <string>
#include <vector>

#include "base/canonical_json.h"
#include "model/schema.h"

namespace liaison {

struct FieldEdit {
  enum class Op { Set, Add, Remove, Unset };
  std::string field;
  Op op;
  std::string value;  // ignored for Unset
};

// Returns `record` with the edits applied, each value parsed and normalised
// for its field. Throws UserError naming the field on a bad value or an edit
// that does not fit the field (adding to a scalar, unsetting a required one).
Json apply_edits(Kind kind, Json record, const std::vector<FieldEdit>& edits);

}  // namespace liaison
