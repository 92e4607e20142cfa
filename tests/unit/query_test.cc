// Unit tests of the queries over the view (view/query.h): filtered lists
// (owner, area with its sub-areas at any depth, state, status, limit),
// full-text search across kinds and scripts, stale contacts, days_before.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "base/error.h"
#include "view/query.h"
#include "store/store.h"
#include "tests/unit/temp_copy.h"

namespace liaison {
namespace {

std::string id(char a, char b) { return std::string(1, a) + std::string(30, '0') + std::string(1, b); }

const std::string kC1 = id('1', '1');  // Олег Примеров, border-biometrics-face, verified 2026-01-10
const std::string kC2 = id('2', '2');  // Chinese role, cft, osce, verified 2026-11-01
const std::string kC3 = id('3', '3');  // José Ejemplo, border, never verified
const std::string kC4 = id('4', '4');  // inactive, verified 2020-01-01
const std::string kC5 = id('5', '5');  // osce, judicial, verified 2025-05-05
const std::string kN1 = id('a', '1');
const std::string kN2 = id('a', '2');
const std::string kN3 = id('a', '3');
const std::string kO1 = id('b', '1');
const std::string kO2 = id('b', '2');

std::vector<std::string> ids(const std::vector<Json>& records, Kind kind) {
  std::vector<std::string> out;
  for (const auto& r : records) out.push_back(r.value(std::string(spec(kind).id_field), ""));
  return out;
}

std::set<std::string> hit_ids(const std::vector<SearchHit>& hits) {
  std::set<std::string> out;
  for (const auto& h : hits) out.insert(h.record.value(std::string(spec(h.kind).id_field), ""));
  return out;
}

class QueryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store.emplace(Store::init(dir / "copy", {"cis-atc", Person{"Unit Test", "unit.test@example.org"}, true}));
    auto contact = [](const std::string& cid, const char* org, const char* name, const char* role,
                      std::vector<std::string> areas, const char* verified, const char* status) {
      Json c = {{"id", cid}, {"org", org}, {"role", role}, {"status", status}};
      if (*name) c["name"] = name;
      if (!areas.empty()) c["areas"] = areas;
      if (*verified) c["last_verified"] = verified;
      return RecordChange{Kind::Contact, cid, c};
    };
    auto need = [](const std::string& nid, const char* org, const char* area, const char* state, const char* priority,
                   const char* status, const char* title, const char* raised) {
      return RecordChange{Kind::Need, nid,
                          Json{{"id", nid}, {"org", org}, {"area", area}, {"state", state}, {"priority", priority},
                               {"status", status}, {"title", title}, {"raised", raised}}};
    };
    auto offer = [](const std::string& oid, const char* provider, const char* title, std::vector<std::string> areas,
                    std::vector<std::string> recipients) {
      return RecordChange{Kind::Offer, oid,
                          Json{{"id", oid}, {"provider", provider}, {"title", title}, {"kind", "training"},
                               {"status", "planned"}, {"areas", areas}, {"recipients", recipients}}};
    };
    store->commit(
        {
            {Kind::Area, "border-biometrics-face",
             Json{{"code", "border-biometrics-face"}, {"name", "Face matching"}, {"parent", "border-biometrics"}}},
            {Kind::Org, "example-org",
             Json{{"slug", "example-org"}, {"name", "Example Organization"}, {"kind", "ngo"},
                  {"parent", "osce"}, {"countries", {"KZ", "UZ"}}}},
            contact(kC1, "cis-atc", "Олег Примеров", "Пограничный контроль", {"border-biometrics-face"}, "2026-01-10",
                    "active"),
            contact(kC2, "osce", "Lin Shiyan", "反恐怖主义协调员", {"cft"}, "2026-11-01", "active"),
            contact(kC3, "cis-atc", "José Ejemplo", "Analyst", {"border"}, "", "active"),
            contact(kC4, "cis-atc", "", "Archivist", {}, "2020-01-01", "inactive"),
            contact(kC5, "osce", "Ann Example", "Judicial adviser", {"judicial"}, "2025-05-05", "active"),
            need(kN1, "cis-atc", "border-api-pnr", "KZ", "high", "open", "Passenger data unit", "2026-02-01"),
            need(kN2, "cis-atc", "cft", "KG", "medium", "matched", "FIU software", "2026-01-01"),
            need(kN3, "osce", "border", "KZ", "low", "open", "Mobile patrols", "2025-12-01"),
            offer(kO1, "osce", "Passenger data training", {"border"}, {"KZ", "UZ"}),
            offer(kO2, "eu", "FIU analytics", {"cft-fiu"}, {"KG"}),
        },
        "query test data");
  }
  View& view() { return store->view(); }
  std::vector<std::string> list(Kind kind, ListFilter filter) { return ids(list_records(view(), kind, filter), kind); }
  std::set<std::string> search(const std::string& text, std::size_t limit = 0) {
    return hit_ids(search_records(view(), text, limit));
  }

