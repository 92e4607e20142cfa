#include "server/http_server.h"

#include <algorithm>
#include <ctime>
#include <cerrno>
#include <limits>
#include <string_view>
#include <iostream>
#include <mutex>
#include <thread>
#include <vector>

#include <boost/asio/ip/network_v6.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include <netinet/in.h>
#include <sys/socket.h>
#include <netinet/tcp.h>

#include "base/error.h"
#include "process/trim_memory.h"
#include "server/handlers.h"
#include "server/web_routes.h"

namespace liaison::server {
namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;

namespace {

// How far below the server's priority visitors' work runs: the io threads
// and the threads making pages; the sync API stays at the server's own.
constexpr int kVisitorsNice = 10;

std::mutex log_mutex;

std::string one_line(std::string text) {
  for (auto& c : text)
    if (c == '\n' || c == '\r') c = ' ';
  return text;
}

// `failure` says what went wrong behind a 500, for the operator.
void log_request(const std::string& client, const std::string& org, std::string_view method, std::string_view target,
                 int status, std::size_t in, std::size_t out, std::chrono::steady_clock::duration took,
                 const std::string& failure) {
  std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char when[32];
  std::strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
  auto ms = std::chrono::duration_cast<std::chrono::microseconds>(took).count() / 1000.0;
  std::lock_guard<std::mutex> lock(log_mutex);
  std::cerr << when << " client=" << client << " org=" << (org.empty() ? "-" : org) << " "
            << (method.empty() ? "-" : method) << " " << (target.empty() ? "-" : target) << " " << status
            << " in=" << in << " out=" << out << " " << ms << "ms";
  if (!failure.empty()) std::cerr << " error=" << one_line(failure);
  std::cerr << "\n";
}

http::status to_status(int code) { return static_cast<http::status>(code); }

Response error_response(http::status status, const std::string& message) {
  Response r;
  r.status = static_cast<int>(status);
  r.body = Json{{"error", message}}.dump(-1, ' ', false, Json::error_handler_t::replace);
  return r;
}

// The client sees that something failed; what failed goes to the log.
Response internal_error() {
  return error_response(http::status::internal_server_error, "internal error (the server's log says more)");
}

std::string client_address(tcp::socket& socket) {
  beast::error_code ec;
  auto endpoint = socket.remote_endpoint(ec);
  if (ec) return "-";
  auto a = endpoint.address();
  if (a.is_v6() && a.to_v6().is_v4_mapped()) a = net::ip::make_address_v4(net::ip::v4_mapped, a.to_v6());
  return a.to_string();
}

// What failed sign-ins are counted by: the address, or its /64 for IPv6,
// where one host commonly holds a whole /64.
std::string sign_in_key(const std::string& client) {
  beast::error_code ec;
  auto a = net::ip::make_address(client, ec);
  if (ec || !a.is_v6()) return client;
  return net::ip::make_network_v6(a.to_v6(), 64).canonical().to_string();
}

// After a refusal the session reads and drops what the client still sends,
// up to these many bytes, so that closing does not reset the connection
// before the client has read the answer. Little for a client without a
// valid token: its body is not worth reading.
constexpr std::size_t kDrainAuthenticated = 64u << 20;
constexpr std::size_t kDrainUnauthenticated = 1u << 20;

// A watcher that lets this many events wait unread is too slow to follow
// the feed: its connection is closed, and it comes back with the last event
// it read (Last-Event-ID) to be sent what it missed in one event.
constexpr std::size_t kMaxQueuedEvents = 64;

template <class Derived>
class Session : public FeedSink {
 public:
  Session(Central& central, const ServerOptions& options, SignInLimiter& limiter, WebSite& web_site,
          JobThreads& sync_threads, std::string client)
      : central_(central),
        options_(options),
        limiter_(limiter),
        web_site_(web_site),
        sync_threads_(sync_threads),
        client_(std::move(client)) {}

