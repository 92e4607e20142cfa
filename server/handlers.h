// The request handler of liaisond: a plain function from a request to a
// response, apart from the connection code so it can be tested without
// sockets. It authenticates the bearer token, routes, and runs each route
// under the central copy's lock.
#pragma once

#include <filesystem>
#include <map>
#include <memory>
#include <string>

#include "server/central.h"

namespace liaison::server {

struct Request {
  std::string method;
  std::string target;
  std::string authorization;  // the Authorization header
  std::string body;
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
  std::string org;  // whose token made the request, for the log ("" if none)
};

Response handle(Central& central, const Request& request);

}  // namespace liaison::server