  test::TempDir dir;
  std::optional<Store> store;
};

using V = std::vector<std::string>;

// ListFilter built field by field: Q().org("osce").state("KZ").
struct Q {
  ListFilter f;
  Q& org(const std::string& v) { f.org = v; return *this; }
  Q& area(const std::string& v) { f.area = v; return *this; }
  Q& state(const std::string& v) { f.state = v; return *this; }
  Q& status(const std::string& v) { f.status = v; return *this; }
  Q& limit(std::size_t v) { f.limit = v; return *this; }
  operator ListFilter() const { return f; }
};

TEST_F(QueryTest, AreaFilterIncludesSubAreasAtAnyDepth) {
  ListFilter f;
  f.area = "border";
  EXPECT_EQ(list(Kind::Contact, f), (V{kC3, kC1})) << "border-biometrics-face is two levels below border";
  f.area = "border-biometrics";
  EXPECT_EQ(list(Kind::Contact, f), (V{kC1}));
  f.area = "border-biometrics-face";
  EXPECT_EQ(list(Kind::Contact, f), (V{kC1}));
  f.area = "judicial";
  EXPECT_EQ(list(Kind::Contact, f), (V{kC5}));
  f.area = "victims";
  EXPECT_TRUE(list(Kind::Contact, f).empty());
}

TEST_F(QueryTest, AreaFilterForNeedsOffersAndAreas) {
  ListFilter f;
  f.area = "border";
  EXPECT_EQ(list(Kind::Need, f), (V{kN1, kN3})) << "sub-area border-api-pnr included; high priority first";
  EXPECT_EQ(list(Kind::Offer, f), (V{kO1}));
  EXPECT_EQ(list(Kind::Area, f), (V{"border", "border-api-pnr", "border-biometrics", "border-biometrics-face",
                                     "border-customs-smuggling", "border-document-security"}));
  f.area = "cft";
  EXPECT_EQ(list(Kind::Need, f), (V{kN2}));
  EXPECT_EQ(list(Kind::Offer, f), (V{kO2})) << "offer in cft-fiu";
  f.area = "cft-fiu";
  EXPECT_TRUE(list(Kind::Need, f).empty()) << "a broader area is not a sub-area";
}

TEST_F(QueryTest, OwnerStatusAndStateFilters) {
  ListFilter f;
  f.org = "cis-atc";
  EXPECT_EQ(list(Kind::Contact, f), (V{kC4, kC3, kC1})) << "ordered by name, or role when there is none";
  f.status = "active";
  EXPECT_EQ(list(Kind::Contact, f), (V{kC3, kC1}));
  EXPECT_EQ(list(Kind::Need, Q().org("cis-atc")), (V{kN1, kN2}));
  EXPECT_EQ(list(Kind::Need, Q().status("matched")), (V{kN2}));
  EXPECT_EQ(list(Kind::Need, Q().state("KZ")), (V{kN1, kN3}));
  EXPECT_EQ(list(Kind::Need, Q().org("osce").state("KZ")), (V{kN3}));
  EXPECT_EQ(list(Kind::Offer, Q().org("osce")), (V{kO1})) << "offers are owned by their provider";
  EXPECT_EQ(list(Kind::Offer, Q().state("UZ")), (V{kO1}));
  EXPECT_EQ(list(Kind::Offer, Q().state("KG")), (V{kO2}));
  EXPECT_EQ(list(Kind::Org, Q().org("coe")), (V{"coe-codexter"})) << "orgs are filtered by parent";
  auto by_state = list_records(view(), Kind::Org, Q().state("UZ"));
  auto state_ids = ids(by_state, Kind::Org);
  EXPECT_NE(std::find(state_ids.begin(), state_ids.end(), "example-org"), state_ids.end());
  for (const auto& org : by_state) {
    auto countries = org.value("countries", Json::array());
    EXPECT_NE(std::find(countries.begin(), countries.end(), "UZ"), countries.end()) << org.dump();
  }
}

