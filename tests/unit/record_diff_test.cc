// Unit tests of field-level record differences (model/record_diff.h).
#include <gtest/gtest.h>

#include "model/record_diff.h"

namespace liaison {
namespace {

const std::string kId = "c0ffee00000000000000000000000001";

Json contact() {
  return {{"id", kId},
          {"org", "cis-atc"},
          {"role", "Desk officer"},
          {"name", "Jane Roe"},
          {"status", "active"},
          {"emails", {"a@example.org", "b@example.org"}}};
}

TEST(DiffFields, IdenticalRecordsHaveNoChanges) { EXPECT_TRUE(diff_fields(Kind::Contact, contact(), contact()).empty()); }

TEST(DiffFields, ScalarChangeCarriesBothValues) {
  Json after = contact();
  after["role"] = "Head of unit";
  auto d = diff_fields(Kind::Contact, contact(), after);
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0].field, "role");
  EXPECT_EQ(d[0].before, Json("Desk officer"));
  EXPECT_EQ(d[0].after, Json("Head of unit"));
  EXPECT_TRUE(d[0].added.empty());
  EXPECT_TRUE(d[0].removed.empty());
}

TEST(DiffFields, SetChangeListsAddedAndRemovedMembers) {
  Json after = contact();
  after["emails"] = {"b@example.org", "c@example.org", "d@example.org"};
  auto d = diff_fields(Kind::Contact, contact(), after);
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0].field, "emails");
  EXPECT_EQ(d[0].added, (std::vector<std::string>{"c@example.org", "d@example.org"}));
  EXPECT_EQ(d[0].removed, (std::vector<std::string>{"a@example.org"}));
  EXPECT_EQ(*d[0].before, Json({"a@example.org", "b@example.org"}));
}

TEST(DiffFields, AddingAndRemovingKeepsTheOrder) {
  Json after = contact();
  after["emails"] = {"b@example.org", "d@example.org", "c@example.org"};
  auto d = diff_fields(Kind::Contact, contact(), after);
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0].added, (std::vector<std::string>{"d@example.org", "c@example.org"})) << "in the new order";
  EXPECT_FALSE(d[0].reordered);
  EXPECT_TRUE(set_order_kept(Json(), Json({"a@example.org"})));
  EXPECT_TRUE(set_order_kept(Json({"a@example.org"}), Json()));
}

TEST(DiffFields, APureReorderIsAChange) {
  // The first member is the preferred one, so putting another first changes the record.
  Json after = contact();
  after["emails"] = {"b@example.org", "a@example.org"};
  auto d = diff_fields(Kind::Contact, contact(), after);
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0].field, "emails");
  EXPECT_TRUE(d[0].added.empty());
  EXPECT_TRUE(d[0].removed.empty());
  EXPECT_TRUE(d[0].reordered);
  auto diff = diff_record(Kind::Contact, kId, contact(), after);
  EXPECT_EQ(to_json(diff)["fields"][0]["reordered"], true);
  EXPECT_EQ(format_diff(diff),
            "~ contact c0ffee00 (Jane Roe)\n"
            "    emails: reordered a@example.org, b@example.org -> b@example.org, a@example.org\n");
}

TEST(DiffFields, ANewMemberPutFirstShowsTheNewOrder) {
  Json after = contact();
  after["emails"] = {"c@example.org", "a@example.org", "b@example.org"};
  auto diff = diff_record(Kind::Contact, kId, contact(), after);
  ASSERT_EQ(diff.fields.size(), 1u);
  EXPECT_EQ(diff.fields[0].added, std::vector<std::string>{"c@example.org"});
  EXPECT_TRUE(diff.fields[0].reordered);
  EXPECT_EQ(format_diff(diff),
            "~ contact c0ffee00 (Jane Roe)\n"
            "    emails: +c@example.org; now in order c@example.org, a@example.org, b@example.org\n");
}

TEST(DiffFields, FieldSetAndUnset) {
  Json after = contact();
  after.erase("name");
  after["hours"] = "24/7";
  after["phones"] = {"+74955550123"};
  auto d = diff_fields(Kind::Contact, contact(), after);
  ASSERT_EQ(d.size(), 3u);
  EXPECT_EQ(d[0].field, "name");
  EXPECT_EQ(d[0].before, Json("Jane Roe"));
  EXPECT_FALSE(d[0].after.has_value());
  EXPECT_EQ(d[1].field, "phones");
  EXPECT_FALSE(d[1].before.has_value());
  EXPECT_EQ(d[1].added, (std::vector<std::string>{"+74955550123"}));
  EXPECT_EQ(d[2].field, "hours");
  EXPECT_FALSE(d[2].before.has_value());
  EXPECT_EQ(d[2].after, Json("24/7"));
}

TEST(DiffFields, ChangesComeInSchemaOrder) {
  Json after = contact();
  after["notes"] = "new notes";   // last field of a contact
  after["name"] = "Jane Q. Roe";  // after role
  after["role"] = "Analyst";
  after["org"] = "osce";          // second field
  auto d = diff_fields(Kind::Contact, contact(), after);
  ASSERT_EQ(d.size(), 4u);
  EXPECT_EQ(d[0].field, "org");
  EXPECT_EQ(d[1].field, "role");
  EXPECT_EQ(d[2].field, "name");
  EXPECT_EQ(d[3].field, "notes");
}

