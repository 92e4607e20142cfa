#include "sync/http_client.h"

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include "base/error.h"
#include "sync/tls_setup.h"

namespace liaison::sync {
namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;

Url parse_url(const std::string& text) {
  Url url;
  std::string rest;
  if (text.starts_with("https://")) {
    url.tls = true;
    rest = text.substr(8);
  } else if (text.starts_with("http://")) {
    rest = text.substr(7);
  } else {
    throw UserError("'" + text + "' is not an http(s) URL");
  }
  auto slash = rest.find('/');
  std::string authority = rest.substr(0, slash);
  if (slash != std::string::npos) url.base_path = rest.substr(slash);
  while (!url.base_path.empty() && url.base_path.back() == '/') url.base_path.pop_back();
  auto colon = authority.rfind(':');
  if (colon != std::string::npos && authority.find(']') == std::string::npos) {
    url.host = authority.substr(0, colon);
    url.port = authority.substr(colon + 1);
  } else {
    url.host = authority;
    url.port = url.tls ? "443" : "80";
  }
  if (url.host.empty() || url.port.empty()) throw UserError("'" + text + "' has no host or port");
  return url;
}

std::string ca_file_problem(const std::string& path) {
  std::string what = "LIAISON_CA_FILE=" + path + ": ";
  std::error_code ec;
  auto status = std::filesystem::status(path, ec);
  if (!std::filesystem::exists(status)) return what + "no such file";
  if (std::filesystem::is_directory(status)) return what + "is a folder, not a PEM file of certificates";
  if (std::FILE* f = std::fopen(path.c_str(), "rb")) std::fclose(f);
  else return what + "cannot be read: " + std::strerror(errno);
  net::ssl::context probe(net::ssl::context::tls_client);
  boost::system::error_code load_error;
  probe.load_verify_file(path, load_error);
  if (load_error) return what + "holds no PEM certificate";
  return "";
}

void trust_servers(net::ssl::context& ctx) {
  if (const char* ca = std::getenv("LIAISON_CA_FILE"); ca && *ca) {
    if (auto problem = ca_file_problem(ca); !problem.empty()) throw UserError(problem);
    ctx.load_verify_file(ca);
  } else {
    ctx.set_default_verify_paths();
  }
  ctx.set_verify_mode(net::ssl::verify_peer);
}

void expect_host(beast::ssl_stream<beast::tcp_stream>& stream, const std::string& host) {
  if (!SSL_set_tlsext_host_name(stream.native_handle(), host.c_str())) throw Failure("TLS: cannot set the server name");
  stream.set_verify_callback(net::ssl::host_name_verification(host));
}

namespace {

template <class Stream>
HttpResponse exchange(Stream& stream, const Url& url, const std::string& method, const std::string& target,
                      const std::string& token, const std::string& body, const std::string& content_type,
                      std::chrono::seconds timeout, std::uint64_t max_body_bytes) {
  http::request<http::string_body> req{http::string_to_verb(method), url.base_path + target, 11};
  req.set(http::field::host, url.host);
  req.set(http::field::user_agent, "liaison/0.1");
  if (!token.empty()) req.set(http::field::authorization, "Bearer " + token);
  if (!body.empty() || method == "POST") {
    req.set(http::field::content_type, content_type);
    req.body() = body;
    req.prepare_payload();
  }
  beast::get_lowest_layer(stream).expires_after(timeout);
  beast::error_code write_error;
  http::write(stream, req, write_error);
  // A server may answer before reading the whole body (413) and close; its
  // answer is still worth reading.
  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(max_body_bytes);
  auto too_large = [&] {
    return Failure("the answer of " + url.host + ":" + url.port + " is larger than the " +
                   std::to_string(max_body_bytes) + " bytes allowed");
  };
  beast::error_code read_error;
  // The announced length is checked here, before the body is read: the
  // parser's own check missed a Content-Length that came with the header.
  http::read_header(stream, buffer, parser, read_error);
  if (!read_error && parser.content_length() && *parser.content_length() > max_body_bytes) throw too_large();
  if (!read_error) http::read(stream, buffer, parser, read_error);
  if (read_error == http::error::body_limit) throw too_large();
  if (read_error) throw boost::system::system_error(write_error ? write_error : read_error);
  auto& res = parser.get();
  HttpResponse out;
  out.status = static_cast<int>(res.result_int());
  out.body = std::move(res.body());
  for (const auto& field : res) {
    std::string name(field.name_string());
    for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    out.headers[name] = std::string(field.value());
  }
  return out;
}

}  // namespace

HttpResponse http_request(const Url& url, const std::string& method, const std::string& target,
                          const std::string& token, const std::string& body, const std::string& content_type,
                          std::chrono::seconds timeout, std::uint64_t max_body_bytes) {
  try {
    net::io_context ioc;
    tcp::resolver resolver(ioc);
    auto endpoints = resolver.resolve(url.host, url.port);
    if (!url.tls) {
      beast::tcp_stream stream(ioc);
      stream.expires_after(timeout);
      stream.connect(endpoints);
      auto out = exchange(stream, url, method, target, token, body, content_type, timeout, max_body_bytes);
      beast::error_code ec;
      stream.socket().shutdown(tcp::socket::shutdown_both, ec);
      return out;
    }
    net::ssl::context ctx(net::ssl::context::tls_client);
    trust_servers(ctx);
    beast::ssl_stream<beast::tcp_stream> stream(ioc, ctx);
    expect_host(stream, url.host);
    beast::get_lowest_layer(stream).expires_after(timeout);
    beast::get_lowest_layer(stream).connect(endpoints);
    stream.handshake(net::ssl::stream_base::client);
    auto out = exchange(stream, url, method, target, token, body, content_type, timeout, max_body_bytes);
    beast::error_code ec;
    stream.shutdown(ec);
    return out;
  } catch (const boost::system::system_error& e) {
    throw Failure("cannot reach " + url.host + ":" + url.port + ": " + e.code().message());
  }
}

}  // namespace liaison::sync
