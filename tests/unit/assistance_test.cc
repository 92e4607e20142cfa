// Tests of the matrix, gaps, duplicates and coverage (view/assistance.h) and
// of the HTML pages (io/report_html.h), on a small directory whose figures
// are worked out by hand in the comments.
#include <gtest/gtest.h>

#include "view/assistance.h"
#include "io/report_html.h"
#include "store/store.h"
#include "tests/unit/temp_copy.h"

namespace liaison {
namespace {

std::string id(char c) { return std::string(32, c); }

class AssistanceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store.emplace(Store::init(dir / "copy", {"un-ctc", std::nullopt, true}));
    auto need = [](char c, const char* state, const char* area, const char* priority, const char* status,
                   const char* title) {
      Json n = {{"id", id(c)}, {"org", "cis-atc"}, {"area", area}, {"priority", priority}, {"status", status},
                {"raised", "2025-0" + std::string(1, static_cast<char>('1' + (c - 'a'))) + "-01"}, {"title", title}};
      if (*state) n["state"] = state;
      return RecordChange{Kind::Need, id(c), n};
    };
    auto offer = [](char c, const char* provider, const char* area, const char* recipient, std::vector<std::string> needs,
                    const char* status) {
      Json o = {{"id", id(c)}, {"provider", provider}, {"title", "Offer " + std::string(1, c)}, {"kind", "training"},
                {"areas", {area}}, {"recipients", {recipient}}, {"status", status}};
      if (!needs.empty()) o["needs"] = needs;
      return RecordChange{Kind::Offer, id(c), o};
    };
    store->commit(
        {
            need('a', "KZ", "border-api-pnr", "high", "open", "Passenger data unit"),  // KZ border, covered twice
            need('b', "KZ", "border", "medium", "open", "Mobile patrols"),             // KZ border, a gap
            need('c', "KG", "cft-fiu", "low", "matched", "FIU software"),              // KG cft, offer cancelled
            need('d', "KG", "border", "high", "fulfilled", "Scanners"),                // not open
            need('e', "", "pve", "high", "open", "Regional <PVE> & \"dialogue\""),     // no state, a gap
            need('f', "UZ", "cft", "high", "in-progress", "Asset freezing law"),       // UZ cft, covered
            offer('1', "osce", "border", "KZ", {id('a')}, "planned"),
            offer('2', "eu", "border", "KZ", {id('a')}, "ongoing"),
            offer('3', "unodc", "cft", "KG", {id('c')}, "cancelled"),
            offer('4', "osce", "border", "KZ", {}, "planned"),  // looks like offer 1
            offer('5', "unodc", "cft", "UZ", {id('f')}, "ongoing"),
        },
        "test data");
  }
  MatrixCell cell(const Matrix& m, const std::string& row, const std::string& column) {
    auto it = m.cells.find({row, column});
    return it == m.cells.end() ? MatrixCell{} : it->second;
  }
  test::TempDir dir;
  std::optional<Store> store;
};

TEST_F(AssistanceTest, MatrixByStateCountsOpenCoveredAndGap) {
  auto m = build_matrix(store->view(), {});
  // KZ/border: needs a (covered by offers 1 and 2) and b: 2 open, 1 covered.
  EXPECT_EQ(cell(m, "KZ", "border").open, 2);
  EXPECT_EQ(cell(m, "KZ", "border").covered, 1);
  EXPECT_EQ(cell(m, "KZ", "border").gap(), 1);
  // KG/cft: need c, its only offer is cancelled. KG/border: need d is fulfilled, not counted.
  EXPECT_EQ(cell(m, "KG", "cft").open, 1);
  EXPECT_EQ(cell(m, "KG", "cft").covered, 0);
  EXPECT_EQ(cell(m, "KG", "border").open, 0);
  EXPECT_EQ(cell(m, "UZ", "cft").covered, 1);
  EXPECT_EQ(cell(m, "(no state)", "pve").open, 1);
  EXPECT_EQ(m.total.open, 5);
  EXPECT_EQ(m.total.covered, 2);
  EXPECT_EQ(m.column_totals["cft"].open, 2);
  EXPECT_EQ(m.row_totals["KZ"].open, 2);
  ASSERT_EQ(m.rows.size(), 4u);
  EXPECT_EQ(m.rows.back().first, "(no state)");  // last, after the states by name
  EXPECT_EQ(m.rows.front().second, "Kazakhstan");
}

