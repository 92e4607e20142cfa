// Unit tests of fields this version does not know (model/record.h) where
// they meet the rest of the program: a JSON import refuses them, a copy
// keeps them through an edit and `doctor`, and the server's push checks
// accept a record carrying them in canonical form.
#include <gtest/gtest.h>

#include "base/error.h"
#include "git/history.h"
#include "io/importer.h"
#include "model/record.h"
#include "model/record_edit.h"
#include "server/push_policy.h"
#include "store/store.h"
#include "tests/unit/temp_copy.h"

namespace liaison {
namespace {

const std::string kId = "c0ffee00000000000000000000000001";

// A contact as a newer version writes it, in canonical form.
const std::string kNewer = R"({"funding_window":{"from":"2027-01-01","ratio":0.25},"id":")" + kId +
                           R"(","org":"osce","role":"Focal point","status":"active","x_tags":["b","a","b"]})" "\n";

std::string import_error(std::string_view text) {
  try {
    read_import(Kind::Contact, text, "contacts.json", ImportFormat::Json, 0);
  } catch (const UserError& e) {
    return e.what();
  }
  return "";
}

TEST(UnknownFieldImport, AJsonImportRefusesAKeyTheKindDoesNotKnowNamingTheFields) {
  auto msg = import_error(R"([{"org":"osce","role":"Analyst"},{"id":")" + kId +
                          R"(","org":"osce","role":"Analyst","nickname":"JR"}])");
  EXPECT_EQ(msg.find("contacts.json: record 2: contact c0ffee00: unknown field 'nickname' (fields: id, org, role,"),
            0u)
      << msg;
  EXPECT_NE(msg.find(", status, notes"), std::string::npos) << msg;
  EXPECT_EQ(msg.back(), ')') << msg;
  EXPECT_EQ(msg.find('\n'), std::string::npos) << msg;
  // Even one whose name a newer version might use, and whatever its name holds.
  EXPECT_NE(import_error("[" + kNewer + "]").find("unknown field 'funding_window'"),
            std::string::npos);
  auto odd = import_error(R"([{"org":"osce","role":"Analyst","a\nb":1}])");
  EXPECT_NE(odd.find(R"(unknown field 'a\nb')"), std::string::npos) << odd;
  EXPECT_EQ(odd.find('\n'), std::string::npos) << odd;
  // Known fields alone still import.
  auto ok = read_import(Kind::Contact, R"([{"org":"osce","role":"Analyst"}])", "contacts.json", ImportFormat::Json, 0);
  EXPECT_EQ(ok.changes.size(), 1u);
}

class UnknownFieldCopy : public ::testing::Test {
 protected:
  void SetUp() override {
    // A record a newer version wrote, as history holds it.
    auto head = *store.history().head();
    auto commit = store.history().write_commit({head}, {{record_path(Kind::Contact, kId), kNewer}},
                                               {"Newer Version", "newer@example.org"}, "Add contact\n");
    ASSERT_TRUE(store.history().advance_head(head, commit, "a newer version"));
    store.catch_up();
  }
  std::string stored_text() {
    auto text = store.history().read_file(*store.history().head(), record_path(Kind::Contact, kId));
    return text.value_or("(none)");
  }
  test::TempDir dir;
  Store store = Store::init(dir / "copy", {"un-ctc", std::nullopt, true});
};

TEST_F(UnknownFieldCopy, AnEditOfAnotherFieldKeepsThemByteForByte) {
  auto before = store.get(Kind::Contact, kId);
  auto after = apply_edits(Kind::Contact, before, {{"role", FieldEdit::Op::Set, "Head of unit"}});
  store.update(Kind::Contact, kId, after);
  std::string expected = kNewer;
  expected.replace(expected.find("Focal point"), 11, "Head of unit");
  EXPECT_EQ(stored_text(), expected);
  EXPECT_EQ(store.get(Kind::Contact, kId)["x_tags"], Json({"b", "a", "b"})) << "not a set: repeats stay";
  auto report = store.doctor();
  EXPECT_TRUE(report.ok()) << (report.problems.empty() ? "" : report.problems[0]);
}

TEST(UnknownFieldPush, TheServerChecksAcceptThemInCanonicalFormOnly) {
  test::TempDir dir;
  History history = History::init(dir / "history.git");
  const Person author{"Unit Test", "unit.test@example.org"};
  auto org = canonical_json(normalize_record(Kind::Org, Json{{"slug", "osce"}, {"name", "OSCE"}, {"kind", "regional"}}));
  auto root = history.write_commit({}, {{record_path(Kind::Org, "osce"), org}}, author, "root\n");
  auto path = record_path(Kind::Contact, kId);
  auto no_referrers = [](Kind, const std::string&) { return std::vector<RecordKey>{}; };
  auto pushed = history.write_commit({root}, {{path, kNewer}}, author, "newer\n");
  auto review = server::review_push(history, root, pushed, no_referrers);
  EXPECT_EQ(review.records, 1u);

  auto refusal = [&](const std::string& text) {
    auto bad = history.write_commit({root}, {{path, text}}, author, "bad\n");
    try {
      server::review_push(history, root, bad, no_referrers);
    } catch (const UserError& e) {
      return std::string(e.what());
    }
    return std::string("accepted");
  };
  std::string spaced = kNewer;
  spaced.replace(spaced.find(R"("ratio":0.25)"), 12, R"("ratio": 0.25)");
  EXPECT_NE(refusal(spaced).find("not in canonical form"), std::string::npos) << refusal(spaced);
  std::string malformed = kNewer;
  malformed.replace(malformed.find("x_tags"), 6, "X_tags");
  EXPECT_NE(refusal(malformed).find("unknown field 'X_tags' is not a well-formed name"), std::string::npos)
      << refusal(malformed);
}

}  // namespace
}  // namespace liaison
