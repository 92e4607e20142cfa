// Unit tests of the request handler (server/handlers.h) without sockets:
// what must not wait for the central copy's lock — health, token checks,
// whoami, fetch — is answered while another thread holds it, and the
// published head follows what the locked routes did.
#include <gtest/gtest.h>

#include <future>
#include <mutex>
#include <thread>

#include "git/commit_patch.h"
#include "base/error.h"
#include "server/central.h"
#include "server/handlers.h"
#include "sync/protocol.h"
#include "tests/unit/temp_copy.h"

namespace liaison::server {
namespace {

using namespace std::chrono_literals;

class HandlersTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Central::init(dir / "data", "un-ctc");
    central = std::make_unique<Central>(dir / "data");
    token = central->tokens().create("cis-atc", Role::Editor);
  }
  Request request(const std::string& method, const std::string& target, const std::string& tok,
                  const std::string& body = "") {
    Request r;
    r.method = method;
    r.target = target;
    r.authorization = tok.empty() ? "" : "Bearer " + tok;
    r.body = body;
    r.client_address = "192.0.2.7";
    return r;
  }
  // Answers `req` on another thread; fails the test unless it is answered
  // within 5 s.
  Response answered_while_locked(const Request& req) {
    auto lock = central->lock();
    auto answer = std::async(std::launch::async, [&] { return handle(*central, req); });
    if (answer.wait_for(5s) != std::future_status::ready) {
      ADD_FAILURE() << req.method << " " << req.target << " waited for the central lock";
      lock.unlock();
    }
    return answer.get();
  }

  test::TempDir dir;
  std::unique_ptr<Central> central;
  std::string token;
};

TEST_F(HandlersTest, ReadsAreAnsweredWhileThePushLockIsHeld) {
  auto head = central->published_head();
  ASSERT_TRUE(head.has_value());

  auto health = answered_while_locked(request("GET", "/v1/health", ""));
  EXPECT_EQ(health.status, 200);
  EXPECT_EQ(Json::parse(health.body)["head"], *head);

  auto whoami = answered_while_locked(request("GET", "/v1/whoami", token));
  EXPECT_EQ(whoami.status, 200);
  EXPECT_EQ(Json::parse(whoami.body)["org"], "cis-atc");
  EXPECT_EQ(whoami.org, "cis-atc");

  auto bad = answered_while_locked(request("GET", "/v1/whoami", "lz_" + std::string(48, '0')));
  EXPECT_EQ(bad.status, 401);
  auto none = answered_while_locked(request("POST", "/v1/push", "", "x"));
  EXPECT_EQ(none.status, 401);

  auto fetch = answered_while_locked(request("POST", "/v1/fetch", token, "{\"haves\":[]}"));
  ASSERT_EQ(fetch.status, 200) << fetch.body;
  EXPECT_EQ(fetch.headers[sync::kHeadHeader], *head);
  EXPECT_FALSE(fetch.headers[sync::kSubmissionsStampHeader].empty());
  auto patches = decode_patches(fetch.body, "fetch answer");
  ASSERT_FALSE(patches.empty());
  EXPECT_EQ(patches.back().id, *head);

  // Fetching from the head itself: nothing new.
  auto again = answered_while_locked(request("POST", "/v1/fetch", token, "{\"haves\":[\"" + *head + "\"]}"));
  EXPECT_EQ(again.status, 200);
  EXPECT_TRUE(again.body.empty());
  // What is not a commit id is malformed, not an internal error.
  EXPECT_EQ(handle(*central, request("POST", "/v1/fetch", token, "{\"haves\":[\"HEAD~1\"]}")).status, 400);
}

TEST_F(HandlersTest, TokensCreatedAndRevokedElsewhereCountAtOnce) {
  // Another connection to server.db, as `liaisond token` uses.
  TokenStore other(dir / "data" / "server.db");
  auto fresh = other.create("osce", Role::Reader);
  EXPECT_EQ(handle(*central, request("GET", "/v1/whoami", fresh)).status, 200);
  for (const auto& t : other.list())
    if (t.org == "osce") other.revoke(t.id);
  EXPECT_EQ(handle(*central, request("GET", "/v1/whoami", fresh)).status, 401);
  EXPECT_EQ(handle(*central, request("GET", "/v1/whoami", token)).status, 200);
}

