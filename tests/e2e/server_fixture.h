// Fixture for tests against a real liaisond: a data folder in the test's
// temporary folder, tokens for a few organizations, and the server started
// on 127.0.0.1 with an ephemeral port, stopped at the end of the test.
#pragma once

#include <chrono>
#include <csignal>
#include <thread>

#include "tests/e2e/cli_fixture.h"

namespace liaison::test {

class ServerTest : public CliTest {
 protected:
  void SetUp() override {
    CliTest::SetUp();
    auto r = run_process({LIAISOND_BIN, "init", path("data")}, env());
    ASSERT_EQ(r.exit_code, 0) << r.err;
    admin = token("un-ctc", "admin");
    cis = token("cis-atc", "editor");
    osce = token("osce", "editor");
    reader = token("world-bank", "reader");
  }
  void TearDown() override {
    stop_server();
    CliTest::TearDown();
  }

  std::string token(const std::string& org, const std::string& role) {
    auto r = run_process({LIAISOND_BIN, "token", "create", "--data", path("data"), "--org", org, "--role", role}, env());
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return r.out.substr(0, r.out.find('\n'));
  }

  // Starts liaisond and waits for its "listening on URL" line.
  void start_server(std::vector<std::string> extra = {}, const std::string& listen = "127.0.0.1:0",
                    const std::map<std::string, std::string>& extra_env = {}) {
    std::vector<std::string> argv{LIAISOND_BIN, "--data", path("data"), "--listen", listen};
    argv.insert(argv.end(), extra.begin(), extra.end());
    auto environment = env();
    environment.insert(extra_env.begin(), extra_env.end());
    server = start_process(argv, environment);
    for (int i = 0; i < 200 && url.empty(); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(25));
      std::ifstream in(server.out_path);
      std::string line;
      if (std::getline(in, line) && line.find("listening on ") != std::string::npos)
        url = line.substr(line.find("listening on ") + 13);
    }
    ASSERT_FALSE(url.empty()) << "liaisond did not start";
  }
  ProcessResult stop_server() {
    if (server.pid <= 0) return {};
    auto r = finish_process(server, SIGTERM);
    server.pid = -1;
    server_log = r.err;
    return r;
  }
  void clone(const std::string& copy, const std::string& tok) {
    auto r = run_process({LIAISON_BIN, "-C", dir_.string(), "clone", url, copy, "--token", tok}, env());
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  // Starts the server, clones "cis", "osce" and "hq" (admin), and has cis
  // add a contact and push it; returns the contact's id.
  std::string start_with_cis_contact() {
    start_server();
    clone("cis", cis);
    clone("osce", osce);
    clone("hq", admin);
    std::string id = json({"contact", "add", "--org", "cis-atc", "--role", "Duty officer"}, "cis")["id"];
    ok({"push"}, "cis");
    return id;
  }
  std::string central_head() {
    auto r = run_process({"/usr/bin/git", "--git-dir", path("data/central/history.git"), "rev-parse", "main"});
    return r.out.substr(0, 40);
  }

  BackgroundProcess server;
  std::string url, server_log;
  std::string admin, cis, osce, reader;
};

}  // namespace liaison::test
