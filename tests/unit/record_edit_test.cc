// Unit tests of field edits (model/record_edit.h): set, add, remove, unset,
// values normalised for their field, and edits that do not fit the field.
#include <gtest/gtest.h>

#include "base/error.h"
#include "model/record_edit.h"

namespace liaison {
namespace {

using Op = FieldEdit::Op;

Json contact() {
  return {{"id", "c0ffee00000000000000000000000001"},
          {"org", "cis-atc"},
          {"role", "Desk officer"},
          {"status", "active"},
          {"emails", {"old@example.org"}},
          {"hours", "Mon-Fri 09:00-18:00"}};
}

std::string edit_error(const Json& record, const std::vector<FieldEdit>& edits) {
  try {
    auto out = apply_edits(Kind::Contact, record, edits);
    return "accepted as " + out.dump();
  } catch (const UserError& e) {
    return e.what();
  }
}

TEST(ApplyEdits, SetsAScalarWithANormalisedValue) {
  auto out = apply_edits(Kind::Contact, contact(), {{"role", Op::Set, "  Head of unit  "}, {"status", Op::Set, "INACTIVE"}});
  EXPECT_EQ(out["role"], "Head of unit");
  EXPECT_EQ(out["status"], "inactive");
  EXPECT_EQ(out["emails"], Json({"old@example.org"})) << "other fields stay";
}

TEST(ApplyEdits, SettingASetReplacesItOnceThenAdds) {
  auto out = apply_edits(Kind::Contact, contact(),
                         {{"emails", Op::Set, "b@example.org"}, {"emails", Op::Set, "A@Example.org"}});
  EXPECT_EQ(out["emails"], Json({"b@example.org", "a@example.org"})) << "in the order given";
}

TEST(ApplyEdits, AddAppendsAndKeepsTheSetUnique) {
  auto out = apply_edits(Kind::Contact, contact(),
                         {{"emails", Op::Add, "z@example.org"},
                          {"emails", Op::Add, "a@example.org"},
                          {"emails", Op::Add, "Z@EXAMPLE.ORG"}});
  EXPECT_EQ(out["emails"], Json({"old@example.org", "z@example.org", "a@example.org"}))
      << "the first (preferred) member stays first";
}

TEST(ApplyEdits, GivingTheSetAgainInANewOrderMakesAMemberPreferred) {
  Json c = contact();
  c["languages"] = {"en", "ru", "fr"};
  auto out = apply_edits(Kind::Contact, c,
                         {{"languages", Op::Set, "ru"}, {"languages", Op::Set, "en"}, {"languages", Op::Set, "fr"}});
  EXPECT_EQ(out["languages"], Json({"ru", "en", "fr"}));
  // Adding a member already there leaves its place alone.
  EXPECT_EQ(apply_edits(Kind::Contact, out, {{"languages", Op::Add, "FR"}})["languages"], Json({"ru", "en", "fr"}));
  // Removing the preferred one makes the next one preferred.
  EXPECT_EQ(apply_edits(Kind::Contact, out, {{"languages", Op::Remove, "ru"}})["languages"], Json({"en", "fr"}));
}

TEST(ApplyEdits, AddCreatesAnAbsentSet) {
  auto out = apply_edits(Kind::Contact, contact(), {{"phones", Op::Add, "+7 495 555 01 23"}, {"languages", Op::Add, "RU"}});
  EXPECT_EQ(out["phones"], Json({"+74955550123"}));
  EXPECT_EQ(out["languages"], Json({"ru"}));
}

TEST(ApplyEdits, RemoveMatchesTheNormalisedValue) {
  Json c = contact();
  c["phones"] = {"+74955550123", "+77172555000"};
  auto out = apply_edits(Kind::Contact, c, {{"phones", Op::Remove, "+7 (495) 555-01-23"}});
  EXPECT_EQ(out["phones"], Json({"+77172555000"}));
}

TEST(ApplyEdits, RemovingTheLastMemberDropsTheField) {
  auto out = apply_edits(Kind::Contact, contact(), {{"emails", Op::Remove, "OLD@example.org"}});
  EXPECT_FALSE(out.contains("emails")) << out.dump();
}

TEST(ApplyEdits, RemovingAnAbsentMemberIsAnError) {
  EXPECT_EQ(edit_error(contact(), {{"emails", Op::Remove, "other@example.org"}}),
            "emails: 'other@example.org' is not in the set");
  EXPECT_EQ(edit_error(contact(), {{"phones", Op::Remove, "+7 495 555 01 23"}}),
            "phones: '+74955550123' is not in the set");
}

TEST(ApplyEdits, UnsetRemovesOptionalFields) {
  auto out = apply_edits(Kind::Contact, contact(), {{"hours", Op::Unset, ""}, {"emails", Op::Unset, ""}});
  EXPECT_FALSE(out.contains("hours"));
  EXPECT_FALSE(out.contains("emails"));
  EXPECT_EQ(out["role"], "Desk officer");
}

TEST(ApplyEdits, UnsetOfARequiredFieldIsRefused) {
  EXPECT_EQ(edit_error(contact(), {{"role", Op::Unset, ""}}), "role: is required and cannot be unset");
  EXPECT_EQ(edit_error(contact(), {{"org", Op::Unset, ""}}), "org: is required and cannot be unset");
}

TEST(ApplyEdits, AddingToAScalarIsRefused) {
  EXPECT_EQ(edit_error(contact(), {{"role", Op::Add, "Analyst"}}), "role: is not a set; give a single value");
  EXPECT_EQ(edit_error(contact(), {{"hours", Op::Remove, "Mon-Fri 09:00-18:00"}}),
            "hours: is not a set; give a single value");
}

TEST(ApplyEdits, UnknownFieldIsRefused) {
  EXPECT_EQ(edit_error(contact(), {{"nickname", Op::Set, "JR"}}), "contact has no field 'nickname'");
}

TEST(ApplyEdits, BadValueNamesTheField) {
  auto msg = edit_error(contact(), {{"phones", Op::Add, "call the desk"}});
  EXPECT_EQ(msg.rfind("phones: ", 0), 0u) << msg;
  msg = edit_error(contact(), {{"last_verified", Op::Set, "2026-02-30"}});
  EXPECT_EQ(msg.rfind("last_verified: ", 0), 0u) << msg;
  msg = edit_error(contact(), {{"role", Op::Set, "   "}});
  EXPECT_EQ(msg, "role: value is empty");
}

TEST(ApplyEdits, FailedEditLeavesTheCallersRecordAlone) {
  Json c = contact();
  Json copy = c;
  EXPECT_THROW(apply_edits(Kind::Contact, c, {{"role", Op::Set, "New"}, {"phones", Op::Add, "nonsense"}}), UserError);
  EXPECT_EQ(c, copy);
}

TEST(ApplyEdits, EditsApplyInOrder) {
  auto out = apply_edits(Kind::Contact, contact(),
                         {{"emails", Op::Add, "new@example.org"},
                          {"emails", Op::Remove, "old@example.org"},
                          {"hours", Op::Unset, ""},
                          {"hours", Op::Set, "24/7"}});
  EXPECT_EQ(out["emails"], Json({"new@example.org"}));
  EXPECT_EQ(out["hours"], "24/7");
}

TEST(ApplyEdits, WorksForOtherKinds) {
  Json need = {{"id", "ab000000000000000000000000000001"}, {"org", "cis-atc"}, {"area", "border"},
               {"title", "Scanners"}, {"status", "open"}, {"raised", "2026-01-01"}};
  auto out = apply_edits(Kind::Need, need, {{"state", Op::Set, "kz"}, {"priority", Op::Set, "High"}});
  EXPECT_EQ(out["state"], "KZ");
  EXPECT_EQ(out["priority"], "high");
  Json org = {{"slug", "example-org"}, {"name", "Example"}, {"kind", "ngo"}};
  auto o = apply_edits(Kind::Org, org, {{"countries", Op::Add, "uz"}, {"countries", Op::Add, "kg"}});
  EXPECT_EQ(o["countries"], Json({"UZ", "KG"}));
}

}  // namespace
}  // namespace liaison
