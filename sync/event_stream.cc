#include "sync/event_stream.h"

#include <array>
#include <deque>

#include <boost/asio/connect.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include "base/canonical_json.h"
#include "base/error.h"
#include "sync/http_client.h"
#include "sync/protocol.h"
#include "sync/tls_setup.h"

namespace liaison::sync {
namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;

namespace {
// Before the hello names the server's heartbeat: three of the default.
constexpr std::chrono::milliseconds kSilenceBeforeHello{45000};
constexpr std::size_t kMaxErrorBody = 64u << 10;
}  // namespace

struct EventStream::Impl {
  Url url;
  std::string token;
  net::io_context ioc;
  std::unique_ptr<net::ssl::context> ssl;
  std::unique_ptr<beast::tcp_stream> plain;
  std::unique_ptr<beast::ssl_stream<beast::tcp_stream>> tls;
  beast::flat_buffer buffer;
  std::optional<http::response_parser<http::buffer_body>> parser;
  std::array<char, 16384> chunk{};
  SseParser sse{kMaxEventBytes};
  std::deque<SseEvent> ready;
  std::chrono::milliseconds silence_limit = kSilenceBeforeHello;
  bool reading = false;
  std::optional<std::string> ended;  // why the connection is over

  beast::tcp_stream& lowest() { return tls ? beast::get_lowest_layer(*tls) : *plain; }
  template <class F>
  void with_stream(F f) {
    if (tls) f(*tls);
    else f(*plain);
  }
  // Runs the io_context until the one operation started completes.
  void finish() {
    ioc.restart();
    ioc.run();
  }
  std::string where() const { return url.host + ":" + url.port; }

  void start_read() {
    reading = true;
    parser->get().body().data = chunk.data();
    parser->get().body().size = chunk.size();
    lowest().expires_after(silence_limit);
    with_stream([&](auto& s) {
      http::async_read_some(s, buffer, *parser, [this](beast::error_code ec, std::size_t) { on_read(ec); });
    });
  }

  void on_read(beast::error_code ec) {
    reading = false;
    std::size_t got = chunk.size() - parser->get().body().size;
    if (got) {
      std::vector<SseEvent> events;
      try {
        sse.feed(std::string_view(chunk.data(), got), events);
      } catch (const Failure& e) {
        ended = e.what();
        return;
      }
      for (auto& e : events) {
        if (e.event == "hello") learn_heartbeat(e.data);
        ready.push_back(std::move(e));
      }
    }
    if (ec == http::error::need_buffer) ec = {};
    if (ec == beast::error::timeout)
      ended = where() + " sent nothing for " + std::to_string(silence_limit.count() / 1000) + " s";
    else if (ec)
      ended = "the connection to " + where() + " broke: " + ec.message();
    else if (parser->is_done())
      ended = where() + " closed the change feed";
  }

  void learn_heartbeat(const std::string& data) {
    try {
      auto hello = parse_json(data, "the change feed's hello");
      if (hello.is_object() && hello.contains("heartbeat_ms") && hello["heartbeat_ms"].is_number_unsigned()) {
        auto beat = hello["heartbeat_ms"].get<std::uint64_t>();
        if (beat >= 100 && beat <= 3600000) silence_limit = std::chrono::milliseconds(3 * beat);
      }
    } catch (const UserError&) {
    }
  }

