#include "server/web_routes.h"

#include <openssl/evp.h>
#include <openssl/sha.h>

#include "base/error.h"
#include "view/audience_scope.h"
#include "web/catalogue.h"
#include "web/html.h"
#include "web/pages.h"

namespace liaison::server {

namespace {

constexpr std::string_view kSessionCookie = "liaison_session";
constexpr std::string_view kLanguageCookie = "lang";
constexpr std::string_view kPolicy = "default-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'";

// The value of cookie `name` in a Cookie header ("a=1; b=2").
std::string cookie_value(std::string_view header, std::string_view name) {
  while (!header.empty()) {
    auto semi = header.find(';');
    auto item = header.substr(0, semi);
    header = semi == std::string_view::npos ? std::string_view() : header.substr(semi + 1);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    if (item.size() > name.size() && item.starts_with(name) && item[name.size()] == '=')
      return std::string(item.substr(name.size() + 1));
  }
  return "";
}

void secure_headers(Response& r, bool signed_in) {
  if (!r.headers.contains("Content-Security-Policy")) r.headers["Content-Security-Policy"] = std::string(kPolicy);
  r.headers["X-Content-Type-Options"] = "nosniff";
  r.headers["Referrer-Policy"] = "same-origin";
  r.headers["X-Frame-Options"] = "DENY";
  // A signed-in visitor's pages hold what the public may not see: no cache
  // keeps them.
  r.headers["Cache-Control"] = signed_in ? "no-store" : "no-cache";
}

// 'sha256-…' of a style element's text, as a Content-Security-Policy source.
std::string style_hash(const std::string& style) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(style.data()), style.size(), digest);
  unsigned char encoded[4 * ((SHA256_DIGEST_LENGTH + 2) / 3) + 1];
  EVP_EncodeBlock(encoded, digest, SHA256_DIGEST_LENGTH);
  return "'sha256-" + std::string(reinterpret_cast<char*>(encoded)) + "'";
}

Response from_page(web::PageAnswer page) {
  Response r;
  // A page with one inline style element (the meeting report) allows that
  // element by its hash, and nothing else inline.
  if (!page.inline_style.empty())
    r.headers["Content-Security-Policy"] = std::string(kPolicy) + "; style-src 'self' " + style_hash(page.inline_style);
  r.status = page.status;
  r.content_type = page.content_type;
  r.body = std::move(page.body);
  if (!page.download_name.empty()) r.headers["Content-Disposition"] = "attachment; filename=\"" + page.download_name + "\"";
  return r;
}

Response redirect_home() {
  Response r;
  r.status = 303;
  r.content_type = "text/plain; charset=utf-8";
  r.headers["Location"] = "/";
  return r;
}

std::string session_cookie(const std::string& value, bool tls, std::chrono::seconds max_age) {
  return std::string(kSessionCookie) + "=" + value + "; Path=/; HttpOnly; SameSite=Strict; Max-Age=" +
         std::to_string(max_age.count()) + (tls ? "; Secure" : "");
}

// A POST from a page of another site is refused: SameSite=Strict keeps the
// session cookie off it already, and this keeps a sign-in form elsewhere
// from signing a browser in to this server.
bool same_origin(const Request& req) {
  if (req.origin.empty()) return true;  // not a browser, or one that sends none for same-origin forms
  return req.origin == std::string(req.tls ? "https://" : "http://") + req.host;
}

struct Visit {
  web::PageRequest page;
  std::string session_id;
  std::optional<std::string> language_cookie;  // to set, when ?lang= chose one
};

Visit visit_of(Central& central, WebSessions& sessions, const Request& req) {
  Visit v;
  auto q = req.target.find('?');
  v.page.path = req.target.substr(0, q);
  std::map<std::string, std::string> query;
  if (q != std::string::npos) query = web::parse_query(std::string_view(req.target).substr(q + 1));
  auto chosen = query.contains("lang") ? query.at("lang") : "";
  v.page.query = web::page_parameters(v.page.path, std::move(query));
  if (!chosen.empty()) {
    v.page.language = web::choose_language(chosen, "");
    v.language_cookie = v.page.language;
  } else {
    v.page.language = web::choose_language(cookie_value(req.cookie, kLanguageCookie), req.accept_language);
  }
  v.page.today = Store::today();
  v.page.visitor.audience = Audience::everyone();
  v.session_id = cookie_value(req.cookie, kSessionCookie);
  if (v.session_id.empty()) return v;
  auto session = sessions.find(v.session_id);
  std::optional<Identity> who;
  if (session) who = central.tokens().authenticate(session->token);
  if (!who) {
    // Unknown, expired or revoked: the visitor is public again.
    if (session) sessions.close(v.session_id);
    v.session_id.clear();
    return v;
  }
  v.page.visitor.audience = audience_of(*who);
  v.page.visitor.org = who->org;
  v.page.visitor.role = role_name(who->role);
  v.page.visitor.csrf = session->csrf;
  return v;
}