  void do_read() {
    parser_.emplace();
    parser_->header_limit(static_cast<std::uint32_t>(options_.header_limit));
    // The body limit applies once the token is checked (on_header). Not
    // boost::none: Beast 1.74 compares the Content-Length with the optional
    // and takes none for a limit smaller than any.
    parser_->body_limit(std::numeric_limits<std::uint64_t>::max());
    request_ = Request{};
    request_.client_address = client_;
    who_.reset();
    web_ = false;
    beast::get_lowest_layer(derived().stream()).expires_after(options_.timeout);
    http::async_read_header(derived().stream(), buffer_, *parser_,
                            beast::bind_front_handler(&Session::on_header, derived().shared_from_this()));
  }

  // The header is in, the body not yet: check the token first.
  void on_header(beast::error_code ec, std::size_t) {
    if (ec) return on_read_error(ec);
    started_ = std::chrono::steady_clock::now();
    const auto& head = parser_->get();
    request_.method = std::string(head.method_string());
    request_.target = std::string(head.target());
    request_.authorization = std::string(head[http::field::authorization]);
    request_.last_event_id = std::string(head["Last-Event-ID"]);
    request_.sign_in_key = sign_in_key(client_);
    web_ = is_web_route(request_.target);
    if (web_) {
      // A page or a form: the visitor's session is looked up with the
      // request (web_routes.h); a form's body is small.
      request_.cookie = std::string(head[http::field::cookie]);
      request_.accept_language = std::string(head[http::field::accept_language]);
      request_.origin = std::string(head[http::field::origin]);
      request_.host = std::string(head[http::field::host]);
      request_.tls = Derived::kTls;
      std::size_t limit = request_.method == "POST" ? kMaxFormBytes : 0;
      return read_rest(limit, kDrainUnauthenticated);
    }
    if (needs_token(request_.method, request_.target)) {
      const auto& key = request_.sign_in_key;
      if (auto wait = limiter_.wait(key); wait.count() > 0) {
        auto r = error_response(http::status::too_many_requests, "too many failed sign-ins from " + key +
                                                                     ", try again in " + std::to_string(wait.count()) + " s");
        r.headers["Retry-After"] = std::to_string(wait.count());
        return refuse(std::move(r), kDrainUnauthenticated);
      }
      try {
        who_ = authenticate(central_, request_.authorization);
      } catch (const std::exception& e) {
        return refuse(internal_error(), kDrainUnauthenticated, std::string("checking a token: ") + e.what());
      }
      if (!who_) {
        if (offers_token(request_.authorization)) limiter_.failed(key);
        return refuse(unauthenticated(request_.authorization), kDrainUnauthenticated);
      }
    }
    read_rest(options_.body_limit, kDrainAuthenticated);
  }

  // Reads the body, of at most `limit` bytes: a longer one is answered
  // too_large() unread, and a client waiting for "100 Continue" gets it.
  void read_rest(std::size_t limit, std::size_t drain_limit) {
    if (auto length = parser_->content_length(); length && *length > limit) return refuse(too_large(), drain_limit);
    parser_->body_limit(limit);
    if (parser_->is_done()) return on_read({}, 0);
    if (beast::iequals(parser_->get()[http::field::expect], "100-continue")) return send_continue();
    read_body();
  }

  void read_body() {
    beast::get_lowest_layer(derived().stream()).expires_after(options_.timeout);
    http::async_read(derived().stream(), buffer_, *parser_,
                     beast::bind_front_handler(&Session::on_read, derived().shared_from_this()));
  }

  // A client that waits for "100 Continue" before its body gets it only
  // now, with its token checked.
  void send_continue() {
    auto res = std::make_shared<http::response<http::empty_body>>(http::status::continue_, parser_->get().version());
    beast::get_lowest_layer(derived().stream()).expires_after(options_.timeout);
    auto self = derived().shared_from_this();
    http::async_write(derived().stream(), *res, [self, res](beast::error_code ec, std::size_t) {
      if (!ec) self->read_body();
    });
  }

  void on_read(beast::error_code ec, std::size_t) {
    if (ec) return on_read_error(ec);
    request_.body = std::move(parser_->get().body());
    bool keep_alive = parser_->get().keep_alive();
    if (web_) {
      try {
        return answer_web(keep_alive);
      } catch (const std::exception& e) {
        return respond(internal_error(), keep_alive, e.what());
      }
    }
    answer_sync(keep_alive);
  }

