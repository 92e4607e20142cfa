// liaisond's web pages beside the sync API, on the same port: the pages
// of web/pages.h for GET, and signing in and out:
//   GET  /sign-in             the form
//   POST /sign-in  token=T    checks T (failed attempts are rate-limited as
//                             bearer tokens are, rate_limit.h), opens a
//                             session (web_sessions.h) and answers 303 to /
//                             with cookie liaison_session: HttpOnly,
//                             SameSite=Strict, Path=/, Secure under TLS
//   POST /sign-out csrf=F     ends the session when F is its form token
// A page shows what the session's token may see (its segment's audience),
// and the public segment without a session. Every answer carries
// Content-Security-Policy default-src 'self' (no inline script or style),
// nosniff, a same-origin Referrer-Policy and frame denial; a POST whose
// Origin is another site's is refused (403), and nothing changes through
// GET. The language is ?lang= (kept in a cookie), else Accept-Language.
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include "server/central.h"
#include "server/handlers.h"
#include "server/page_cache.h"
#include "server/job_threads.h"
#include "server/page_budget.h"
#include "server/rate_limit.h"
#include "server/web_sessions.h"
#include "server/web_views.h"

namespace liaison::server {

// Bodies of the sign-in and sign-out forms are at most this long.
inline constexpr std::size_t kMaxFormBytes = 4096;

// Whether the request is for the web pages rather than the sync API: any
// path outside /v1/.
bool is_web_route(std::string_view target);

// What the site keeps between requests.
struct WebSite {
  explicit WebSite(int page_threads = 2, int page_nice = 5, PageBudgetLimits budget_limits = {})
      : budget(budget_limits), form_token_marker(random_hex()), threads(page_threads, page_nice, "liaisond-page") {}
  WebSessions sessions;
  PageCache pages;  // pages as made, by head, day, language, visitor and target
  WebViews views;   // central's view, per audience
  PageBudget budget;  // pages made for visitors without sign-in, per address
  // Where the form token of a kept page for a signed-in visitor stands: a
  // value no record can hold (random, made at start), replaced by the
  // visitor's own before the page is sent.
  const std::string form_token_marker;
  JobThreads threads;  // last: its jobs use the members above until it goes
};

// How a web request was answered: `failure` names what went wrong when the
// answer is a 500, for the log.
using WebAnswer = std::function<void(Response answer, std::string failure)>;

// Answers `request` by calling `done` once: on the calling thread when no
// page has to be made (a page kept, a form, a refusal), else on one of the
// site's page threads.
void handle_web(Central& central, WebSite& site, SignInLimiter& limiter, const Request& request, WebAnswer done);

}  // namespace liaison::server
