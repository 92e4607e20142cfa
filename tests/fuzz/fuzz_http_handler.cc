// A request to liaisond, through the socket-free handler
// (server/handlers.h), against one central copy made at start. The input
// is "METHOD\nTARGET\nAUTHORIZATION\nBODY"; an authorization of "admin",
// "editor" or "reader" stands for a valid token of that role. Property: the
// handler answers every request with an HTTP status, and a 5xx only when the
// server itself failed, never for what a client sent. The change feed runs,
// as in liaisond.
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
  return 0;
}