Response sign_in(Central& central, WebSessions& sessions, SignInLimiter& limiter, const Request& req, Visit& v) {
  const auto& text = web::Catalogue::of(v.page.language);
  if (auto wait = limiter.wait(req.sign_in_key); wait.count() > 0) {
    auto r = from_page(web::sign_in_page(v.page, text.format("sign_in.too_many", std::to_string(wait.count())), 429));
    r.headers["Retry-After"] = std::to_string(wait.count());
    return r;
  }
  auto form = web::parse_query(req.body, 8);
  auto token = form.contains("token") ? form.at("token") : "";
  std::optional<Identity> who;
  if (!token.empty()) who = central.tokens().authenticate(token);
  if (!who) {
    limiter.failed(req.sign_in_key);
    return from_page(web::sign_in_page(v.page, text["sign_in.failed"], 401));
  }
  if (!v.session_id.empty()) sessions.close(v.session_id);
  auto r = redirect_home();
  r.headers["Set-Cookie"] = session_cookie(sessions.open(token), req.tls, sessions.lifetime());
  r.org = who->org;
  return r;
}

Response sign_out(WebSessions& sessions, const Request& req, Visit& v) {
  auto form = web::parse_query(req.body, 8);
  if (v.session_id.empty() || !form.contains("csrf") || form.at("csrf") != v.page.visitor.csrf) {
    return from_page(web::sign_in_page(v.page, web::Catalogue::of(v.page.language)["error.forbidden"], 403));
  }
  sessions.close(v.session_id);
  auto r = redirect_home();
  r.headers["Set-Cookie"] = session_cookie("", req.tls, std::chrono::seconds(0));
  return r;
}

// A deferred transaction that only reads: every query in it sees the
// database as its first read found it, whatever a push writes meanwhile.
class ReadSnapshot {
 public:
  explicit ReadSnapshot(Database& db) : db_(db) { db_.exec("BEGIN"); }
  ~ReadSnapshot() {
    try {
      db_.exec("COMMIT");
    } catch (const std::exception&) {
    }
  }
  ReadSnapshot(const ReadSnapshot&) = delete;
  ReadSnapshot& operator=(const ReadSnapshot&) = delete;

 private:
  Database& db_;
};

// What a page is kept under: the audience's state (the last commit that
// changed what it sees, segments.h) as of the head published before the
// page is made (the view it reads is of that head or newer, since the view
// is written before the head is published, so a kept page is never older
// than its key, and a head that changed what the audience sees finds
// nothing), the day (stale contacts), the language, the visitor (what it may
// see, and its name in the page's header) and the request target.
std::string page_key(const std::string& state, const Visit& v) {
  const auto& who = v.page.visitor;
  return state + "\n" + v.page.today + "\n" + v.page.language + "\n" + who.audience.name() + "\n" + who.org + "\n" +
         who.role + "\n" + web::page_target(v.page);
}

// The audience's state as of the published head; without `derive`, only
// when it is known without reading history (nullopt otherwise).
std::optional<std::string> state(Central& central, const Visit& v, bool derive) {
  auto head = central.published_head();
  if (!head) return "";
  auto& segments = central.segments();
  if (derive) return segments.last_visible_change(v.page.visitor.audience, *head);
  return segments.known_last_visible_change(v.page.visitor.audience, *head);
}

// A kept page as this visitor is sent it: its own form token in place of
// the marker.
Response as_sent(const Response& kept, const WebSite& site, const Visit& v) {
  Response r = kept;
  if (!v.page.visitor.signed_in()) return r;
  const auto& marker = site.form_token_marker;
  for (auto at = r.body.find(marker); at != std::string::npos; at = r.body.find(marker, at + v.page.visitor.csrf.size()))
    r.body.replace(at, marker.size(), v.page.visitor.csrf);
  return r;
}

