// The change feed end to end: a real liaisond on loopback and real
// `liaison watch` processes following it.
#include <csignal>
#include <sys/wait.h>
#include <fstream>
#include <set>
#include <sstream>
#include <thread>

#include "base/error.h"
#include "sync/event_stream.h"
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
  // A raw feed connection, opened; `hello` gets the head it names.
  std::unique_ptr<sync::EventStream> stream(const std::string& tok, const std::optional<CommitId>& since,
                                            std::string* hello_head = nullptr) {
    auto s = std::make_unique<sync::EventStream>(url, tok);
    s->open(since);
    auto hello = s->next(std::chrono::seconds(10));
    EXPECT_TRUE(hello && hello->event == "hello");
    if (hello && hello_head) *hello_head = nlohmann::json::parse(hello->data)["head"].get<std::string>();
    return s;
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

TEST_F(FeedTest, AWatcherComingBackWithTheLastCommitItSawIsSentWhatItMissedAndNoHiddenId) {
  start_server({"--feed-heartbeat", "1"});
  clone("hq", admin);
  std::string seen;
  stream(reader, std::nullopt, &seen);  // connects, learns the head, goes
  std::string hidden = json({"need", "add", "--org", "cis-atc", "--area", "border", "--title", kRestricted,
                             "--visibility", "restricted", "--share-with", "osce"},
                            "hq")["id"];
  ok({"push"}, "hq");
  std::string first = json({"need", "add", "--org", "cis-atc", "--area", "border", "--title", "Missed one"}, "hq")["id"];
  ok({"push"}, "hq");
  std::string second = json({"need", "add", "--org", "osce", "--area", "border", "--title", "Missed two"}, "hq")["id"];
  ok({"push"}, "hq");

  auto back = stream(reader, seen);
  auto missed = back->next(std::chrono::seconds(10));
  ASSERT_TRUE(missed);
  EXPECT_EQ(missed->event, "change");
  auto data = nlohmann::json::parse(missed->data);
  EXPECT_EQ(data["previous"], seen);
  EXPECT_EQ(data["head"], missed->id);
  std::set<std::string> ids;
  for (const auto& r : data["records"]) ids.insert(r["id"].get<std::string>());
  EXPECT_EQ(ids, (std::set<std::string>{first, second})) << missed->data;
  EXPECT_EQ(missed->data.find(hidden), std::string::npos);
  EXPECT_EQ(missed->data.find(kRestricted), std::string::npos);

  // A commit that is not of the reader's segment (central's own head) is
  // answered "pull", not with central's changes.
  auto stranger = stream(reader, CommitId(central_head()));
  auto pull = stranger->next(std::chrono::seconds(10));
  ASSERT_TRUE(pull);
  EXPECT_EQ(pull->event, "pull");
  EXPECT_EQ(pull->data.find(hidden), std::string::npos);
}

TEST_F(FeedTest, AWatcherKilledWhilePullingLeavesACopyThatPassesDoctorAndPullsOn) {
  start_server({"--feed-heartbeat", "1"});
  clone("hq", admin);
  clone("osce", osce);
  auto w = watch("osce", {"--kind", "need"});
  std::this_thread::sleep_for(std::chrono::milliseconds(700));
  std::string last;
  for (int i = 0; i < 4; ++i) {
    last = json({"need", "add", "--org", "cis-atc", "--area", "border", "--title", "Kill round " + std::to_string(i)},
                "hq")["id"];
    ok({"push"}, "hq");
  }
  // The last push's event starts a pull; the kill lands during it or just
  // after.
  std::this_thread::sleep_for(std::chrono::milliseconds(30));
  kill(w.pid, SIGKILL);
  auto r = wait_for(w, 10);
  EXPECT_EQ(r.exit_code, 128 + SIGKILL);
  auto doctor = run_process({LIAISON_BIN, "-C", path("osce"), "doctor"}, env());
  EXPECT_EQ(doctor.exit_code, 0) << doctor.out << doctor.err;
  ok({"pull"}, "osce");
  auto listed = run_process({LIAISON_BIN, "-C", path("osce"), "list", "needs"}, env());
  EXPECT_NE(listed.out.find("Kill round 3"), std::string::npos) << listed.out;
}

TEST_F(FeedTest, TwoHundredWatchersAndPushesFromThreeCopiesAtOnceLoseNoEvent) {
  start_server({"--feed-heartbeat", "1"});
  clone("hq", admin);
  clone("osce", osce);
  clone("cis", cis);
  std::vector<std::unique_ptr<sync::EventStream>> watchers;
  for (int i = 0; i < 200; ++i) watchers.push_back(stream(i % 2 ? reader : osce, std::nullopt));

  constexpr int kPerCopy = 4;
  std::vector<std::string> copies{"hq", "osce", "cis"};
  std::vector<std::vector<std::string>> added(copies.size());
  std::vector<std::thread> pushers;
  for (std::size_t c = 0; c < copies.size(); ++c)
    pushers.emplace_back([&, c] {
      for (int i = 0; i < kPerCopy; ++i) {
        auto org = copies[c] == "osce" ? "osce" : "cis-atc";
        auto r = run_process({LIAISON_BIN, "-C", path(copies[c]), "--json", "need", "add", "--org", org, "--area",
                              "border", "--title", copies[c] + " at once " + std::to_string(i)},
                             env());
        if (r.exit_code == 0) added[c].push_back(nlohmann::json::parse(r.out)["id"]);
        // A push that meets another's answers "merged"; one that loses the
        // race to the head pulls and goes again.
        for (int attempt = 0; attempt < 5; ++attempt) {
          if (run_process({LIAISON_BIN, "-C", path(copies[c]), "push"}, env()).exit_code == 0) break;
          run_process({LIAISON_BIN, "-C", path(copies[c]), "pull"}, env());
        }
      }
    });
  for (auto& t : pushers) t.join();
  std::set<std::string> expected;
  for (const auto& ids : added) expected.insert(ids.begin(), ids.end());
  ASSERT_EQ(expected.size(), copies.size() * kPerCopy);

  for (std::size_t i = 0; i < watchers.size(); ++i) {
    std::set<std::string> seen;
    std::string previous;
    bool chained = true;
    while (seen.size() < expected.size()) {
      auto event = watchers[i]->next(std::chrono::seconds(10));
      if (!event) break;
      if (event->event != "change") continue;
      auto data = nlohmann::json::parse(event->data);
      if (!previous.empty() && data["previous"] != previous) chained = false;
      previous = event->id;
      for (const auto& r : data["records"]) seen.insert(r["id"].get<std::string>());
    }
    EXPECT_EQ(seen, expected) << "watcher " << i;
    EXPECT_TRUE(chained) << "watcher " << i << ": an event's previous head is not the last one it was sent";
  }
}

TEST_F(FeedTest, AFullServerRefusesAWatcherAndTakesOneAgainOnceAnotherWent) {
  start_server({"--feed-heartbeat", "1", "--max-watchers", "2"});
  auto first = stream(reader, std::nullopt);
  auto second = stream(osce, std::nullopt);
  sync::EventStream third(url, reader);
  try {
    third.open(std::nullopt);
    ADD_FAILURE() << "a third watcher was taken";
  } catch (const Failure& e) {
    EXPECT_NE(std::string(e.what()).find("(503)"), std::string::npos) << e.what();
  }
  first.reset();
  // The server notices the closed connection (not a heartbeat later).
  std::unique_ptr<sync::EventStream> again;
  for (int i = 0; i < 40 && !again; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    try {
      auto s = std::make_unique<sync::EventStream>(url, reader);
      s->open(std::nullopt);
      again = std::move(s);
    } catch (const Failure&) {
    }
  }
  ASSERT_TRUE(again);
  auto hello = again->next(std::chrono::seconds(10));
  ASSERT_TRUE(hello);
  EXPECT_EQ(hello->event, "hello");
  // The watcher that stayed is still served: a closed feed would throw.
  EXPECT_NO_THROW(second->next(std::chrono::seconds(3)));
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
