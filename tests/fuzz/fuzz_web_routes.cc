// A request to liaisond's web pages (server/web_routes.h), against one
// central copy made at start holding a restricted need, a public contact
// point with a personal e-mail, and a need whose title is markup. The input
// is "METHOD\nTARGET\nSESSION\nACCEPT-LANGUAGE\nORIGIN\nBODY"; a session of
// "editor" stands for a signed-in session of the editor of another
// organization than the one the need is shared with (opened again when an
// input signed it out). Properties: every request is answered once, with a
// status below 500; what a visitor without sign-in, or that editor, is
// sent never holds the restricted title, and a visitor without sign-in
// never the personal e-mail; markup in a record or in the request reaches
// no page unescaped.
#include <cctype>
#include <condition_variable>
#include <memory>
#include <mutex>

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
    editor_token = central.tokens().create("interpol", Role::Editor);
  }
  // The editor's session, opened again when an input signed it out.
  const std::string& editor_session() {
    if (editor_session_.empty() || !site.sessions.find(editor_session_)) editor_session_ = site.sessions.open(editor_token);
    return editor_session_;
  }
  static std::filesystem::path dir() { return fuzz::scratch_dir() / "data"; }
  Central central;
  // Every input comes from one address: no budget, or after a minute's pages
  // every input would be refused before a page is made.
  WebSite site{2, 5, PageBudgetLimits{.per_minute = 0}};
  std::string editor_token, editor_session_;
};

// What the answer callback fills, kept alive by the callback itself: it may
// run on a page thread.
struct Answered {
  std::mutex mutex;
  std::condition_variable changed;
  int calls = 0;
  Response response;
};

// Whether `text` holds `canary` as such or percent-encoded: a page shows
// the words it was asked for, decoded.
bool carries(const std::string& text, std::string_view canary) {
  if (text.find(canary) != std::string::npos) return true;
  std::string decoded;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size() && std::isxdigit(static_cast<unsigned char>(text[i + 1])) &&
        std::isxdigit(static_cast<unsigned char>(text[i + 2]))) {
      decoded.push_back(static_cast<char>(std::stoi(text.substr(i + 1, 2), nullptr, 16)));
      i += 2;
    } else {
      decoded.push_back(text[i] == '+' ? ' ' : text[i]);
    }
  }
  return decoded.find(canary) != std::string::npos;
}

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
  bool signed_in = session == "editor";
  if (signed_in) session = s.editor_session();
  req.cookie = "liaison_session=" + session;
  req.accept_language = fuzz::take_line(text);
  req.origin = fuzz::take_line(text);
  req.host = "127.0.0.1";
  req.body = text;
  req.client_address = "127.0.0.1";
  req.sign_in_key = "127.0.0.1";
  if (!is_web_route(req.target)) return 0;
  SignInLimiter limiter;  // each input's own: refusals do not carry over
  auto answered = std::make_shared<Answered>();
  handle_web(s.central, s.site, limiter, req, [answered](Response r, std::string) {
    std::lock_guard lock(answered->mutex);
    if (++answered->calls == 1) answered->response = std::move(r);
    answered->changed.notify_all();
  });
  std::unique_lock lock(answered->mutex);
  answered->changed.wait(lock, [&] { return answered->calls > 0; });
  const auto& res = answered->response;
  fuzz::require(res.status >= 200 && res.status < 500);
  // A page may echo what was asked (a search's words): a canary counts only
  // when the request did not carry it.
  std::string asked = req.target + "\n" + req.body;
  if (!carries(asked, kRestricted)) fuzz::require(res.body.find(kRestricted) == std::string::npos);
  if (!signed_in && !carries(asked, kPersonal)) fuzz::require(res.body.find(kPersonal) == std::string::npos);
  // Downloads (CSV, JSON) and plain-text refusals carry text as it is; a
  // page carries none of it as markup.
  if (res.content_type.starts_with("text/html")) fuzz::require(!contains_folded(res.body, kMarkup));
  lock.unlock();
  // A second answer to one request would be a finding too: the page
  // threads are drained by the next request's wait at the latest, and the
  // count is checked there.
  static std::shared_ptr<Answered> previous;
  if (previous) {
    std::lock_guard last(previous->mutex);
    fuzz::require(previous->calls == 1);
  }
  previous = answered;
  return 0;
}
