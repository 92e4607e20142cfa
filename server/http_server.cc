#include "server/http_server.h"

#include <array>
#include <ctime>
#include <iostream>
#include <mutex>
#include <thread>
#include <vector>

#ifdef __GLIBC__
#include <malloc.h>
#endif

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include "core/error.h"
#include "server/handlers.h"

namespace liaison::server {
namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;

namespace {

std::mutex log_mutex;

void log_request(const std::string& org, const std::string& method, const std::string& target, int status,
                 std::size_t in, std::size_t out, std::chrono::steady_clock::duration took) {
  std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char when[32];
  std::strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
  auto ms = std::chrono::duration_cast<std::chrono::microseconds>(took).count() / 1000.0;
  std::lock_guard<std::mutex> lock(log_mutex);
  std::cerr << when << " org=" << (org.empty() ? "-" : org) << " " << method << " " << target << " " << status
            << " in=" << in << " out=" << out << " " << ms << "ms\n";
}

http::status to_status(int code) { return static_cast<http::status>(code); }

template <class Derived>
class Session {
 public:
  Session(Central& central, const ServerOptions& options) : central_(central), options_(options) {}

  void do_read() {
    parser_.emplace();
    parser_->body_limit(options_.body_limit);
    parser_->header_limit(static_cast<std::uint32_t>(options_.header_limit));
    beast::get_lowest_layer(derived().stream()).expires_after(options_.timeout);
    http::async_read(derived().stream(), buffer_, *parser_,
                     beast::bind_front_handler(&Session::on_read, derived().shared_from_this()));
  }

  void on_read(beast::error_code ec, std::size_t) {
    if (ec == http::error::end_of_stream) return derived().do_close();
    if (ec) {
      if (ec == http::error::body_limit) return send_error(http::status::payload_too_large, "request body is too large");
      if (ec == http::error::header_limit) return send_error(http::status::request_header_fields_too_large, "headers are too large");
      if (ec == beast::error::timeout || ec == net::error::operation_aborted || ec == net::error::eof ||
          ec == net::error::connection_reset)
        return;
      return send_error(http::status::bad_request, "malformed HTTP request: " + ec.message());
    }
    auto started = std::chrono::steady_clock::now();
    auto req = parser_->release();
    Request request{std::string(req.method_string()), std::string(req.target()),
                    std::string(req[http::field::authorization]), std::move(req.body())};
    Response response;
    try {
      response = handle(central_, request);
    } catch (const std::exception& e) {
      response.status = 500;
      response.body = Json{{"error", std::string("internal error: ") + e.what()}}.dump();
    }
    if (!response.body_file.empty()) {
      // Streamed from the file; the write keeps its owner (the image) alive.
      http::file_body::value_type file;
      beast::error_code open_error;
      file.open(response.body_file.c_str(), beast::file_mode::scan, open_error);
      if (!open_error) {
        log_request(response.org, request.method, request.target, response.status, request.body.size(), file.size(),
                    std::chrono::steady_clock::now() - started);
        auto res = std::make_shared<http::response<http::file_body>>(to_status(response.status), req.version());
        fill_head(*res, response, req.keep_alive());
        res->body() = std::move(file);
        res->prepare_payload();
        return write(res, response.body_file_owner);
      }
      response.status = 500;
      response.body = Json{{"error", "internal error: cannot open " + response.body_file.filename().string()}}.dump();
    }
    log_request(response.org, request.method, request.target, response.status, request.body.size(),
                response.body.size(), std::chrono::steady_clock::now() - started);
    auto res = std::make_shared<http::response<http::string_body>>(to_status(response.status), req.version());
    fill_head(*res, response, req.keep_alive());
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

  void send_error(http::status status, const std::string& message) {
    std::string method = "-", target = "-";
    if (parser_) {
      method = std::string(parser_->get().method_string());
      target = std::string(parser_->get().target());
    }
    auto res = std::make_shared<http::response<http::string_body>>(status, 11);
    res->set(http::field::server, "liaisond");
    res->set(http::field::content_type, "application/json");
    res->body() = Json{{"error", message}}.dump();
    res->keep_alive(false);
    res->prepare_payload();
    log_request("", method.empty() ? "-" : method, target.empty() ? "-" : target, static_cast<int>(status), 0,
                res->body().size(), {});
    write(res);
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

 protected:
  Derived& derived() { return static_cast<Derived&>(*this); }
  Central& central_;
  const ServerOptions& options_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
};

class PlainSession : public Session<PlainSession>, public std::enable_shared_from_this<PlainSession> {
 public:
  PlainSession(tcp::socket&& socket, Central& central, const ServerOptions& options)
      : Session(central, options), stream_(std::move(socket)) {}
  beast::tcp_stream& stream() { return stream_; }
  void start() { do_read(); }
  void do_close() {
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
    drain();
  }

 private:
  // After refusing a request early (413), read and drop what the client is
  // still sending for a while, so closing does not reset the connection
  // before the client has read the answer.
  void drain() {
    stream_.expires_after(std::chrono::seconds(5));
    auto self = shared_from_this();
    stream_.async_read_some(net::buffer(drain_buffer_), [self](beast::error_code ec, std::size_t n) {
      self->drained_ += n;
      if (!ec && self->drained_ < (64u << 20)) self->drain();
    });
  }
  beast::tcp_stream stream_;
  std::array<char, 65536> drain_buffer_{};
  std::size_t drained_ = 0;
};

class TlsSession : public Session<TlsSession>, public std::enable_shared_from_this<TlsSession> {
 public:
  TlsSession(tcp::socket&& socket, net::ssl::context& ctx, Central& central, const ServerOptions& options)
      : Session(central, options), stream_(std::move(socket), ctx) {}
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
        trim_timer(ioc) {}
  Central& central;
  ServerOptions options;
  net::io_context ioc;
  tcp::acceptor acceptor;
  net::ssl::context ssl_ctx;
  bool tls = false;
  net::signal_set signals;
  net::steady_timer trim_timer;

  // Hands memory freed by finished requests back to the system every 5 s.
  // Requests run on several threads, each with its own glibc malloc arena,
  // and freed chunks between live ones stay in the process: without this the
  // server's resident memory crept up by 1-2 MB per round of 200 syncs while
  // its live heap stayed level.
  void trim_memory_periodically() {
    trim_timer.expires_after(std::chrono::seconds(5));
    trim_timer.async_wait([this](beast::error_code ec) {
      if (ec) return;
#ifdef __GLIBC__
      malloc_trim(0);
#endif
      trim_memory_periodically();
    });
  }

  void accept() {
    acceptor.async_accept(net::make_strand(ioc), [this](beast::error_code ec, tcp::socket socket) {
      if (!ec) {
        if (tls) std::make_shared<TlsSession>(std::move(socket), ssl_ctx, central, options)->start();
        else std::make_shared<PlainSession>(std::move(socket), central, options)->start();
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
  for (int t = 1; t < i.options.threads; ++t) threads.emplace_back([&i] { i.ioc.run(); });
  i.ioc.run();
  for (auto& t : threads) t.join();
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