  // The sync API is answered on the sync threads, at the server's own
  // priority; the answer comes back to this connection's strand, which
  // reads nothing meanwhile.
  void answer_sync(bool keep_alive) {
    auto self = derived().shared_from_this();
    sync_threads_.post([self, keep_alive] {
      Response response;
      std::string failure;
      try {
        response = self->who_ ? handle(self->central_, self->request_, *self->who_)
                              : handle(self->central_, self->request_);
      } catch (const std::exception& e) {
        failure = e.what();
        response = internal_error();
        if (self->who_) response.org = self->who_->org;
      }
      self->respond_from_elsewhere(std::move(response), keep_alive, std::move(failure));
    });
  }

  // A page may be made on the site's page threads: the answer comes back to
  // this connection's strand, which reads nothing meanwhile.
  void answer_web(bool keep_alive) {
    auto self = derived().shared_from_this();
    handle_web(central_, web_site_, limiter_, request_, [self, keep_alive](Response answer, std::string failure) {
      self->respond_from_elsewhere(std::move(answer), keep_alive, std::move(failure));
    });
  }

  // respond(), from a thread other than this connection's strand (a sync or
  // page thread): the answer is sent on the strand.
  void respond_from_elsewhere(Response response, bool keep_alive, std::string failure) {
    auto self = derived().shared_from_this();
    net::dispatch(derived().stream().get_executor(), [self, keep_alive, response = std::move(response),
                                                      failure = std::move(failure)]() mutable {
      self->respond(std::move(response), keep_alive, std::move(failure));
    });
  }

  void on_read_error(beast::error_code ec) {
    if (ec == http::error::end_of_stream) return derived().do_close();
    if (!parser_->is_header_done()) started_ = std::chrono::steady_clock::now();
    if (ec == http::error::body_limit) return refuse(too_large(), kDrainAuthenticated);
    if (ec == http::error::header_limit)
      return refuse(error_response(http::status::request_header_fields_too_large, "headers are too large"),
                    kDrainUnauthenticated);
    if (ec == beast::error::timeout || ec == net::error::operation_aborted || ec == net::error::eof ||
        ec == net::error::connection_reset)
      return;
    refuse(error_response(http::status::bad_request, "malformed HTTP request: " + ec.message()), kDrainUnauthenticated);
  }

  Response too_large() {
    if (web_)
      return error_response(http::status::payload_too_large,
                            "a form is at most " + std::to_string(kMaxFormBytes) + " bytes");
    auto r = error_response(http::status::payload_too_large,
                            "request body is too large (at most " + std::to_string(options_.body_limit >> 20) + " MB)");
    if (who_) r.org = who_->org;
    return r;
  }

  // Answers without reading (the rest of) the body and closes the connection.
  void refuse(Response response, std::size_t drain_limit, const std::string& failure = "") {
    drain_limit_ = drain_limit;
    respond(std::move(response), false, failure);
  }

  // Sends `response` and logs it; without keep_alive the connection closes after.
  void respond(Response response, bool keep_alive, std::string failure) {
    unsigned version = parser_ && parser_->is_header_done() ? parser_->get().version() : 11;
    auto took = std::chrono::steady_clock::now() - started_;
    if (response.feed) return open_feed(std::move(response), version, took);
    if (!response.body_file.empty()) {
      // Streamed from the file; the write keeps its owner (the image) alive.
      http::file_body::value_type file;
      beast::error_code open_error;
      file.open(response.body_file.c_str(), beast::file_mode::scan, open_error);
      if (!open_error) {
        log_request(client_, response.org, request_.method, request_.target, response.status, request_.body.size(),
                    file.size(), took, failure);
        auto res = std::make_shared<http::response<http::file_body>>(to_status(response.status), version);
        fill_head(*res, response, keep_alive);
        res->body() = std::move(file);
        res->prepare_payload();
        return write(res, response.body_file_owner);
      }
      failure = "cannot open " + response.body_file.string() + ": " + open_error.message();
      auto org = response.org;
      response = internal_error();
      response.org = org;
    }
    log_request(client_, response.org, request_.method, request_.target, response.status, request_.body.size(),
                response.body.size(), took, failure);
    auto res = std::make_shared<http::response<http::string_body>>(to_status(response.status), version);
    fill_head(*res, response, keep_alive);
    res->body() = std::move(response.body);
    res->prepare_payload();
    write(res);
  }

