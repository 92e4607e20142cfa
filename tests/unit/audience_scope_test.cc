// Tests of a view connection limited to one audience (view/audience_scope.h):
// lists, search, the matrix and references see what the audience may see and
// nothing else, on a directory holding one record of each visibility.
#include <gtest/gtest.h>

#include <functional>
#include <set>
#include <utility>
#include <vector>

#include <sqlite3.h>

#include "base/error.h"
#include "store/store.h"
#include "view/assistance.h"
#include "view/audience_scope.h"
#include "view/query.h"
#include "tests/unit/temp_copy.h"

namespace liaison {
namespace {

std::string id(char c) { return std::string(32, c); }
constexpr const char* kCanary = "CANARYSCOPERESTRICTED";
constexpr const char* kPersonal = "canary.scope.personal@example.org";

class AudienceScopeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store.emplace(Store::init(dir / "copy", {"un-ctc", std::nullopt, true}));
    auto need = [](char c, const char* visibility, const char* title) {
      Json n = {{"id", id(c)}, {"org", "cis-atc"}, {"area", "border"}, {"state", "KZ"}, {"priority", "high"},
                {"status", "open"}, {"raised", "2025-01-01"}, {"title", title}};
      if (*visibility) n["visibility"] = visibility;
      if (std::string(visibility) == "restricted") n["shared_with"] = {"osce"};
      return RecordChange{Kind::Need, id(c), n};
    };
    store->commit(
        {
            need('a', "", "Public need"),
            need('b', "partners", "Partners need"),
            need('c', "restricted", kCanary),
            RecordChange{Kind::Offer, id('1'),
                         Json{{"id", id('1')}, {"provider", "eu"}, {"title", "Offer covering two"}, {"kind", "training"},
                              {"areas", {"border"}}, {"recipients", {"KZ"}}, {"status", "planned"},
                              {"needs", {id('a'), id('c')}}}},
            // OSCE's own restricted offer covers the partners' need.
            RecordChange{Kind::Offer, id('2'),
                         Json{{"id", id('2')}, {"provider", "osce"}, {"title", "Hidden offer"}, {"kind", "training"},
                              {"areas", {"border"}}, {"recipients", {"KZ"}}, {"status", "planned"},
                              {"visibility", "restricted"}, {"needs", {id('b')}}}},
            RecordChange{Kind::Contact, id('e'),
                         Json{{"id", id('e')}, {"org", "cis-atc"}, {"role", "Border duty desk"}, {"status", "active"}, {"visibility", "public"},
                              {"emails", {kPersonal}}, {"name", "Ivan Testov"}}},
        },
        "test data");
  }
  // A connection of its own on the copy's view, limited to `audience`.
  View limited(const Audience& audience) {
    auto view = View::open(dir / "copy" / "view.db");
    limit_to_audience(view, audience);
    return view;
  }
  std::set<std::string> need_ids(View& view) {
    std::set<std::string> out;
    for (const auto& n : list_records(view, Kind::Need, {})) out.insert(n["id"].get<std::string>());
    return out;
  }
  test::TempDir dir;
  std::optional<Store> store;
};

TEST_F(AudienceScopeTest, EachAudienceListsTheNeedsItMaySee) {
  auto reader = limited(Audience::everyone());
  EXPECT_EQ(need_ids(reader), (std::set<std::string>{id('a')}));
  auto partners = limited(Audience::partners());
  EXPECT_EQ(need_ids(partners), (std::set<std::string>{id('a'), id('b')}));
  auto shared = limited(Audience::of_org("osce"));
  EXPECT_EQ(need_ids(shared), (std::set<std::string>{id('a'), id('b'), id('c')}));
  auto owner = limited(Audience::of_org("cis-atc"));
  EXPECT_EQ(need_ids(owner), (std::set<std::string>{id('a'), id('b'), id('c')}));
  auto other = limited(Audience::of_org("eu"));
  EXPECT_EQ(need_ids(other), (std::set<std::string>{id('a'), id('b')}));
  auto admin = limited(Audience::all());
  EXPECT_EQ(need_ids(admin), (std::set<std::string>{id('a'), id('b'), id('c')}));
}

TEST_F(AudienceScopeTest, CountsAndPagesOfAListAreTheAudiences) {
  auto reader = limited(Audience::everyone());
  EXPECT_EQ(count_records(reader, Kind::Need, {}), 1u);
  EXPECT_EQ(count_records(store->view(), Kind::Need, {}), 3u);
  ListFilter page;
  page.sort = "title";
  page.descending = true;
  page.limit = 1;
  page.offset = 1;
  auto second = list_records(store->view(), Kind::Need, page);  // titles: Public, Partners, CANARY...
  ASSERT_EQ(second.size(), 1u);
  EXPECT_EQ(second[0]["title"], "Partners need");
  page.sort = "emails";  // a set, not a column
  EXPECT_THROW(list_records(store->view(), Kind::Contact, page), UserError);
  EXPECT_TRUE(sortable_column(Kind::Need, "raised"));
  EXPECT_FALSE(sortable_column(Kind::Offer, "areas"));
}

