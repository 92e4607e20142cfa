// Unit tests of what the sync protocol reads from the other side
// (sync/protocol.h, sync/http_client.h): a push body's header is bounded and
// names commit ids, and an answer larger than the client's limit is refused
// without reading it whole.
#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <thread>

#include "base/error.h"
#include "sync/http_client.h"
#include "sync/protocol.h"

namespace liaison::sync {
namespace {

const std::string kA(40, 'a');
const std::string kB(40, 'b');

std::string message_of(std::string_view body) {
  try {
    decode_push(body);
  } catch (const UserError& e) {
    return e.what();
  }
  return "accepted";
}

TEST(ProtocolTest, PushRoundTrip) {
  auto back = decode_push(encode_push({kA, kB, std::string("patch\nbytes\0", 12)}));
  EXPECT_EQ(back.base, kA);
  EXPECT_EQ(back.head, kB);
  EXPECT_EQ(back.patches, std::string("patch\nbytes\0", 12));
  EXPECT_EQ(decode_push(encode_push({"", kB, ""})).base, "");
}

TEST(ProtocolTest, PushHeaderIsBoundedAndNamesCommitIds) {
  EXPECT_EQ(message_of("no header line"), "push body has no header line");
  EXPECT_EQ(message_of(std::string(2000, ' ') + "\n"), "push header is too long");
  EXPECT_EQ(message_of(std::string(5 << 20, 'x')), "push header is too long");
  EXPECT_NE(message_of("{\"base\":1,\"head\":\"x\"}\n").find("needs \"base\" and \"head\" strings"),
            std::string::npos);
  EXPECT_EQ(message_of("{\"base\":\"\",\"head\":\"x\"}\n"), "push header: \"head\" is not a commit id");
  EXPECT_EQ(message_of("{\"base\":\"\",\"head\":\"" + std::string(40, 'A') + "\"}\n"),
            "push header: \"head\" is not a commit id");
  EXPECT_EQ(message_of("{\"base\":\"" + kA.substr(1) + "\",\"head\":\"" + kB + "\"}\n"),
            "push header: \"base\" is not a commit id");
  EXPECT_NE(message_of("{\"base\":\"\",\"head\":\"\xff\"}\n").find("malformed JSON"), std::string::npos);
}

// A server on loopback that answers one request with a body of `size`
// bytes (announced by Content-Length), and the port it listens on.
class BigAnswer {
 public:
  explicit BigAnswer(std::size_t size) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    EXPECT_EQ(::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
    EXPECT_EQ(::listen(fd_, 1), 0);
    socklen_t len = sizeof addr;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this, size] {
      int c = ::accept(fd_, nullptr, nullptr);
      if (c < 0) return;
      char buf[4096];
      (void)::recv(c, buf, sizeof buf, 0);
      std::string head = "HTTP/1.1 200 OK\r\nContent-Length: " + std::to_string(size) + "\r\n\r\n";
      (void)::send(c, head.data(), head.size(), MSG_NOSIGNAL);
      std::string chunk(64 * 1024, 'x');
      for (std::size_t sent = 0; sent < size; sent += chunk.size())
        if (::send(c, chunk.data(), std::min(chunk.size(), size - sent), MSG_NOSIGNAL) <= 0) break;
      ::close(c);
    });
  }
  ~BigAnswer() {
    thread_.join();
    ::close(fd_);
  }
  Url url() const { return parse_url("http://127.0.0.1:" + std::to_string(port_)); }

 private:
  int fd_ = -1;
  int port_ = 0;
  std::thread thread_;
};

TEST(ProtocolTest, AnswerLargerThanTheLimitIsRefused) {
  {
    BigAnswer server(1 << 20);
    auto res = http_request(server.url(), "GET", "/", "", "", "application/json", std::chrono::seconds(20), 1 << 20);
    EXPECT_EQ(res.body.size(), 1u << 20);
  }
  BigAnswer server((1 << 20) + 1);
  try {
    auto res =
        http_request(server.url(), "GET", "/", "", "", "application/json", std::chrono::seconds(20), 1 << 20);
    ADD_FAILURE() << "an answer over the limit was read: " << res.status << ", " << res.body.size() << " bytes";
  } catch (const Failure& e) {
    EXPECT_NE(std::string(e.what()).find("larger than the 1048576 bytes allowed"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace liaison::sync