TEST_F(AssistanceTest, MatrixByRegionProviderAreaAndStatus) {
  MatrixOptions by_region;
  by_region.by = "region";
  auto r = build_matrix(store->view(), by_region);
  EXPECT_EQ(cell(r, "Asia", "border").open, 2);
  EXPECT_EQ(cell(r, "Asia", "cft").open, 2);
  EXPECT_EQ(cell(r, "Asia", "cft").covered, 1);

  MatrixOptions osce;
  osce.provider = "osce";  // only OSCE's offers count: UZ/cft is no longer covered
  auto p = build_matrix(store->view(), osce);
  EXPECT_EQ(cell(p, "KZ", "border").covered, 1);
  EXPECT_EQ(cell(p, "UZ", "cft").covered, 0);

  MatrixOptions border;
  border.area = "border";  // columns: border itself, then its sub-areas
  auto b = build_matrix(store->view(), border);
  ASSERT_GE(b.columns.size(), 2u);
  EXPECT_EQ(b.columns[0].first, "border");
  EXPECT_EQ(cell(b, "KZ", "border").open, 1);          // need b
  EXPECT_EQ(cell(b, "KZ", "border-api-pnr").open, 1);  // need a
  EXPECT_EQ(b.total.open, 2);

  MatrixOptions fulfilled;
  fulfilled.statuses = {"fulfilled"};
  auto f = build_matrix(store->view(), fulfilled);
  EXPECT_EQ(f.total.open, 1);
  EXPECT_EQ(cell(f, "KG", "border").open, 1);

  MatrixOptions bad;
  bad.by = "planet";
  EXPECT_THROW(build_matrix(store->view(), bad), UserError);
  MatrixOptions unknown_area;
  unknown_area.area = "astrology";
  EXPECT_THROW(build_matrix(store->view(), unknown_area), UserError);
}

TEST_F(AssistanceTest, GapsAreOpenUncoveredNeedsHighPriorityFirst) {
  auto g = gaps(store->view(), {});
  ASSERT_EQ(g.size(), 2u);
  EXPECT_EQ(g[0]["id"], id('e'));  // high
  EXPECT_EQ(g[1]["id"], id('b'));  // medium
  MatrixOptions kz;
  kz.state = "kz";
  auto only_kz = gaps(store->view(), kz);
  ASSERT_EQ(only_kz.size(), 1u);
  EXPECT_EQ(only_kz[0]["id"], id('b'));
  EXPECT_EQ(count_gaps(store->view(), {}), 2u);
  EXPECT_EQ(count_gaps(store->view(), kz), 1u);
}

TEST_F(AssistanceTest, TheMatrixCountsTheGapsAsCountGapsDoesWhenTheFiltersAllow) {
  std::vector<MatrixOptions> filters(7);
  filters[1].state = "kz";
  filters[2].area = "border";
  filters[3].by = "region";
  filters[3].region = "Central Asia";  // KZ, KG, UZ
  filters[4].by = "org";
  filters[5].priority = "high";
  filters[6].statuses = {"open", "fulfilled"};
  for (const auto& f : filters) {
    auto m = build_matrix(store->view(), f);
    ASSERT_TRUE(m.open_gaps.has_value());
    EXPECT_EQ(*m.open_gaps, count_gaps(store->view(), f)) << f.by << " " << f.state.value_or("") << " "
                                                          << f.area.value_or("") << " " << f.priority.value_or("");
  }
  EXPECT_EQ(*build_matrix(store->view(), filters[0]).open_gaps, 2u);
  EXPECT_EQ(*build_matrix(store->view(), filters[1]).open_gaps, 1u);
  // The region's figures are the region's: need e has no state.
  EXPECT_EQ(*build_matrix(store->view(), filters[3]).open_gaps, 1u);
  EXPECT_EQ(build_matrix(store->view(), filters[3]).total.open, 4);
  // A provider changes what covers, and matched needs alone hold no open one:
  // then the gaps are count_gaps' to count.
  MatrixOptions osce;
  osce.provider = "osce";
  EXPECT_FALSE(build_matrix(store->view(), osce).open_gaps.has_value());
  MatrixOptions matched;
  matched.statuses = {"matched"};
  EXPECT_FALSE(build_matrix(store->view(), matched).open_gaps.has_value());
}

TEST_F(AssistanceTest, DuplicatesFindNeedsCoveredTwiceAndLookAlikeOffers) {
  auto d = duplicates(store->view());
  ASSERT_EQ(d.covered_twice.size(), 1u);
  EXPECT_EQ(d.covered_twice[0].need["id"], id('a'));
  EXPECT_EQ(d.covered_twice[0].offers.size(), 2u);
  // Offers 1, 2 and 4 are all training for border in KZ.
  ASSERT_EQ(d.look_alike.size(), 3u);
  int same_provider = 0;
  for (const auto& p : d.look_alike) same_provider += p.same_provider ? 1 : 0;
  EXPECT_EQ(same_provider, 1);  // offers 1 and 4, both OSCE
  // Offer 4 links to no need but reaches need a (KZ, a sub-area of border),
  // which the EU's offer covers; OSCE's own offer 1 does not count, and the
  // cancelled offer 3 covers nothing.
  ASSERT_EQ(d.overlaps.size(), 1u);
  EXPECT_EQ(d.overlaps[0].offer["id"], id('4'));
  EXPECT_EQ(d.overlaps[0].need["id"], id('a'));
  EXPECT_EQ(d.overlaps[0].covering_providers, std::vector<std::string>{"eu"});
}