// The statements `run` prepares on `view` whose text holds "ORDER BY", as
// SQLite's query plan says it would run them.
std::vector<std::string> ordered_plans(View& view, const std::function<void()>& run) {
  std::vector<std::string> sql;
  auto keep = [](unsigned, void* out, void*, void* text) {
    std::string s(static_cast<const char*>(text));
    if (s.find("ORDER BY") != std::string::npos) static_cast<std::vector<std::string>*>(out)->push_back(s);
    return 0;
  };
  sqlite3_trace_v2(view.db().raw(), SQLITE_TRACE_STMT, keep, &sql);
  run();
  sqlite3_trace_v2(view.db().raw(), 0, nullptr, nullptr);
  std::vector<std::string> plans;
  for (const auto& s : sql) {
    auto st = view.db().prepare("EXPLAIN QUERY PLAN " + s);
    std::string plan;
    while (st.step()) plan += st.text(3) + "\n";
    plans.push_back(plan);
  }
  return plans;
}

// A page of the needs or offers list, as the web pages ask for it, reads
// the kind's list index in order and stops after its rows: a sort of every
// row the audience sees was what made a page deep in the list slow.
TEST_F(AudienceScopeTest, APageOfTheNeedsOrOffersListReadsTheListIndexInOrderForEveryAudience) {
  for (const auto& audience : {Audience::everyone(), Audience::partners(), Audience::of_org("osce"), Audience::all()}) {
    auto view = limited(audience);
    for (auto [kind, index] : {std::pair{Kind::Need, "needs_listed"}, std::pair{Kind::Offer, "offers_listed"}}) {
      ListFilter page;
      page.limit = 50;
      page.offset = 100;
      auto plans = ordered_plans(view, [&] { list_records(view, kind, page); });
      ASSERT_EQ(plans.size(), 1u) << audience.name();
      EXPECT_NE(plans[0].find(index), std::string::npos) << audience.name() << "\n" << plans[0];
      EXPECT_EQ(plans[0].find("TEMP B-TREE FOR ORDER BY"), std::string::npos) << audience.name() << "\n" << plans[0];
    }
  }
}

TEST_F(AudienceScopeTest, SearchAndTheMatrixCountOnlyWhatTheAudienceSees) {
  auto reader = limited(Audience::everyone());
  EXPECT_TRUE(search_records(reader, kCanary, 10).empty());
  auto shared = limited(Audience::of_org("osce"));
  EXPECT_EQ(search_records(shared, kCanary, 10).size(), 1u);
  auto m = build_matrix(reader, {});
  EXPECT_EQ(m.total.open, 1);
  EXPECT_EQ(m.total.covered, 1);
  auto full = build_matrix(store->view(), {});
  EXPECT_EQ(full.total.open, 3);
  auto other = limited(Audience::of_org("eu"));
  EXPECT_EQ(build_matrix(other, {}).total.open, 2);
  // An offer the audience may not see covers nothing it sees: need b is a
  // gap for the partners, covered for OSCE, whose offer it is.
  auto partners = limited(Audience::partners());
  auto pm = build_matrix(partners, {});
  EXPECT_EQ(pm.total.covered, 1);
  EXPECT_EQ(pm.open_gaps, std::optional<std::size_t>(1));
  EXPECT_EQ(count_gaps(partners, {}), 1u);
  EXPECT_EQ(gaps(partners, {}).at(0)["id"], id('b'));
  auto osce = limited(Audience::of_org("osce"));
  auto om = build_matrix(osce, {});
  EXPECT_EQ(om.total.covered, 3);
  EXPECT_EQ(om.open_gaps, std::optional<std::size_t>(0));
  EXPECT_EQ(count_gaps(osce, {}), 0u);
  EXPECT_EQ(full.total.covered, 3);
}

TEST_F(AudienceScopeTest, AReferenceToAHiddenRecordAndPersonalFieldsAreLeftOut) {
  auto reader = limited(Audience::everyone());
  auto offer = reader.get(Kind::Offer, id('1'));
  ASSERT_TRUE(offer);
  auto shown = visible_record(reader, Audience::everyone(), Kind::Offer, *offer);
  ASSERT_TRUE(shown);
  EXPECT_EQ((*shown)["needs"], Json::array({id('a')}));
  auto contact = reader.get(Kind::Contact, id('e'));
  ASSERT_TRUE(contact);
  auto point = visible_record(reader, Audience::everyone(), Kind::Contact, *contact);
  ASSERT_TRUE(point);
  EXPECT_EQ((*point)["role"], "Border duty desk");
  EXPECT_FALSE(point->contains("emails"));
  EXPECT_FALSE(point->contains("name"));
  EXPECT_EQ(point->dump().find(kPersonal), std::string::npos);
  auto partner = limited(Audience::partners());
  auto full = visible_record(partner, Audience::partners(), Kind::Contact, *partner.get(Kind::Contact, id('e')));
  ASSERT_TRUE(full);
  EXPECT_EQ((*full)["emails"], Json::array({kPersonal}));
  // Nothing is written through a limited connection.
  EXPECT_ANY_THROW(reader.remove(Kind::Need, id('a')));
  EXPECT_TRUE(store->view().exists(Kind::Need, id('a')));
  // A restricted need is not a row of the reader's view at all.
  EXPECT_FALSE(reader.get(Kind::Need, id('c')));
  EXPECT_FALSE(reader.exists(Kind::Need, id('c')));
}

}  // namespace
}  // namespace liaison
