// Records and their validation. A record is a JSON object of one Kind whose
// keys are the fields of its KindSpec. normalize_record() is the gate every
// record passes on its way into a copy: it rejects unknown fields, wrong
// types, malformed values and missing required fields with a one-line
// UserError that names the record and the field, and returns the canonical
// form (trimmed text, E.164 phones, empty values omitted, sets in the order
// given without repeats: the first member is the preferred one, and records
// stored when sets were kept sorted are canonical as they are).
// Rules that need other records (references, removals, status transitions)
// are checked by the store with the helpers declared here.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "base/canonical_json.h"
#include "model/schema.h"

namespace liaison {

// One value typed on the command line or in a CSV cell, checked and
// normalised for `field` (for set fields: one member). Throws UserError
// "<field>: <reason>".
Json parse_value(const FieldSpec& field, std::string_view text);

// Checks and normalises a whole record; see the file comment. `checked`,
// when given, is a normalised record (the stored version of the same one):
// a value equal to its value of the same field (or, for a set, to one of its
// members) was checked when it was stored and is kept as it is, so that an
// edit of one field does not parse every phone number again (setting up
// libphonenumber costs more than the rest of a one-record edit).
Json normalize_record(Kind kind, const Json& input, const Json* checked = nullptr);

// Fills defaults (status, priority, raised date...) for fields absent on add.
void apply_defaults(Kind kind, Json& record, std::string_view today);

// Checks what depends on the previous version: the id never changes, and a
// need's status moves only along its lifecycle. Throws UserError.
void check_update(Kind kind, const Json& before, const Json& after);
bool is_allowed_transition(std::string_view from, std::string_view to);

struct Reference {
  std::string_view field;
  Kind to;
  std::string id;
};
// Every record this one refers to.
std::vector<Reference> references_of(Kind kind, const Json& record);

// A human label: the acronym or name of an org, the name or role of a
// contact, the title of a need or offer.
std::string record_label(Kind kind, const Json& record);
std::string record_id(Kind kind, const Json& record);
// "contact 3fa2c1d9 (Jane Doe)"
std::string describe_record(Kind kind, const Json& record);

// Text values joined for the full-text index.
std::string searchable_text(Kind kind, const Json& record);

}  // namespace liaison
