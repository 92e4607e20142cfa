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

#include <string_view>

#include "server/central.h"
#include "server/handlers.h"
#include "server/page_cache.h"
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
  WebSessions sessions;
  PageCache pages;  // what visitors without sign-in are sent
  WebViews views;   // central's view, per audience
};

Response handle_web(Central& central, WebSite& site, SignInLimiter& limiter, const Request& request);

}  // namespace liaison::server