  template <class Message>
  static void fill_head(Message& res, const Response& response, bool keep_alive) {
    res.set(http::field::server, "liaisond");
    res.set(http::field::content_type, response.content_type);
    for (const auto& [k, v] : response.headers) res.set(k, v);
    res.keep_alive(keep_alive);
  }

  // Writes `res`; `keep` holds whatever its body points into until then.
  template <class Body>
  void write(std::shared_ptr<http::response<Body>> res, std::shared_ptr<const void> keep = nullptr) {
    beast::get_lowest_layer(derived().stream()).expires_after(options_.timeout);
    auto self = derived().shared_from_this();
    http::async_write(derived().stream(), *res, [self, res, keep](beast::error_code ec, std::size_t) {
      if (ec) return;
      if (!res->keep_alive()) return self->do_close();
      self->do_read();
    });
  }

  // Called from the feed's thread: the event is written on this
  // connection's strand, after those before it.
  void send(std::shared_ptr<const std::string> frame) override {
    net::post(derived().stream().get_executor(),
              [self = derived().shared_from_this(), frame = std::move(frame)]() mutable { self->queue(std::move(frame)); });
  }

 private:
  // The connection becomes a change feed (change_feed.h): the answer's
  // header, then each event the feed sends, until either side closes.
  void open_feed(Response response, unsigned version, std::chrono::steady_clock::duration took) {
    auto* feed = central_.feed();
    auto start = *response.feed;
    if (feed) feed_ticket_ = feed->watch(start.audience, start.since, derived().weak_from_this());
    if (!feed_ticket_) {
      auto r = error_response(http::status::service_unavailable, "the server holds as many watchers as it takes");
      r.org = response.org;
      return respond(std::move(r), false, "");
    }
    log_request(client_, response.org, request_.method, request_.target, response.status, 0, 0, took, "");
    // What the requests needed goes: an idle watcher costs its socket and
    // this object only.
    parser_.reset();
    request_ = Request{};
    buffer_.clear();
    buffer_.shrink_to_fit();
    auto& socket = beast::get_lowest_layer(derived().stream()).socket();
    // A watcher whose host went away is dropped once writes stay
    // unacknowledged for three heartbeats.
    unsigned beat = static_cast<unsigned>(feed->options().heartbeat.count());
    unsigned user_timeout = std::max(3 * beat, 10000u);
    ::setsockopt(socket.native_handle(), IPPROTO_TCP, TCP_USER_TIMEOUT, &user_timeout, sizeof user_timeout);
    struct Head {
      http::response<http::empty_body> message;
      http::response_serializer<http::empty_body> serializer{message};
    };
    auto head = std::make_shared<Head>();
    head->message.result(to_status(response.status));
    head->message.version(version);
    fill_head(head->message, response, false);
    writing_ = true;
    beast::get_lowest_layer(derived().stream()).expires_after(options_.timeout);
    http::async_write_header(derived().stream(), head->serializer,
                             [self = derived().shared_from_this(), head](beast::error_code ec, std::size_t) {
                               if (ec) return self->close_feed();
                               self->write_next();
                             });
    notice_going_away();
  }

  // A watcher sends nothing after its request: anything readable is its
  // going away (or a misbehaving client), and closes the feed. The reactor
  // may wake a wait for an edge the request's read already consumed, so a
  // wake with nothing to read waits again.
  void notice_going_away() {
    auto& socket = beast::get_lowest_layer(derived().stream()).socket();
    socket.async_wait(tcp::socket::wait_read, [self = derived().shared_from_this()](beast::error_code ec) {
      if (self->feed_closed_) return;
      auto& s = beast::get_lowest_layer(self->derived().stream()).socket();
      char byte;
      if (!ec && ::recv(s.native_handle(), &byte, 1, MSG_PEEK | MSG_DONTWAIT) < 0 &&
          (errno == EAGAIN || errno == EWOULDBLOCK))
        return self->notice_going_away();
      self->close_feed();
    });
  }

  void queue(std::shared_ptr<const std::string> frame) {
    if (feed_closed_) return;
    if (events_.size() >= kMaxQueuedEvents) return close_feed();
    events_.push_back(std::move(frame));
    if (!writing_) write_next();
  }

