// Attacks on liaisond's push checks with a real server on loopback: pushes
// crafted from a client's history (commits liaison itself would never
// write) by an editor token, each refused or turned into a submission, with
// central unchanged; and the audit row that every accepted push leaves,
// also when the server is killed in the middle of a push.
#include <filesystem>
#include <fstream>

#include <git2.h>
#include <sys/wait.h>

#include "git/commit_patch.h"
#include "git/git_handles.h"
#include "base/compression.h"
#include "model/record.h"
#include "sync/http_client.h"
#include "sync/protocol.h"
#include "tests/e2e/server_fixture.h"

namespace liaison::test {
namespace {

const Person kForger{"Central Staff", "staff@example.org"};

class ServerPushTest : public ServerTest {
 protected:
  // Pushes the commits from `base` to `head` of a copy's history, as
  // `liaison push` would send them.
  sync::HttpResponse push_commits(const std::string& copy, const std::string& tok, const CommitId& base,
                                  const CommitId& head, const std::string& claimed_head = "") {
    auto history = History::open(path(copy + "/history.git"));
    auto patches = make_patches(history, head, {base});
    sync::PushRequest push{base, claimed_head.empty() ? head : claimed_head, encode_patches(patches)};
    return send_push(tok, sync::encode_push(push));
  }
  sync::HttpResponse send_push(const std::string& tok, const std::string& body) {
    return sync::http_request(sync::parse_url(url), "POST", "/v1/push", tok, body, sync::kPatchType);
  }
  CommitId write(const std::string& copy, const std::vector<CommitId>& parents, const std::vector<FileChange>& changes) {
    auto history = History::open(path(copy + "/history.git"));
    return history.write_commit(parents, changes, kForger, "crafted\n");
  }
  FileChange contact_file(const std::string& id, const std::string& org, const std::string& role,
                          const Json& areas = Json::array()) {
    Json record{{"id", id}, {"org", org}, {"role", role}, {"status", "active"}};
    if (!areas.empty()) record["areas"] = areas;
    return {record_path(Kind::Contact, id), canonical_json(normalize_record(Kind::Contact, record))};
  }
  // git in a copy's history, as someone crafting commits by hand would.
  std::string git_in(const std::string& copy, const std::vector<std::string>& args) {
    std::vector<std::string> argv{"/usr/bin/git", "--git-dir", path(copy + "/history.git")};
    argv.insert(argv.end(), args.begin(), args.end());
    auto environment = env();
    for (const char* k : {"GIT_AUTHOR_NAME", "GIT_COMMITTER_NAME"}) environment[k] = kForger.name;
    for (const char* k : {"GIT_AUTHOR_EMAIL", "GIT_COMMITTER_EMAIL"}) environment[k] = kForger.email;
    auto r = run_process(argv, environment);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return r.out.substr(0, 40);
  }
  std::size_t count_objects() {
    std::size_t n = 0;
    for (const auto& e : std::filesystem::recursive_directory_iterator(path("data/central/history.git/objects"))) {
      (void)e;
      ++n;
    }
    return n;
  }
  std::string sql(const std::string& query) {
    auto r = run_process({"/usr/bin/sqlite3", "-cmd", ".timeout 10000", path("data/server.db"), query});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return r.out;
  }
  // Expects the push to be refused with 400 naming `want`, leaving central
  // as it was.
  void expect_refused(const sync::HttpResponse& r, const std::string& want) {
    EXPECT_EQ(r.status, 400) << r.body;
    EXPECT_NE(r.body.find(want), std::string::npos) << r.body;
    EXPECT_EQ(r.body.find('\n'), std::string::npos) << "one line: " << r.body;
  }
  // cis and osce each have a contact on central; returns {cis's, osce's}.
  std::pair<std::string, std::string> two_contacts() {
    auto cis_contact = start_with_cis_contact();
    std::string osce_contact = json({"contact", "add", "--org", "osce", "--role", "Liaison desk"}, "osce")["id"];
    ok({"sync"}, "osce");
    ok({"pull"}, "cis");
    return {cis_contact, osce_contact};
  }
};

TEST_F(ServerPushTest, OwnershipIsJudgedOnCentralsCurrentVersion) {
  auto id = start_with_cis_contact();
  ok({"pull"}, "hq");
  ok({"contact", "edit", id, "--org", "osce"}, "hq");
  ok({"push"}, "hq");
  auto before = central_head();
  // cis has not pulled: its copy still says the contact is its own.
  ok({"contact", "edit", id, "--role", "Changed by CIS"}, "cis");
  EXPECT_EQ(json({"push"}, "cis")["result"], "submission");
  EXPECT_EQ(central_head(), before);
  ok({"pull"}, "hq");
  auto c = json({"contact", "show", id}, "hq");
  EXPECT_EQ(c["org"], "osce");
  EXPECT_EQ(c["role"], "Duty officer");
}

TEST_F(ServerPushTest, EveryCommitOfAPushIsJudgedNotOnlyItsEndResult) {
  auto [mine, theirs] = two_contacts();
  auto base = head("cis");
  ASSERT_EQ(base, central_head());
  // c1 rewrites osce's contact in the name of central staff, c2 undoes it,
  // c3 edits cis's own contact: the end result touches only cis's record.
  auto c1 = write("cis", {base}, {contact_file(theirs, "osce", "Hijacked")});
  auto c2 = write("cis", {c1}, {contact_file(theirs, "osce", "Liaison desk")});
  auto c3 = write("cis", {c2}, {contact_file(mine, "cis-atc", "Duty officer, edited")});
  auto r = push_commits("cis", cis, base, c3);
  EXPECT_EQ(r.status, 202) << r.body;
  EXPECT_EQ(Json::parse(r.body)["result"], "submission");
  EXPECT_EQ(central_head(), base);
  auto queued = sql("SELECT detail FROM audit WHERE result='submission'");
  EXPECT_NE(queued.find(c1.substr(0, 10)), std::string::npos) << queued;
  // Without c1 and c2 the same change is the token's own: a fast-forward.
  auto own = write("cis", {base}, {contact_file(mine, "cis-atc", "Duty officer, edited")});
  auto r2 = push_commits("cis", cis, base, own);
  EXPECT_EQ(r2.status, 200) << r2.body;
  EXPECT_EQ(central_head(), own);
}

TEST_F(ServerPushTest, FilesThatAreNotValidRecordsAreRefusedInAnyCommit) {
  auto [mine, theirs] = two_contacts();
  (void)theirs;
  auto base = central_head();
  auto objects = count_objects();
  auto own_edit = contact_file(mine, "cis-atc", "Edited");
  auto readme = write("cis", {base}, {{"README", "read me\n"}, {".gitmodules", "[submodule \"x\"]\n"}});
  expect_refused(push_commits("cis", cis, base, write("cis", {readme}, {own_edit})), "which is not a record");
  auto big = write("cis", {base}, {{record_path(Kind::Contact, std::string(32, 'b')), std::string(2 << 20, 'x')}});
  auto undo = write("cis", {big}, {{record_path(Kind::Contact, std::string(32, 'b')), std::nullopt}});
  expect_refused(push_commits("cis", cis, base, write("cis", {undo}, {own_edit})), "bytes");
  // A root commit with invalid JSON at a contact path, merged in from a
  // side branch.
  auto root = History::open(path("cis/history.git"))
                  .write_commit({}, {{record_path(Kind::Contact, std::string(32, 'c')), "{not json"}}, kForger, "side\n");
  auto merge = write("cis", {base, root}, {own_edit});
  expect_refused(push_commits("cis", cis, base, merge), "no parent");
  EXPECT_EQ(central_head(), base);
  EXPECT_EQ(count_objects(), objects);
  ok({"doctor"}, "hq");
}

TEST_F(ServerPushTest, AMergeWithAnOldCentralCommitCannotRevertOthersRecords) {
  auto [mine, theirs] = two_contacts();
  (void)mine;
  auto base = central_head();
  auto root = git_in("cis", {"rev-list", "--max-parents=0", base});
  auto tree = git_in("cis", {"rev-parse", root + "^{tree}"});
  // The merge's tree is the root's: every record added since is gone.
  auto merge = git_in("cis", {"commit-tree", tree, "-p", base, "-p", root, "-m", "merge"});
  auto r = push_commits("cis", cis, base, merge);
  EXPECT_EQ(r.status, 202) << r.body;
  EXPECT_EQ(central_head(), base);
  ok({"pull"}, "hq");
  EXPECT_EQ(json({"contact", "show", theirs}, "hq")["org"], "osce");
}

TEST_F(ServerPushTest, MergesOfMoreThanTwoNonCommitParentsAndStrayCommitsAreRefused) {
  auto [mine, theirs] = two_contacts();
  (void)theirs;
  auto base = central_head();
  auto git = [&](const std::vector<std::string>& args) { return git_in("cis", args); };
  auto tree = git({"rev-parse", base + "^{tree}"});
  auto root = git({"rev-list", "--max-parents=0", base});
  auto parent = git({"rev-parse", base + "~1"});
  expect_refused(push_commits("cis", cis, base, git({"commit-tree", tree, "-p", base, "-p", parent, "-p", root, "-m", "o"})),
                 "more parents than a merge of two");
  // A blob central holds, named as a merge's second parent.
  auto blob = git({"rev-parse", base + ":" + record_path(Kind::Org, "osce")});
  std::string raw = "tree " + tree + "\nparent " + base + "\nparent " + blob +
                    "\nauthor A <a@example.org> 1700000000 +0000\ncommitter A <a@example.org> 1700000000 +0000\n\nm\n";
  git_oid id;
  ASSERT_EQ(git_odb_hash(&id, raw.data(), raw.size(), GIT_OBJECT_COMMIT), 0);
  CommitPatch odd{oid_hex(id), raw, {}};
  expect_refused(send_push(cis, sync::encode_push({base, odd.id, encode_patches({odd})})), "needs commit");
  // A commit that does not lead to the pushed head rides along.
  auto history = History::open(path("cis/history.git"));
  auto stray = write("cis", {base}, {{"junk.txt", "junk\n"}});
  auto edit = write("cis", {base}, {contact_file(mine, "cis-atc", "Edited")});
  auto patches = make_patches(history, stray, {base});
  for (auto& p : make_patches(history, edit, {base})) patches.push_back(std::move(p));
  expect_refused(send_push(cis, sync::encode_push({base, edit, encode_patches(patches)})),
                 "not part of the history the patches bring");
  auto has_stray = run_process({"/usr/bin/git", "--git-dir", path("data/central/history.git"), "cat-file", "-e", stray});
  EXPECT_NE(has_stray.exit_code, 0);
  EXPECT_EQ(central_head(), base);
}

TEST_F(ServerPushTest, ReferencesAreCheckedOnPush) {
  auto [mine, theirs] = two_contacts();
  (void)theirs;
  auto base = central_head();
  auto bad = write("cis", {base}, {contact_file(mine, "cis-atc", "Border desk", Json::array({"no-such-area"}))});
  expect_refused(push_commits("cis", cis, base, bad), "unknown area 'no-such-area'");
  auto no_org = write("cis", {base}, {contact_file(std::string(32, 'd'), "no-such-org", "Desk")});
  auto r = push_commits("cis", cis, base, no_org);
  EXPECT_EQ(r.status / 100, 4) << r.body;
  EXPECT_EQ(central_head(), base);
  // Removing an org that contacts still refer to (admin may remove orgs).
  ok({"pull"}, "hq");
  auto removal = write("hq", {base}, {{record_path(Kind::Org, "cis-atc"), std::nullopt}});
  expect_refused(push_commits("hq", admin, base, removal), "cannot remove org cis-atc");
  EXPECT_EQ(central_head(), base);
}

TEST_F(ServerPushTest, ThePushHeaderMustNameWhatItsCommitsBuild) {
  auto [mine, theirs] = two_contacts();
  (void)theirs;
  auto base = central_head();
  auto edit = write("cis", {base}, {contact_file(mine, "cis-atc", "Edited")});
  expect_refused(push_commits("cis", cis, base, edit, base), "names head");
  auto history = History::open(path("cis/history.git"));
  sync::PushRequest stray{std::string(40, 'a'), edit, encode_patches(make_patches(history, edit, {base}))};
  expect_refused(send_push(cis, sync::encode_push(stray)), "is not a commit of this token's segment");
  EXPECT_EQ(central_head(), base);
}

TEST_F(ServerPushTest, MalformedCommitsAndTextAnswer400Not500) {
  start_server();
  clone("cis", cis);
  auto base = central_head();
  auto tree = run_process({"/usr/bin/git", "--git-dir", path("cis/history.git"), "rev-parse", base + "^{tree}"})
                  .out.substr(0, 40);
  // A commit whose author is not UTF-8, with the id its bytes hash to.
  std::string raw = "tree " + tree + "\nparent " + base +
                    "\nauthor \xff\xfe <x@example.org> 1700000000 +0000\ncommitter \xff\xfe <x@example.org> "
                    "1700000000 +0000\n\nbad bytes\n";
  git_oid id;
  ASSERT_EQ(git_odb_hash(&id, raw.data(), raw.size(), GIT_OBJECT_COMMIT), 0);
  CommitPatch patch{oid_hex(id), raw, {}};
  sync::PushRequest push{base, patch.id, encode_patches({patch})};
  expect_refused(send_push(cis, sync::encode_push(push)), "not valid UTF-8");
  // A header git cannot read: no author line.
  std::string headless = "tree " + tree + "\nparent " + base + "\n\nno author\n";
  ASSERT_EQ(git_odb_hash(&id, headless.data(), headless.size(), GIT_OBJECT_COMMIT), 0);
  CommitPatch bad{oid_hex(id), headless, {}};
  auto r = send_push(cis, sync::encode_push({base, bad.id, encode_patches({bad})}));
  EXPECT_EQ(r.status, 400) << r.body;
  auto u = sync::parse_url(url);
  EXPECT_EQ(sync::http_request(u, "POST", "/v1/fetch", cis, "{\"haves\":[\"\xff\xfe\"]}").status, 400);
  EXPECT_EQ(sync::http_request(u, "POST", "/v1/push", cis, "{\"base\":\"\xff\",\"head\":\"\"}\nx").status, 400);
  EXPECT_EQ(central_head(), base);
}

TEST_F(ServerPushTest, APushExpandingPastMaxExpandedIsRefused) {
  start_server({"--max-expanded", "1"});
  clone("cis", cis);
  auto base = central_head();
  std::vector<FileChange> big;
  for (int n = 0; n < 400; ++n) {  // 400 notes of nearly 4000 bytes: 1.5 MB expanded
    char id[33];
    std::snprintf(id, sizeof id, "%032x", n + 1);
    std::string notes;
    for (int i = 0; notes.size() < 3900; ++i) notes += "line " + std::to_string(i) + " of a long note\n";
    Json record{{"id", id}, {"org", "cis-atc"}, {"role", "Desk"}, {"status", "active"}, {"notes", notes}};
    big.push_back({record_path(Kind::Contact, id), canonical_json(normalize_record(Kind::Contact, record))});
  }
  auto r = push_commits("cis", cis, base, write("cis", {base}, big));
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_NE(r.body.find("bytes"), std::string::npos) << r.body;
  EXPECT_EQ(central_head(), base);
  EXPECT_EQ(run_process({LIAISOND_BIN, "--data", path("data"), "--max-expanded", "0"}, env()).exit_code, 1);
}

// Tiny bodies that announce huge sizes: refused with 400, and the server's
// peak memory stays where it was.
TEST_F(ServerPushTest, PushBodiesAnnouncingHugeSizesAreRefusedWithoutAllocating) {
  start_server();
  auto peak_kb = [&] {
    std::ifstream in("/proc/" + std::to_string(server.pid) + "/status");
    std::string line;
    while (std::getline(in, line))
      if (line.starts_with("VmHWM:")) return std::stol(line.substr(6));
    ADD_FAILURE() << "no VmHWM for the server";
    return 0L;
  };
  auto base = central_head();
  std::string header = "{\"base\":\"" + base + "\",\"head\":\"" + base + "\"}\n";
  auto le64 = [](std::uint64_t v) {
    std::string out(8, '\0');
    for (int i = 0; i < 8; ++i) out[i] = static_cast<char>((v >> (8 * i)) & 0xFF);
    return out;
  };
  auto le32 = [](std::uint32_t v) {
    std::string out(4, '\0');
    for (int i = 0; i < 4; ++i) out[i] = static_cast<char>((v >> (8 * i)) & 0xFF);
    return out;
  };
  auto before = peak_kb();
  // A frame announcing 4 GiB from 23 bytes.
  expect_refused(send_push(cis, header + le64(4ULL << 30) + std::string(23, 'x')), "bytes");
  // Patches whose commit count, then whose id length, is 2^40 (cereal's
  // layout: byte-order byte, format, counts and lengths as 64 bits).
  std::string order(1, '\1');
  expect_refused(send_push(cis, header + compress_framed(order + le32(1) + le64(1ULL << 40), 6)), "allowed");
  expect_refused(send_push(cis, header + compress_framed(order + le32(1) + le64(1) + le64(1ULL << 40), 6)), "cut short");
  EXPECT_LT(peak_kb() - before, 64 * 1024) << "peak memory grew by " << (peak_kb() - before) << " kB";
  EXPECT_EQ(central_head(), base);
}

TEST_F(ServerPushTest, EachAcceptedPushLeavesAnAuditRowWithItsCommits) {
  auto id = start_with_cis_contact();
  (void)id;
  auto head = central_head();
  auto row = sql("SELECT token_id, org, action, result, client, head_after, state FROM audit WHERE action='push'");
  EXPECT_EQ(row, "2|cis-atc|push|applied|127.0.0.1|" + head + "|done\n");
  EXPECT_EQ(sql("SELECT count(*) FROM pushed_commits WHERE commit_id='" + head + "'"), "1\n");
}

// kill -9 at many points of a push: after a restart no audit row is left
// pending, every commit central's history gained was brought by a push
// whose row says done, every row saying done names a head central's history
// holds, and pushes go on working.
TEST_F(ServerPushTest, AuditAndHistoryAgreeAfterAKillAtAnyPointOfAPush) {
  start_server();
  clone("cis", cis);
  auto initial = central_head();  // liaisond init's commits
  constexpr int kRounds = 16;
  for (int round = 0; round < kRounds; ++round) {
    ok({"contact", "add", "--org", "cis-atc", "--role", "Desk " + std::to_string(round)}, "cis");
    auto push = start_process({LIAISON_BIN, "-C", path("cis"), "push"}, env());
    std::this_thread::sleep_for(std::chrono::milliseconds(4 * round));
    ::kill(server.pid, SIGKILL);
    finish_process(server);
    server.pid = -1;
    finish_process(push);
    // A kill while a segment's ref moved leaves its lock: the next start
    // removes it (the first round leaves one whatever the kill hit).
    if (round == 0) {
      std::filesystem::create_directories(path("data/central/history.git/refs/segments/org"));
      std::ofstream(path("data/central/history.git/refs/segments/org/cis-atc.lock")) << "";
    }
    // The same port: the copy's remote names it.
    auto port = url.substr(url.rfind(':') + 1);
    url.clear();
    start_server({}, "127.0.0.1:" + port);
    // The copy may think the server has its head or not: a sync settles it.
    auto r = liaison({"sync"}, "cis");
    if (r.exit_code != 0) {
      std::ifstream log(server.err_path);
      FAIL() << "round " << round << ": " << r.err << "\nserver log:\n" << std::string(std::istreambuf_iterator<char>(log), {});
    }
    ASSERT_EQ(head("cis"), central_head());
  }
  EXPECT_EQ(sql("SELECT count(*) FROM audit WHERE state='pending'"), "0\n");
  // How many kills hit between the audit row and the head (settled at the
  // next start) or before the head moved (not applied): for the record.
  RecordProperty("settled_done", sql("SELECT count(*) FROM audit WHERE detail LIKE '%settled at start%'"));
  RecordProperty("not_applied", sql("SELECT count(*) FROM audit WHERE state='not-applied'"));
  auto git = [&](const std::vector<std::string>& args) {
    std::vector<std::string> argv{"/usr/bin/git", "--git-dir", path("data/central/history.git")};
    argv.insert(argv.end(), args.begin(), args.end());
    return run_process(argv);
  };
  auto audited = sql("SELECT p.commit_id FROM pushed_commits p JOIN audit a ON a.id = p.audit_id WHERE a.state='done'");
  std::istringstream lines(git({"rev-list", "main", "^" + initial}).out);
  std::string commit;
  int pushed = 0;
  while (std::getline(lines, commit)) {
    if (audited.find(commit) != std::string::npos) {
      ++pushed;
      continue;
    }
    ADD_FAILURE() << "commit " << commit << " on central has no audit row:\n"
                  << git({"log", "--format=%H %an %P %s", "main"}).out;
  }
  EXPECT_EQ(pushed, kRounds);
  std::istringstream rows(sql("SELECT head_after FROM audit WHERE state='done'"));
  while (std::getline(rows, commit)) EXPECT_EQ(git({"merge-base", "--is-ancestor", commit, "main"}).exit_code, 0) << commit;
  ok({"doctor"}, "cis");
}

// The server killed at each named point of a push's write path, for a
// fast-forward and for a push the server merges: after a restart the audit
// says exactly what central's history holds, and the next sync completes.
TEST_F(ServerPushTest, AKillAtEachPointOfThePushPathLeavesAuditAndHistoryAgreeing) {
  start_server();
  clone("cis", cis);
  clone("hq", admin);
  auto port = url.substr(url.rfind(':') + 1);
  struct Point {
    const char* name;
    bool head_moved;
  };
  for (const Point point : {Point{"push-objects-written", false}, Point{"push-audit-begun", false},
                            Point{"push-head-moved", true}, Point{"push-audited", true}}) {
    for (bool merged : {false, true}) {
      SCOPED_TRACE(std::string(point.name) + (merged ? ", merged" : ", fast-forward"));
      if (merged) {  // central moves on first, so the server must merge cis's push
        ok({"pull"}, "hq");
        ok({"contact", "add", "--org", "un-ctc", "--role", "HQ desk"}, "hq");
        ok({"push"}, "hq");
      }
      stop_server();
      url.clear();
      start_server({}, "127.0.0.1:" + port, {{"LIAISOND_CRASH_AT", point.name}});
      auto before = central_head();
      ok({"contact", "add", "--org", "cis-atc", "--role", std::string("Desk at ") + point.name}, "cis");
      auto pushed_head = head("cis");
      EXPECT_NE(liaison({"push"}, "cis").exit_code, 0);
      auto killed = finish_process(server);
      server.pid = -1;
      EXPECT_EQ(killed.exit_code, 128 + SIGKILL);
      url.clear();
      start_server({}, "127.0.0.1:" + port);
      EXPECT_EQ(sql("SELECT count(*) FROM audit WHERE state='pending'"), "0\n");
      auto last = sql("SELECT state, head_after FROM audit WHERE action='push' AND pushed_head='" + pushed_head + "'");
      if (point.head_moved) {
        EXPECT_NE(central_head(), before);
        EXPECT_EQ(last, "done|" + central_head() + "\n");
      } else {
        EXPECT_EQ(central_head(), before);
        EXPECT_TRUE(last.empty() || last == "not-applied|\n") << last;
      }
      auto r = liaison({"sync"}, "cis");
      ASSERT_EQ(r.exit_code, 0) << r.err;
      EXPECT_EQ(head("cis"), central_head());
      // The commit the server made of the push is the one its audit row brings.
      // (After a kill before the head moved, the sync pushes a merge: the
      // latest done push is the one that brought the change.)
      auto applied = sql("SELECT head_after FROM audit WHERE action='push' AND state='done' ORDER BY id DESC LIMIT 1");
      ASSERT_EQ(applied.size(), 41u) << applied;
      EXPECT_EQ(sql("SELECT count(*) FROM audit a JOIN pushed_commits p ON p.audit_id = a.id WHERE a.state='done'"
                    " AND p.commit_id='" + applied.substr(0, 40) + "'"),
                "1\n");
    }
  }
  ok({"doctor"}, "cis");
}

}  // namespace
}  // namespace liaison::test
