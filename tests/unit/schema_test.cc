// Unit tests of the record model (model/schema.h): paths in the history tree
// and their inverse, command-line flags, kind names and the table's own
// invariants (id first, refs in dependency order, choices with defaults).
#include <gtest/gtest.h>

#include <algorithm>

#include "model/schema.h"

namespace liaison {
namespace {

const std::string kId = "3fa2c1d900000000000000000000abcd";

TEST(RecordPath, RandomIdsFanOutByTheirFirstTwoDigits) {
  EXPECT_EQ(record_path(Kind::Contact, kId), "contacts/3f/" + kId + ".json");
  EXPECT_EQ(record_path(Kind::Need, kId), "needs/3f/" + kId + ".json");
  EXPECT_EQ(record_path(Kind::Offer, kId), "offers/3f/" + kId + ".json");
}

TEST(RecordPath, SlugsAndCodesLiveDirectlyInTheirFolder) {
  EXPECT_EQ(record_path(Kind::Org, "cis-atc"), "orgs/cis-atc.json");
  EXPECT_EQ(record_path(Kind::Area, "border-api-pnr"), "areas/border-api-pnr.json");
}

TEST(RecordPath, ParseIsTheInverseForEveryKind) {
  std::vector<RecordKey> keys = {{Kind::Area, "border"},
                                 {Kind::Area, "b"},
                                 {Kind::Org, "cis-atc"},
                                 {Kind::Org, "un-1267"},
                                 {Kind::Contact, kId},
                                 {Kind::Need, "00000000000000000000000000000000"},
                                 {Kind::Offer, "ffffffffffffffffffffffffffffffff"}};
  for (const auto& key : keys) {
    auto path = record_path(key.kind, key.id);
    auto back = parse_record_path(path);
    ASSERT_TRUE(back.has_value()) << path;
    EXPECT_EQ(*back, key) << path;
  }
}

TEST(RecordPath, PathsThatHoldNoRecordParseToNothing) {
  for (const char* path : {"README.md", "contacts", "contacts/", "orgs/cis-atc.txt", "orgs/cis-atc", "org/cis-atc.json",
                           "people/cis-atc.json", "orgs/.json", "orgs/sub/cis-atc.json", "contacts/3fa2c1d900000000000000000000abcd.json",
                           "contacts/ab/3fa2c1d900000000000000000000abcd.json", "contacts/3f/.json", "areas/x/border.json"})
    EXPECT_FALSE(parse_record_path(path).has_value()) << path;
}

TEST(FieldFlag, SetFieldsUseTheSingular) {
  const auto& contact = spec(Kind::Contact);
  EXPECT_EQ(contact.field("emails")->flag(), "email");
  EXPECT_EQ(contact.field("phones")->flag(), "phone");
  EXPECT_EQ(contact.field("languages")->flag(), "language");
  EXPECT_EQ(contact.field("areas")->flag(), "area");
  EXPECT_EQ(contact.field("secure_channels")->flag(), "secure-channel");
  EXPECT_EQ(spec(Kind::Org).field("countries")->flag(), "country");
  EXPECT_EQ(spec(Kind::Offer).field("recipients")->flag(), "recipient");
  EXPECT_EQ(spec(Kind::Offer).field("needs")->flag(), "need");
}

TEST(FieldFlag, ScalarsKeepTheirNameWithDashes) {
  const auto& contact = spec(Kind::Contact);
  EXPECT_EQ(contact.field("last_verified")->flag(), "last-verified");
  EXPECT_EQ(contact.field("verified_by")->flag(), "verified-by");
  EXPECT_EQ(contact.field("available_24_7")->flag(), "available-24-7");
  EXPECT_EQ(contact.field("role")->flag(), "role");
  EXPECT_EQ(contact.field("address")->flag(), "address") << "a scalar ending in s is not a plural";
  EXPECT_EQ(spec(Kind::Need).field("status")->flag(), "status");
}

TEST(FieldFlag, FlagsAreUniqueWithinAKind) {
  for (Kind kind : kAllKinds) {
    std::vector<std::string> flags;
    for (const auto& f : spec(kind).fields) flags.push_back(f.flag());
    std::sort(flags.begin(), flags.end());
    EXPECT_EQ(std::adjacent_find(flags.begin(), flags.end()), flags.end()) << kind_name(kind);
  }
}

TEST(Kinds, FoundBySingularOrPluralName) {
  EXPECT_EQ(find_kind("contact"), Kind::Contact);
  EXPECT_EQ(find_kind("contacts"), Kind::Contact);
  EXPECT_EQ(find_kind("orgs"), Kind::Org);
  EXPECT_EQ(find_kind("area"), Kind::Area);
  EXPECT_EQ(find_kind("needs"), Kind::Need);
  EXPECT_EQ(find_kind("offer"), Kind::Offer);
  EXPECT_FALSE(find_kind("Contact").has_value());
  EXPECT_FALSE(find_kind("people").has_value());
  EXPECT_FALSE(find_kind("").has_value());
  for (Kind kind : kAllKinds) {
    EXPECT_EQ(find_kind(kind_name(kind)), kind);
    EXPECT_EQ(find_kind(spec(kind).plural), kind);
    EXPECT_EQ(spec(kind).kind, kind);
  }
}

TEST(Kinds, IdFieldComesFirstAndIsRequired) {
  for (Kind kind : kAllKinds) {
    const auto& ks = spec(kind);
    ASSERT_FALSE(ks.fields.empty());
    EXPECT_EQ(ks.fields.front().name, ks.id_field) << ks.name;
    EXPECT_TRUE(ks.fields.front().required) << ks.name;
    EXPECT_EQ(ks.field(ks.id_field), &ks.fields.front());
  }
  EXPECT_TRUE(spec(Kind::Contact).random_id());
  EXPECT_TRUE(spec(Kind::Need).random_id());
  EXPECT_TRUE(spec(Kind::Offer).random_id());
  EXPECT_FALSE(spec(Kind::Org).random_id());
  EXPECT_FALSE(spec(Kind::Area).random_id());
  EXPECT_EQ(spec(Kind::Org).field("no_such_field"), nullptr);
}

TEST(Kinds, ReferencesPointOnlyToEarlierKindsOrTheirOwn) {
  auto position = [](Kind k) { return std::find(kAllKinds.begin(), kAllKinds.end(), k) - kAllKinds.begin(); };
  for (Kind kind : kAllKinds) {
    for (const auto& f : spec(kind).fields) {
      if (f.type != ValueType::Ref) {
        EXPECT_FALSE(f.ref.has_value()) << kind_name(kind) << "." << f.name;
        continue;
      }
      ASSERT_TRUE(f.ref.has_value()) << kind_name(kind) << "." << f.name;
      EXPECT_LE(position(*f.ref), position(kind)) << kind_name(kind) << "." << f.name;
    }
  }
}

TEST(Kinds, ChoicesHaveTheirDefaultAmongThem) {
  for (Kind kind : kAllKinds) {
    for (const auto& f : spec(kind).fields) {
      if (f.type != ValueType::Choice) continue;
      EXPECT_FALSE(f.choices.empty()) << f.name;
      if (!f.default_value.empty()) {
        EXPECT_NE(std::find(f.choices.begin(), f.choices.end(), f.default_value), f.choices.end())
            << kind_name(kind) << "." << f.name;
      }
    }
  }
}

TEST(Kinds, OwnerAndLabelFieldsExist) {
  for (Kind kind : kAllKinds) {
    const auto& ks = spec(kind);
    if (!ks.owner_field.empty()) {
      EXPECT_NE(ks.field(ks.owner_field), nullptr) << ks.name;
    }
    for (auto label : ks.label_fields) EXPECT_NE(ks.field(label), nullptr) << ks.name << "." << label;
  }
  EXPECT_EQ(spec(Kind::Contact).owner_field, "org");
  EXPECT_EQ(spec(Kind::Offer).owner_field, "provider");
  EXPECT_TRUE(spec(Kind::Area).owner_field.empty());
}

TEST(Kinds, MergeRulesOfNotableFields) {
  EXPECT_EQ(spec(Kind::Contact).field("emails")->merge, MergeRule::Set);
  EXPECT_EQ(spec(Kind::Contact).field("role")->merge, MergeRule::Conflict);
  const auto* verified = spec(Kind::Contact).field("last_verified");
  EXPECT_EQ(verified->merge, MergeRule::LaterDate);
  EXPECT_EQ(verified->companions, (std::vector<std::string_view>{"verified_by"}));
}

}  // namespace
}  // namespace liaison