TEST_F(HandlersTest, HealthAnswersThePublishedHead) {
  auto before = central->published_head();
  ASSERT_TRUE(before.has_value());
  // A head moved behind the server's back is not served until published:
  // publish_head() is what makes objects visible to readers.
  CommitId next;
  {
    auto lock = central->lock();
    auto& history = central->store().history();
    next = history.write_commit({*before}, {{"unit-test.txt", std::string("x\n")}}, Person{"T", "t@example.org"},
                                "test\n");
    ASSERT_TRUE(history.advance_head(before, next, "test"));
  }
  EXPECT_EQ(Json::parse(handle(*central, request("GET", "/v1/health", "")).body)["head"], *before);
  {
    auto lock = central->lock();
    central->publish_head();
  }
  EXPECT_EQ(Json::parse(handle(*central, request("GET", "/v1/health", "")).body)["head"], next);
}

TEST_F(HandlersTest, ASecondServerOnTheSameFolderIsRefused) {
  try {
    Central second(dir / "data");
    ADD_FAILURE() << "a second Central opened the same data folder";
  } catch (const UserError& e) {
    EXPECT_NE(std::string(e.what()).find("server.lock"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace liaison::server

namespace liaison::server {
namespace {

struct RecordingSink : FeedSink {
  std::mutex mutex;
  std::vector<std::string> frames;
  void send(std::shared_ptr<const std::string> frame) override {
    std::lock_guard<std::mutex> lock(mutex);
    frames.push_back(*frame);
  }
  std::string all() {
    std::lock_guard<std::mutex> lock(mutex);
    std::string out;
    for (const auto& f : frames) out += f;
    return out;
  }
};

TEST_F(HandlersTest, TheFeedRefusesWhatIsNoCommitAndIsUnavailableUntilStarted) {
  auto admin = central->tokens().create("un-ctc", Role::Admin);
  auto r = handle(*central, request("GET", "/v1/events", admin));
  EXPECT_EQ(r.status, 503);
  EXPECT_FALSE(r.feed.has_value());
  central->start_feed(FeedOptions{});
  auto bad = request("GET", "/v1/events", admin);
  bad.last_event_id = "not-a-commit";
  r = handle(*central, bad);
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(r.body.find("not a commit id"), std::string::npos) << r.body;
  EXPECT_FALSE(r.feed.has_value());
  r = handle(*central, request("GET", "/v1/events?since=zz", admin));
  EXPECT_EQ(r.status, 400);
  auto head = *central->published_head();
  r = handle(*central, request("GET", "/v1/events?since=" + head, admin));
  ASSERT_EQ(r.status, 200);
  ASSERT_TRUE(r.feed.has_value());
  EXPECT_EQ(r.feed->since, head);
  EXPECT_EQ(r.feed->audience, Audience::all());
  EXPECT_EQ(r.content_type, sync::kEventStreamType);
}

TEST_F(HandlersTest, AWatcherIsToldOfEachNewHeadAfterItsHello) {
  central->start_feed(FeedOptions{});
  auto before = *central->published_head();
  auto sink = std::make_shared<RecordingSink>();
  auto ticket = central->feed()->watch(Audience::all(), before, sink);
  ASSERT_TRUE(ticket);
  CommitId next;
  {
    auto lock = central->lock();
    auto& history = central->store().history();
    next = history.write_commit({before}, {{"unit-test.txt", std::string("x\n")}}, Person{"T", "t@example.org"},
                                "test\n");
    ASSERT_TRUE(history.advance_head(before, next, "test"));
    central->publish_head();
  }
  std::string seen;
  for (int i = 0; i < 100 && seen.find("event: change") == std::string::npos; ++i) {
    std::this_thread::sleep_for(50ms);
    seen = sink->all();
  }
  auto hello = seen.find("event: hello\nid: " + before);
  auto change = seen.find("event: change\nid: " + next);
  ASSERT_NE(hello, std::string::npos) << seen;
  ASSERT_NE(change, std::string::npos) << seen;
  EXPECT_LT(hello, change);
  EXPECT_NE(seen.find("\"previous\":\"" + before + "\""), std::string::npos) << seen;
  EXPECT_EQ(central->feed()->watchers(), 1u);
  // Its place comes back as soon as it drops the ticket.
  sink.reset();
  ticket.reset();
  EXPECT_EQ(central->feed()->watchers(), 0u);
  central->feed()->close();
  EXPECT_FALSE(central->feed()->watch(Audience::all(), std::nullopt, std::make_shared<RecordingSink>()));
}

}  // namespace
}  // namespace liaison::server
