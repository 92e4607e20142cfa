// Unit tests of what a push contributes (server/push_policy.h): records the
// client took from central are not its contribution, whatever else changed;
// each contributed version carries its text as pushed, and validation
// refuses one that is not in canonical form.
#include <gtest/gtest.h>

#include <algorithm>

#include "core/error.h"
#include "core/history.h"
#include "server/push_policy.h"
#include "tests/unit/temp_copy.h"

namespace liaison::server {
namespace {

const Person kAuthor{"Unit Test", "unit.test@example.org"};

std::string id_of(char c) { return std::string(32, c); }
std::string path_of(char c) { return record_path(Kind::Contact, id_of(c)); }
std::string text_of(char c, const std::string& role) {
  return "{\"id\":\"" + id_of(c) + "\",\"org\":\"osce\",\"role\":\"" + role + "\",\"status\":\"active\"}\n";
}

std::vector<std::string> ids(const std::vector<Contribution>& contributions) {
  std::vector<std::string> out;
  for (const auto& c : contributions) out.push_back(c.id);
  std::sort(out.begin(), out.end());
  return out;
}

class PushPolicyTest : public ::testing::Test {
 protected:
  CommitId commit(const std::vector<CommitId>& parents, const std::vector<FileChange>& changes) {
    return history.write_commit(parents, changes, kAuthor, "test\n");
  }
  test::TempDir dir;
  History history = History::init(dir / "history.git");
};

TEST_F(PushPolicyTest, RecordsTakenFromCentralAreNotContributed) {
  auto base = commit({}, {{path_of('a'), text_of('a', "A1")}, {path_of('b'), text_of('b', "B1")},
                          {path_of('c'), text_of('c', "C1")}, {path_of('f'), text_of('f', "F1")}});
  // Central changed a, removed c, added d and changed f.
  auto central = commit({base}, {{path_of('a'), text_of('a', "A2")}, {path_of('c'), std::nullopt},
                                 {path_of('d'), text_of('d', "D1")}, {path_of('f'), text_of('f', "F2")}});
  // The client took a, c and d from central, changed b, added e, and
  // changed f its own way.
  auto pushed = commit({base}, {{path_of('a'), text_of('a', "A2")}, {path_of('c'), std::nullopt},
                                {path_of('d'), text_of('d', "D1")}, {path_of('b'), text_of('b', "B2")},
                                {path_of('e'), text_of('e', "E1")}, {path_of('f'), text_of('f', "F3")}});
  auto contributed = contributions(history, base, central, pushed);
  EXPECT_EQ(ids(contributed), (std::vector<std::string>{id_of('b'), id_of('e'), id_of('f')}));
  for (const auto& c : contributed) {
    ASSERT_TRUE(c.text.has_value());
    ASSERT_TRUE(c.after.has_value());
    EXPECT_EQ(c.before.has_value(), c.id != id_of('e')) << c.id;
    if (c.id == id_of('f')) {
      EXPECT_EQ(*c.text, text_of('f', "F3"));
      EXPECT_EQ((*c.before)["role"], "F1");
    }
  }
  EXPECT_NO_THROW(validate_contributions(contributed));

  // Pushed straight onto central's head: everything it changed is its own.
  auto onto_central = commit({central}, {{path_of('a'), text_of('a', "A3")}, {path_of('d'), std::nullopt}});
  EXPECT_EQ(ids(contributions(history, central, central, onto_central)),
            (std::vector<std::string>{id_of('a'), id_of('d')}));
}

TEST_F(PushPolicyTest, AVersionNotInCanonicalFormIsRefused) {
  auto base = commit({}, {{path_of('a'), text_of('a', "A1")}});
  auto pushed = commit({base}, {{path_of('b'), "{\"role\": \"B1\", \"org\": \"osce\", \"id\": \"" + id_of('b') +
                                                  "\", \"status\": \"active\"}\n"}});
  auto contributed = contributions(history, base, base, pushed);
  ASSERT_EQ(contributed.size(), 1u);
  try {
    validate_contributions(contributed);
    FAIL() << "accepted a record not in canonical form";
  } catch (const UserError& e) {
    EXPECT_NE(std::string(e.what()).find("not in canonical form"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace liaison::server
