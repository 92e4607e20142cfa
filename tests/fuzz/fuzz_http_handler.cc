// A request to liaisond, through the socket-free handler
// (server/handlers.h), against one central copy made at start. The input
// is "METHOD\nTARGET\nAUTHORIZATION\nBODY"; an authorization of "admin",
// "editor" or "reader" stands for a valid token of that role. Property: the
// handler answers every request with an HTTP status, and a 5xx only when the
// server itself failed, never for what a client sent. The change feed runs,
// as in liaisond, and an answer that opens it is watched as the server
// would: the watcher's first frame is the feed's hello, whatever `since`
// it asked from.
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <optional>

#include "base/error.h"
#include "server/central.h"
#include "server/handlers.h"
#include "tests/fuzz/fuzz_support.h"

using namespace liaison;
using namespace liaison::server;

namespace {

struct Server {
  Server() : central((Central::init(dir(), "un-ctc"), dir())) {
    admin = central.tokens().create("un-ctc", Role::Admin);
    editor = central.tokens().create("cis-atc", Role::Editor);
    reader = central.tokens().create("osce", Role::Reader);
    central.start_feed({});  // as liaisond runs: without it, /v1/events answers 503
  }
  static std::filesystem::path dir() { return fuzz::scratch_dir() / "data"; }
  Central central;
  std::string admin, editor, reader;
};

// Keeps the first frame the feed sends.
class FirstFrame : public FeedSink {
 public:
  void send(std::shared_ptr<const std::string> frame) override {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!first_) first_ = *frame;
    sent_.notify_all();
  }
  std::optional<std::string> wait(std::chrono::seconds limit) {
    std::unique_lock<std::mutex> lock(mutex_);
    sent_.wait_for(lock, limit, [this] { return first_.has_value(); });
    return first_;
  }

 private:
  std::mutex mutex_;
  std::condition_variable sent_;
  std::optional<std::string> first_;
};

Server& the_server() {
  static Server s;
  return s;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto& s = the_server();
  auto text = fuzz::as_text(data, size);
  Request req;
  req.method = fuzz::take_line(text);
  req.target = fuzz::take_line(text);
  std::string auth(fuzz::take_line(text));
  if (auth == "admin") auth = "Bearer " + s.admin;
  else if (auth == "editor") auth = "Bearer " + s.editor;
  else if (auth == "reader") auth = "Bearer " + s.reader;
  req.authorization = auth;
  req.body = text;
  req.client_address = "127.0.0.1";
  auto res = handle(s.central, req);
  fuzz::require(res.status >= 200 && res.status < 500);
  if (res.feed) {
    auto sink = std::make_shared<FirstFrame>();
    auto ticket = s.central.feed()->watch(res.feed->audience, res.feed->since, sink);
    fuzz::require(ticket != nullptr);
    auto first = sink->wait(std::chrono::seconds(10));
    fuzz::require(first && first->starts_with("event: hello\n"));
  }
  return 0;
}
