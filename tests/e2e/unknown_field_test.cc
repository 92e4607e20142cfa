// End-to-end tests of fields this version does not know (model/record.h):
// a record a newer version wrote, carrying a field this one lacks, is put
// into a copy's history with git's own plumbing; the real `liaison` and
// `liaisond` then edit, merge, push, pull and clone it, and the field's
// bytes must come out of every history exactly as they went in.
#include <gtest/gtest.h>

#include "tests/e2e/server_fixture.h"

namespace liaison::test {
namespace {

using nlohmann::json;

// What a newer version might write: an object with nested values, a float,
// escaped and non-ASCII text and a null, plus an array with repeats (not a
// set to this version, so nothing may be dropped or reordered).
const std::string kFunding = R"("funding_window":{"amounts":[250000,0.25,-3],"from":"2027-01-01",)"
                             R"("label":"Fen\u0001être \"A\"","open":true,"to":null})";
const std::string kTags = R"("zz_tags":["b","a","b"])";

class UnknownFieldTest : public ServerTest {
 protected:
  std::string history_of(const std::string& copy) const {
    auto central = dir_ / copy / "history.git";
    return std::filesystem::exists(central) ? central.string() : (dir_ / copy).string();
  }
  ProcessResult git(const std::string& copy, const std::vector<std::string>& args,
                    const std::map<std::string, std::string>& extra = {}) {
    std::vector<std::string> argv{"/usr/bin/git", "--git-dir", history_of(copy)};
    argv.insert(argv.end(), args.begin(), args.end());
    auto environment = env();
    environment.insert({{"GIT_AUTHOR_NAME", "Newer Version"},
                        {"GIT_AUTHOR_EMAIL", "newer@example.org"},
                        {"GIT_COMMITTER_NAME", "Newer Version"},
                        {"GIT_COMMITTER_EMAIL", "newer@example.org"},
                        {"GIT_CONFIG_NOSYSTEM", "1"}});
    for (const auto& [k, v] : extra) environment[k] = v;
    auto r = run_process(argv, environment);
    EXPECT_EQ(r.exit_code, 0) << "git " << join(args) << "\n" << r.err;
    return r;
  }
  static std::string trimmed(const std::string& s) { return s.substr(0, s.find_last_not_of("\n") + 1); }
  static std::string contact_path(const std::string& id) { return "contacts/" + id.substr(0, 2) + "/" + id + ".json"; }

  // The record file as the head of `copy`'s history holds it.
  std::string blob(const std::string& copy, const std::string& id) {
    return git(copy, {"show", "main:" + contact_path(id)}).out;
  }

  // Commits, as a newer version would, the contact with the unknown fields
  // added to its current version: the canonical text spliced by hand, so
  // that no JSON library of this version writes those bytes.
  void write_as_newer_version(const std::string& copy, const std::string& id) {
    std::string text = blob(copy, id);
    // Its first key is the id: funding_window sorts before it, zz_tags last.
    ASSERT_EQ(text.rfind("{\"id\":", 0), 0u) << text;
    ASSERT_EQ(text.substr(text.size() - 2), "}\n");
    text = "{" + kFunding + "," + text.substr(1, text.size() - 3) + "," + kTags + "}\n";
    auto head = trimmed(git(copy, {"rev-parse", "main"}).out);
    write("newer.json", text);
    auto object = trimmed(git(copy, {"hash-object", "-w", path("newer.json")}).out);
    std::map<std::string, std::string> index{{"GIT_INDEX_FILE", path("newer.index")}};
    git(copy, {"read-tree", head}, index);
    git(copy, {"update-index", "--add", "--cacheinfo", "100644," + object + "," + contact_path(id)}, index);
    auto tree = trimmed(git(copy, {"write-tree"}, index).out);
    std::filesystem::remove(path("newer.index"));
    auto commit = trimmed(
        git(copy, {"commit-tree", tree, "-p", head, "-m", "Edit contact (funding window)\n\nLiaison-Org: un-ctc"}).out);
    git(copy, {"update-ref", "refs/heads/main", commit, head});
    ASSERT_EQ(blob(copy, id), text);
  }

  // The unknown fields must be in the record file byte for byte.
  void expect_kept(const std::string& copy, const std::string& id) {
    auto text = blob(copy, id);
    EXPECT_EQ(text.rfind("{" + kFunding + ",", 0), 0u) << copy << ": " << text;
    EXPECT_NE(text.find("," + kTags + "}\n"), std::string::npos) << copy << ": " << text;
  }
};