// Makes the page (or takes the one another thread is making) and keeps it.
Response make_page(Central& central, WebSite& site, const Visit& v, const std::string& key) {
  auto kept = site.pages.get(key, [&] {
    web::PageRequest request = v.page;
    request.visitor.csrf = site.form_token_marker;
    if (request.path == "/report" && request.query.contains("since") && !request.query.at("since").empty())
      if (auto head = central.published_head()) request.segment_head = central.segments().at(request.visitor.audience, *head);
    auto view = site.views.lease(central.dir() / "central" / "view.db", request.visitor.audience);
    ReadSnapshot snapshot((*view).db());  // every query of the page sees one state
    auto history = central.read_history();
    return std::make_shared<const Response>(from_page(web::render_page(*view, *history, request)));
  });
  return as_sent(*kept, site, v);
}

Response bad_request(const UserError& e) {
  // A malformed query or form: the page's language may not be known yet.
  return from_page(web::PageAnswer{400, "text/plain; charset=utf-8", std::string(e.what()) + "\n", "", ""});
}

// What every answer of the site carries.
Response finished(Response r, const Visit& v, const Request& req) {
  if (v.language_cookie && !r.headers.contains("Set-Cookie"))
    r.headers["Set-Cookie"] = std::string(kLanguageCookie) + "=" + *v.language_cookie +
                              "; Path=/; SameSite=Strict; Max-Age=31536000" + (req.tls ? "; Secure" : "");
  if (r.org.empty()) r.org = v.page.visitor.org;
  secure_headers(r, v.page.visitor.signed_in());
  return r;
}

}  // namespace

bool is_web_route(std::string_view target) {
  // Everything outside the API is the site's: an unknown page is its 404.
  return !target.starts_with("/v1/") && target != "/v1";
}

void handle_web(Central& central, WebSite& site, SignInLimiter& limiter, const Request& req, WebAnswer done) {
  auto& sessions = site.sessions;
  Visit v;
  Response r;
  try {
    v = visit_of(central, sessions, req);
    auto path = v.page.path;
    if (req.method == "POST" && !same_origin(req)) {
      const auto& text = web::Catalogue::of(v.page.language);
      r = from_page(web::sign_in_page(v.page, text["error.forbidden"], 403));
    } else if (path == "/sign-in" && req.method == "POST") {
      r = sign_in(central, sessions, limiter, req, v);
    } else if (path == "/sign-out" && req.method == "POST") {
      r = sign_out(sessions, req, v);
    } else if (path == "/sign-out" || req.method != "GET") {
      // Nothing changes through GET, and a page takes nothing but GET.
      bool form = path == "/sign-out";
      r = from_page(web::PageAnswer{405, "text/plain; charset=utf-8",
                                    form ? "sign out with the page's button (POST)\n" : "use GET for this page\n", "", ""});
      r.headers["Allow"] = form ? "POST" : "GET";
    } else if (path == "/sign-in") {
      r = from_page(web::sign_in_page(v.page));
    } else if (!web::is_page(path)) {
      // Nothing to read for it (a browser's /favicon.ico, a mistyped path):
      // answered here, neither made on a page thread nor kept.
      r = from_page(web::not_found_page(v.page));
    } else {
      auto known = state(central, v, false);
      std::shared_ptr<const Response> kept;
      if (known) kept = site.pages.find(page_key(*known, v));
      auto wait = kept || v.page.visitor.signed_in() ? std::chrono::seconds(0) : site.budget.take(req.sign_in_key);
      if (kept) {
        r = as_sent(*kept, site, v);
      } else if (wait.count() > 0) {
        const auto& text = web::Catalogue::of(v.page.language);
        r = from_page(web::notice_page(v.page, "error.too_many_pages",
                                       text.format("error.too_many_pages_wait", std::to_string(wait.count())), 429));
        r.headers["Retry-After"] = std::to_string(wait.count());
      } else {
        // `req` lives until `done` is called: the connection waits for it.
        site.threads.post([&central, &site, &req, v = std::move(v), known, done = std::move(done)] {
          Response made;
          std::string failure;
          try {
            made = make_page(central, site, v, page_key(known ? *known : *state(central, v, true), v));
          } catch (const UserError& e) {
            made = bad_request(e);
          } catch (const std::exception& e) {
            failure = e.what();
            made = from_page(web::PageAnswer{500, "text/plain; charset=utf-8",
                                             "internal error (the server's log says more)\n", "", ""});
          }
          done(finished(std::move(made), v, req), std::move(failure));
        });
        return;
      }
    }
  } catch (const UserError& e) {
    r = bad_request(e);
  }
  done(finished(std::move(r), v, req), "");
}

}  // namespace liaison::server
