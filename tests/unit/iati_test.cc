// Unit tests of the IATI pieces: the area <-> sector table both ways
// (io/iati_sectors.h), the export's activities (io/iati_export.h) and
// the import's limits and mapping (io/iati_import.h), in process.
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <set>

#include "base/error.h"
#include "io/iati_export.h"
#include "io/iati_import.h"
#include "io/iati_sectors.h"
#include "view/query.h"
#include "model/record.h"
#include "model/reference_data.h"
#include "store/store.h"
#include "tests/unit/temp_copy.h"

namespace liaison {
namespace {

TEST(IatiSchema, OffersTakeBudgetsInDecimalAndIso4217Currency) {
  const auto& offer = spec(Kind::Offer);
  EXPECT_EQ(parse_value(*offer.field("budget"), " 250000 "), "250000");
  EXPECT_EQ(parse_value(*offer.field("budget"), "001200.50"), "1200.50");
  EXPECT_EQ(parse_value(*offer.field("budget"), "0"), "0");
  for (const char* bad : {"-5", "1,000", "12.", ".5", "1e6", "12.1234567", "abc"})
    EXPECT_THROW(parse_value(*offer.field("budget"), bad), UserError) << bad;
  EXPECT_EQ(parse_value(*offer.field("currency"), "usd"), "USD");
  for (const char* bad : {"US", "USDT", "U$D", "12A"})
    EXPECT_THROW(parse_value(*offer.field("currency"), bad), UserError) << bad;
  EXPECT_EQ(offer.field("funder")->ref, Kind::Org);
  EXPECT_EQ(offer.field("budget_date")->type, ValueType::Date);
  EXPECT_NE(spec(Kind::Org).field("iati_ref"), nullptr);
  // The public identifiers set in data/orgs.json.
  std::map<std::string, std::string> refs;
  for (const auto& o : initial_orgs())
    if (o.contains("iati_ref")) refs[o["slug"]] = o["iati_ref"];
  EXPECT_EQ(refs["world-bank"], "44000");
  EXPECT_EQ(refs["jica"], "XM-DAC-701-8");
}

double sum_of(const std::vector<IatiSector>& sectors, std::string_view vocabulary) {
  double total = 0;
  for (const auto& s : sectors)
    if (s.vocabulary == vocabulary) total += std::stod(s.percentage);
  return total;
}

TEST(IatiSectors, EveryAreaHasDacCodesAddingUpTo100) {
  std::set<std::string> mapped;
  for (const auto& a : mapped_areas()) mapped.insert(a);
  for (const auto& area : initial_areas()) {
    std::string code = area["code"];
    ASSERT_TRUE(mapped.count(code)) << code << " is missing from data/iati_sectors.json";
    double total = 0;
    for (const auto& s : dac_codes_of_area(code)) {
      EXPECT_EQ(s.code.size(), 5u) << code;
      total += s.percentage;
    }
    EXPECT_DOUBLE_EQ(total, 100) << code;
  }
  EXPECT_EQ(mapped.size(), initial_areas().size());
}

TEST(IatiSectors, AnOffersSectorsAddUpTo100PerVocabulary) {
  auto one = sectors_for_areas({"border-api-pnr"});
  ASSERT_EQ(one.size(), 2u);
  EXPECT_EQ(one[0].vocabulary, "99");
  EXPECT_EQ(one[0].code, "border-api-pnr");
  EXPECT_EQ(one[0].percentage, "100");
  EXPECT_EQ(one[1].vocabulary, "1");
  EXPECT_EQ(one[1].code, "15136");
  // Three areas: 33.34 + 33.33 + 33.33 under 99; weighted DAC shares under 1.
  auto three = sectors_for_areas({"cft-cash-couriers", "judicial-mla", "pve-online"});
  EXPECT_DOUBLE_EQ(sum_of(three, "99"), 100);
  EXPECT_NEAR(sum_of(three, "1"), 100, 1e-9);
  std::map<std::string, std::string> dac;
  for (const auto& s : three)
    if (s.vocabulary == "1") dac[s.code] = s.percentage;
  EXPECT_EQ(dac.size(), 5u);  // 24010 33120 15134 15220 15153
  EXPECT_EQ(dac["15134"], "33.34");
  EXPECT_TRUE(sectors_for_areas({"no-such-area"}).empty());
}

TEST(IatiSectors, DacCodesMapBackToOneAreaOrNone) {
  EXPECT_EQ(area_of_dac_code("15132"), "law-enforcement");
  EXPECT_EQ(area_of_dac_code("33120"), "border-customs-smuggling");
  EXPECT_EQ(area_of_dac_code("24010"), "cft");
  EXPECT_EQ(area_of_dac_code("15210"), "");  // security system reform: too broad
  EXPECT_EQ(area_of_dac_code("11110"), "");  // education
  // Every code mapped back is one some area maps to.
  for (const auto& code : {"15130", "15134", "15132", "15136", "33120", "15240", "24010", "21050", "21040", "15220"}) {
    auto area = area_of_dac_code(code);
    ASSERT_FALSE(area.empty()) << code;
    bool found = false;
    for (const auto& s : dac_codes_of_area(area)) found |= s.code == code;
    EXPECT_TRUE(found) << code << " -> " << area;
  }
}

Json org(const std::string& slug, const std::string& kind, const std::string& ref) {
  Json o = {{"slug", slug}, {"name", slug + " name"}, {"kind", kind}};
  if (!ref.empty()) o["iati_ref"] = ref;
  return o;
}

TEST(IatiExport, SkipsOffersThatCannotBeActivitiesAndSaysWhy) {
  std::vector<Json> orgs = {org("wb", "donor", "44000"), org("osce", "regional", "")};
  std::vector<Json> offers = {
      {{"id", "abc00000000000000000000000000001"},
       {"provider", "wb"},
       {"title", "Ok"},
       {"status", "ongoing"},
       {"areas", {"cft"}},
       {"recipients", {"KZ", "UZ", "TJ"}},
       {"start", "2026-01-01"},
       {"budget", "1000"},
       {"currency", "USD"}},
      {{"id", "abc00000000000000000000000000002"},
       {"provider", "osce"},
       {"title", "No ref"},
       {"status", "planned"},
       {"areas", {"cft"}},
       {"recipients", {"KZ"}},
       {"start", "2026-01-01"}},
      {{"id", "abc00000000000000000000000000003"},
       {"provider", "wb"},
       {"title", "No area"},
       {"status", "planned"},
       {"recipients", {"KZ"}},
       {"start", "2026-01-01"}},
  };
  auto out = export_iati(offers, orgs, "");
  EXPECT_EQ(out.activities, 1u);
  ASSERT_EQ(out.skipped.size(), 2u);
  EXPECT_NE(out.skipped[0].find("osce has no iati_ref"), std::string::npos);
  EXPECT_NE(out.skipped[1].find("no thematic area"), std::string::npos);
  ASSERT_EQ(out.notes.size(), 1u);  // the budget has no end date for its period
  EXPECT_NE(out.xml.find("<iati-identifier>44000-abc00000000000000000000000000001</iati-identifier>"),
            std::string::npos);
  EXPECT_NE(out.xml.find("<reporting-org ref=\"44000\" type=\"40\">"), std::string::npos);
  EXPECT_NE(out.xml.find("<activity-status code=\"2\"/>"), std::string::npos);
  EXPECT_NE(out.xml.find("<activity-date type=\"2\" iso-date=\"2026-01-01\"/>"), std::string::npos);
  EXPECT_NE(out.xml.find("code=\"KZ\" percentage=\"33.34\""), std::string::npos);
  EXPECT_NE(out.xml.find("code=\"UZ\" percentage=\"33.33\""), std::string::npos);
}

class IatiImportTest : public ::testing::Test {
 protected:
  void SetUp() override { store.emplace(Store::init(dir / "copy", {"cis-atc", std::nullopt, true})); }
  std::string file(const std::string& body) {
    auto p = (dir / "in.xml").string();
    std::ofstream(p, std::ios::binary) << body;
    return p;
  }
  std::string error_of(const std::string& body, const IatiLimits& limits = {}) {
    try {
      read_iati(*store, file(body), limits);
    } catch (const UserError& e) {
      return e.what();
    }
    return "(no error)";
  }
  // An offer to commit, handed over as its text (iati_import.h).
  static Json offer(const RecordChange& change) {
    EXPECT_TRUE(change.after && change.after->is_null());
    EXPECT_TRUE(change.row.has_value());
    return parse_json(change.text, "offer");
  }
  test::TempDir dir;
  std::optional<Store> store;
};

const char* kActivity =
    "<iati-activities version=\"2.03\"><iati-activity>"
    "<iati-identifier>44000-P1</iati-identifier><reporting-org ref=\"44000\" type=\"40\"/>"
    "<title><narrative xml:lang=\"fr\">Titre</narrative><narrative>Title</narrative></title>"
    "<activity-status code=\"2\"/><activity-date type=\"1\" iso-date=\"2025-02-01\"/>"
    "<recipient-country code=\"KG\"/><sector code=\"15132\"/>"
    "</iati-activity></iati-activities>";

TEST_F(IatiImportTest, MapsAnActivityToAnOffer) {
  auto r = read_iati(*store, file(kActivity));
  ASSERT_EQ(r.changes.size(), 1u) << (r.skipped.empty() ? "" : r.skipped[0]);
  Json o = offer(r.changes[0]);
  EXPECT_EQ(o["provider"], "world-bank");
  EXPECT_EQ(o["title"], "Title");  // English preferred
  EXPECT_EQ(o["status"], "ongoing");
  EXPECT_EQ(o["start"], "2025-02-01");
  EXPECT_EQ(o["areas"], Json::array({"law-enforcement"}));
  EXPECT_EQ(o["recipients"], Json::array({"KG"}));
  EXPECT_EQ(o["iati_id"], "44000-P1");
  ASSERT_TRUE(commit_iati(*store, r, "import"));
  auto again = read_iati(*store, file(kActivity));
  EXPECT_TRUE(again.changes.empty());
  EXPECT_EQ(again.unchanged, 1u);
}

TEST_F(IatiImportTest, RecipientCountriesOnTransactionsAreTheActivitysWhenItNamesNone) {
  std::string body =
      "<iati-activities version=\"2.03\"><iati-activity>"
      "<iati-identifier>44000-P2</iati-identifier><reporting-org ref=\"44000\" type=\"40\"/>"
      "<title><narrative>Title</narrative></title><sector code=\"15132\"/>"
      "<transaction><transaction-type code=\"3\"/><recipient-country code=\"KG\"/></transaction>"
      "<transaction><transaction-type code=\"3\"/><recipient-country code=\"TJ\"/></transaction>"
      "<transaction><transaction-type code=\"4\"/><recipient-country code=\"KG\"/></transaction>"
      "</iati-activity></iati-activities>";
  auto r = read_iati(*store, file(body));
  ASSERT_EQ(r.changes.size(), 1u) << (r.skipped.empty() ? "" : r.skipped[0]);
  EXPECT_EQ(offer(r.changes[0])["recipients"], Json::array({"KG", "TJ"}));
  // An activity-level country wins: IATI allows one level or the other.
  std::string both = body;
  both.insert(both.find("<sector"), "<recipient-country code=\"UZ\"/>");
  auto r2 = read_iati(*store, file(both));
  ASSERT_EQ(r2.changes.size(), 1u);
  EXPECT_EQ(offer(r2.changes[0])["recipients"], Json::array({"UZ"}));
}

TEST_F(IatiImportTest, RefusesDoctypesAndEntities) {
  auto e = error_of(
      "<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]>"
      "<iati-activities version=\"2.03\">&e;</iati-activities>");
  EXPECT_NE(e.find("DOCTYPE"), std::string::npos) << e;
  e = error_of("<iati-activities version=\"2.03\">&e;</iati-activities>");
  EXPECT_NE(e.find("malformed XML"), std::string::npos) << e;
}

TEST_F(IatiImportTest, BoundsTextAndDepth) {
  std::string big = std::string(kActivity);
  big.replace(big.find("Title"), 5, std::string(70000, 'x'));
  auto e = error_of(big);
  EXPECT_NE(e.find("text longer than 65536 bytes"), std::string::npos) << e;
  EXPECT_NE(e.find("activity 44000-P1"), std::string::npos) << e;
  std::string deep = "<iati-activities version=\"2.03\"><iati-activity>";
  for (int i = 0; i < 40; ++i) deep += "<x>";
  for (int i = 0; i < 40; ++i) deep += "</x>";
  deep += "</iati-activity></iati-activities>";
  e = error_of(deep);
  EXPECT_NE(e.find("nested deeper than 32"), std::string::npos) << e;
}

TEST_F(IatiImportTest, BoundsTheOffersOneFileMayBring) {
  // Three activities in liaison's areas; a limit of two refuses the file.
  std::string body = "<iati-activities version=\"2.03\">";
  for (int i = 1; i <= 3; ++i)
    body += "<iati-activity><iati-identifier>44000-P" + std::to_string(i) +
            "</iati-identifier><reporting-org ref=\"44000\" type=\"40\"/><title><narrative>Title</narrative>"
            "</title><recipient-country code=\"KG\"/><sector code=\"15132\"/></iati-activity>";
  body += "</iati-activities>";
  IatiLimits limits;
  limits.max_offers = 2;
  auto error = error_of(body, limits);
  EXPECT_NE(error.find("in.xml: more than 2 activities to import or update"), std::string::npos) << error;
  limits.max_offers = 3;
  EXPECT_EQ(read_iati(*store, file(body), limits).changes.size(), 3u);
}

TEST_F(IatiImportTest, NamesTheActivityAndElementOfABadValue) {
  std::string bad = kActivity;
  bad.replace(bad.find("2025-02-01"), 10, "2025-13-01");
  auto e = error_of(bad);
  EXPECT_NE(e.find("in.xml:1: activity 44000-P1: <activity-date type=\"1\" iso-date=\"2025-13-01\">: not a date"),
            std::string::npos)
      << e;
  e = error_of("<iati-activities version=\"1.05\"/>");
  EXPECT_NE(e.find("IATI version '1.05' is not supported"), std::string::npos) << e;
  e = error_of("<iati-activities version=\"2.03\"><iati-activity>");
  EXPECT_NE(e.find("malformed XML"), std::string::npos) << e;
}

}  // namespace
}  // namespace liaison
