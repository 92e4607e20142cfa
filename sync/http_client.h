// A small blocking HTTP/1.1 client over Boost.Beast for the sync protocol:
// one request per connection, plain TCP or TLS (verifying the server's
// certificate against the system's authorities, or the PEM file named by
// LIAISON_CA_FILE), with a timeout on every operation.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <string>

#include "base/decode_limits.h"

namespace liaison::sync {

struct Url {
  bool tls = false;
  std::string host;
  std::string port;
  std::string base_path;  // without trailing slash
};
// Parses http(s)://host[:port][/path]; throws UserError.
Url parse_url(const std::string& text);

struct HttpResponse {
  int status = 0;
  std::string body;
  std::map<std::string, std::string> headers;  // lower-case names
};

// What keeps the file named by LIAISON_CA_FILE from serving as the
// authorities to trust, as one line naming the variable and the path: not
// found, not a file, not readable, or no PEM certificate in it; "" when it can
// serve. Checked before any TLS connection, so that the user reads this rather
// than a handshake error.
std::string ca_file_problem(const std::string& path);

// Sends one request. Throws Failure when the server cannot be reached, the
// exchange breaks off, or the answer's body is larger than `max_body_bytes`
// (read no further: a hostile server cannot make the client hold more).
HttpResponse http_request(const Url& url, const std::string& method, const std::string& target,
                          const std::string& token, const std::string& body = "",
                          const std::string& content_type = "application/json",
                          std::chrono::seconds timeout = std::chrono::seconds(120),
                          std::uint64_t max_body_bytes = DecodeLimits{}.max_response_bytes);

}  // namespace liaison::sync