TEST_F(UnknownFieldTest, AnEditOfAnotherFieldKeepsTheUnknownFieldsByteForByte) {
  init("copy", "cis-atc");
  std::string id = json({"contact", "add", "--org", "cis-atc", "--role", "Duty officer", "--name", "Ana Example"})["id"];
  write_as_newer_version("copy", id);

  // The copy catches up with the commit it did not make, shows the record
  // as stored, and its checks find nothing wrong.
  auto shown = json({"contact", "show", id});
  EXPECT_EQ(shown["funding_window"]["label"], "Fen\x01" "être \"A\"");
  EXPECT_EQ(shown["zz_tags"], json::array({"b", "a", "b"}));
  // As text too, after the fields this version knows.
  auto text = ok({"contact", "show", id});
  EXPECT_NE(text.find("zz_tags:"), std::string::npos) << text;
  EXPECT_GT(text.find("zz_tags:"), text.find("role:")) << text;
  ok({"doctor"});

  ok({"contact", "edit", id, "--role", "Head of unit"});
  expect_kept("copy", id);
  auto after = json({"contact", "show", id});
  EXPECT_EQ(after["role"], "Head of unit");
  EXPECT_EQ(after["name"], "Ana Example");
  // The edit's commit touched the role only.
  auto change = json({"show"})["changes"][0]["fields"];
  ASSERT_EQ(change.size(), 1u) << change.dump();
  EXPECT_EQ(change[0]["field"], "role");
  // The commit that brought the field in lists it as a changed field.
  auto brought = json({"show", "HEAD~1"})["changes"][0]["fields"];
  ASSERT_EQ(brought.size(), 2u) << brought.dump();
  EXPECT_EQ(brought[0]["field"], "funding_window");
  EXPECT_EQ(brought[1]["field"], "zz_tags");
  ok({"doctor"});
}

TEST_F(UnknownFieldTest, AJsonImportStillRefusesAKeyTheKindDoesNotKnow) {
  init("copy", "cis-atc");
  write("new.json", R"([{"org":"cis-atc","role":"Analyst","funding_window":"2027"}])");
  auto r = liaison({"import", path("new.json"), "--kind", "contact"});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.err.find("unknown field 'funding_window' (fields: id, org, role,"), std::string::npos) << r.err;
  EXPECT_EQ(json({"contact", "list"}).size(), 0u);
}

TEST_F(UnknownFieldTest, AMergeOfEditsOfOtherFieldsOnTwoCopiesKeepsThem) {
  init("a", "cis-atc");
  std::string id = json({"contact", "add", "--org", "cis-atc", "--role", "Duty officer"}, "a")["id"];
  write_as_newer_version("a", id);
  auto r = run_process({LIAISON_BIN, "-C", dir_.string(), "clone", path("a"), "b", "--org", "osce"}, env());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  expect_kept("b", id);

  ok({"contact", "edit", id, "--role", "Head of unit"}, "a");
  ok({"contact", "edit", id, "--hours", "Mon-Fri 09-17"}, "b");
  EXPECT_EQ(json({"pull"}, "b")["result"], "merged");
  expect_kept("b", id);
  auto merged = json({"contact", "show", id}, "b");
  EXPECT_EQ(merged["role"], "Head of unit");
  EXPECT_EQ(merged["hours"], "Mon-Fri 09-17");

  ok({"remote", "add", "peer", path("b")}, "a");
  EXPECT_EQ(json({"pull", "peer"}, "a")["result"], "fast-forward");
  expect_kept("a", id);
  EXPECT_EQ(blob("a", id), blob("b", id));
  ok({"doctor"}, "a");
  ok({"doctor"}, "b");
}

TEST_F(UnknownFieldTest, PushToAServerThenPullAndCloneKeepThemByteForByte) {
  start_server();
  clone("hq", admin);
  clone("cis", cis);
  std::string id = json({"contact", "add", "--org", "cis-atc", "--role", "Duty officer"}, "hq")["id"];
  ok({"push"}, "hq");
  write_as_newer_version("hq", id);
  ok({"contact", "edit", id, "--role", "Head of unit"}, "hq");
  EXPECT_EQ(json({"push"}, "hq")["result"], "fast-forward");
  expect_kept("data/central", id);
  EXPECT_EQ(blob("data/central", id), blob("hq", id));

  // A copy that pulls, and one cloned afterwards, get the same bytes.
  EXPECT_EQ(json({"pull"}, "cis")["result"], "fast-forward");
  expect_kept("cis", id);
  clone("late", osce);  // partners see fields this version does not know (model/visibility.h)
  expect_kept("late", id);
  EXPECT_EQ(json({"contact", "show", id}, "late")["zz_tags"], json::array({"b", "a", "b"}));
  ok({"doctor"}, "late");

  // An edit on the pulled copy goes back through the server's checks.
  // (cis's copy holds the history served to its token, so its push is
  // applied onto central's records rather than fast-forwarded.)
  ok({"contact", "edit", id, "--hours", "24/7"}, "cis");
  std::string pushed = json({"push"}, "cis")["result"];
  EXPECT_TRUE(pushed == "fast-forward" || pushed == "applied") << pushed;
  expect_kept("data/central", id);
  EXPECT_EQ(json({"pull"}, "hq")["result"], "fast-forward");
  expect_kept("hq", id);
  EXPECT_EQ(json({"contact", "show", id}, "hq")["hours"], "24/7");
}

}  // namespace
}  // namespace liaison::test
