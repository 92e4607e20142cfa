// A request to liaisond's web pages (server/web_routes.h), against one
// central copy made at start holding a restricted need, a public contact
// point with a personal e-mail, and a need whose title is markup. The input
// is "METHOD\nTARGET\nSESSION\nACCEPT-LANGUAGE\nORIGIN\nBODY"; a session of
// "editor" stands for a signed-in session of the editor of another
// organization than the one the need is shared with. Properties: every
// request is answered once, with a status below 500; what a visitor
// without sign-in, or that editor, is sent never holds the restricted
// title or the personal e-mail; and markup in a record or in the request
// reaches no page unescaped.
#include <future>

#include "base/error.h"
#include "server/central.h"
#include "server/web_routes.h"
#include "tests/fuzz/fuzz_support.h"

using namespace liaison;
using namespace liaison::server;

namespace {

constexpr std::string_view kRestricted = "FUZZRESTRICTEDCANARY";
constexpr std::string_view kPersonal = "fuzz.personal.canary@example.org";
constexpr std::string_view kMarkup = "<fuzzmarkup";

struct Server {
  Server() : central((Central::init(dir(), "un-ctc"), dir())), site(1, 0) {
    {
      auto lock = central.lock();
      auto& store = central.store();
      store.add(Kind::Need, {{"org", "cis-atc"}, {"area", "border"}, {"state", "KZ"}, {"title", std::string(kRestricted)},
                             {"visibility", "restricted"}, {"shared_with", {"osce"}}});
      store.add(Kind::Need, {{"org", "cis-atc"}, {"area", "border"}, {"state", "KG"},
                             {"title", std::string(kMarkup) + " onload=x>"}, {"visibility", "public"}});
      store.add(Kind::Contact, {{"org", "cis-atc"}, {"role", "Border duty desk"}, {"visibility", "public"},
                                {"emails", {std::string(kPersonal)}}});
      central.publish_head();
    }
    auto editor = central.tokens().create("interpol", Role::Editor);
    editor_session = site.sessions.open(editor);
  }
  static std::filesystem::path dir() { return fuzz::scratch_dir() / "data"; }
  Central central;
  WebSite site;
  SignInLimiter limiter;
  std::string editor_session;
};

Server& the_server() {
  static Server s;
  return s;
}

bool contains_folded(std::string_view text, std::string_view lower) {
  for (std::size_t at = 0; at + lower.size() <= text.size(); ++at) {
    std::size_t i = 0;
    while (i < lower.size() && std::tolower(static_cast<unsigned char>(text[at + i])) == lower[i]) ++i;
    if (i == lower.size()) return true;
  }
  return false;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto& s = the_server();
  auto text = fuzz::as_text(data, size);
  Request req;
  req.method = fuzz::take_line(text);
  req.target = fuzz::take_line(text);
  std::string session(fuzz::take_line(text));
  if (session == "editor") session = s.editor_session;
  req.cookie = "liaison_session=" + session;
  req.accept_language = fuzz::take_line(text);
  req.origin = fuzz::take_line(text);
  req.host = "127.0.0.1";
  req.body = text;
  req.client_address = "127.0.0.1";
  req.sign_in_key = "127.0.0.1";
  if (!is_web_route(req.target)) return 0;
  std::promise<Response> answered;
  auto answer = answered.get_future();
  int calls = 0;
  handle_web(s.central, s.site, s.limiter, req, [&](Response r, std::string) {
    ++calls;
    answered.set_value(std::move(r));
  });
  auto res = answer.get();
  fuzz::require(calls == 1);
  fuzz::require(res.status >= 200 && res.status < 500);
  // A page may echo what was asked (a search's words): a canary counts only
  // when the request did not carry it.
  std::string asked = req.target + "\n" + req.body;
  if (asked.find(kRestricted) == std::string::npos) fuzz::require(res.body.find(kRestricted) == std::string::npos);
  if (asked.find(kPersonal) == std::string::npos) fuzz::require(res.body.find(kPersonal) == std::string::npos);
  // Downloads (CSV, JSON) and plain-text refusals carry text as it is; a
  // page carries none of it as markup.
  if (res.content_type.starts_with("text/html")) fuzz::require(!contains_folded(res.body, kMarkup));
  return 0;
}
