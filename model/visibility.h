// Who sees what: the segments of the directory.
//
// Every contact, need and offer has a visibility (its `visibility` field, or
// its kind's default_visibility when it names none):
//   public      the unclassified segment: every token, and web pages without sign-in
//   partners    every editor and admin token (the participating organizations)
//   restricted  the owning organization, the organizations in its `shared_with`, admins
// Orgs and areas are always public: every segment needs them to make sense of
// the rest. Fields marked `personal` in the schema (a contact's name, emails,
// phones, address, notes, verified_by) and fields this version does not know
// are shown to partners only, so the public segment holds functional points:
// org, role, unit, languages, areas, hours, 24/7, secure channels. A
// reference to a record the audience may not see (an offer's `needs`) is
// left out, so a segment never names a hidden record, not even by its id.
//
// An audience is what one token may see: "public" (readers), "org:SLUG" (an
// editor of that organization: partners plus the restricted records it owns
// or is shared), or "all" (admins). "partners" (every editor, without any
// restricted record) is the audience the organizations share.
//
// project_record() is a pure function of the record and of which referenced
// records the audience sees, so a segment derived from central's history is
// the same on every machine. unproject() is its inverse for an edit: it
// applies what changed in the audience's version onto central's version,
// keeping every value the audience could not see.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/canonical_json.h"
#include "model/schema.h"

namespace liaison {

enum class Visibility { Public, Partners, Restricted };
std::string_view visibility_name(Visibility v);
// The visibility of a record (its kind's default when it names none).
Visibility visibility_of(Kind kind, const Json& record);
// True when going from `before` to `after` removes the record from some
// audience: a wider visibility made narrower, or an organization taken off
// `shared_with` of a restricted record.
bool narrows(Kind kind, const Json& before, const Json& after);

struct Audience {
  enum class Level { Public, Partners, Org, All };
  Level level = Level::Public;
  std::string org;  // for Level::Org

  static Audience everyone() { return {Level::Public, ""}; }
  static Audience partners() { return {Level::Partners, ""}; }
  static Audience of_org(std::string slug) { return {Level::Org, std::move(slug)}; }
  static Audience all() { return {Level::All, ""}; }
  // "public", "partners", "org:SLUG", "all"; nullopt for anything else.
  static std::optional<Audience> parse(std::string_view name);
  std::string name() const;
  bool sees_personal() const { return level != Level::Public; }
  friend bool operator==(const Audience&, const Audience&) = default;
};

// Whether the audience may see the record at all.
bool may_see(const Audience& audience, Kind kind, const Json& record);
// The organizations that may see the record although the partners may not:
// its owner and those it is shared with, while it is restricted; none
// otherwise. No organization's audience sees any record otherwise than the
// partners do, but for these and the references to them.
std::vector<std::string> orgs_beyond_partners(Kind kind, const Json& record);
// Whether the audience sees `field` of a record it may see (a field of the
// kind's spec, or one this version does not know).
bool sees_field(const Audience& audience, Kind kind, std::string_view field, const Json& record);

// Whether the audience sees the record `id` of `kind` (for references).
using SeesRecord = std::function<bool(Kind kind, const std::string& id)>;
// The kinds whose records can be hidden, and so the references that can
// point at a hidden record: a record of `kind` refers to one of them.
bool refers_to_hideable(Kind kind);

// The record as the audience sees it, in canonical form; nullopt when it may
// not see the record. `sees` is asked only for references to hideable kinds.
std::optional<Json> project_record(const Audience& audience, Kind kind, const Json& record, const SeesRecord& sees);

// An edit the audience made in its version of a record (`before` -> `after`,
// both projections), applied onto `central` (central's current version of
// the record): fields the edit changed take the edit's value, sets gain and
// lose the members the edit added and removed (hidden members stay), every
// other field keeps central's value. A field the edit changed that central
// changed too since `before` (as the audience sees it) is a conflict: its
// name goes to `conflicts` and central's value is kept.
Json unproject(const Audience& audience, Kind kind, const Json& before, const Json& after, const Json& central,
               const SeesRecord& sees, std::vector<std::string>& conflicts);

}  // namespace liaison
