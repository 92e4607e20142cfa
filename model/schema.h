// The record model: the kinds of record liaison keeps and, for each, its
// fields, their value types, which are required, which are sets, which refer
// to other records, how they merge and which CLI flag sets them. Everything
// that treats records generically (validation, the SQLite view, CSV import,
// command-line flags, field-level diff and merge) reads this one table, so
// adding a field is one line here.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace liaison {

enum class Kind { Org, Area, Contact, Need, Offer };

// In dependency order: a record may refer only to kinds listed before it or
// to its own kind (org.parent, area.parent).
inline constexpr std::array<Kind, 5> kAllKinds = {Kind::Area, Kind::Org, Kind::Contact,
                                                  Kind::Need, Kind::Offer};

enum class ValueType {
  Text,      // free text, trimmed, single line unless multiline
  Slug,      // [a-z0-9-], the id of orgs and areas
  RandomId,  // 32 lowercase hex digits, the id of contacts, needs and offers
  Bool,      // JSON true/false; accepts true/false/yes/no/1/0 on input
  Date,      // YYYY-MM-DD
  Choice,    // one of FieldSpec::choices
  Email,     // local@domain, lowercased as a whole: mail systems treat the
             // local part case-insensitively in practice, and one spelling
             // lets set merges and searches see one address
  Phone,     // normalised to E.164 with libphonenumber
  Url,       // http(s)://...
  State,     // ISO 3166-1 alpha-2 code from data/states.csv
  Language,  // BCP 47 tag
  Ref,       // id of a record of kind FieldSpec::ref
  Decimal,   // a non-negative amount as decimal text, e.g. 250000 or 1200.50 (no sign, no separators)
  Currency,  // ISO 4217 alphabetic code: three letters, uppercased (the form is checked, not the list)
};

// How a field merges when both sides of a three-way merge changed it.
enum class MergeRule {
  Conflict,   // different values on both sides: the user decides
  Set,        // additions and removals from both sides apply
  LaterDate,  // the later date wins (with the fields listed in `companions`)
};

struct FieldSpec {
  std::string_view name;  // JSON key
  ValueType type;
  bool is_set = false;    // a JSON array of unique values in the order given, first preferred
  bool required = false;
  std::optional<Kind> ref{};                // for ValueType::Ref
  std::vector<std::string_view> choices{};  // for ValueType::Choice
  std::string_view default_value{};         // applied on add when absent
  bool multiline = false;
  bool searchable = false;  // indexed for full-text search
  MergeRule merge = MergeRule::Conflict;
  std::vector<std::string_view> companions{};  // fields that follow this one in a LaterDate merge
  std::string_view help{};
  // Personal data: shown only to partners (editor and admin tokens), never in
  // the public segment (see visibility.h).
  bool personal = false;
  // The command-line flag when the derived one reads badly ("shared_with" -> "share-with").
  std::string_view flag_name{};

  // Command-line flag without dashes: "emails" -> "email", "last_verified" -> "last-verified".
  std::string flag() const;
};

struct KindSpec {
  Kind kind;
  std::string_view name;         // "contact"
  std::string_view plural;       // "contacts": history folder and view table
  std::string_view id_field;     // "id", "slug" or "code"
  std::string_view owner_field;  // the field naming the org that owns the record; empty: admin only
  // The segment a record of this kind belongs to when it names none
  // ("public", "partners"); empty for kinds that are always public and have
  // no `visibility` field (orgs, areas: the reference every segment needs).
  std::string_view default_visibility;
  std::vector<std::string_view> label_fields;  // first present one labels the record in output
  std::vector<FieldSpec> fields;               // id field first

  const FieldSpec* field(std::string_view field_name) const;
  bool random_id() const { return fields.front().type == ValueType::RandomId; }
};

const KindSpec& spec(Kind kind);
// Accepts the singular or plural name ("contact", "contacts").
std::optional<Kind> find_kind(std::string_view name);
std::string_view kind_name(Kind kind);

// Where a record lives in the history tree, e.g. contacts/3f/3fa2....json.
std::string record_path(Kind kind, std::string_view id);
struct RecordKey {
  Kind kind;
  std::string id;
  auto operator<=>(const RecordKey&) const = default;
};
// The inverse of record_path; nullopt for paths that hold no record.
std::optional<RecordKey> parse_record_path(std::string_view path);

}  // namespace liaison
