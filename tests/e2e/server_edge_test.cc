// End-to-end tests of liaisond at its edge, with raw sockets where the
// client must misbehave: a body is not read before its token is checked,
// failed token checks are rate-limited per address, the body limit applies
// to authenticated requests, `liaisond token` works beside a running server,
// and a 500 leaves a log line the operator can act on.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "sync/http_client.h"
#include "tests/e2e/server_fixture.h"

namespace liaison::test {
namespace {

using namespace std::chrono_literals;

// A TCP connection to 127.0.0.1:port that sends and reads raw bytes.
class RawConnection {
 public:
  explicit RawConnection(int port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<std::uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    // A send the server does not read fails after 5 s instead of blocking.
    timeval timeout{5, 0};
    if (fd_ >= 0) ::setsockopt(fd_, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);
    connected_ = fd_ >= 0 && ::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  }
  ~RawConnection() {
    if (fd_ >= 0) ::close(fd_);
  }
  RawConnection(const RawConnection&) = delete;
  RawConnection& operator=(const RawConnection&) = delete;
  bool connected() const { return connected_; }

  // Sends `bytes`; how many went before the connection failed.
  std::size_t send(std::string_view bytes) {
    std::size_t sent = 0;
    while (sent < bytes.size()) {
      auto n = ::send(fd_, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
      if (n <= 0) break;
      sent += static_cast<std::size_t>(n);
    }
    return sent;
  }
  // Reads until `done(received)` holds, the server closes the connection
  // or `timeout` passes.
  template <class Done>
  std::string read(Done done, std::chrono::milliseconds timeout = 5000ms) {
    std::string in;
    auto until = std::chrono::steady_clock::now() + timeout;
    closed_ = false;
    while (!done(in)) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(until - std::chrono::steady_clock::now());
      if (left.count() <= 0) break;
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) break;
      char buf[65536];
      auto n = ::recv(fd_, buf, sizeof buf, 0);
      if (n <= 0) {
        closed_ = true;
        break;
      }
      in.append(buf, static_cast<std::size_t>(n));
    }
    return in;
  }
  std::string read_until_closed(std::chrono::milliseconds timeout = 5000ms) {
    return read([](const std::string&) { return false; }, timeout);
  }
  // Whether the last read ended because the server closed the connection.
  bool closed() const { return closed_; }

