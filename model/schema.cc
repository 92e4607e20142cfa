#include "model/schema.h"

#include <algorithm>

namespace liaison {
namespace {

using V = ValueType;

FieldSpec text(std::string_view name, std::string_view help, bool required = false) {
  return FieldSpec{.name = name, .type = V::Text, .required = required, .searchable = true, .help = help};
}

FieldSpec set_of(std::string_view name, ValueType type, std::string_view help,
                 std::optional<Kind> ref = std::nullopt) {
  return FieldSpec{.name = name, .type = type, .is_set = true, .ref = ref,
                   .searchable = type != V::Ref && type != V::Language && type != V::State,
                   .merge = MergeRule::Set, .help = help};
}

FieldSpec ref_to(std::string_view name, Kind kind, std::string_view help, bool required = false) {
  return FieldSpec{.name = name, .type = V::Ref, .required = required, .ref = kind, .help = help};
}

FieldSpec choice(std::string_view name, std::vector<std::string_view> choices,
                 std::string_view default_value, std::string_view help) {
  return FieldSpec{.name = name, .type = V::Choice, .required = !default_value.empty(),
                   .choices = std::move(choices), .default_value = default_value, .help = help};
}

FieldSpec of_type(std::string_view name, ValueType type, std::string_view help) {
  return FieldSpec{.name = name, .type = type, .help = help};
}

FieldSpec described(std::string_view name, std::string_view help) {
  return FieldSpec{.name = name, .type = V::Text, .multiline = true, .searchable = true, .help = help};
}

FieldSpec personal(FieldSpec field) {
  field.personal = true;
  return field;
}

// Who may see a record, and with whom a restricted one is shared. No default
// is written into records: an absent visibility is the kind's
// default_visibility, so records written before segments existed keep their
// bytes and their meaning.
FieldSpec visibility() {
  return FieldSpec{.name = "visibility", .type = V::Choice, .choices = {"public", "partners", "restricted"},
                   .help = "who may see the record: public, partners or restricted"};
}
FieldSpec shared_with() {
  auto f = set_of("shared_with", V::Ref, "organization a restricted record is shared with", Kind::Org);
  f.searchable = false;
  f.flag_name = "share-with";
  return f;
}

std::vector<KindSpec> build_specs() {
  std::vector<KindSpec> specs;
  specs.push_back(KindSpec{
      Kind::Area, "area", "areas", "code", "", "", {"name"},
      {
          FieldSpec{.name = "code", .type = V::Slug, .required = true, .help = "short code, e.g. border"},
          text("name", "name of the thematic area", true),
          ref_to("parent", Kind::Area, "broader area this one refines"),
          described("description", "what the area covers"),
      }});
  specs.push_back(KindSpec{
      Kind::Org, "org", "orgs", "slug", "slug", "", {"acronym", "name"},
      {
          FieldSpec{.name = "slug", .type = V::Slug, .required = true, .help = "short id, e.g. cis-atc"},
          text("name", "full name", true),
          text("acronym", "acronym, e.g. CIS ATC"),
          choice("kind", {"un-body", "international", "regional", "subregional", "national", "donor", "ngo"},
                 "international", "kind of organization"),
          ref_to("parent", Kind::Org, "organization this one belongs to"),
          set_of("countries", V::State, "member or covered state (ISO 3166 code)"),
          of_type("website", V::Url, "web site"),
          text("iati_ref", "IATI organisation identifier, e.g. 44000 (World Bank), XM-DAC-701-8 (JICA)"),
          described("description", "what the organization does"),
      }});
  specs.push_back(KindSpec{
      Kind::Contact, "contact", "contacts", "id", "org", "partners", {"name", "role"},
      {
          FieldSpec{.name = "id", .type = V::RandomId, .required = true},
          ref_to("org", Kind::Org, "organization of the contact point", true),
          text("role", "function, e.g. Focal point for border security", true),
          personal(text("name", "person's name (omit for a functional point)")),
          text("unit", "department or unit"),
          personal(set_of("emails", V::Email, "email address")),
          personal(set_of("phones", V::Phone, "phone number, international format")),
          personal(described("address", "postal address")),
          set_of("languages", V::Language, "working language (BCP 47, e.g. ru)"),
          of_type("available_24_7", V::Bool, "reachable around the clock"),
          text("hours", "office hours, e.g. Mon-Fri 09:00-18:00 UTC+3"),
          set_of("secure_channels", V::Text, "secure channel, e.g. INTERPOL I-24/7"),
          set_of("areas", V::Ref, "thematic area code", Kind::Area),
          FieldSpec{.name = "last_verified", .type = V::Date, .merge = MergeRule::LaterDate,
                    .companions = {"verified_by"}, .help = "date the details were last checked"},
          personal(text("verified_by", "who last checked the details")),
          choice("status", {"active", "inactive"}, "active", "status"),
          personal(described("notes", "free notes")),
          visibility(),
          shared_with(),
      }});
  specs.push_back(KindSpec{
      Kind::Need, "need", "needs", "id", "org", "public", {"title"},
      {
          FieldSpec{.name = "id", .type = V::RandomId, .required = true},
          ref_to("org", Kind::Org, "organization that raised the need", true),
          of_type("state", V::State, "requesting state (ISO 3166 code)"),
          ref_to("area", Kind::Area, "thematic area", true),
          text("title", "short title", true),
          described("description", "what is needed"),
          choice("priority", {"high", "medium", "low"}, "medium", "priority"),
          choice("status", {"open", "matched", "in-progress", "fulfilled", "withdrawn"}, "open",
                 "lifecycle status"),
          FieldSpec{.name = "raised", .type = V::Date, .required = true, .help = "date raised (default today)"},
          choice("source", {"assessment", "self-reported", "country-visit", "review", "other"}, "",
                 "where the need comes from"),
          visibility(),
          shared_with(),
      }});
  specs.push_back(KindSpec{
      Kind::Offer, "offer", "offers", "id", "provider", "public", {"title"},
      {
          FieldSpec{.name = "id", .type = V::RandomId, .required = true},
          ref_to("provider", Kind::Org, "organization providing the assistance", true),
          text("title", "short title", true),
          choice("kind",
                 {"training", "equipment", "legislative-drafting", "expert-mission", "mentoring", "funding",
                  "other"},
                 "other", "kind of assistance"),
          set_of("areas", V::Ref, "thematic area code", Kind::Area),
          set_of("recipients", V::State, "recipient state (ISO 3166 code)"),
          set_of("needs", V::Ref, "need this offer answers", Kind::Need),
          choice("status", {"planned", "ongoing", "completed", "cancelled"}, "planned", "status"),
          of_type("start", V::Date, "start date"),
          of_type("end", V::Date, "end date"),
          described("description", "what is offered"),
          ref_to("funder", Kind::Org, "organization funding the assistance, when not the provider"),
          of_type("budget", V::Decimal, "budget amount, e.g. 250000 or 1200.50"),
          of_type("currency", V::Currency, "currency of the budget (ISO 4217 code, e.g. USD)"),
          of_type("budget_date", V::Date, "value date of the budget (exchange rate date)"),
          text("iati_id", "IATI activity identifier the offer is published or was imported under"),
          visibility(),
          shared_with(),
      }});
  return specs;
}

const std::vector<KindSpec>& all_specs() {
  static const std::vector<KindSpec> specs = build_specs();
  return specs;
}

}  // namespace

std::string FieldSpec::flag() const {
  if (!flag_name.empty()) return std::string(flag_name);
  std::string out(name);
  std::replace(out.begin(), out.end(), '_', '-');
  if (is_set) {
    if (out.ends_with("ies")) out = out.substr(0, out.size() - 3) + "y";  // countries -> country
    else if (out.ends_with("s")) out.pop_back();
  }
  return out;
}

const FieldSpec* KindSpec::field(std::string_view field_name) const {
  for (const auto& f : fields)
    if (f.name == field_name) return &f;
  return nullptr;
}

const KindSpec& spec(Kind kind) {
  for (const auto& s : all_specs())
    if (s.kind == kind) return s;
  return all_specs().front();  // unreachable: every kind has a spec
}

std::optional<Kind> find_kind(std::string_view name) {
  for (const auto& s : all_specs())
    if (s.name == name || s.plural == name) return s.kind;
  return std::nullopt;
}

std::string_view kind_name(Kind kind) { return spec(kind).name; }

std::string record_path(Kind kind, std::string_view id) {
  const auto& s = spec(kind);
  std::string path(s.plural);
  path += '/';
  if (s.random_id()) {
    path += id.substr(0, 2);
    path += '/';
  }
  path += id;
  path += ".json";
  return path;
}

std::optional<RecordKey> parse_record_path(std::string_view path) {
  auto slash = path.find('/');
  if (slash == std::string_view::npos || !path.ends_with(".json")) return std::nullopt;
  auto kind = find_kind(path.substr(0, slash));
  if (!kind || spec(*kind).plural != path.substr(0, slash)) return std::nullopt;
  auto file = path.substr(path.rfind('/') + 1);
  std::string id(file.substr(0, file.size() - 5));
  if (id.empty() || record_path(*kind, id) != path) return std::nullopt;
  return RecordKey{*kind, id};
}

}  // namespace liaison
