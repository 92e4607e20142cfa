// End-to-end tests of the matrix commands with the real binary, on the
// sample directory shipped in data/sample.
#include <algorithm>
#include <map>
#include <set>
#include <sstream>

#include "tests/e2e/cli_fixture.h"

namespace liaison::test {
namespace {

class MatrixCliTest : public CliTest {
 protected:
  void SetUp() override {
    CliTest::SetUp();
    init("copy", "un-ctc");
    for (const char* kind : {"contacts", "needs", "offers"})
      ok({"import", std::string(LIAISON_SOURCE_DIR) + "/data/sample/" + kind + ".csv"});
  }
};

TEST_F(MatrixCliTest, MatrixTotalsAgreeWithTheNeedsListed) {
  // Count by hand from the records what the matrix must say.
  auto needs = json({"list", "needs"});
  std::map<std::string, int> open_by_state;
  int open = 0;
  for (const auto& n : needs) {
    std::string status = n["status"];
    if (status == "open" || status == "matched" || status == "in-progress") {
      ++open;
      ++open_by_state[n.value("state", "(no state)")];
    }
  }
  auto m = json({"matrix"});
  EXPECT_EQ(m["total"]["open"], open);
  for (const auto& row : m["rows"]) EXPECT_EQ(row["total"]["open"], open_by_state[row["key"]]) << row["key"];
  EXPECT_EQ(m["rows"].size(), open_by_state.size());
  auto csv = ok({"matrix", "--format", "csv"});
  EXPECT_EQ(csv.substr(0, csv.find("\r\n")), "state,label,area,open,covered,gap");
  auto table = ok({"matrix", "--by", "region"});
  EXPECT_NE(table.find("TOTAL"), std::string::npos);
  auto bad = liaison({"matrix", "--by", "planet"});
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_NE(bad.err.find("--by"), std::string::npos);
}

TEST_F(MatrixCliTest, NeedMatchLinksTheOfferAndMovesTheStatus) {
  auto need = json({"need", "add", "--org", "cis-atc", "--state", "TJ", "--area", "border", "--title", "Dogs unit"});
  auto offer = json({"offer", "add", "--provider", "osce", "--title", "K9 training", "--kind", "training", "--area",
                     "border", "--recipient", "TJ"});
  std::string n = need["id"], o = offer["id"];
  auto before = json({"gaps", "--state", "TJ"});
  bool listed = false;
  for (const auto& g : before) listed |= g["id"] == n;
  EXPECT_TRUE(listed);
  auto matched = json({"need", "match", n.substr(0, 8), o.substr(0, 8)});
  EXPECT_EQ(matched["need"]["status"], "matched");
  EXPECT_EQ(json({"offer", "show", o})["needs"][0], n);
  for (const auto& g : json({"gaps", "--state", "TJ"})) EXPECT_NE(g["id"], n);
  // The match is one commit that names both records.
  auto log = json({"log", "-n", "1"});
  EXPECT_NE(log[0]["message"].get<std::string>().find("Match need"), std::string::npos);
  // Cancelled offers and finished needs cannot be matched.
  ok({"offer", "edit", o, "--status", "cancelled"});
  auto need2 = json({"need", "add", "--org", "cis-atc", "--state", "TJ", "--area", "border", "--title", "Second"});
  auto refused = liaison({"need", "match", need2["id"], o});
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_NE(refused.err.find("cancelled"), std::string::npos);
}

TEST_F(MatrixCliTest, ReportIsOneSelfContainedPage) {
  ok({"contact", "add", "--org", "cis-atc", "--role", "Added for the report", "--name", "Ali <Hassan> & Co"});
  auto r = json({"report", "--out", path("report.html"), "--since", "2026-11-01"});
  EXPECT_GT(r["gaps"].get<int>(), 0);
  EXPECT_GT(r["stale"].get<int>(), 0);
  std::ifstream in(path("report.html"));
  std::string html((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  for (const char* section : {"The directory", "Matrix of assistance needs", "Gaps", "not verified for 365 days",
                              "Changes since 2026-11-01"})
    EXPECT_NE(html.find(section), std::string::npos) << section;
  EXPECT_NE(html.find("Ali &lt;Hassan&gt; &amp; Co"), std::string::npos);
  EXPECT_EQ(html.find("<Hassan>"), std::string::npos);
  auto dup = json({"duplicates"});
  EXPECT_GE(dup["needs_covered_by_several_providers"].size(), 1u);
  auto cov = json({"coverage"});
  EXPECT_GT(cov["orgs"].size(), 20u);
}

TEST_F(MatrixCliTest, SubAreaColumnsHaveDistinctHeads) {
  // With --area border the columns are border and its sub-areas, whose codes
  // all start with "border-": each head must still say which one it is.
  auto columns = json({"matrix", "--area", "border"})["columns"];
  ASSERT_GE(columns.size(), 4u);
  auto table = ok({"matrix", "--area", "border"});
  std::istringstream lines(table);
  std::string header;
  std::getline(lines, header);
  std::vector<std::string> heads;
  std::istringstream words(header);
  for (std::string w; words >> w;) heads.push_back(w);
  // STATE, one head per column, then "TOTAL (gap)".
  ASSERT_EQ(heads.size(), columns.size() + 3) << header;
  EXPECT_EQ(heads.front(), "STATE");
  heads = std::vector<std::string>(heads.begin() + 1, heads.end() - 2);
  EXPECT_EQ(std::set<std::string>(heads.begin(), heads.end()).size(), heads.size()) << header;
  EXPECT_EQ(std::count(heads.begin(), heads.end(), "border"), 1) << header;
  // The legend names each head's area once.
  for (const auto& c : columns)
    EXPECT_NE(table.find("=" + c["name"].get<std::string>() + ";"), std::string::npos) << c["name"];
  // Without --area, the top-level areas are as distinct.
  auto all = ok({"matrix"});
  std::string top = all.substr(0, all.find('\n'));
  std::vector<std::string> top_heads;
  std::istringstream top_words(top);
  for (std::string w; top_words >> w;) top_heads.push_back(w);
  EXPECT_EQ(std::set<std::string>(top_heads.begin(), top_heads.end()).size(), top_heads.size()) << top;
}

}  // namespace
}  // namespace liaison::test