TEST_F(QueryTest, LimitAndNoFilter) {
  EXPECT_EQ(list(Kind::Contact, {}).size(), 5u);
  EXPECT_EQ(list(Kind::Contact, Q().limit(2)).size(), 2u);
  EXPECT_EQ(list(Kind::Need, Q().limit(1)), (V{kN1}));
}

TEST_F(QueryTest, FiltersThatDoNotApplyAreRefused) {
  EXPECT_THROW(list_records(view(), Kind::Org, Q().area("border")), UserError);
  EXPECT_THROW(list_records(view(), Kind::Contact, Q().state("KZ")), UserError);
  EXPECT_THROW(list_records(view(), Kind::Area, Q().org("osce")), UserError);
  EXPECT_THROW(list_records(view(), Kind::Area, Q().status("active")), UserError);
  try {
    list_records(view(), Kind::Org, Q().status("active"));
    FAIL();
  } catch (const UserError& e) {
    EXPECT_STREQ(e.what(), "--status does not apply to orgs");
  }
}

TEST_F(QueryTest, SearchIsCaseInsensitiveInCyrillic) {
  EXPECT_EQ(search("олег"), (std::set<std::string>{kC1}));
  EXPECT_EQ(search("ПРИМЕРОВ"), (std::set<std::string>{kC1}));
  EXPECT_EQ(search("погранич"), (std::set<std::string>{kC1})) << "prefix match";
  EXPECT_EQ(search("Олег Примеров"), (std::set<std::string>{kC1}));
  EXPECT_TRUE(search("олег analyst").empty()) << "every word must match";
}

TEST_F(QueryTest, SearchFindsChineseBySubstring) {
  EXPECT_EQ(search("反恐怖主义协调员"), (std::set<std::string>{kC2}));
  EXPECT_EQ(search("恐怖"), (std::set<std::string>{kC2}));
  EXPECT_EQ(search("主义协调"), (std::set<std::string>{kC2}));
  EXPECT_EQ(search("员"), (std::set<std::string>{kC2}));
  EXPECT_TRUE(search("协恐").empty()) << "characters must be adjacent";
}

TEST_F(QueryTest, SearchIgnoresDiacritics) {
  EXPECT_EQ(search("jose"), (std::set<std::string>{kC3}));
  EXPECT_EQ(search("JOSÉ ejemplo"), (std::set<std::string>{kC3}));
}

TEST_F(QueryTest, SearchCoversEveryKind) {
  auto hits = search_records(view(), "passenger", 0);
  std::set<Kind> kinds;
  for (const auto& h : hits) kinds.insert(h.kind);
  EXPECT_TRUE(kinds.count(Kind::Need));
  EXPECT_TRUE(kinds.count(Kind::Offer));
  auto found = hit_ids(hits);
  EXPECT_TRUE(found.count(kN1));
  EXPECT_TRUE(found.count(kO1));
  EXPECT_TRUE(search("Face matching").count("border-biometrics-face")) << "areas";
  EXPECT_TRUE(search("Example Organization").count("example-org")) << "orgs";
  EXPECT_TRUE(search("example-org").count("example-org")) << "orgs by slug";
  EXPECT_EQ(search("Example Organization", 1).size(), 1u);
}

TEST_F(QueryTest, SearchFollowsUpdatesAndRemovals) {
  Json c1 = store->get(Kind::Contact, kC1);
  c1["role"] = "Zephyrine desk";
  store->update(Kind::Contact, kC1, c1);
  EXPECT_TRUE(search("погранич").empty()) << "the old role is forgotten";
  EXPECT_EQ(search("zephyrine desk"), (std::set<std::string>{kC1}));
  EXPECT_EQ(search("олег"), (std::set<std::string>{kC1}));
  store->remove(Kind::Contact, kC5);
  EXPECT_TRUE(search("judicial adviser").empty());
  // And after a rebuild of the view, the same answers.
  store->rebuild_view();
  EXPECT_EQ(search("zephyrine desk"), (std::set<std::string>{kC1}));
  EXPECT_TRUE(search("погранич").empty());
}