  // A refusal's one-line error, read within kMaxErrorBody.
  std::string error_body() {
    std::string body;
    beast::error_code ec;
    while (!parser->is_done() && body.size() < kMaxErrorBody) {
      parser->get().body().data = chunk.data();
      parser->get().body().size = chunk.size();
      lowest().expires_after(std::chrono::seconds(10));
      with_stream([&](auto& s) {
        http::async_read_some(s, buffer, *parser, [&](beast::error_code e, std::size_t) { ec = e; });
      });
      finish();
      body.append(chunk.data(), chunk.size() - parser->get().body().size);
      if (ec && ec != http::error::need_buffer) break;
    }
    try {
      auto json = parse_json(body, "error");
      if (json.is_object() && json.contains("error") && json["error"].is_string()) return json["error"];
    } catch (const UserError&) {
    }
    return "no further reason given";
  }
};

EventStream::EventStream(const std::string& url, std::string token) : impl_(std::make_unique<Impl>()) {
  impl_->url = parse_url(url);
  impl_->token = std::move(token);
}

EventStream::~EventStream() = default;

void EventStream::open(const std::optional<CommitId>& last_seen, std::chrono::seconds timeout) {
  auto& i = *impl_;
  beast::error_code ec;
  tcp::resolver resolver(i.ioc);
  auto endpoints = resolver.resolve(i.url.host, i.url.port, ec);
  if (ec) throw Failure("cannot reach " + i.where() + ": " + ec.message());
  if (i.url.tls) {
    i.ssl = std::make_unique<net::ssl::context>(net::ssl::context::tls_client);
    trust_servers(*i.ssl);
    i.tls = std::make_unique<beast::ssl_stream<beast::tcp_stream>>(i.ioc, *i.ssl);
    expect_host(*i.tls, i.url.host);
  } else {
    i.plain = std::make_unique<beast::tcp_stream>(i.ioc);
  }
  auto check = [&](const char* step) {
    if (ec) throw Failure("cannot reach " + i.where() + " (" + step + "): " + ec.message());
  };
  i.lowest().expires_after(timeout);
  i.lowest().async_connect(endpoints, [&](beast::error_code e, const tcp::endpoint&) { ec = e; });
  i.finish();
  check("connect");
  if (i.tls) {
    i.lowest().expires_after(timeout);
    i.tls->async_handshake(net::ssl::stream_base::client, [&](beast::error_code e) { ec = e; });
    i.finish();
    check("TLS handshake");
  }
  http::request<http::empty_body> req{http::verb::get, i.url.base_path + std::string(route::kEvents), 11};
  req.set(http::field::host, i.url.host);
  req.set(http::field::user_agent, "liaison/0.1");
  req.set(http::field::accept, kEventStreamType);
  req.set(http::field::authorization, "Bearer " + i.token);
  if (last_seen) req.set("Last-Event-ID", *last_seen);
  i.lowest().expires_after(timeout);
  i.with_stream([&](auto& s) { http::async_write(s, req, [&](beast::error_code e, std::size_t) { ec = e; }); });
  i.finish();
  check("request");
  i.parser.emplace();
  i.parser->header_limit(16u << 10);
  i.lowest().expires_after(timeout);
  i.with_stream([&](auto& s) {
    http::async_read_header(s, i.buffer, *i.parser, [&](beast::error_code e, std::size_t) { ec = e; });
  });
  i.finish();
  check("answer");
  auto status = i.parser->get().result_int();
  if (status != 200) {
    auto reason = i.error_body();
    auto what = i.where() + " refused the change feed (" + std::to_string(status) + "): " + reason;
    if (status >= 400 && status < 500 && status != 429) throw UserError(what);
    throw Failure(what);
  }
  if (!i.parser->get()[http::field::content_type].starts_with(kEventStreamType))
    throw Failure(i.where() + " answered the change feed with something else than " + std::string(kEventStreamType));
}

std::optional<SseEvent> EventStream::next(std::chrono::milliseconds wait) {
  auto& i = *impl_;
  if (!i.parser) throw Failure("the change feed is not open");
  auto until = std::chrono::steady_clock::now() + wait;
  while (i.ready.empty()) {
    if (i.ended) throw Failure(*i.ended);
    if (!i.reading) i.start_read();
    i.ioc.restart();
    i.ioc.run_until(until);
    if (i.reading && std::chrono::steady_clock::now() >= until) break;
  }
  if (i.ready.empty()) return std::nullopt;
  auto event = std::move(i.ready.front());
  i.ready.pop_front();
  return event;
}

}  // namespace liaison::sync
