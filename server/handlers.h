// The request handler of liaisond: a plain function from a request to a
// response, apart from the connection code so it can be tested without
// sockets. It authenticates the bearer token, routes, and runs the routes
// that change central (push, the review queue) under the central copy's
// lock. Health, token checks, whoami, fetch and clone do not wait for it:
// a long push holds up no reader.
//
// The connection code authenticates a request as soon as its header is in
// (authenticate()), before reading its body, then calls handle() with the
// identity; handle(central, request) does both, for tests.
#pragma once

#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "server/central.h"

namespace liaison::server {

struct Request {
  std::string method;
  std::string target;
  std::string authorization;  // the Authorization header
  std::string body;
  std::string client_address;  // the peer's IP address, for the log and the audit
  std::string last_event_id;   // the Last-Event-ID header (the change feed)
  std::string sign_in_key;     // what failed sign-ins from this client are counted by (rate_limit.h)
  // For the web pages (web_routes.h):
  std::string cookie, accept_language, origin, host;
  bool tls = false;
};

// A change feed to open on the connection (GET /v1/events): after the
// answer's header, the connection belongs to the feed (change_feed.h).
struct FeedStart {
  Audience audience;
  std::optional<CommitId> since;  // the last commit of its segment the watcher saw
};

struct Response {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  // A body sent from a file instead of `body` when set (the parts of the
  // clone image), and what keeps that file until the response is written.
  std::filesystem::path body_file;
  std::shared_ptr<const void> body_file_owner;
  std::map<std::string, std::string> headers;
  std::optional<FeedStart> feed;
  std::string org;  // whose token made the request, for the log ("" if none)
};

// The audience a token is served: readers the public segment, editors
// their organization's, admins central itself.
Audience audience_of(const Identity& who);

// Whether the route needs a token: all but GET /v1/health.
bool needs_token(std::string_view method, std::string_view target);
// The identity the Authorization header's bearer token proves; nullopt for
// none, an unknown or a revoked token. Does not take the central lock.
std::optional<Identity> authenticate(Central& central, std::string_view authorization);
// Whether the Authorization header offers a token at all (a failed attempt,
// when authenticate() refuses it).
bool offers_token(std::string_view authorization);
// The 401 answer to a request authenticate() refused.
Response unauthenticated(std::string_view authorization);

// Answers a request whose token authenticate() accepted as `who`.
Response handle(Central& central, const Request& request, const Identity& who);
// Authenticates the request (unless it needs no token), then as above.
Response handle(Central& central, const Request& request);

}  // namespace liaison::server
