// End-to-end tests of liaisond and the sync client: real server on an
// ephemeral loopback port, real `liaison` clients in temporary folders.
#include <filesystem>
#include <set>

#include "sync/http_client.h"
#include "tests/e2e/server_fixture.h"

namespace liaison::test {
namespace {

TEST_F(ServerTest, TwoOrganizationsEditDifferentFieldsAndBothSync) {
  start_server();
  clone("cis", cis);
  clone("hq", admin);
  std::string id = json({"contact", "add", "--org", "cis-atc", "--role", "Duty officer", "--email", "duty@example.org"},
                        "cis")["id"];
  // An editor's copy holds its organization's segment: the server applies
  // its changes onto central and hands back the segment's version.
  EXPECT_EQ(json({"push"}, "cis")["result"], "applied");
  ok({"pull"}, "hq");
  ok({"contact", "edit", id, "--hours", "Mon-Fri 09:00-18:00"}, "hq");
  ok({"contact", "edit", id, "--add-email", "desk@example.org"}, "cis");
  EXPECT_EQ(json({"sync"}, "hq")["push"]["result"], "fast-forward");
  // cis built on an older head: the server applies its change on the newer one.
  auto pushed = json({"push"}, "cis");
  EXPECT_EQ(pushed["result"], "applied");
  ok({"pull"}, "cis");
  ok({"pull"}, "hq");
  for (const char* copy : {"cis", "hq"}) {
    auto c = json({"contact", "show", id}, copy);
    EXPECT_EQ(c["hours"], "Mon-Fri 09:00-18:00") << copy;
    EXPECT_EQ(c["emails"].size(), 2u) << copy;
    EXPECT_EQ(head(copy), central_head()) << copy;
  }
}

TEST_F(ServerTest, SyncWithNothingToPushIsUpToDate) {
  start_server();
  clone("cis", cis);
  clone("hq", admin);
  auto first = json({"sync"}, "cis");
  EXPECT_EQ(first["pull"]["result"], "up-to-date");
  EXPECT_EQ(first["push"]["result"], "up-to-date");
  EXPECT_EQ(first["push"]["head"], central_head());
  ok({"contact", "add", "--org", "cis-atc", "--role", "Duty officer"}, "cis");
  EXPECT_EQ(json({"push"}, "cis")["result"], "applied");
  EXPECT_EQ(json({"push"}, "cis")["result"], "up-to-date");
  // Right after a pull that fast-forwarded, too.
  auto hq = json({"sync"}, "hq");
  EXPECT_EQ(hq["pull"]["result"], "fast-forward");
  EXPECT_EQ(hq["push"]["result"], "up-to-date");
  EXPECT_EQ(head("hq"), central_head());
}

TEST_F(ServerTest, ConflictIsAnswered409ThenResolvedAndPushed) {
  start_server();
  clone("cis", cis);
  clone("hq", admin);
  std::string id = json({"contact", "add", "--org", "cis-atc", "--role", "Duty officer"}, "cis")["id"];
  ok({"push"}, "cis");
  ok({"pull"}, "hq");
  ok({"contact", "edit", id, "--role", "Set by HQ"}, "hq");
  ok({"push"}, "hq");
  ok({"contact", "edit", id, "--role", "Set by CIS"}, "cis");
  std::string before = central_head();
  auto r = liaison({"push"}, "cis");
  EXPECT_EQ(r.exit_code, 3) << r.err;
  EXPECT_NE(r.err.find("conflicts with central"), std::string::npos) << r.err;
  EXPECT_EQ(central_head(), before);
  EXPECT_EQ(liaison({"pull"}, "cis").exit_code, 3);
  ok({"resolve", id, "role", "--value", "Agreed"}, "cis");
  ok({"merge", "--continue"}, "cis");
  EXPECT_EQ(json({"push"}, "cis")["result"], "applied");
  ok({"pull"}, "hq");
  EXPECT_EQ(json({"contact", "show", id}, "hq")["role"], "Agreed");
}

TEST_F(ServerTest, ReaderFetchesButCannotPush) {
  start_server();
  clone("bank", reader);
  EXPECT_EQ(json({"status"}, "bank")["org"], "world-bank");
  ok({"contact", "add", "--org", "world-bank", "--role", "Programme officer"}, "bank");
  std::string before = central_head();
  auto r = liaison({"push"}, "bank");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("reader"), std::string::npos) << r.err;
  EXPECT_EQ(central_head(), before);
  ok({"pull"}, "bank");
}

TEST_F(ServerTest, OutOfScopePushBecomesASubmissionAcceptedOrRejected) {
  std::string id = start_with_cis_contact();
  ok({"pull"}, "osce");
  std::string before = central_head();
  ok({"contact", "edit", id, "--hours", "24/7"}, "osce");
  auto pushed = json({"push"}, "osce");
  EXPECT_EQ(pushed["result"], "submission");
  EXPECT_EQ(central_head(), before);  // nothing merged yet
  auto queue = json({"review", "list"}, "hq");
  ASSERT_EQ(queue.size(), 1u);
  EXPECT_EQ(queue[0]["org"], "osce");
  EXPECT_EQ(queue[0]["status"], "pending");
  auto detail = json({"review", "show", "1"}, "hq");
  EXPECT_EQ(detail["changes"][0]["fields"][0]["field"], "hours");
  // Editors cannot work the queue.
  auto forbidden = liaison({"review", "accept", "1"}, "cis");
  EXPECT_EQ(forbidden.exit_code, 1);
  ok({"review", "accept", "1"}, "hq");
  ok({"pull"}, "osce");
  auto status = json({"status"}, "osce");
  ASSERT_EQ(status["submissions"].size(), 1u);
  EXPECT_EQ(status["submissions"][0]["status"], "accepted");
  ok({"pull"}, "cis");
  EXPECT_EQ(json({"contact", "show", id}, "cis")["hours"], "24/7");

  // A second one, rejected with a reason the submitter sees.
  ok({"contact", "edit", id, "--unit", "Wrong unit"}, "osce");
  EXPECT_EQ(json({"push"}, "osce")["result"], "submission");
  ok({"review", "reject", "2", "--reason", "Unit names are set by CIS ATC"}, "hq");
  ok({"pull"}, "osce");
  auto shown = ok({"status"}, "osce");
  EXPECT_NE(shown.find("rejected - Unit names are set by CIS ATC"), std::string::npos) << shown;
}

TEST_F(ServerTest, PullAsksForSubmissionsOnlyWhenTheirStampChanged) {
  std::string id = start_with_cis_contact();
  ok({"pull"}, "osce");  // no stamp seen yet: asks (1)
  ok({"pull"}, "osce");  // unchanged: does not ask
  ok({"contact", "edit", id, "--hours", "24/7"}, "osce");
  EXPECT_EQ(json({"push"}, "osce")["result"], "submission");
  ok({"pull"}, "osce");  // a new submission: asks (2)
  EXPECT_EQ(json({"status"}, "osce")["submissions"][0]["status"], "pending");
  ok({"review", "reject", "1", "--reason", "Hours are set by CIS ATC"}, "hq");
  ok({"pull"}, "osce");  // decided: asks (3)
  ok({"pull"}, "osce");  // unchanged: does not ask
  EXPECT_EQ(json({"status"}, "osce")["submissions"][0]["status"], "rejected");
  stop_server();
  std::size_t asked = 0;
  for (std::size_t at = server_log.find("org=osce GET /v1/submissions 200"); at != std::string::npos;
       at = server_log.find("org=osce GET /v1/submissions 200", at + 1))
    ++asked;
  EXPECT_EQ(asked, 3u) << server_log;
}

TEST_F(ServerTest, ErrorStatuses) {
  start_server({"--max-body", "1"});
  auto u = sync::parse_url(url);
  EXPECT_EQ(sync::http_request(u, "GET", "/v1/health", "").status, 200);
  EXPECT_EQ(sync::http_request(u, "GET", "/v1/whoami", "").status, 401);
  EXPECT_EQ(sync::http_request(u, "GET", "/v1/whoami", "lz_not_a_real_token").status, 401);
  EXPECT_EQ(sync::http_request(u, "POST", "/v1/fetch", cis, "{not json").status, 400);
  EXPECT_EQ(sync::http_request(u, "POST", "/v1/fetch", cis, "{\"haves\": 3}").status, 400);
  EXPECT_EQ(sync::http_request(u, "POST", "/v1/push", cis, "{\"base\":\"\",\"head\":\"x\"}\nnot patches").status, 400);
  EXPECT_EQ(sync::http_request(u, "POST", "/v1/push", reader, "{}").status, 403);
  EXPECT_EQ(sync::http_request(u, "GET", "/v1/nowhere", cis).status, 404);
  EXPECT_EQ(sync::http_request(u, "POST", "/v1/push", cis, std::string(2 << 20, 'x')).status, 413);
  // A revoked token is refused from then on.
  auto list = run_process({LIAISOND_BIN, "token", "list", "--data", path("data")}, env());
  ASSERT_NE(list.out.find("osce"), std::string::npos);
  EXPECT_EQ(sync::http_request(u, "GET", "/v1/whoami", osce).status, 200);
  auto revoke = run_process({LIAISOND_BIN, "token", "revoke", "3", "--data", path("data")}, env());
  ASSERT_EQ(revoke.exit_code, 0) << revoke.err;
  EXPECT_EQ(sync::http_request(u, "GET", "/v1/whoami", osce).status, 401);
  // The server kept serving throughout, and logged every request without tokens.
  EXPECT_EQ(sync::http_request(u, "GET", "/v1/health", "").status, 200);
  stop_server();
  EXPECT_NE(server_log.find("POST /v1/push 413"), std::string::npos) << server_log;
  EXPECT_EQ(server_log.find("lz_"), std::string::npos);
}

TEST_F(ServerTest, TokensAreStoredHashedAndKeptOutOfHistory) {
  start_server();
  clone("cis", cis);
  auto db = run_process({"/usr/bin/sqlite3", "-cmd", ".timeout 10000", path("data/server.db"), "SELECT hash FROM tokens"});
  EXPECT_EQ(db.out.find(cis), std::string::npos);
  auto grep = run_process({"/usr/bin/git", "--git-dir", path("cis/history.git"), "grep", cis.substr(3, 12), "HEAD"});
  EXPECT_NE(grep.exit_code, 0);  // not found in history
  auto mode = std::filesystem::status(path("cis/view.db")).permissions();
  EXPECT_EQ(mode & (std::filesystem::perms::group_all | std::filesystem::perms::others_all),
            std::filesystem::perms::none);
}

TEST_F(ServerTest, TlsWithASelfSignedCertificate) {
  auto gen = run_process({"/usr/bin/openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj",
                          "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", path("key.pem"),
                          "-out", path("cert.pem")});
  ASSERT_EQ(gen.exit_code, 0) << gen.err;
  start_server({"--tls-cert", path("cert.pem"), "--tls-key", path("key.pem")});
  ASSERT_EQ(url.substr(0, 8), "https://");
  // Without trusting the certificate the client refuses to talk.
  auto refused = run_process({LIAISON_BIN, "-C", dir_.string(), "clone", url, "x", "--token", cis}, env());
  EXPECT_EQ(refused.exit_code, 2);
  EXPECT_FALSE(std::filesystem::exists(path("x/history.git")));
  auto e = env();
  e["LIAISON_CA_FILE"] = path("cert.pem");
  auto r = run_process({LIAISON_BIN, "-C", dir_.string(), "clone", url, "cis", "--token", cis}, e);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto added = run_process({LIAISON_BIN, "-C", path("cis"), "contact", "add", "--org", "cis-atc", "--role", "TLS test"}, e);
  ASSERT_EQ(added.exit_code, 0) << added.err;
  auto pushed = run_process({LIAISON_BIN, "-C", path("cis"), "push"}, e);
  EXPECT_EQ(pushed.exit_code, 0) << pushed.err;
  EXPECT_EQ(head("cis"), central_head());
}

TEST_F(ServerTest, FiftyConcurrentPushesLoseNothing) {
  start_server();
  constexpr int kClients = 50;
  clone("c0", cis);
  for (int i = 1; i < kClients; ++i) std::filesystem::copy(path("c0"), path("c" + std::to_string(i)),
                                                           std::filesystem::copy_options::recursive);
  std::vector<std::string> ids;
  for (int i = 0; i < kClients; ++i)
    ids.push_back(json({"contact", "add", "--org", "cis-atc", "--role", "Concurrent " + std::to_string(i)},
                       "c" + std::to_string(i))["id"]);
  std::vector<BackgroundProcess> pushes;
  for (int i = 0; i < kClients; ++i)
    pushes.push_back(start_process({LIAISON_BIN, "-C", path("c" + std::to_string(i)), "push"}, env()));
  int failures = 0;
  for (auto& p : pushes) {
    auto r = finish_process(p);
    if (r.exit_code != 0) {
      ++failures;
      ADD_FAILURE() << r.err;
    }
  }
  EXPECT_EQ(failures, 0);
  clone("check", admin);
  auto contacts = json({"list", "contacts"}, "check");
  std::set<std::string> present;
  for (const auto& c : contacts) present.insert(c["id"].get<std::string>());
  for (const auto& id : ids) EXPECT_TRUE(present.count(id)) << id;
  EXPECT_NE(ok({"doctor"}, "check").find("OK"), std::string::npos);
}

TEST_F(ServerTest, RejectedPushLeavesNothingBehind) {
  start_server();
  clone("cis", cis);
  clone("hq", admin);
  std::string id = json({"contact", "add", "--org", "cis-atc", "--role", "Duty officer"}, "cis")["id"];
  ok({"push"}, "cis");
  ok({"pull"}, "hq");
  ok({"contact", "edit", id, "--role", "HQ"}, "hq");
  ok({"push"}, "hq");
  ok({"contact", "edit", id, "--role", "CIS"}, "cis");
  auto count_objects = [&] {
    std::size_t n = 0;
    for (const auto& e : std::filesystem::recursive_directory_iterator(path("data/central/history.git/objects"))) {
      (void)e;
      ++n;
    }
    return n;
  };
  auto objects = count_objects();
  auto before = central_head();
  EXPECT_EQ(liaison({"push"}, "cis").exit_code, 3);
  EXPECT_EQ(count_objects(), objects);
  EXPECT_EQ(central_head(), before);
}


TEST_F(ServerTest, OneChangeIsOneSubmissionAndALaterEditUpdatesIt) {
  std::string id = start_with_cis_contact();
  ok({"pull"}, "osce");
  ok({"contact", "edit", id, "--hours", "24/7"}, "osce");
  auto first = json({"sync"}, "osce")["push"];
  EXPECT_EQ(first["result"], "submission");
  EXPECT_EQ(first["filed"], "new");
  EXPECT_EQ(first["status"], "pending");
  std::int64_t n = first["submission"];

  // Every later sync while it waits sends the same commit: nothing new is filed.
  for (int i = 0; i < 2; ++i) {
    auto again = json({"sync"}, "osce")["push"];
    EXPECT_EQ(again["result"], "submission");
    EXPECT_EQ(again["submission"], n);
    EXPECT_EQ(again["filed"], "already");
  }
  EXPECT_NE(ok({"push"}, "osce").find("waiting for review as submission #" + std::to_string(n) + " already"),
            std::string::npos);
  ASSERT_EQ(json({"review", "list"}, "hq").size(), 1u);

  // A later edit of the copy builds on the submitted commit: it joins it.
  ok({"contact", "edit", id, "--unit", "Border guard liaison"}, "osce");
  auto updated = json({"push"}, "osce");
  EXPECT_EQ(updated["submission"], n);
  EXPECT_EQ(updated["filed"], "updated");
  auto queue = json({"review", "list"}, "hq");
  ASSERT_EQ(queue.size(), 1u);
  EXPECT_EQ(queue[0]["revision"], 1);
  std::set<std::string> fields;
  auto shown = json({"review", "show", std::to_string(n)}, "hq");
  for (const auto& c : shown["changes"])
    for (const auto& f : c["fields"]) fields.insert(f["field"].get<std::string>());
  EXPECT_EQ(fields, (std::set<std::string>{"hours", "unit"})) << shown.dump();
  // The copy learns of the update at its next pull (the stamp changed).
  ok({"pull"}, "osce");
  EXPECT_EQ(json({"status"}, "osce")["submissions"][0]["revision"], 1);

  ok({"review", "accept", std::to_string(n)}, "hq");
  ok({"pull"}, "cis");
  auto contact = json({"contact", "show", id}, "cis");
  EXPECT_EQ(contact["hours"], "24/7");
  EXPECT_EQ(contact["unit"], "Border guard liaison");
  auto done = json({"sync"}, "osce");
  EXPECT_EQ(done["push"]["result"], "up-to-date");

  // A rejected change sent again is answered with the rejection, not filed again.
  ok({"contact", "edit", id, "--role", "Wrong role"}, "osce");
  std::int64_t second = json({"push"}, "osce")["submission"];
  EXPECT_NE(second, n);
  ok({"review", "reject", std::to_string(second), "--reason", "Roles are set by CIS ATC"}, "hq");
  auto resent = json({"push"}, "osce");
  EXPECT_EQ(resent["submission"], second);
  EXPECT_EQ(resent["status"], "rejected");
  EXPECT_EQ(resent["reason"], "Roles are set by CIS ATC");
  EXPECT_NE(ok({"push"}, "osce").find("rejected in review as submission #" + std::to_string(second)),
            std::string::npos);
  EXPECT_EQ(json({"review", "list"}, "hq").size(), 2u);
}

TEST_F(ServerTest, JsonSyncStoppedByConflictsPrintsThemOnStandardOutput) {
  std::string id = start_with_cis_contact();
  ok({"pull"}, "hq");
  ok({"contact", "edit", id, "--role", "Set by HQ"}, "hq");
  ok({"push"}, "hq");
  ok({"contact", "edit", id, "--role", "Set by CIS"}, "cis");
  auto r = liaison({"--json", "sync"}, "cis");
  EXPECT_EQ(r.exit_code, 3) << r.err;
  auto out = nlohmann::json::parse(r.out);
  EXPECT_EQ(out["pull"]["result"], "conflicts");
  EXPECT_EQ(out["pull"]["conflicts"], 1);
  ASSERT_EQ(out["pull"]["conflict_list"].size(), 1u) << r.out;
  EXPECT_EQ(out["pull"]["conflict_list"][0]["field"], "role");
  EXPECT_EQ(out["pull"]["conflict_list"][0]["theirs"], "Set by HQ");
  EXPECT_TRUE(out["push"].is_null());
  // `pull --json` prints the same outcome on its own.
  ok({"merge", "--abort"}, "cis");
  auto pulled = liaison({"--json", "pull"}, "cis");
  EXPECT_EQ(pulled.exit_code, 3);
  EXPECT_EQ(nlohmann::json::parse(pulled.out)["conflict_list"][0]["ours"], "Set by CIS");
}

}  // namespace
}  // namespace liaison::test