 private:
  int fd_ = -1;
  bool connected_ = false;
  bool closed_ = false;
};

int status_of(const std::string& answer) {
  if (!answer.starts_with("HTTP/1.1 ") || answer.size() < 12) return 0;
  return std::stoi(answer.substr(9, 3));
}
std::string body_of(const std::string& answer) {
  auto at = answer.find("\r\n\r\n");
  return at == std::string::npos ? "" : answer.substr(at + 4);
}

std::string post_header(const std::string& target, const std::string& token, std::size_t length,
                        const std::string& extra = "") {
  std::string h = "POST " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/octet-stream\r\n";
  if (!token.empty()) h += "Authorization: Bearer " + token + "\r\n";
  return h + "Content-Length: " + std::to_string(length) + "\r\n" + extra + "\r\n";
}

class ServerEdgeTest : public ServerTest {
 protected:
  int port() const { return std::stoi(url.substr(url.rfind(':') + 1)); }
  // The server's resident memory in kB.
  long resident_kb() {
    std::ifstream in("/proc/" + std::to_string(server.pid) + "/status");
    std::string line;
    while (std::getline(in, line))
      if (line.starts_with("VmRSS:")) return std::stol(line.substr(6));
    ADD_FAILURE() << "no VmRSS for the server";
    return 0;
  }
  std::set<std::string> clone_images() {
    std::set<std::string> out;
    for (const auto& e : std::filesystem::directory_iterator(path("data/clone-images")))
      out.insert(e.path().filename().string());
    return out;
  }
  int whoami(const std::string& token) {
    return sync::http_request(sync::parse_url(url), "GET", "/v1/whoami", token).status;
  }
};

constexpr std::size_t k250MB = 250u << 20;

TEST_F(ServerEdgeTest, AnUnauthenticatedBodyIsNotReadBeforeTheAnswer) {
  start_server();
  ASSERT_EQ(whoami(cis), 200);
  // The segments the server derives as it starts are in place before memory
  // is read: a fetch of each waits for its derivation.
  for (const auto& tok : {cis, osce, reader})
    ASSERT_EQ(sync::http_request(sync::parse_url(url), "POST", "/v1/fetch", tok, "{\"haves\":[]}").status, 200);
  long before = resident_kb();
  const std::string bad = "lz_" + std::string(48, '0');
  for (const std::string& token : {std::string(), bad, std::string("not-even-a-token")}) {
    RawConnection c(port());
    ASSERT_TRUE(c.connected());
    // Only the header: the answer must not wait for the 250 MB announced.
    ASSERT_GT(c.send(post_header("/v1/push", token, k250MB)), 0u);
    auto started = std::chrono::steady_clock::now();
    auto answer = c.read_until_closed();
    EXPECT_EQ(status_of(answer), 401) << answer;
    EXPECT_TRUE(c.closed()) << "the connection was left open";
    EXPECT_LT(std::chrono::steady_clock::now() - started, 5s);
    auto body = nlohmann::json::parse(body_of(answer));
    EXPECT_TRUE(body["error"].is_string());
    EXPECT_EQ(body_of(answer).find('\n'), std::string::npos);  // one line
    // What the client sends next is not kept: the server stops reading.
    EXPECT_LT(c.send(std::string(32u << 20, 'x')), 32u << 20);
  }
  long after = resident_kb();
  EXPECT_LT(after - before, 16 * 1024) << "resident memory grew from " << before << " to " << after << " kB";
  EXPECT_EQ(whoami(cis), 200);
  stop_server();
  EXPECT_NE(server_log.find("client=127.0.0.1 org=- POST /v1/push 401"), std::string::npos) << server_log;
  EXPECT_EQ(server_log.find(bad), std::string::npos);
}

TEST_F(ServerEdgeTest, TheBodyLimitAppliesOnceTheTokenIsChecked) {
  start_server({"--max-body", "1"});
  {
    // Announced over the limit: 413 at once, before any body.
    RawConnection c(port());
    c.send(post_header("/v1/push", cis, 2u << 20));
    auto answer = c.read_until_closed();
    EXPECT_EQ(status_of(answer), 413) << answer;
    EXPECT_NE(body_of(answer).find("too large"), std::string::npos) << answer;
  }
  {
    // Chunked, so not announced: 413 once the limit is passed.
    RawConnection c(port());
    std::string head = "POST /v1/push HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + cis +
                       "\r\nTransfer-Encoding: chunked\r\n\r\n";
    c.send(head);
    std::string chunk(1u << 19, 'x');
    char size[32];
    std::snprintf(size, sizeof size, "%zx\r\n", chunk.size());
    for (int i = 0; i < 4; ++i) c.send(std::string(size) + chunk + "\r\n");
    auto answer = c.read_until_closed();
    EXPECT_EQ(status_of(answer), 413) << answer;
  }
  {
    // An unauthenticated request over the limit is refused as unauthenticated.
    RawConnection c(port());
    c.send(post_header("/v1/push", "", 2u << 20));
    EXPECT_EQ(status_of(c.read_until_closed()), 401);
  }
  {
    // A client that waits for "100 Continue" gets it only with a valid token.
    std::string body = "{\"haves\":[]}";
    RawConnection good(port());
    good.send(post_header("/v1/fetch", cis, body.size(), "Expect: 100-continue\r\n"));
    auto interim = good.read([](const std::string& in) { return in.find("\r\n\r\n") != std::string::npos; });
    EXPECT_TRUE(interim.starts_with("HTTP/1.1 100")) << interim;
    good.send(body);
    auto answer = good.read([](const std::string& in) { return in.find("X-Liaison-Head") != std::string::npos; });
    EXPECT_EQ(status_of(answer), 200) << answer;

    RawConnection bad(port());
    bad.send(post_header("/v1/fetch", "lz_" + std::string(48, '1'), body.size(), "Expect: 100-continue\r\n"));
    auto refused = bad.read_until_closed();
    EXPECT_EQ(status_of(refused), 401) << refused;
  }
  stop_server();
  EXPECT_NE(server_log.find("org=cis-atc POST /v1/push 413"), std::string::npos) << server_log;
}

// Every request from an address that failed too often is refused, one with
// a good token too: clients behind one address share its count.
TEST_F(ServerEdgeTest, RepeatedBadTokensFromAnAddressAreAnswered429) {
  start_server();
  auto u = sync::parse_url(url);
  for (int i = 0; i < 10; ++i) {
    auto r = sync::http_request(u, "GET", "/v1/whoami", "lz_" + std::string(47, 'a') + std::to_string(i % 10));
    ASSERT_EQ(r.status, 401) << i << ": " << r.body;
  }
  auto limited = sync::http_request(u, "GET", "/v1/whoami", "lz_" + std::string(48, 'b'));
  EXPECT_EQ(limited.status, 429);
  auto message = nlohmann::json::parse(limited.body)["error"].get<std::string>();
  EXPECT_TRUE(message.starts_with("too many failed sign-ins from 127.0.0.1, try again in ")) << message;
  EXPECT_TRUE(message.ends_with(" s")) << message;
  EXPECT_FALSE(limited.headers["retry-after"].empty());
  EXPECT_EQ(whoami(cis), 429);  // the same address
  EXPECT_EQ(sync::http_request(u, "GET", "/v1/health", "").status, 200);
  stop_server();
  EXPECT_NE(server_log.find("client=127.0.0.1 org=- GET /v1/whoami 429"), std::string::npos) << server_log;
}

TEST_F(ServerEdgeTest, TokenCommandsBesideARunningServerLeaveItsCloneImages) {
  start_server();
  clone("first", cis);
  auto images = clone_images();
  ASSERT_FALSE(images.empty());
  // A clone in progress while tokens are created and revoked.
  auto during = start_process({LIAISON_BIN, "-C", dir_.string(), "clone", url, "during", "--token", cis}, env());
  auto fresh = token("osce", "editor");
  auto revoked = run_process({LIAISOND_BIN, "token", "revoke", "3", "--data", path("data")}, env());  // osce's
  EXPECT_EQ(revoked.exit_code, 0) << revoked.err;
  auto cloned = finish_process(during);
  EXPECT_EQ(cloned.exit_code, 0) << cloned.err;
  EXPECT_EQ(clone_images(), images);
  clone("after", fresh);
  EXPECT_EQ(json({"status"}, "after")["org"], "osce");
  EXPECT_EQ(clone_images(), images);
  EXPECT_EQ(whoami(fresh), 200);
  EXPECT_EQ(whoami(osce), 401);
  auto list = run_process({LIAISOND_BIN, "token", "list", "--data", path("data")}, env());
  EXPECT_NE(list.out.find("\trevoked"), std::string::npos) << list.out;
}

TEST_F(ServerEdgeTest, ASecondServerOnTheSameDataFolderIsRefused) {
  start_server();
  clone("first", cis);
  auto images = clone_images();
  auto second = run_process({LIAISOND_BIN, "--data", path("data"), "--listen", "127.0.0.1:0"}, env());
  EXPECT_EQ(second.exit_code, 1);
  EXPECT_EQ(count_lines(second.err), 1) << second.err;
  EXPECT_NE(second.err.find("server.lock"), std::string::npos) << second.err;
  EXPECT_EQ(clone_images(), images);
  clone("second", cis);
  // Once the first is stopped, a server starts there again.
  stop_server();
  url.clear();
  start_server();
  EXPECT_EQ(whoami(cis), 200);
}

TEST_F(ServerEdgeTest, AnInternalErrorIsLoggedWithWhatFailed) {
  start_server();
  ASSERT_EQ(whoami(cis), 200);
  // Break what a fetch reads behind the server's back.
  auto broke = run_process({"/usr/bin/sqlite3", "-cmd", ".timeout 10000", path("data/server.db"),
                            "ALTER TABLE submissions RENAME COLUMN status TO broken_status"});
  ASSERT_EQ(broke.exit_code, 0) << broke.err;
  auto r = sync::http_request(sync::parse_url(url), "POST", "/v1/fetch", cis, "{\"haves\":[]}");
  EXPECT_EQ(r.status, 500);
  EXPECT_EQ(r.body.find("status"), std::string::npos) << r.body;  // details stay in the log
  EXPECT_EQ(whoami(cis), 200);  // the server goes on
  stop_server();
  auto at = server_log.find("org=cis-atc POST /v1/fetch 500");
  ASSERT_NE(at, std::string::npos) << server_log;
  auto line = server_log.substr(at, server_log.find('\n', at) - at);
  EXPECT_NE(line.find("error="), std::string::npos) << line;
  EXPECT_NE(line.find("status"), std::string::npos) << line;
}


// The threads of a running server by name, each with its nice value
// (/proc/PID/task/TID/stat: the name in parentheses, the nice value the
// 17th field after them).
std::multimap<std::string, int> threads_of(pid_t pid) {
  std::multimap<std::string, int> out;
  for (const auto& task : std::filesystem::directory_iterator("/proc/" + std::to_string(pid) + "/task")) {
    std::ifstream in(task.path() / "stat");
    std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    auto open = stat.find('('), close = stat.rfind(')');
    if (open == std::string::npos || close == std::string::npos) continue;
    std::istringstream rest(stat.substr(close + 2));
    std::string field;
    for (int i = 0; i < 16 && rest >> field; ++i) {
    }
    int nice = 0;
    rest >> nice;
    out.emplace(stat.substr(open + 1, close - open - 1), nice);
  }
  return out;
}

// Visitors' work (connections, kept pages, pages made) runs below the
// sync API's priority, so a crowd of visitors cannot take the CPU from
// organizations pushing and pulling; each kind on as many threads as asked.
TEST_F(ServerEdgeTest, TheSyncApiRunsAtTheServersPriorityAndVisitorsWorkBelowIt) {
  start_server({"--threads", "3", "--sync-threads", "2", "--page-threads", "1"});
  ASSERT_EQ(whoami(cis), 200);  // answered through an io and a sync thread
  // Each thread names itself once it runs, which may be after the server
  // says it listens.
  std::multimap<std::string, int> threads;
  for (int i = 0; i < 200; ++i) {
    threads = threads_of(server.pid);
    if (threads.count("liaisond-io") == 3 && threads.count("liaisond-sync") == 2 && threads.count("liaisond-page") == 1)
      break;
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
  }
  int base = threads_of(::getpid()).begin()->second;  // the test's, which liaisond inherits
  auto nices = [&](const std::string& name) {
    std::multiset<int> out;
    auto [from, to] = threads.equal_range(name);
    for (auto it = from; it != to; ++it) out.insert(it->second);
    return out;
  };
  EXPECT_EQ(nices("liaisond-sync"), (std::multiset<int>{base, base}));
  int lower = std::min(19, base + 10);
  EXPECT_EQ(nices("liaisond-io"), (std::multiset<int>{lower, lower, lower}));
  EXPECT_EQ(nices("liaisond-page"), (std::multiset<int>{lower}));
  stop_server();
  url.clear();
  auto refused = run_process({LIAISOND_BIN, "--data", path("data"), "--listen", "127.0.0.1:0", "--sync-threads", "0"}, env());
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_NE(refused.err.find("--sync-threads: between 1 and 64"), std::string::npos) << refused.err;
}
}  // namespace
}  // namespace liaison::test
