// Unit tests of record validation and normalisation (model/record.h): every
// value type, whole records (fields this version does not know, missing and
// mistyped fields, sets, empty values), defaults, need status transitions,
// references and labels.
#include <gtest/gtest.h>

#include "base/error.h"
#include "model/record.h"

namespace liaison {
namespace {

const std::string kId = "c0ffee00000000000000000000000001";

const FieldSpec& field(Kind kind, std::string_view name) {
  const FieldSpec* f = spec(kind).field(name);
  if (!f) throw std::logic_error("no field " + std::string(name));
  return *f;
}

Json value(Kind kind, std::string_view name, std::string_view text) { return parse_value(field(kind, name), text); }

std::string value_error(Kind kind, std::string_view name, std::string_view text) {
  try {
    auto v = value(kind, name, text);
    return "accepted as " + v.dump();
  } catch (const UserError& e) {
    return e.what();
  }
}

std::string record_error(Kind kind, const Json& input) {
  try {
    auto v = normalize_record(kind, input);
    return "accepted as " + v.dump();
  } catch (const UserError& e) {
    return e.what();
  }
}

bool starts_with(const std::string& s, std::string_view prefix) { return s.rfind(prefix, 0) == 0; }
bool contains(const std::string& s, std::string_view part) { return s.find(part) != std::string::npos; }

// A complete contact: status is required too (it has a default, applied on add).
Json contact() {
  return {{"id", kId}, {"org", "cis-atc"}, {"role", "Focal point for border security"}, {"status", "active"}};
}

// ---- phones ------------------------------------------------------------

TEST(RecordPhone, InternationalFormsBecomeE164) {
  EXPECT_EQ(value(Kind::Contact, "phones", "+7 495 555-01-23"), "+74955550123");
  EXPECT_EQ(value(Kind::Contact, "phones", "+7 (495) 555 01 23"), "+74955550123");
  EXPECT_EQ(value(Kind::Contact, "phones", "00 44 20 7946 0000"), "+442079460000");
  EXPECT_EQ(value(Kind::Contact, "phones", "+1 202-555-0143"), "+12025550143");
  EXPECT_EQ(value(Kind::Contact, "phones", "  +996 312 555 123  "), "+996312555123");
}

TEST(RecordPhone, NumbersWithoutCountryCodeAreRefused) {
  auto msg = value_error(Kind::Contact, "phones", "8 495 555 01 23");
  EXPECT_TRUE(starts_with(msg, "phones: ")) << msg;
  EXPECT_TRUE(contains(msg, "international")) << msg;
  EXPECT_TRUE(starts_with(value_error(Kind::Contact, "phones", "(495) 555-0123"), "phones: "));
}

TEST(RecordPhone, GarbageAndImpossibleNumbersAreRefused) {
  for (const char* bad : {"call the desk", "+", "+7 12", "+999 555 0100"})
    EXPECT_TRUE(starts_with(value_error(Kind::Contact, "phones", bad), "phones: ")) << bad;
}

TEST(RecordPhone, DifferentSpellingsOfOneNumberCollapseInASet) {
  Json c = contact();
  c["phones"] = {"+7 495 555 01 23", "+7-495-555-01-23", "0074955550123"};
  auto n = normalize_record(Kind::Contact, c);
  EXPECT_EQ(n["phones"], Json({"+74955550123"}));
}

TEST(RecordPhone, ValuesOfTheStoredRecordAreNotParsedAgainButNewOnesAre) {
  // "+999 555 0100" is no phone number: a stored record could not hold it,
  // which makes it a marker that the stored value was kept unparsed.
  Json stored = contact();
  stored["phones"] = {"+999 555 0100"};
  stored["role"] = "Desk officer";
  Json edited = stored;
  edited["role"] = "Duty officer";
  auto n = normalize_record(Kind::Contact, edited, &stored);
  EXPECT_EQ(n["phones"], Json({"+999 555 0100"}));
  EXPECT_EQ(n["role"], "Duty officer");
  // A member the stored record does not have is checked as usual.
  edited["phones"] = {"+999 555 0100", "+999 555 0199"};
  EXPECT_THROW(normalize_record(Kind::Contact, edited, &stored), UserError);
  edited["phones"] = {"+999 555 0100", "+7 495 555 01 23"};
  EXPECT_EQ(normalize_record(Kind::Contact, edited, &stored)["phones"], Json({"+999 555 0100", "+74955550123"}));
}

// ---- emails ------------------------------------------------------------

TEST(RecordEmail, TrimmedAndDomainLowercased) {
  auto v = value(Kind::Contact, "emails", "  desk@Example.ORG ");
  EXPECT_EQ(v, "desk@example.org");
}

TEST(RecordEmail, WholeAddressIsLowercased) {
  // schema.h: one spelling per address, so that set merges and searches see
  // one address (the local part is treated case-insensitively in practice).
  EXPECT_EQ(value(Kind::Contact, "emails", "Jane.Roe@Example.ORG"), "jane.roe@example.org");
}

TEST(RecordEmail, MailtoPrefixIsDropped) {
  EXPECT_EQ(value(Kind::Contact, "emails", "mailto:desk@example.org"), "desk@example.org");
}

TEST(RecordEmail, PlusAndDotsInLocalPartAreFine) {
  EXPECT_EQ(value(Kind::Contact, "emails", "jane.roe+cft@mail.example.org"), "jane.roe+cft@mail.example.org");
}

TEST(RecordEmail, MalformedAddressesAreRefused) {
  for (const char* bad : {"desk.example.org", "desk@example", "@example.org", "a@@example.org", "a@b@example.org",
                          "jane roe@example.org", "desk@example..org", "desk@.example.org", "desk@example.org.",
                          "desk@exa_mple.org", "<desk@example.org>", "a,b@example.org"}) {
    auto msg = value_error(Kind::Contact, "emails", bad);
    EXPECT_TRUE(starts_with(msg, "emails: ")) << bad << " -> " << msg;
    EXPECT_TRUE(contains(msg, "is not an email address")) << bad << " -> " << msg;
  }
}

// ---- dates -------------------------------------------------------------

TEST(RecordDate, ValidDatesPass) {
  EXPECT_EQ(value(Kind::Need, "raised", "2024-02-29"), "2024-02-29");
  EXPECT_EQ(value(Kind::Need, "raised", " 2026-11-22 "), "2026-11-22");
  EXPECT_EQ(value(Kind::Contact, "last_verified", "2000-12-31"), "2000-12-31");
}

TEST(RecordDate, InvalidDatesAreRefused) {
  for (const char* bad : {"2023-02-29", "2026-13-01", "2026-00-10", "2026-04-31", "2026-1-01", "20260101",
                          "2026/01/01", "22-11-2026", "2026-01-01T00:00", "yesterday"}) {
    auto msg = value_error(Kind::Need, "raised", bad);
    EXPECT_TRUE(starts_with(msg, "raised: ")) << bad << " -> " << msg;
    EXPECT_TRUE(contains(msg, "YYYY-MM-DD")) << bad << " -> " << msg;
  }
}

// ---- languages ---------------------------------------------------------

TEST(RecordLanguage, TagsAreNormalisedToConventionalCase) {
  EXPECT_EQ(value(Kind::Contact, "languages", "EN"), "en");
  EXPECT_EQ(value(Kind::Contact, "languages", "ru"), "ru");
  EXPECT_EQ(value(Kind::Contact, "languages", "zh-hans"), "zh-Hans");
  EXPECT_EQ(value(Kind::Contact, "languages", "ZH-HANT-tw"), "zh-Hant-TW");
  EXPECT_EQ(value(Kind::Contact, "languages", "en_us"), "en-US");
  EXPECT_EQ(value(Kind::Contact, "languages", "sr-latn-rs"), "sr-Latn-RS");
  EXPECT_EQ(value(Kind::Contact, "languages", "es-419"), "es-419");
  EXPECT_EQ(value(Kind::Contact, "languages", "sl-rozaj"), "sl-rozaj");
  EXPECT_EQ(value(Kind::Contact, "languages", "kk"), "kk");
}

TEST(RecordLanguage, MalformedTagsAreRefused) {
  for (const char* bad : {"english", "e", "xx", "en-", "en--us", "en-u", "en-USA1", "1en", "ru-RU!", "en us"}) {
    auto msg = value_error(Kind::Contact, "languages", bad);
    EXPECT_TRUE(starts_with(msg, "languages: ")) << bad << " -> " << msg;
    EXPECT_TRUE(contains(msg, "BCP 47")) << bad << " -> " << msg;
  }
}

TEST(RecordLanguage, VariantOfADigitAndThreeCharactersIsAccepted) {
  // RFC 5646 2.1: variant = 5*8alphanum / (DIGIT 3alphanum), e.g. de-CH-1996.
  auto msg = value_error(Kind::Contact, "languages", "de-CH-1996");
  EXPECT_EQ(msg, "accepted as \"de-CH-1996\"");
  EXPECT_EQ(value(Kind::Contact, "languages", "de-DE-1901"), "de-DE-1901");
}

// ---- states ------------------------------------------------------------

TEST(RecordState, Alpha2CodesAreUppercased) {
  EXPECT_EQ(value(Kind::Need, "state", "kz"), "KZ");
  EXPECT_EQ(value(Kind::Need, "state", " Uz "), "UZ");
  EXPECT_EQ(value(Kind::Org, "countries", "kg"), "KG");
}

TEST(RecordState, UnknownCodesAreRefused) {
  for (const char* bad : {"XX", "KAZ", "Kazakhstan", "K", "398"}) {
    auto msg = value_error(Kind::Need, "state", bad);
    EXPECT_TRUE(starts_with(msg, "state: unknown state")) << bad << " -> " << msg;
  }
}

// ---- choices, booleans, text, slugs, ids, urls ---------------------------

TEST(RecordChoice, CaseAndUnderscoresAreNormalised) {
  EXPECT_EQ(value(Kind::Need, "priority", "HIGH"), "high");
  EXPECT_EQ(value(Kind::Need, "status", "In_Progress"), "in-progress");
  EXPECT_EQ(value(Kind::Contact, "status", "Inactive"), "inactive");
  EXPECT_EQ(value(Kind::Offer, "kind", "expert_mission"), "expert-mission");
}

TEST(RecordChoice, OtherValuesAreRefusedListingTheChoices) {
  auto msg = value_error(Kind::Need, "priority", "urgent");
  EXPECT_EQ(msg, "priority: 'urgent' is not one of high, medium, low");
}

TEST(RecordBool, AcceptsCommonSpellings) {
  for (const char* yes : {"true", "YES", "1", "y", " True "}) EXPECT_EQ(value(Kind::Contact, "available_24_7", yes), true) << yes;
  for (const char* no : {"false", "No", "0", "n"}) EXPECT_EQ(value(Kind::Contact, "available_24_7", no), false) << no;
  EXPECT_TRUE(starts_with(value_error(Kind::Contact, "available_24_7", "maybe"), "available_24_7: "));
}

TEST(RecordText, TrimmedAndControlCharactersRefused) {
  EXPECT_EQ(value(Kind::Contact, "role", "  Desk officer \t"), "Desk officer");
  EXPECT_EQ(value(Kind::Contact, "role", "Desk\tofficer"), "Desk\tofficer");
  EXPECT_TRUE(contains(value_error(Kind::Contact, "role", "Desk\nofficer"), "control characters"));
  EXPECT_TRUE(contains(value_error(Kind::Contact, "role", std::string("Desk\x07officer")), "control characters"));
  // Multiline fields keep their line breaks.
  EXPECT_EQ(value(Kind::Contact, "notes", "first\nsecond"), "first\nsecond");
  EXPECT_TRUE(contains(value_error(Kind::Contact, "notes", std::string("a\x1b[31m")), "control characters"));
}

TEST(RecordText, LongerThan4000BytesIsRefused) {
  EXPECT_EQ(value(Kind::Contact, "notes", std::string(4000, 'x')).get<std::string>().size(), 4000u);
  EXPECT_TRUE(contains(value_error(Kind::Contact, "notes", std::string(4001, 'x')), "longer than 4000 bytes"));
}

TEST(RecordValue, EmptyOrBlankValueIsRefused) {
  EXPECT_EQ(value_error(Kind::Contact, "role", "   "), "role: value is empty");
  EXPECT_EQ(value_error(Kind::Contact, "emails", ""), "emails: value is empty");
}

TEST(RecordSlug, LowercaseLettersDigitsAndDashesOnly) {
  EXPECT_EQ(value(Kind::Org, "slug", "cis-atc"), "cis-atc");
  for (const char* bad : {"CIS-ATC", "-cis", "cis-", "cis atc", "cis_atc", "\xD0\xB0\xD0\xB1"})
    EXPECT_TRUE(starts_with(value_error(Kind::Org, "slug", bad), "slug: ")) << bad;
}

TEST(RecordRef, OrgAndAreaRefsAreLowercasedSlugs) {
  EXPECT_EQ(value(Kind::Contact, "org", "CIS-ATC"), "cis-atc");
  EXPECT_EQ(value(Kind::Contact, "areas", "Border"), "border");
  EXPECT_TRUE(contains(value_error(Kind::Contact, "org", "cis atc"), "not a valid org id"));
}

TEST(RecordRef, NeedRefsMustBeFullIds) {
  EXPECT_EQ(value(Kind::Offer, "needs", "ABCDEF00000000000000000000000001"), "abcdef00000000000000000000000001");
  EXPECT_TRUE(contains(value_error(Kind::Offer, "needs", "abcdef00"), "not a full need id"));
}

TEST(RecordRandomId, ThirtyTwoLowercaseHexDigits) {
  EXPECT_EQ(value(Kind::Contact, "id", kId), kId);
  EXPECT_TRUE(starts_with(value_error(Kind::Contact, "id", "C0FFEE00000000000000000000000001"), "id: "));
  EXPECT_TRUE(starts_with(value_error(Kind::Contact, "id", "c0ffee"), "id: "));
  EXPECT_TRUE(starts_with(value_error(Kind::Contact, "id", "g0ffee00000000000000000000000001"), "id: "));
}

TEST(RecordUrl, HttpAndHttpsOnly) {
  EXPECT_EQ(value(Kind::Org, "website", "https://www.example.org/ct"), "https://www.example.org/ct");
  EXPECT_EQ(value(Kind::Org, "website", "http://example.org"), "http://example.org");
  for (const char* bad : {"ftp://example.org", "www.example.org", "https://exa mple.org", "https://"})
    EXPECT_TRUE(starts_with(value_error(Kind::Org, "website", bad), "website: ")) << bad;
}

// ---- whole records -----------------------------------------------------

TEST(NormalizeRecord, ProducesTheCanonicalForm) {
  Json in = {{"id", kId},
             {"org", "CIS-ATC"},
             {"role", "  Focal point  "},
             {"name", "Jane Roe"},
             {"emails", {"b@example.org", "A@Example.ORG", "b@example.org", "  "}},
             {"languages", {"RU", "en"}},
             {"areas", "border"},
             {"available_24_7", "yes"},
             {"status", "Active"}};
  Json out = normalize_record(Kind::Contact, in);
  EXPECT_EQ(out["org"], "cis-atc");
  EXPECT_EQ(out["role"], "Focal point");
  EXPECT_EQ(out["emails"], Json({"b@example.org", "a@example.org"})) << "order given, repeats and blanks dropped";
  EXPECT_EQ(out["languages"], Json({"ru", "en"}));
  EXPECT_EQ(out["areas"], Json({"border"})) << "a single value for a set becomes a one-member array";
  EXPECT_EQ(out["available_24_7"], true);
  EXPECT_EQ(out["status"], "active");
  // Normalisation is idempotent.
  EXPECT_EQ(normalize_record(Kind::Contact, out), out);
}

TEST(NormalizeRecord, SetsKeepTheOrderGivenAndTheFirstOfARepeat) {
  Json in = contact();
  in["languages"] = {"ru", "en", "RU", "fr"};
  in["phones"] = {"+7 495 555 01 99", "+7 495 555 01 23", "+7-495-555-01-99"};
  in["emails"] = {"z@example.org", "Y@example.org", "z@EXAMPLE.org"};
  Json out = normalize_record(Kind::Contact, in);
  EXPECT_EQ(out["languages"], Json({"ru", "en", "fr"}));
  EXPECT_EQ(out["phones"], Json({"+74955550199", "+74955550123"}));
  EXPECT_EQ(out["emails"], Json({"z@example.org", "y@example.org"}));
  EXPECT_EQ(canonical_json(normalize_record(Kind::Contact, out)), canonical_json(out)) << "idempotent";
}

TEST(NormalizeRecord, SortedSetsOfOlderHistoriesAreStillCanonical) {
  // Sets used to be stored sorted; such records must pass as they are.
  Json stored = contact();
  stored["emails"] = {"a@example.org", "b@example.org"};
  stored["languages"] = {"en", "ru"};
  EXPECT_EQ(canonical_json(normalize_record(Kind::Contact, stored)), canonical_json(stored));
}

TEST(NormalizeRecord, EmptyValuesAreOmitted) {
  Json in = contact();
  in["name"] = "   ";
  in["unit"] = nullptr;
  in["emails"] = Json::array();
  in["phones"] = {" ", ""};
  Json out = normalize_record(Kind::Contact, in);
  EXPECT_FALSE(out.contains("name"));
  EXPECT_FALSE(out.contains("unit"));
  EXPECT_FALSE(out.contains("emails"));
  EXPECT_FALSE(out.contains("phones"));
  EXPECT_EQ(out.size(), 4u);
}

// ---- fields this version does not know ----------------------------------

// A contact as a newer version might write it: known fields, and unknown
// ones holding every kind of JSON value, in canonical form.
const std::string kNewerContact =
    R"({"funding_window":{"from":"2027-01-01","ratio":0.25,"to":"2027-06-30"},)"
    R"("id":"c0ffee00000000000000000000000001","org":"cis-atc","r2":[1,-2,3.5,true,null,"x",[],{}],)"
    R"("role":"Focal point","status":"active","x_count":12345678901234,"x_flag":false,"x_none":null,)"
    "\"x_text\":\"  spaced \\u0001 caf\xc3\xa9 \\\"q\\\"  \"}\n";

TEST(NormalizeRecord, UnknownFieldsAreKeptByteForByte) {
  auto in = parse_json(kNewerContact, "record");
  ASSERT_EQ(canonical_json(in), kNewerContact) << "the sample is canonical";
  auto out = normalize_record(Kind::Contact, in);
  EXPECT_EQ(canonical_json(out), kNewerContact);
  // Text of an unknown field is not trimmed, a null is not dropped.
  EXPECT_EQ(out["x_text"], in["x_text"]);
  ASSERT_TRUE(out.contains("x_none"));
  EXPECT_TRUE(out["x_none"].is_null());
  EXPECT_EQ(unknown_fields(Kind::Contact, out),
            (std::vector<std::string>{"funding_window", "r2", "x_count", "x_flag", "x_none", "x_text"}));
}

TEST(NormalizeRecord, UnknownFieldsAreKeptOnTheCheckedPathOfAnEdit) {
  auto stored = normalize_record(Kind::Contact, parse_json(kNewerContact, "record"));
  Json edited = stored;
  edited["role"] = "  Head of unit ";
  auto out = normalize_record(Kind::Contact, edited, &stored);
  EXPECT_EQ(out["role"], "Head of unit") << "known fields are still normalised";
  Json expected = stored;
  expected["role"] = "Head of unit";
  EXPECT_EQ(canonical_json(out), canonical_json(expected));
}

TEST(NormalizeRecord, KnownFieldsAreStillCheckedBesideUnknownOnes) {
  Json in = contact();
  in["funding_window"] = "2027";
  in["emails"] = {"not-an-email"};
  EXPECT_EQ(record_error(Kind::Contact, in), "contact c0ffee00: emails: 'not-an-email' is not an email address");
  in.erase("emails");
  in.erase("role");
  EXPECT_EQ(record_error(Kind::Contact, in), "contact c0ffee00: role: is required");
}

TEST(NormalizeRecord, MalformedUnknownFieldNamesAreRefusedNamingKindAndKey) {
  for (std::string name : std::vector<std::string>{"Nickname", "nick name", "", "1st_contact", "_private", "x-y",
                                                   "caf\xc3\xa9", "a.b", std::string(65, 'a')}) {
    Json in = contact();
    in[name] = "value";
    auto error = record_error(Kind::Contact, in);
    EXPECT_TRUE(starts_with(error, "contact c0ffee00: unknown field '")) << error;
    EXPECT_NE(error.find("is not a well-formed name"), std::string::npos) << error;
    EXPECT_EQ(error.find('\n'), std::string::npos) << error;
    if (name.size() <= 10 && name.find('\xc3') == std::string::npos) {
      EXPECT_NE(error.find("'" + name + "'"), std::string::npos) << error;
    }
  }
  Json in = contact();
  in["bad\nname"] = "value";
  auto error = record_error(Kind::Contact, in);
  EXPECT_NE(error.find("'bad\\x0aname'"), std::string::npos) << error;
  EXPECT_EQ(error.find('\n'), std::string::npos) << error;
  // The longest well-formed name, and other well-formed ones, are kept.
  for (std::string name : std::vector<std::string>{"a" + std::string(63, 'z'), "x", "a_1", "funding_window"}) {
    Json ok = contact();
    ok[name] = "value";
    EXPECT_EQ(normalize_record(Kind::Contact, ok).value(name, ""), "value") << name;
  }
  EXPECT_FALSE(is_unknown_field_name(std::string(65, 'a')));
  EXPECT_TRUE(is_unknown_field_name(std::string(64, 'a')));
}

TEST(NormalizeRecord, AtMost64UnknownFieldsAreKept) {
  Json in = contact();
  for (int i = 0; i < 64; ++i) in["future_" + std::to_string(100 + i)] = i;
  EXPECT_EQ(normalize_record(Kind::Contact, in).size(), contact().size() + 64);
  in["future_999"] = 1;
  auto error = record_error(Kind::Contact, in);
  EXPECT_EQ(error,
            "contact c0ffee00: more than 64 fields this version does not know (the first beyond: 'future_999')");
}

TEST(NormalizeRecord, ARecordWithUnknownFieldsIsBoundedByTheRecordFileSize) {
  Json in = contact();
  in["future_notes"] = std::string(1 << 20, 'n');
  auto error = record_error(Kind::Contact, in);
  EXPECT_TRUE(starts_with(error, "contact c0ffee00: a record of ")) << error.substr(0, 200);
  EXPECT_NE(error.find("(at most 1048576)"), std::string::npos) << error.substr(0, 200);
  in["future_notes"] = std::string((1 << 20) - 200, 'n');
  EXPECT_NO_THROW(normalize_record(Kind::Contact, in));
}

TEST(NormalizeRecord, MissingRequiredFieldsAreRefused) {
  Json in = contact();
  in.erase("role");
  EXPECT_EQ(record_error(Kind::Contact, in), "contact c0ffee00: role: is required");
  Json need = {{"id", kId}, {"org", "cis-atc"}, {"title", "Scanners"}, {"raised", "2026-01-01"}};
  EXPECT_EQ(record_error(Kind::Need, need), "need c0ffee00: area: is required");
  Json org = {{"slug", "example-org"}};
  EXPECT_EQ(record_error(Kind::Org, org), "org example-org: name: is required");
  // A blank required value counts as missing.
  Json blank = contact();
  blank["role"] = "  ";
  EXPECT_EQ(record_error(Kind::Contact, blank), "contact c0ffee00: role: is required");
}

TEST(NormalizeRecord, WrongTypesAreRefused) {
  Json in = contact();
  in["role"] = 42;
  EXPECT_EQ(record_error(Kind::Contact, in), "contact c0ffee00: role: must be a string");
  in = contact();
  in["emails"] = {"a@example.org", 7};
  EXPECT_EQ(record_error(Kind::Contact, in), "contact c0ffee00: emails: members must be strings");
  in = contact();
  in["available_24_7"] = 1;
  EXPECT_EQ(record_error(Kind::Contact, in), "contact c0ffee00: available_24_7: must be a string");
  EXPECT_EQ(record_error(Kind::Contact, Json::array()), "contact: record is not a JSON object");
}

TEST(NormalizeRecord, BadMemberOfASetNamesTheField) {
  Json in = contact();
  in["phones"] = {"+7 495 555 01 23", "not a phone"};
  auto msg = record_error(Kind::Contact, in);
  EXPECT_TRUE(starts_with(msg, "contact c0ffee00: phones: 'not a phone'")) << msg;
}

TEST(NormalizeRecord, OfferMayNotEndBeforeItStarts) {
  Json offer = {{"id", kId},         {"provider", "osce"},    {"title", "Workshop"}, {"kind", "training"},
                {"status", "planned"}, {"start", "2026-05-10"}, {"end", "2026-05-01"}};
  EXPECT_EQ(record_error(Kind::Offer, offer), "offer c0ffee00: end: 2026-05-01 is before start 2026-05-10");
  offer["end"] = "2026-05-10";
  EXPECT_NO_THROW(normalize_record(Kind::Offer, offer));
}

TEST(NormalizeRecord, BooleanFieldAcceptsJsonBooleans) {
  Json in = contact();
  in["available_24_7"] = false;
  EXPECT_EQ(normalize_record(Kind::Contact, in)["available_24_7"], false);
}

TEST(NormalizeRecord, ErrorsUseTheOrgSlugForOrgs) {
  Json org = {{"slug", "example-org"}, {"name", "Example"}, {"countries", {"KZ", "Atlantis"}}};
  auto msg = record_error(Kind::Org, org);
  EXPECT_TRUE(starts_with(msg, "org example-org: countries: unknown state 'Atlantis'")) << msg;
}

// ---- defaults ----------------------------------------------------------

TEST(ApplyDefaults, FillsAbsentFieldsOnly) {
  Json need = {{"id", kId}, {"org", "cis-atc"}, {"area", "border"}, {"title", "Scanners"}, {"priority", "high"}};
  apply_defaults(Kind::Need, need, "2026-11-22");
  EXPECT_EQ(need["status"], "open");
  EXPECT_EQ(need["priority"], "high");
  EXPECT_EQ(need["raised"], "2026-11-22");
  EXPECT_FALSE(need.contains("source")) << "source has no default";
  EXPECT_NO_THROW(normalize_record(Kind::Need, need));

  Json c = contact();
  apply_defaults(Kind::Contact, c, "2026-11-22");
  EXPECT_EQ(c["status"], "active");
  EXPECT_FALSE(c.contains("raised"));

  Json org = {{"slug", "example-org"}, {"name", "Example"}};
  apply_defaults(Kind::Org, org, "2026-11-22");
  EXPECT_EQ(org["kind"], "international");

  Json offer = {{"id", kId}, {"provider", "osce"}, {"title", "Workshop"}};
  apply_defaults(Kind::Offer, offer, "2026-11-22");
  EXPECT_EQ(offer["kind"], "other");
  EXPECT_EQ(offer["status"], "planned");
}

// ---- need status transitions -------------------------------------------

TEST(NeedStatus, LifecycleTransitions) {
  EXPECT_TRUE(is_allowed_transition("open", "matched"));
  EXPECT_TRUE(is_allowed_transition("matched", "in-progress"));
  EXPECT_TRUE(is_allowed_transition("in-progress", "fulfilled"));
  EXPECT_TRUE(is_allowed_transition("matched", "open")) << "a match may be undone";
  EXPECT_TRUE(is_allowed_transition("in-progress", "matched"));
  EXPECT_TRUE(is_allowed_transition("withdrawn", "open"));
  for (const char* s : {"open", "matched", "in-progress", "fulfilled", "withdrawn"})
    EXPECT_TRUE(is_allowed_transition(s, s)) << s;
  for (const char* s : {"open", "matched", "in-progress"}) EXPECT_TRUE(is_allowed_transition(s, "withdrawn")) << s;

  EXPECT_FALSE(is_allowed_transition("fulfilled", "withdrawn"));
  EXPECT_FALSE(is_allowed_transition("fulfilled", "open"));
  EXPECT_FALSE(is_allowed_transition("fulfilled", "in-progress"));
  EXPECT_FALSE(is_allowed_transition("open", "fulfilled"));
  EXPECT_FALSE(is_allowed_transition("open", "in-progress"));
  EXPECT_FALSE(is_allowed_transition("withdrawn", "fulfilled"));
}

TEST(CheckUpdate, RefusesSkippingNeedLifecycleSteps) {
  Json before = {{"id", kId}, {"org", "cis-atc"}, {"area", "border"}, {"title", "Scanners"}, {"status", "open"},
                 {"raised", "2026-01-01"}};
  Json after = before;
  after["status"] = "fulfilled";
  try {
    check_update(Kind::Need, before, after);
    FAIL() << "open -> fulfilled accepted";
  } catch (const UserError& e) {
    EXPECT_STREQ(e.what(), "need c0ffee00 (Scanners): status: cannot go from open to fulfilled");
  }
  after["status"] = "matched";
  EXPECT_NO_THROW(check_update(Kind::Need, before, after));
  // A missing status counts as open.
  Json no_status = before;
  no_status.erase("status");
  after["status"] = "in-progress";
  EXPECT_THROW(check_update(Kind::Need, no_status, after), UserError);
}

TEST(CheckUpdate, IdNeverChanges) {
  Json before = contact();
  Json after = before;
  after["id"] = "c0ffee00000000000000000000000002";
  EXPECT_THROW(check_update(Kind::Contact, before, after), UserError);
  Json org = {{"slug", "example-org"}, {"name", "Example"}};
  Json renamed = {{"slug", "example-org-2"}, {"name", "Example"}};
  EXPECT_THROW(check_update(Kind::Org, org, renamed), UserError);
}

TEST(CheckUpdate, OtherKindsHaveNoStatusLifecycle) {
  Json before = contact();
  before["status"] = "inactive";
  Json after = before;
  after["status"] = "active";
  EXPECT_NO_THROW(check_update(Kind::Contact, before, after));
  Json offer = {{"id", kId}, {"provider", "osce"}, {"title", "Workshop"}, {"status", "completed"}};
  Json reopened = offer;
  reopened["status"] = "planned";
  EXPECT_NO_THROW(check_update(Kind::Offer, offer, reopened));
}

// ---- references and labels ---------------------------------------------

TEST(References, ListsScalarAndSetReferences) {
  Json c = contact();
  c["areas"] = {"border", "cft"};
  auto refs = references_of(Kind::Contact, c);
  ASSERT_EQ(refs.size(), 3u);
  EXPECT_EQ(refs[0].field, "org");
  EXPECT_EQ(refs[0].to, Kind::Org);
  EXPECT_EQ(refs[0].id, "cis-atc");
  EXPECT_EQ(refs[1].field, "areas");
  EXPECT_EQ(refs[1].to, Kind::Area);
  EXPECT_EQ(refs[1].id, "border");
  EXPECT_EQ(refs[2].id, "cft");

  Json offer = {{"id", kId}, {"provider", "osce"}, {"title", "W"}, {"needs", {"ab000000000000000000000000000001"}}};
  auto orefs = references_of(Kind::Offer, offer);
  ASSERT_EQ(orefs.size(), 2u);
  EXPECT_EQ(orefs[1].to, Kind::Need);
  EXPECT_EQ(orefs[1].id, "ab000000000000000000000000000001");

  Json area = {{"code", "border-x"}, {"name", "X"}, {"parent", "border"}};
  auto arefs = references_of(Kind::Area, area);
  ASSERT_EQ(arefs.size(), 1u);
  EXPECT_EQ(arefs[0].to, Kind::Area);
}

TEST(Labels, DescribeRecordUsesShortIdAndFirstLabelField) {
  Json c = contact();
  EXPECT_EQ(describe_record(Kind::Contact, c), "contact c0ffee00 (Focal point for border security)");
  c["name"] = "Jane Roe";
  EXPECT_EQ(describe_record(Kind::Contact, c), "contact c0ffee00 (Jane Roe)");
  EXPECT_EQ(record_id(Kind::Contact, c), kId);

  Json org = {{"slug", "example-org"}, {"name", "Example Organization"}};
  EXPECT_EQ(record_label(Kind::Org, org), "Example Organization");
  org["acronym"] = "EXO";
  EXPECT_EQ(describe_record(Kind::Org, org), "org example-org (EXO)");
  Json same = {{"slug", "exo"}, {"name", "Other"}, {"acronym", "exo"}};
  EXPECT_EQ(describe_record(Kind::Org, same), "org exo") << "no label when it repeats the id";

  Json need = {{"id", kId}, {"title", "Scanners"}};
  EXPECT_EQ(describe_record(Kind::Need, need), "need c0ffee00 (Scanners)");
}

TEST(SearchableText, IncludesSearchableFieldsOnly) {
  Json c = contact();
  c["name"] = "Jane Roe";
  c["emails"] = {"desk@example.org"};
  c["areas"] = {"cft-npo"};
  c["languages"] = {"kk"};
  auto text = searchable_text(Kind::Contact, c);
  EXPECT_TRUE(contains(text, "Jane Roe"));
  EXPECT_TRUE(contains(text, "Focal point for border security"));
  EXPECT_TRUE(contains(text, "desk@example.org"));
  EXPECT_FALSE(contains(text, "cft-npo")) << "references are not free text";
  EXPECT_FALSE(contains(text, kId));
  EXPECT_FALSE(contains(text, "cis-atc"));

  Json org = {{"slug", "example-org"}, {"name", "Example Organization"}};
  EXPECT_TRUE(contains(searchable_text(Kind::Org, org), "example-org")) << "orgs are found by slug";
}

}  // namespace
}  // namespace liaison