  void write_next() {
    if (feed_closed_ || events_.empty()) {
      writing_ = false;
      return;
    }
    writing_ = true;
    beast::get_lowest_layer(derived().stream()).expires_after(options_.timeout);
    // The handler holds the frame: closing clears the queue under a write.
    auto frame = events_.front();
    net::async_write(derived().stream(), net::buffer(*frame),
                     [self = derived().shared_from_this(), frame](beast::error_code ec, std::size_t) {
                       if (ec) return self->close_feed();
                       if (self->feed_closed_) return;
                       self->events_.erase(self->events_.begin());
                       self->write_next();
                     });
  }

  void close_feed() {
    if (feed_closed_) return;
    feed_closed_ = true;
    feed_ticket_.reset();
    events_.clear();
    beast::error_code ec;
    beast::get_lowest_layer(derived().stream()).socket().shutdown(tcp::socket::shutdown_both, ec);
    beast::get_lowest_layer(derived().stream()).socket().close(ec);
  }

 protected:
  Derived& derived() { return static_cast<Derived&>(*this); }
  Central& central_;
  const ServerOptions& options_;
  SignInLimiter& limiter_;
  WebSite& web_site_;
  JobThreads& sync_threads_;
  const std::string client_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  Request request_;                 // method, target, authorization once the header is in
  std::optional<Identity> who_;     // the token's identity, for routes that need one
  bool web_ = false;                // a web page or form (web_routes.h), not the sync API
  std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
  std::size_t drain_limit_ = kDrainAuthenticated;
  std::vector<std::shared_ptr<const std::string>> events_;  // the feed's, unwritten (at most kMaxQueuedEvents)
  bool writing_ = false, feed_closed_ = false;
  ChangeFeed::Ticket feed_ticket_;  // this connection's place in the feed, while it watches
};

class PlainSession : public Session<PlainSession>, public std::enable_shared_from_this<PlainSession> {
 public:
  static constexpr bool kTls = false;
  PlainSession(tcp::socket&& socket, Central& central, const ServerOptions& options, SignInLimiter& limiter,
               WebSite& web_site, JobThreads& sync_threads)
      : Session(central, options, limiter, web_site, sync_threads, client_address(socket)), stream_(std::move(socket)) {}
  beast::tcp_stream& stream() { return stream_; }
  void start() { do_read(); }
  void do_close() {
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
    drain();
  }

 private:
  // Reads and drops what the client still sends (see kDrainAuthenticated).
  void drain() {
    stream_.expires_after(std::chrono::seconds(5));
    auto self = shared_from_this();
    drain_buffer_.resize(8192);  // only now: most connections never drain
    stream_.async_read_some(net::buffer(drain_buffer_), [self](beast::error_code ec, std::size_t n) {
      self->drained_ += n;
      if (!ec && self->drained_ < self->drain_limit_) self->drain();
    });
  }
  beast::tcp_stream stream_;
  std::vector<char> drain_buffer_;
  std::size_t drained_ = 0;
};

class TlsSession : public Session<TlsSession>, public std::enable_shared_from_this<TlsSession> {
 public:
  static constexpr bool kTls = true;
  TlsSession(tcp::socket&& socket, net::ssl::context& ctx, Central& central, const ServerOptions& options,
             SignInLimiter& limiter, WebSite& web_site, JobThreads& sync_threads)
      : Session(central, options, limiter, web_site, sync_threads, client_address(socket)),
        stream_(std::move(socket), ctx) {}
  beast::ssl_stream<beast::tcp_stream>& stream() { return stream_; }
  void start() {
    beast::get_lowest_layer(stream_).expires_after(options_.timeout);
    stream_.async_handshake(net::ssl::stream_base::server, [self = shared_from_this()](beast::error_code ec) {
      if (ec) return;
      self->do_read();
    });
  }
  void do_close() {
    beast::get_lowest_layer(stream_).expires_after(std::chrono::seconds(5));
    stream_.async_shutdown([self = shared_from_this()](beast::error_code) {});
  }