TEST(DiffRecord, TypesFollowWhichSidesExist) {
  auto added = diff_record(Kind::Contact, kId, std::nullopt, contact());
  EXPECT_EQ(added.type, RecordDiff::Type::Added);
  EXPECT_EQ(added.id, kId);
  EXPECT_EQ(added.fields.size(), contact().size()) << "every field of an added record is a change";
  for (const auto& f : added.fields) EXPECT_FALSE(f.before.has_value()) << f.field;

  auto removed = diff_record(Kind::Contact, kId, contact(), std::nullopt);
  EXPECT_EQ(removed.type, RecordDiff::Type::Removed);
  EXPECT_EQ(removed.fields.size(), contact().size());
  for (const auto& f : removed.fields) EXPECT_FALSE(f.after.has_value()) << f.field;

  Json after = contact();
  after["status"] = "inactive";
  auto changed = diff_record(Kind::Contact, kId, contact(), after);
  EXPECT_EQ(changed.type, RecordDiff::Type::Changed);
  ASSERT_EQ(changed.fields.size(), 1u);
  EXPECT_EQ(changed.fields[0].field, "status");
}

TEST(DiffRecord, ToJsonNamesKindChangeAndFields) {
  Json after = contact();
  after["role"] = "Analyst";
  after["emails"] = {"a@example.org", "c@example.org"};
  after.erase("name");
  Json j = to_json(diff_record(Kind::Contact, kId, contact(), after));
  EXPECT_EQ(j["kind"], "contact");
  EXPECT_EQ(j["id"], kId);
  EXPECT_EQ(j["change"], "changed");
  ASSERT_EQ(j["fields"].size(), 3u);
  EXPECT_EQ(j["fields"][0], Json({{"field", "role"}, {"before", "Desk officer"}, {"after", "Analyst"}}));
  EXPECT_EQ(j["fields"][1]["field"], "name");
  EXPECT_TRUE(j["fields"][1]["after"].is_null());
  EXPECT_EQ(j["fields"][2]["field"], "emails");
  EXPECT_EQ(j["fields"][2]["added"], Json({"c@example.org"}));
  EXPECT_EQ(j["fields"][2]["removed"], Json({"b@example.org"}));

  EXPECT_EQ(to_json(diff_record(Kind::Contact, kId, std::nullopt, contact()))["change"], "added");
  EXPECT_EQ(to_json(diff_record(Kind::Contact, kId, contact(), std::nullopt))["change"], "removed");
}

TEST(FormatDiff, ChangedRecordShowsOneLinePerField) {
  Json after = contact();
  after["role"] = "Analyst";
  after["emails"] = {"a@example.org", "c@example.org"};
  after.erase("name");
  after["hours"] = "24/7";
  auto text = format_diff(diff_record(Kind::Contact, kId, contact(), after));
  EXPECT_EQ(text,
            "~ contact c0ffee00 (Analyst)\n"
            "    role: Desk officer -> Analyst\n"
            "    name: (removed Jane Roe)\n"
            "    emails: +c@example.org, -b@example.org\n"
            "    hours: 24/7\n")
      << "the header labels the record by its new state: without a name, by its role";
}

TEST(FormatDiff, AddedAndRemovedRecordsAreMarked) {
  auto added = format_diff(diff_record(Kind::Contact, kId, std::nullopt, contact()));
  EXPECT_EQ(added.rfind("+ contact c0ffee00 (Jane Roe)\n", 0), 0u) << added;
  EXPECT_NE(added.find("    role: Desk officer\n"), std::string::npos) << added;
  auto removed = format_diff(diff_record(Kind::Contact, kId, contact(), std::nullopt));
  EXPECT_EQ(removed.rfind("- contact c0ffee00 (Jane Roe)\n", 0), 0u) << removed;
  EXPECT_NE(removed.find("    role: (removed Desk officer)\n"), std::string::npos) << removed;
}

// ---- fields this version does not know ----------------------------------

TEST(DiffFields, UnknownFieldsAreListedAfterTheKnownOnesWhereTheyChange) {
  Json before = contact();
  before["funding_window"] = {{"from", "2027-01-01"}};
  before["x_kept"] = {1, 2};
  before["x_gone"] = true;
  Json after = before;
  after["role"] = "Analyst";
  after["funding_window"] = {{"from", "2027-03-01"}, {"ratio", 0.5}};
  after["x_added"] = {"a", 1};
  after.erase("x_gone");
  auto d = diff_fields(Kind::Contact, before, after);
  ASSERT_EQ(d.size(), 4u);
  EXPECT_EQ(d[0].field, "role");
  EXPECT_EQ(d[1].field, "funding_window");
  EXPECT_EQ(*d[1].before, before["funding_window"]);
  EXPECT_EQ(*d[1].after, after["funding_window"]);
  EXPECT_TRUE(d[1].added.empty()) << "a plain value, not a set";
  EXPECT_EQ(d[2].field, "x_added");
  EXPECT_FALSE(d[2].before);
  EXPECT_EQ(d[3].field, "x_gone");
  EXPECT_FALSE(d[3].after);
  EXPECT_TRUE(diff_fields(Kind::Contact, before, before).empty());
}

TEST(FormatDiff, UnknownFieldsAreShownAsJson) {
  Json before = contact();
  before["funding_window"] = {{"from", "2027-01-01"}};
  Json after = before;
  after["funding_window"] = {"2027", 3};
  after["x_note"] = "text";
  auto diff = diff_record(Kind::Contact, kId, before, after);
  EXPECT_EQ(format_diff(diff),
            "~ contact c0ffee00 (Jane Roe)\n"
            "    funding_window: {\"from\":\"2027-01-01\"} -> [\"2027\",3]\n"
            "    x_note: text\n");
  auto json = to_json(diff);
  ASSERT_EQ(json["fields"].size(), 2u);
  EXPECT_EQ(json["fields"][0]["field"], "funding_window");
  EXPECT_EQ(json["fields"][0]["after"], Json({"2027", 3}));
}

}  // namespace
}  // namespace liaison