TEST_F(AssistanceTest, CoverageCountsActiveStaleAndMissingAreas) {
  store->commit({{Kind::Contact, id('7'), Json{{"id", id('7')}, {"org", "cis-atc"}, {"role", "A"}, {"areas", {"border"}},
                                                {"last_verified", "2026-06-01"}, {"status", "active"}}},
                 {Kind::Contact, id('8'), Json{{"id", id('8')}, {"org", "cis-atc"}, {"role", "B"}, {"areas", {"cft-fiu"}},
                                                {"last_verified", "2020-01-01"}, {"status", "active"}}},
                 {Kind::Contact, id('9'), Json{{"id", id('9')}, {"org", "cis-atc"}, {"role", "C"}, {"areas", {"pve"}},
                                                {"status", "inactive"}}}},
                "contacts");
  auto c = coverage(store->view(), 365, "2026-11-22");
  const CoverageRow* cis = nullptr;
  for (const auto& r : c.orgs)
    if (r.key == "cis-atc") cis = &r;
  ASSERT_TRUE(cis);
  EXPECT_EQ(cis->active, 2);
  EXPECT_EQ(cis->stale, 1);
  EXPECT_EQ(cis->by_area.at("border"), 1);
  EXPECT_EQ(cis->by_area.at("cft"), 1);
  EXPECT_NE(std::find(cis->missing_areas.begin(), cis->missing_areas.end(), "pve"), cis->missing_areas.end());
  // Per state, through the countries the organization covers (CIS ATC covers KZ).
  const CoverageRow* kz = nullptr;
  for (const auto& r : c.states)
    if (r.key == "KZ") kz = &r;
  ASSERT_TRUE(kz);
  EXPECT_GE(kz->active, 2);
}

TEST_F(AssistanceTest, HtmlEscapesAndKeepsEveryScript) {
  store->commit({{Kind::Need, id('0'), Json{{"id", id('0')}, {"org", "cis-atc"}, {"area", "pve"}, {"state", "KZ"},
                                             {"title", "Диалог <b> & \"حوار\" '对话'"}, {"raised", "2025-01-01"},
                                             {"priority", "high"}, {"status", "open"}}}},
                "script test");
  MatrixOptions o;
  auto m = build_matrix(store->view(), o);
  add_drill_down(store->view(), m, o);
  PageText keys{"en", [](std::string_view key) { return std::string(key); }};
  auto html = matrix_page(m, "Matrix <test> & co", keys);
  EXPECT_EQ(html.rfind("<!DOCTYPE html>", 0), 0u);
  EXPECT_NE(html.find("<title>Matrix &lt;test&gt; &amp; co</title>"), std::string::npos);
  EXPECT_NE(html.find("Диалог &lt;b&gt; &amp; &quot;حوار&quot; &#39;对话&#39;"), std::string::npos);
  EXPECT_EQ(html.find("<b>"), std::string::npos);
  EXPECT_EQ(html.find("Regional <PVE>"), std::string::npos);
  EXPECT_NE(html.find("Regional &lt;PVE&gt; &amp; &quot;dialogue&quot;"), std::string::npos);
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_EQ(html.find("http"), std::string::npos);  // self-contained: nothing to fetch
  // Every opened table cell is closed.
  auto count = [&](const std::string& s) {
    std::size_t n = 0;
    for (auto at = html.find(s); at != std::string::npos; at = html.find(s, at + 1)) ++n;
    return n;
  };
  EXPECT_EQ(count("<td"), count("</td>"));
  EXPECT_EQ(count("<tr>"), count("</tr>"));
  EXPECT_EQ(html_escape("a<b>&\"'"), "a&lt;b&gt;&amp;&quot;&#39;");
}

TEST_F(AssistanceTest, MatrixJsonAndCsvCarryTheSameFigures) {
  auto m = build_matrix(store->view(), {});
  auto j = matrix_json(m);
  EXPECT_EQ(j["total"]["open"], 5);
  EXPECT_EQ(j["total"]["gap"], 3);
  bool found = false;
  for (const auto& row : j["rows"])
    if (row["key"] == "KZ") {
      found = true;
      EXPECT_EQ(row["cells"]["border"]["covered"], 1);
    }
  EXPECT_TRUE(found);
  auto csv = matrix_csv(m);
  EXPECT_NE(csv.find("KZ,Kazakhstan,border,2,1,1"), std::string::npos) << csv;
}

}  // namespace
}  // namespace liaison