TEST_F(QueryTest, SearchRefusesAnEmptyQueryAndSurvivesQuotes) {
  EXPECT_THROW(search_records(view(), "   ", 0), UserError);
  EXPECT_TRUE(search("no\"such\"thing").empty());
  EXPECT_NO_THROW(search("AND OR NOT NEAR("));
  // A control character (a web page's %00) separates words, as a space does.
  EXPECT_EQ(search(std::string("олег\0примеров", 25)), (std::set<std::string>{kC1}));
  EXPECT_EQ(search("олег\x01\x7fпримеров"), (std::set<std::string>{kC1}));
}

// Each word scans the tokens it begins: a URL's worth of one-letter words
// held a page thread for minutes. A word repeated counts once.
TEST_F(QueryTest, SearchTakesSixteenDifferentWordsAndTwoHundredFiftySixBytesAtMost) {
  std::string sixteen, seventeen;
  for (int i = 0; i < 16; ++i) sixteen += std::string(i ? " " : "") + static_cast<char>('a' + i);
  seventeen = sixteen + " q";
  EXPECT_NO_THROW(search_records(view(), sixteen, 0));
  try {
    search_records(view(), seventeen, 0);
    FAIL() << "17 different words were taken";
  } catch (const UserError& e) {
    EXPECT_STREQ(e.what(), "search: at most 16 different words");
  }
  EXPECT_EQ(search("passenger passenger passenger"), search("passenger"));
  EXPECT_FALSE(search("passenger").empty());
  // One word of many tokens (punctuation splits it into a phrase) is
  // bounded by the text's size.
  std::string phrase = "passenger";
  while (phrase.size() <= kMaxSearchBytes) phrase += ".passenger";
  try {
    search_records(view(), phrase, 0);
    FAIL() << "a text of " << phrase.size() << " bytes was taken";
  } catch (const UserError& e) {
    EXPECT_STREQ(e.what(), "search: at most 256 bytes of words");
  }
  EXPECT_NO_THROW(search_records(view(), phrase.substr(0, kMaxSearchBytes), 0));
}

TEST_F(QueryTest, StaleContactsOldestFirstMissingDatesFirst) {
  // 180 days before 2026-11-22 is 2026-05-26.
  EXPECT_EQ(ids(stale_contacts(view(), 180, "2026-11-22", std::nullopt), Kind::Contact), (V{kC3, kC5, kC1}))
      << "inactive contacts are never stale";
  EXPECT_EQ(ids(stale_contacts(view(), 180, "2026-11-22", std::string("osce")), Kind::Contact), (V{kC5}));
  EXPECT_EQ(ids(stale_contacts(view(), 2000, "2026-11-22", std::nullopt), Kind::Contact), (V{kC3}));
}

TEST_F(QueryTest, StaleContactsBoundaryIsStrict) {
  ASSERT_EQ(days_before("2026-11-22", 316), "2026-01-10");
  auto at = ids(stale_contacts(view(), 316, "2026-11-22", std::nullopt), Kind::Contact);
  EXPECT_EQ(std::count(at.begin(), at.end(), kC1), 0) << "verified exactly `days` ago is not stale";
  auto past = ids(stale_contacts(view(), 315, "2026-11-22", std::nullopt), Kind::Contact);
  EXPECT_EQ(std::count(past.begin(), past.end(), kC1), 1);
}

TEST_F(QueryTest, TodayComesFromTheEnvironment) { EXPECT_EQ(Store::today(), "2026-11-22"); }

TEST(DaysBefore, CalendarArithmetic) {
  EXPECT_EQ(days_before("2026-11-22", 0), "2026-11-22");
  EXPECT_EQ(days_before("2026-03-01", 1), "2026-02-28");
  EXPECT_EQ(days_before("2024-03-01", 1), "2024-02-29");
  EXPECT_EQ(days_before("2026-01-01", 1), "2025-12-31");
  EXPECT_EQ(days_before("2026-11-22", 365), "2025-11-22");
  EXPECT_EQ(days_before("2025-03-01", 366), "2024-02-29");
  EXPECT_EQ(days_before("2026-12-31", -1), "2027-01-01");
  EXPECT_EQ(days_before("2026-11-22", 180), "2026-05-26");
}

}  // namespace
}  // namespace liaison
