// End-to-end tests of recovery with the real binary: history is the truth.
// A lost view is rebuilt from history.git without losing the copy's own
// state (org, remotes and tokens, a merge in progress: state.db); a plain
// bare git history of a copy can be cloned; doctor compares everything the
// view derives (columns, set tables, the search index), not only its json.
#include <filesystem>
#include <fstream>

#include "tests/e2e/cli_fixture.h"

namespace liaison::test {
namespace {

class RecoveryTest : public CliTest {
 protected:
  std::string contact_id;
  void SetUp() override {
    CliTest::SetUp();
    init("hq", "cis-atc");
    contact_id = json({"contact", "add", "--org", "cis-atc", "--role", "Border desk", "--area", "border",
                       "--name", "Ivan Petrov", "--email", "duty@example.org"},
                      "hq")["id"];
    auto r = run_process({LIAISON_BIN, "-C", dir_.string(), "clone", "hq", "copy", "--org", "osce"}, env());
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  void lose_view(const std::string& copy) {
    for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(dir_ / copy / ("view.db" + std::string(suffix)));
    ASSERT_FALSE(std::filesystem::exists(dir_ / copy / "view.db"));
  }
  ProcessResult sql(const std::string& copy, const std::string& statement) {
    return run_process({"/usr/bin/sqlite3", path(copy + "/view.db"), statement});
  }
};

TEST_F(RecoveryTest, ALostViewIsRebuiltFromHistoryKeepingTheCopysOrgAndRemotes) {
  std::string before = head();
  lose_view("copy");
  auto rebuilt = liaison({"doctor", "--rebuild"});
  EXPECT_EQ(rebuilt.exit_code, 0) << rebuilt.out << rebuilt.err;
  EXPECT_NE(rebuilt.out.find("OK"), std::string::npos) << rebuilt.out;
  auto status = json({"status"});
  EXPECT_EQ(status["org"], "osce");
  EXPECT_EQ(status["head"], before);
  auto remotes = json({"remote", "list"});
  ASSERT_EQ(remotes.size(), 1u) << remotes.dump();
  EXPECT_EQ(remotes[0]["name"], "origin");
  EXPECT_EQ(json({"contact", "show", contact_id})["role"], "Border desk");

  // Any command, not only doctor, rebuilds a missing view.
  lose_view("copy");
  EXPECT_EQ(json({"list", "contacts", "--area", "border"}).size(), 1u);
  EXPECT_EQ(json({"search", "Petrov"}).size(), 1u);
  ok({"pull"});
}

// A command killed while moving the head leaves git's ref lock file; the
// next command, holding the copy's writer lock, knows it is stale.
TEST_F(RecoveryTest, ARefLockLeftByAKilledCommandDoesNotRefuseTheNext) {
  auto leave_lock = [&](const std::string& copy) {
    std::ofstream(dir_ / copy / "history.git/refs/heads/main.lock") << "0000000000000000000000000000000000000000\n";
  };
  leave_lock("copy");
  ok({"contact", "edit", contact_id, "--role", "Edited after a kill"});
  EXPECT_EQ(json({"contact", "show", contact_id})["role"], "Edited after a kill");
  EXPECT_FALSE(std::filesystem::exists(dir_ / "copy/history.git/refs/heads/main.lock"));

  // A push into another copy takes that copy's writer lock too.
  leave_lock("hq");
  ok({"push"});
  EXPECT_EQ(json({"contact", "show", contact_id}, "hq")["role"], "Edited after a kill");

  // And a pull that fast-forwards.
  ok({"contact", "edit", contact_id, "--role", "Edited at HQ"}, "hq");
  leave_lock("copy");
  ok({"pull"});
  EXPECT_EQ(json({"contact", "show", contact_id})["role"], "Edited at HQ");
  auto doctor = liaison({"doctor"});
  EXPECT_EQ(doctor.exit_code, 0) << doctor.out << doctor.err;
}

TEST_F(RecoveryTest, AMergeInProgressSurvivesTheLossOfTheView) {
  ok({"contact", "edit", contact_id, "--role", "Set by HQ"}, "hq");
  ok({"contact", "edit", contact_id, "--role", "Set by OSCE"});
  EXPECT_EQ(liaison({"pull"}).exit_code, 3);
  lose_view("copy");
  auto conflicts = json({"conflicts"});
  ASSERT_EQ(conflicts.size(), 1u);
  EXPECT_EQ(conflicts[0]["field"], "role");
  auto edit = liaison({"contact", "edit", contact_id, "--role", "Third"});
  EXPECT_EQ(edit.exit_code, 1);
  EXPECT_NE(edit.err.find("merge is in progress"), std::string::npos) << edit.err;
  ok({"resolve", contact_id, "role", "--theirs"});
  ok({"merge", "--continue"});
  EXPECT_EQ(json({"contact", "show", contact_id})["role"], "Set by HQ");
  EXPECT_NE(ok({"doctor"}).find("OK"), std::string::npos);
}

TEST_F(RecoveryTest, ABareGitHistoryOfACopyCanBeCloned) {
  auto git = run_process({"/usr/bin/git", "clone", "--quiet", "--bare", path("hq/history.git"), path("mirror.git")});
  ASSERT_EQ(git.exit_code, 0) << git.err;
  auto no_org = run_process({LIAISON_BIN, "-C", dir_.string(), "clone", "mirror.git", "fromgit"}, env());
  EXPECT_EQ(no_org.exit_code, 1);
  EXPECT_NE(no_org.err.find("--org"), std::string::npos) << no_org.err;
  EXPECT_FALSE(std::filesystem::exists(dir_ / "fromgit"));
  EXPECT_FALSE(std::filesystem::exists(dir_ / "mirror.git" / "view.db")) << "the source is only read";

  auto r = run_process({LIAISON_BIN, "-C", dir_.string(), "clone", "mirror.git", "fromgit", "--org", "osce"}, env());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(json({"status"}, "fromgit")["org"], "osce");
  EXPECT_EQ(head("fromgit"), head("hq"));
  EXPECT_EQ(json({"contact", "show", contact_id}, "fromgit")["name"], "Ivan Petrov");
  EXPECT_NE(ok({"doctor"}, "fromgit").find("OK"), std::string::npos);

  // The mirror stays a remote to pull from and push to.
  ok({"contact", "edit", contact_id, "--role", "Moved on"}, "hq");
  git = run_process({"/usr/bin/git", "--git-dir", path("mirror.git"), "fetch", "--quiet", path("hq/history.git"),
                     "+refs/heads/*:refs/heads/*"});
  ASSERT_EQ(git.exit_code, 0) << git.err;
  EXPECT_EQ(json({"pull"}, "fromgit")["result"], "fast-forward");
  EXPECT_EQ(json({"contact", "show", contact_id}, "fromgit")["role"], "Moved on");
}

TEST_F(RecoveryTest, DoctorComparesColumnsSetTablesAndTheSearchIndex) {
  EXPECT_NE(ok({"doctor"}).find("OK"), std::string::npos);
  struct Tamper {
    std::string statement, problem;
  };
  const std::vector<Tamper> tampering = {
      {"UPDATE contacts SET org='eu' WHERE id='" + contact_id + "'", "column org"},
      {"UPDATE contacts SET role='Other desk' WHERE id='" + contact_id + "'", "column role"},
      {"DELETE FROM contacts_areas", "contacts_areas"},
      {"INSERT INTO contacts_areas SELECT rid, 'legislation' FROM contacts WHERE id='" + contact_id + "'",
       "contacts_areas"},
      {"INSERT INTO contacts_areas VALUES(99999, 'border')", "rows of no record"},
      {"INSERT INTO search(rowid, body) SELECT rid * 8 + 2, 'smuggled' FROM contacts WHERE id='" + contact_id + "'",
       "search index differs"},
  };
  for (const auto& t : tampering) {
    auto changed = sql("copy", t.statement);
    ASSERT_EQ(changed.exit_code, 0) << t.statement << ": " << changed.err;
    auto r = liaison({"doctor"});
    EXPECT_EQ(r.exit_code, 2) << t.statement << "\n" << r.out;
    EXPECT_NE(r.out.find(t.problem), std::string::npos) << t.statement << "\n" << r.out;
    auto fixed = liaison({"doctor", "--rebuild"});
    EXPECT_EQ(fixed.exit_code, 0) << t.statement << "\n" << fixed.out;
  }
  // The search index lost an entry: the record can no longer be found.
  auto forgot = sql("copy", "INSERT INTO search(search, rowid, body) SELECT 'delete', rid * 8 + 2, 'Border desk'"
                            " FROM contacts WHERE id='" + contact_id + "'");
  ASSERT_EQ(forgot.exit_code, 0) << forgot.err;
  auto r = liaison({"doctor"});
  EXPECT_EQ(r.exit_code, 2) << r.out;
  EXPECT_NE(r.out.find("search index differs from history for contact"), std::string::npos) << r.out;
}

}  // namespace
}  // namespace liaison::test
