// Unit tests of model/visibility: who may see a record, which fields each
// audience sees, references to hidden records left out, and unproject()
// applying an edit onto central's version without losing what was hidden.
#include "model/visibility.h"

#include <gtest/gtest.h>

namespace liaison {
namespace {

const Json kContact = {{"id", std::string(32, 'c')}, {"org", "cis-atc"}, {"role", "Border focal point"},
                       {"name", "Jane Roe"},         {"emails", {"jane@example.org"}},
                       {"phones", {"+74951234567"}},  {"notes", "home number"},
                       {"languages", {"ru"}},         {"available_24_7", true},
                       {"visibility", "public"},      {"status", "active"}};

Json need(const std::string& visibility, const Json& shared = Json()) {
  Json n = {{"id", std::string(32, 'a')}, {"org", "cis-atc"}, {"area", "border"}, {"title", "T"}};
  if (!visibility.empty()) n["visibility"] = visibility;
  if (!shared.is_null()) n["shared_with"] = shared;
  return n;
}

const SeesRecord kSeesNothing = [](Kind, const std::string&) { return false; };
const SeesRecord kSeesAll = [](Kind, const std::string&) { return true; };

TEST(Visibility, EachKindHasItsDefaultAndUnknownLevelsReadAsRestricted) {
  EXPECT_EQ(visibility_of(Kind::Contact, {{"id", "x"}}), Visibility::Partners);
  EXPECT_EQ(visibility_of(Kind::Need, {{"id", "x"}}), Visibility::Public);
  EXPECT_EQ(visibility_of(Kind::Offer, {{"id", "x"}}), Visibility::Public);
  EXPECT_EQ(visibility_of(Kind::Org, {{"visibility", "restricted"}}), Visibility::Public) << "orgs are always public";
  EXPECT_EQ(visibility_of(Kind::Need, {{"visibility", "secret-later-level"}}), Visibility::Restricted);
}

TEST(Visibility, RestrictedRecordsAreForTheOwnerTheSharedAndAdmins) {
  auto n = need("restricted", {"sco-rats"});
  EXPECT_FALSE(may_see(Audience::everyone(), Kind::Need, n));
  EXPECT_FALSE(may_see(Audience::partners(), Kind::Need, n));
  EXPECT_FALSE(may_see(Audience::of_org("osce"), Kind::Need, n));
  EXPECT_TRUE(may_see(Audience::of_org("cis-atc"), Kind::Need, n));
  EXPECT_TRUE(may_see(Audience::of_org("sco-rats"), Kind::Need, n));
  EXPECT_TRUE(may_see(Audience::all(), Kind::Need, n));
  EXPECT_FALSE(may_see(Audience::everyone(), Kind::Need, need("partners")));
  EXPECT_TRUE(may_see(Audience::of_org("osce"), Kind::Need, need("partners")));
}

TEST(Visibility, ThePublicSeesAFunctionalPointWithoutPersonalData) {
  auto shown = project_record(Audience::everyone(), Kind::Contact, kContact, kSeesAll);
  ASSERT_TRUE(shown);
  for (const char* personal : {"name", "emails", "phones", "notes"}) EXPECT_FALSE(shown->contains(personal)) << personal;
  for (const char* functional : {"org", "role", "languages", "available_24_7", "visibility"})
    EXPECT_EQ((*shown)[functional], kContact[functional]) << functional;
  EXPECT_EQ(*project_record(Audience::of_org("osce"), Kind::Contact, kContact, kSeesAll), kContact);
  EXPECT_EQ(*project_record(Audience::all(), Kind::Contact, kContact, kSeesNothing), kContact);
}

TEST(Visibility, FieldsThisVersionDoesNotKnowAreForPartnersOnly) {
  auto contact = kContact;
  contact["duty_roster"] = "weekly";
  EXPECT_FALSE(project_record(Audience::everyone(), Kind::Contact, contact, kSeesAll)->contains("duty_roster"));
  EXPECT_EQ((*project_record(Audience::of_org("osce"), Kind::Contact, contact, kSeesAll))["duty_roster"], "weekly");
}

TEST(Visibility, SharedWithShowsOnlyOnRestrictedRecords) {
  auto wide = need("public", {"sco-rats"});
  EXPECT_FALSE(project_record(Audience::everyone(), Kind::Need, wide, kSeesAll)->contains("shared_with"));
  auto narrow = need("restricted", {"sco-rats"});
  EXPECT_EQ((*project_record(Audience::of_org("sco-rats"), Kind::Need, narrow, kSeesAll))["shared_with"],
            Json::array({"sco-rats"}));
}

TEST(Visibility, ReferencesToHiddenRecordsAreLeftOut) {
  Json offer = {{"id", std::string(32, 'o')}, {"provider", "osce"}, {"title", "Course"},
                {"needs", {std::string(32, '1'), std::string(32, '2')}}};
  auto hides_first = [](Kind kind, const std::string& id) { return !(kind == Kind::Need && id == std::string(32, '1')); };
  auto shown = project_record(Audience::everyone(), Kind::Offer, offer, hides_first);
  ASSERT_TRUE(shown);
  EXPECT_EQ((*shown)["needs"], Json::array({std::string(32, '2')}));
  EXPECT_FALSE(project_record(Audience::everyone(), Kind::Offer, offer, kSeesNothing)->contains("needs"));
  EXPECT_TRUE(refers_to_hideable(Kind::Offer));
  EXPECT_FALSE(refers_to_hideable(Kind::Contact));
}

TEST(Visibility, NarrowingIsALevelDownOrAnOrganizationTakenOff) {
  EXPECT_TRUE(narrows(Kind::Need, need("public"), need("partners")));
  EXPECT_TRUE(narrows(Kind::Need, need(""), need("restricted")));
  EXPECT_FALSE(narrows(Kind::Need, need("restricted"), need("public")));
  EXPECT_TRUE(narrows(Kind::Need, need("restricted", {"sco-rats", "osce"}), need("restricted", {"osce"})));
  EXPECT_FALSE(narrows(Kind::Need, need("restricted", {"osce"}), need("restricted", {"osce", "sco-rats"})));
  EXPECT_FALSE(narrows(Kind::Contact, kContact, kContact));
}

TEST(Visibility, AudienceNamesRoundTrip) {
  for (const auto& a : {Audience::everyone(), Audience::partners(), Audience::of_org("cis-atc"), Audience::all()})
    EXPECT_EQ(Audience::parse(a.name()), a) << a.name();
  EXPECT_FALSE(Audience::parse("org:"));
  EXPECT_FALSE(Audience::parse("admins"));
}

TEST(Unproject, AnEditKeepsWhatTheAudienceCouldNotSee) {
  Json central = {{"id", std::string(32, 'o')}, {"provider", "osce"}, {"title", "Course"},
                  {"needs", {"hidden-need", "open-need"}}, {"notes_for_later", "kept"}};
  Json before = {{"id", std::string(32, 'o')}, {"provider", "osce"}, {"title", "Course"}, {"needs", {"open-need"}}};
  Json after = {{"id", std::string(32, 'o')}, {"provider", "osce"}, {"title", "Course 2027"}, {"needs", {"new-need"}}};
  std::vector<std::string> conflicts;
  auto merged = unproject(Audience::everyone(), Kind::Offer, before, after, central, kSeesNothing, conflicts);
  EXPECT_TRUE(conflicts.empty());
  EXPECT_EQ(merged["title"], "Course 2027");
  EXPECT_EQ(merged["needs"], Json::array({"hidden-need", "new-need"}));
  EXPECT_EQ(merged["notes_for_later"], "kept");
}

TEST(Unproject, AFieldChangedOnBothSidesIsAConflictAndKeepsCentralsValue) {
  Json central = {{"id", "x"}, {"title", "Central's title"}, {"kind", "training"}};
  Json before = {{"id", "x"}, {"title", "Old"}, {"kind", "training"}};
  Json after = {{"id", "x"}, {"title", "Mine"}, {"kind", "equipment"}};
  std::vector<std::string> conflicts;
  auto merged = unproject(Audience::of_org("osce"), Kind::Offer, before, after, central, kSeesAll, conflicts);
  EXPECT_EQ(conflicts, std::vector<std::string>{"title"});
  EXPECT_EQ(merged["title"], "Central's title");
  EXPECT_EQ(merged["kind"], "equipment");
  // The same value on both sides is no conflict; a removal removes.
  conflicts.clear();
  after = {{"id", "x"}, {"title", "Central's title"}};
  merged = unproject(Audience::of_org("osce"), Kind::Offer, before, after, central, kSeesAll, conflicts);
  EXPECT_TRUE(conflicts.empty());
  EXPECT_FALSE(merged.contains("kind"));
}

}  // namespace
}  // namespace liaison
