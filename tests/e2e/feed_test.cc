// The change feed end to end: a real liaisond on loopback and real
// `liaison watch` processes following it.
#include <csignal>
#include <sys/wait.h>
#include <fstream>
#include <sstream>
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
  // The file's text once it holds `needle`, or after 30 s without.
  std::string text_once_it_holds(const std::string& file, const std::string& needle) {
    std::string text;
    for (int i = 0; i < 600 && text.find(needle) == std::string::npos; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
      std::ifstream in(file);
      text.assign(std::istreambuf_iterator<char>(in), {});
    }
    return text;
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
  text_once_it_holds(w.out_path, high);
  kill(w.pid, SIGINT);
  auto r = wait_for(w, 10);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find(high), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find(medium), std::string::npos) << r.out;
  auto doctor = run_process({LIAISON_BIN, "-C", path("osce"), "doctor"}, env());
  EXPECT_EQ(doctor.exit_code, 0) << doctor.out << doctor.err;
}

TEST_F(FeedTest, AWatcherComesBackAfterAServerRestartSaysSoOnceAndExecReadsJson) {
  start_server({"--feed-heartbeat", "1"});
  clone("hq", admin);
  clone("osce", osce);
  auto exec_out = path("exec.jsonl");
  auto w = watch("osce", {"--kind", "need", "--exec", "cat >> '" + exec_out + "'"});
  std::this_thread::sleep_for(std::chrono::milliseconds(700));
  stop_server();
  // Committed while no server answers, pushed once it is back.
  std::string missed =
      json({"need", "add", "--org", "cis-atc", "--area", "border", "--title", "Missed while away"}, "hq")["id"];
  auto port = url.substr(url.rfind(':') + 1);
  url.clear();
  start_server({"--feed-heartbeat", "1"}, "127.0.0.1:" + port);
  ok({"push"}, "hq");
  auto out = text_once_it_holds(exec_out, missed);
  kill(w.pid, SIGINT);
  auto r = wait_for(w, 10);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  ASSERT_NE(out.find(missed), std::string::npos) << r.err;
  // Said once, not in a loop.
  auto lost = r.err.find("lost ");
  ASSERT_NE(lost, std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("lost ", lost + 1), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("again"), std::string::npos) << r.err;
  std::istringstream lines(out);
  std::string line;
  int parsed = 0;
  while (std::getline(lines, line)) {
    auto change = nlohmann::json::parse(line);  // throws unless well-formed
    EXPECT_TRUE(change.contains("kind") && change.contains("id") && change.contains("author")) << line;
    ++parsed;
  }
  EXPECT_GE(parsed, 1);
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
