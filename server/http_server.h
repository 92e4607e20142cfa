// The network side of liaisond: a Boost.Beast HTTP/1.1 server, plain or TLS,
// one session object per connection (kept alive by shared_from_this), with
// limits at the edge: header size, body size, and a timeout on every read
// and write, so a slow or broken client never holds up the others.
//
// A request's token is checked as soon as its header is in, before its body
// is read: a request without a valid token is answered 401 and its
// connection closed, whatever body it announces, and the body limit applies
// to authenticated requests only (413 at once when Content-Length exceeds
// it). A client address that failed too many token checks is answered 429
// for a while (rate_limit.h). Each request is handed to handle()
// (handlers.h) and logged as one line (time, client address, org, route,
// status, bytes, duration; error=... for a 500), never with its token.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include "server/central.h"
#include "server/page_budget.h"
#include "server/rate_limit.h"

namespace liaison::server {

struct ServerOptions {
  std::string host = "127.0.0.1";
  unsigned short port = 8470;  // 0: any free port
  std::optional<std::string> tls_cert, tls_key;
  std::size_t body_limit = 256u << 20;
  std::size_t header_limit = 16u << 10;
  std::chrono::seconds timeout{60};
  SignInLimits sign_in;  // failed token checks allowed per client address
  int threads = 4;       // io threads: connections and kept pages, at a lower priority
  int sync_threads = 4;  // where the sync API is answered, at the server's priority
  int page_threads = 2;  // where web pages are made, at a lower priority
  PageBudgetLimits page_budget;  // pages made a minute per address, without sign-in
};

class HttpServer {
 public:
  HttpServer(Central& central, const ServerOptions& options);
  ~HttpServer();
  // The port actually listened on (useful with port 0).
  unsigned short port() const;
  // Serves until stop() or SIGINT/SIGTERM.
  void run();
  void stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace liaison::server
