// Records and their validation. A record is a JSON object of one Kind whose
// keys are the fields of its KindSpec, and possibly fields a newer version
// of liaison added that this one does not know. normalize_record() is the
// gate every record passes on its way into a copy: it rejects wrong types,
// malformed values and missing required fields with a one-line UserError
// that names the record and the field, and returns the canonical form
// (trimmed text, E.164 phones, empty values omitted, sets in the order given
// without repeats: the first member is the preferred one, and records stored
// when sets were kept sorted are canonical as they are).
//
// Unknown fields: a key that is not a field of the kind is kept exactly as
// written (its JSON value untouched, so canonical JSON gives the same bytes)
// when its name is well formed, [a-z][a-z0-9_]{0,63}; a malformed name, more
// than kMaxUnknownFields of them, or a record holding them whose canonical
// JSON exceeds DecodeLimits::max_record_bytes is refused. So a copy can
// edit, merge, push and pull records written by a newer version without
// losing what it does not understand. User input (JSON and CSV imports,
// command-line flags) may not introduce one: those paths refuse a key the
// kind does not know before they call normalize_record, so a typo is caught.
//
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

// Bounds on fields this version does not know (see the file comment).
inline constexpr std::size_t kMaxUnknownFields = 64;
inline constexpr std::size_t kMaxFieldNameBytes = 64;
// True for a name an unknown field may have: [a-z][a-z0-9_]{0,63}.
bool is_unknown_field_name(std::string_view name);
// The keys of `record` that are not fields of `kind`, in the record's key
// order (sorted by bytes).
std::vector<std::string> unknown_fields(Kind kind, const Json& record);

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
// Whether the record refers to `target`.
bool refers_to(Kind kind, const Json& record, const RecordKey& target);
// The organization owning the record (its schema owner field), "" for kinds
// only central staff own (areas).
std::string record_owner(Kind kind, const Json& record);

// A human label: the acronym or name of an org, the name or role of a
// contact, the title of a need or offer.
std::string record_label(Kind kind, const Json& record);
std::string record_id(Kind kind, const Json& record);
// "contact 3fa2c1d9 (Jane Doe)"
std::string describe_record(Kind kind, const Json& record);

// Text values joined for the full-text index.
std::string searchable_text(Kind kind, const Json& record);

}  // namespace liaison
