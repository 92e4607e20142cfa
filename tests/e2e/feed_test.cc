// The change feed end to end: a real liaisond on loopback and real
// `liaison watch` processes following it.
#include <csignal>
#include <sys/wait.h>
#include <fstream>
#include <thread>

#include "tests/e2e/server_fixture.h"

namespace liaison::test {
namespace {

constexpr const char* kRestricted = "CANARYFEEDRESTRICTED";

class FeedTest : public ServerTest {
 protected:
  BackgroundProcess watch(const std::string& copy, std::vector<std::string> args) {
    std::vector<std::string> argv{LIAISON_BIN, "-C", path(copy), "--json", "watch"};
    argv.insert(argv.end(), args.begin(), args.end());
    return start_process(argv, env());
  }
  // Waits up to `seconds` for the process to exit; its result, or a kill's.
  ProcessResult wait_for(BackgroundProcess& p, int seconds) {
    for (int i = 0; i < seconds * 20; ++i) {
      if (kill(p.pid, 0) != 0) break;
      int status = 0;
      if (waitpid(p.pid, &status, WNOHANG) == p.pid) {
        std::ifstream out(p.out_path), err(p.err_path);
        ProcessResult r;
        r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
        r.out.assign(std::istreambuf_iterator<char>(out), {});
        r.err.assign(std::istreambuf_iterator<char>(err), {});
        p.pid = -1;
        return r;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return finish_process(p, SIGKILL);
  }
};

TEST_F(FeedTest, AReadersWatcherSeesAPublicNeedAndNeverTheRestrictedOne) {
  start_server({"--feed-heartbeat", "1"});
  clone("hq", admin);
  clone("donor", reader);
  auto w = watch("donor", {"--once", "--kind", "need"});
  std::this_thread::sleep_for(std::chrono::milliseconds(700));
  std::string hidden = json({"need", "add", "--org", "cis-atc", "--area", "border", "--title", kRestricted,
                             "--visibility", "restricted", "--share-with", "osce"},
                            "hq")["id"];
  ok({"push"}, "hq");
  std::string shown =
      json({"need", "add", "--org", "cis-atc", "--area", "border", "--title", "Public feed need", "--state", "KG"},
           "hq")["id"];
  ok({"push"}, "hq");
  auto r = wait_for(w, 20);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find(shown), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find(hidden), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find(kRestricted), std::string::npos) << r.out;
  auto line = r.out.substr(0, r.out.find('\n'));
  auto event = nlohmann::json::parse(line);
  EXPECT_EQ(event["kind"], "need");
  EXPECT_EQ(event["change"], "added");
  EXPECT_EQ(event["record"]["title"], "Public feed need");
  auto listed = run_process({LIAISON_BIN, "-C", path("donor"), "list", "needs"}, env());
  EXPECT_NE(listed.out.find("Public feed need"), std::string::npos);
}

TEST_F(FeedTest, FiltersHoldAndCtrlCLeavesACopyThatPassesDoctor) {
  start_server({"--feed-heartbeat", "1"});
  clone("hq", admin);
  clone("osce", osce);
  auto w = watch("osce", {"--kind", "need", "--priority", "high"});
  std::this_thread::sleep_for(std::chrono::milliseconds(700));
  std::string medium =
      json({"need", "add", "--org", "cis-atc", "--area", "border", "--title", "Medium need", "--priority", "medium"},
           "hq")["id"];
  ok({"push"}, "hq");
  std::string high =
      json({"need", "add", "--org", "cis-atc", "--area", "border", "--title", "High need", "--priority", "high"},
           "hq")["id"];
  ok({"push"}, "hq");
  std::string out;
  for (int i = 0; i < 200 && out.find(high) == std::string::npos; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    std::ifstream in(w.out_path);
    out.assign(std::istreambuf_iterator<char>(in), {});
  }
  kill(w.pid, SIGINT);
  auto r = wait_for(w, 10);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find(high), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find(medium), std::string::npos) << r.out;
  auto doctor = run_process({LIAISON_BIN, "-C", path("osce"), "doctor"}, env());
  EXPECT_EQ(doctor.exit_code, 0) << doctor.out << doctor.err;
}

TEST_F(FeedTest, AnUnknownAreaIsRefusedBeforeConnecting) {
  start_server();
  clone("osce", osce);
  auto r = run_process({LIAISON_BIN, "-C", path("osce"), "watch", "--area", "no-such-area"}, env());
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("--area: unknown thematic area 'no-such-area'"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace liaison::test