 private:
  beast::ssl_stream<beast::tcp_stream> stream_;
};

}  // namespace

struct HttpServer::Impl {
  Impl(Central& c, const ServerOptions& o)
      : central(c),
        options(o),
        ioc(o.threads),
        acceptor(ioc),
        ssl_ctx(net::ssl::context::tls_server),
        signals(ioc),
        trim_timer(ioc),
        limiter(o.sign_in),
        web_site(o.page_threads, kVisitorsNice, o.page_budget),
        sync_threads(o.sync_threads, 0, "liaisond-sync") {}
  Central& central;
  ServerOptions options;
  net::io_context ioc;
  tcp::acceptor acceptor;
  net::ssl::context ssl_ctx;
  bool tls = false;
  net::signal_set signals;
  net::steady_timer trim_timer;
  SignInLimiter limiter;
  WebSite web_site;
  JobThreads sync_threads;  // last: gone first, its queued jobs dropped or run while the rest is there

  // Memory freed by finished requests goes back to the system every 5 s
  // (process/trim_memory.h).
  void trim_memory_periodically() {
    trim_timer.expires_after(std::chrono::seconds(5));
    trim_timer.async_wait([this](beast::error_code ec) {
      if (ec) return;
      process::trim_memory();
      trim_memory_periodically();
    });
  }

  void accept() {
    acceptor.async_accept(net::make_strand(ioc), [this](beast::error_code ec, tcp::socket socket) {
      if (!ec) {
        if (tls) std::make_shared<TlsSession>(std::move(socket), ssl_ctx, central, options, limiter, web_site, sync_threads)
                     ->start();
        else std::make_shared<PlainSession>(std::move(socket), central, options, limiter, web_site, sync_threads)->start();
      }
      if (acceptor.is_open()) accept();
    });
  }
};

HttpServer::HttpServer(Central& central, const ServerOptions& options) : impl_(std::make_unique<Impl>(central, options)) {
  auto& i = *impl_;
  if (options.tls_cert || options.tls_key) {
    if (!options.tls_cert || !options.tls_key) throw UserError("TLS needs both --tls-cert and --tls-key");
    try {
      i.ssl_ctx.set_options(net::ssl::context::default_workarounds | net::ssl::context::no_sslv2 |
                            net::ssl::context::no_sslv3 | net::ssl::context::no_tlsv1 |
                            net::ssl::context::no_tlsv1_1);
      i.ssl_ctx.use_certificate_chain_file(*options.tls_cert);
      i.ssl_ctx.use_private_key_file(*options.tls_key, net::ssl::context::pem);
    } catch (const boost::system::system_error& e) {
      throw UserError("TLS: cannot load certificate or key: " + e.code().message());
    }
    i.tls = true;
  }
  beast::error_code ec;
  auto address = net::ip::make_address(options.host, ec);
  if (ec) throw UserError("--listen: '" + options.host + "' is not an IP address");
  tcp::endpoint endpoint{address, options.port};
  i.acceptor.open(endpoint.protocol());
  i.acceptor.set_option(net::socket_base::reuse_address(true));
  i.acceptor.bind(endpoint, ec);
  if (ec) throw UserError("--listen: cannot listen on " + options.host + ":" + std::to_string(options.port) + ": " +
                          ec.message());
  i.acceptor.listen(net::socket_base::max_listen_connections);
}

HttpServer::~HttpServer() = default;

unsigned short HttpServer::port() const { return impl_->acceptor.local_endpoint().port(); }

void HttpServer::run() {
  auto& i = *impl_;
  i.signals.add(SIGINT);
  i.signals.add(SIGTERM);
  i.signals.async_wait([this](beast::error_code, int) { stop(); });
  i.accept();
  i.trim_memory_periodically();
  std::vector<std::thread> threads;
  for (int t = 0; t < i.options.threads; ++t)
    threads.emplace_back([&i] {
      name_this_thread("liaisond-io");
      lower_this_thread_priority(kVisitorsNice);
      i.ioc.run();
    });
  for (auto& t : threads) t.join();
  // A request not yet answered gets no answer now: it is not run either.
  i.sync_threads.drop_queued();
  // No event may be handed to a connection once the sockets go.
  if (auto* feed = i.central.feed()) feed->close();
}

void HttpServer::stop() {
  net::post(impl_->ioc, [this] {
    beast::error_code ec;
    impl_->acceptor.close(ec);
    impl_->trim_timer.cancel();
    impl_->ioc.stop();
  });
}

}  // namespace liaison::server
