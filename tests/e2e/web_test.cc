// liaisond's web pages end to end, over HTTP with curl against a real
// server on loopback: what a visitor without sign-in may see, signing in
// and out, the refusals (another site's form, failed sign-ins, a revoked
// token, GET on a form's route), downloads against `liaison list`, and the
// language.
#include <set>
#include <sstream>

#include "tests/e2e/server_fixture.h"

namespace liaison::test {
namespace {

constexpr const char* kRestricted = "CANARYWEBPAGERESTRICTED";
constexpr const char* kPersonal = "canary.webpage.personal@example.org";

struct HttpAnswer {
  int status = 0;
  std::string headers;  // as received, lower-cased names
  std::string body;
  std::string header(const std::string& name) const {
    std::istringstream lines(headers);
    std::string line;
    while (std::getline(lines, line)) {
      auto colon = line.find(':');
      if (colon == std::string::npos) continue;
      auto key = line.substr(0, colon);
      for (auto& c : key) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      if (key == name) {
        auto value = line.substr(colon + 1);
        while (!value.empty() && (value.front() == ' ')) value.erase(0, 1);
        while (!value.empty() && (value.back() == '\r')) value.pop_back();
        return value;
      }
    }
    return "";
  }
};

class WebTest : public ServerTest {
 protected:
  // One request with curl; `extra` are curl arguments (headers, data).
  HttpAnswer http(const std::string& target, std::vector<std::string> extra = {}) {
    auto head = path("curl-headers");
    std::vector<std::string> argv{"/usr/bin/curl", "-s", "-D", head, "-o", path("curl-body")};
    argv.insert(argv.end(), extra.begin(), extra.end());
    argv.push_back(url + target);
    auto r = run_process(argv);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    HttpAnswer a;
    std::ifstream h(head), b(path("curl-body"));
    a.headers.assign(std::istreambuf_iterator<char>(h), {});
    a.body.assign(std::istreambuf_iterator<char>(b), {});
    if (a.headers.size() > 12) a.status = std::atoi(a.headers.substr(9, 3).c_str());
    return a;
  }
  HttpAnswer post(const std::string& target, const std::string& form, std::vector<std::string> extra = {}) {
    extra.insert(extra.end(), {"--data-raw", form});
    return http(target, extra);
  }
  // Signs in with `tok`; the session cookie's value.
  std::string sign_in(const std::string& tok) {
    auto a = post("/sign-in", "token=" + tok);
    EXPECT_EQ(a.status, 303) << a.body;
    auto cookie = a.header("set-cookie");
    auto start = cookie.find("liaison_session=");
    if (start == std::string::npos) return "";
    return cookie.substr(start + 16, cookie.find(';') - start - 16);
  }
  std::vector<std::string> with(const std::string& session) { return {"-H", "Cookie: liaison_session=" + session}; }
  // Central holds a restricted need (shared with OSCE) and a public contact
  // point with a personal e-mail; returns the need's id.
  std::string start_with_canaries() {
    start_server();
    clone("hq", admin);
    std::string id = json({"need", "add", "--org", "cis-atc", "--area", "border", "--state", "KZ", "--title", kRestricted,
                           "--visibility", "restricted", "--share-with", "osce"},
                          "hq")["id"];
    json({"need", "add", "--org", "cis-atc", "--area", "border", "--state", "KZ", "--title", "Public border need"}, "hq");
    json({"contact", "add", "--org", "cis-atc", "--role", "Border duty desk", "--email", kPersonal, "--visibility",
          "public"},
         "hq");
    ok({"push"}, "hq");
    return id;
  }
};

TEST_F(WebTest, AVisitorWithoutSignInSeesThePublicSegmentOnlyAndEveryAnswerIsHardened) {
  auto hidden = start_with_canaries();
  for (const std::string& target : std::vector<std::string>{"/", "/needs", "/needs.csv", "/needs.json", "/contacts", "/contacts.csv", "/contacts.json",
                             "/gaps", "/duplicates", "/coverage", "/report", "/orgs/cis-atc", "/search?q=canary",
                             "/needs?state=KZ&sort=title"}) {
    auto a = http(target);
    EXPECT_TRUE(a.status == 200 || a.status == 404) << target << " " << a.status;
    EXPECT_EQ(a.body.find(kRestricted), std::string::npos) << target;
    EXPECT_EQ(a.body.find(hidden), std::string::npos) << target;
    EXPECT_EQ(a.body.find(kPersonal), std::string::npos) << target;
    EXPECT_EQ(a.header("content-security-policy").rfind("default-src 'self'", 0), 0u) << target;
    EXPECT_EQ(a.header("x-content-type-options"), "nosniff") << target;
    EXPECT_EQ(a.header("referrer-policy"), "same-origin") << target;
    EXPECT_EQ(a.header("x-frame-options"), "DENY") << target;
  }
  // The report's one inline style is allowed by its hash, nothing else inline.
  auto report = http("/report");
  EXPECT_NE(report.header("content-security-policy").find("style-src 'self' 'sha256-"), std::string::npos);
  EXPECT_EQ(http("/").header("content-security-policy").find("style-src"), std::string::npos);
  // Asked for by its id or its title, it is not there (the page names what
  // was asked, nothing more).
  auto asked = http("/needs/" + hidden);
  EXPECT_EQ(asked.status, 404);
  EXPECT_EQ(asked.body.find(kRestricted), std::string::npos);
  auto searched = http(std::string("/search?q=") + kRestricted);
  EXPECT_NE(searched.body.find("Nothing matches"), std::string::npos);
  EXPECT_EQ(searched.body.find(hidden), std::string::npos);
  auto listed = http("/needs");
  EXPECT_NE(listed.body.find("Public border need"), std::string::npos);
  EXPECT_EQ(http("/no-such-page").status, 404);
  // The sync API is where it was.
  EXPECT_EQ(http("/v1/whoami").status, 401);
}

TEST_F(WebTest, SigningInShowsTheTokensSegmentAndSigningOutEndsIt) {
  auto hidden = start_with_canaries();
  auto answer = post("/sign-in", "token=" + osce);
  ASSERT_EQ(answer.status, 303);
  EXPECT_EQ(answer.header("location"), "/");
  auto cookie = answer.header("set-cookie");
  EXPECT_NE(cookie.find("HttpOnly"), std::string::npos) << cookie;
  EXPECT_NE(cookie.find("SameSite=Strict"), std::string::npos) << cookie;
  EXPECT_NE(cookie.find("Max-Age="), std::string::npos) << cookie;
  EXPECT_EQ(cookie.find("Secure"), std::string::npos) << "plain HTTP: " << cookie;
  auto session = sign_in(osce);
  ASSERT_EQ(session.size(), 64u);
  auto page = http("/needs/" + hidden, with(session));
  EXPECT_EQ(page.status, 200);
  EXPECT_NE(page.body.find(kRestricted), std::string::npos);
  EXPECT_EQ(page.header("cache-control"), "no-store");
  EXPECT_NE(http("/contacts.csv", with(session)).body.find(kPersonal), std::string::npos);
  // Another organization's editor does not see the restricted need.
  EXPECT_EQ(http("/needs/" + hidden, with(sign_in(cis))).status, 200);  // cis-atc owns it
  EXPECT_EQ(http("/needs/" + hidden, with(sign_in(token("eu", "editor")))).status, 404);

  auto csrf_at = page.body.find("name=\"csrf\" value=\"");
  ASSERT_NE(csrf_at, std::string::npos);
  auto csrf = page.body.substr(csrf_at + 19, 64);
  EXPECT_EQ(post("/sign-out", "csrf=wrong", with(session)).status, 403);
  EXPECT_EQ(http("/needs/" + hidden, with(session)).status, 200) << "a refused sign-out changes nothing";
  EXPECT_EQ(http("/sign-out", with(session)).status, 405) << "no sign-out through GET";
  EXPECT_EQ(http("/needs/" + hidden, with(session)).status, 200);
  auto out = post("/sign-out", "csrf=" + csrf, with(session));
  EXPECT_EQ(out.status, 303);
  EXPECT_NE(out.header("set-cookie").find("Max-Age=0"), std::string::npos);
  EXPECT_EQ(http("/needs/" + hidden, with(session)).status, 404);
}

// Pages are kept by what their visitor may see: each session of one token
// gets the kept page with its own form token; another audience never gets
// it; a push the public cannot see leaves the public's page as it was, and
// one it can see shows at once.
TEST_F(WebTest, KeptPagesCarryEachSessionsFormTokenAndFollowWhatTheirVisitorSees) {
  auto hidden = start_with_canaries();
  auto form_token = [](const std::string& body) {
    auto at = body.find("name=\"csrf\" value=\"");
    return at == std::string::npos ? std::string() : body.substr(at + 19, 64);
  };
  auto first = sign_in(osce), second = sign_in(osce);
  auto a = http("/needs/" + hidden, with(first)), b = http("/needs/" + hidden, with(second));
  ASSERT_EQ(a.status, 200);
  ASSERT_EQ(b.status, 200);
  EXPECT_NE(form_token(a.body), form_token(b.body));
  EXPECT_EQ(form_token(a.body).size(), 64u);
  // The kept page differs from the other session's by the token alone.
  auto b_as_a = b.body;
  b_as_a.replace(b_as_a.find(form_token(b.body)), 64, form_token(a.body));
  EXPECT_EQ(b_as_a, a.body);
  EXPECT_EQ(http("/needs/" + hidden).status, 404) << "the public never gets the editor's kept page";
  EXPECT_EQ(http("/needs/" + hidden, with(sign_in(token("eu", "editor")))).status, 404);
  EXPECT_EQ(post("/sign-out", "csrf=" + form_token(b.body), with(second)).status, 303);
  EXPECT_EQ(http("/needs/" + hidden, with(second)).status, 404);
  EXPECT_EQ(http("/needs/" + hidden, with(first)).status, 200) << "the other session goes on";

  auto before = http("/needs");
  // A contact point's role is partners' only: the public's list is the same.
  std::string contact = json({"contact", "add", "--org", "cis-atc", "--role", "Night desk"}, "hq")["id"];
  ok({"push"}, "hq");
  EXPECT_EQ(http("/needs").body, before.body);
  EXPECT_NE(http("/contacts", with(first)).body.find("Night desk"), std::string::npos);
  // A public need's new title is on the next page.
  json({"need", "add", "--org", "cis-atc", "--area", "border", "--state", "KG", "--title", "Freshly raised need"}, "hq");
  ok({"push"}, "hq");
  EXPECT_NE(http("/needs").body.find("Freshly raised need"), std::string::npos);
  EXPECT_NE(http("/needs", with(first)).body.find("Freshly raised need"), std::string::npos);
}

TEST_F(WebTest, AnotherSitesFormFailedSignInsARevokedTokenAndABigFormAreRefused) {
  auto hidden = start_with_canaries();
  auto foreign = post("/sign-in", "token=" + osce, {"-H", "Origin: http://attacker.example.org"});
  EXPECT_EQ(foreign.status, 403);
  EXPECT_TRUE(foreign.header("set-cookie").empty());
  // The browser's own origin is accepted.
  EXPECT_EQ(post("/sign-in", "token=" + osce, {"-H", "Origin: " + url}).status, 303);

  auto editor = token("osce", "editor");
  auto session = sign_in(editor);
  EXPECT_EQ(http("/needs/" + hidden, with(session)).status, 200);
  auto tokens = run_process({LIAISOND_BIN, "token", "list", "--data", path("data")}, env());
  std::string last_id;
  std::istringstream lines(tokens.out);
  for (std::string line; std::getline(lines, line);) last_id = line.substr(0, line.find('\t'));
  ASSERT_EQ(run_process({LIAISOND_BIN, "token", "revoke", "--data", path("data"), last_id}, env()).exit_code, 0);
  EXPECT_EQ(http("/needs/" + hidden, with(session)).status, 404) << "a revoked token's session ends at once";

  EXPECT_EQ(post("/sign-in", "token=" + std::string(5000, 'x')).status, 413);
  int refused = 0;
  for (int i = 0; i < 12; ++i) {
    auto a = post("/sign-in", "token=not-a-token-" + std::to_string(i));
    if (a.status == 429) {
      ++refused;
      EXPECT_FALSE(a.header("retry-after").empty());
    } else {
      EXPECT_EQ(a.status, 401);
    }
  }
  EXPECT_GE(refused, 2);
  // Refused while refused, even with a good token.
  EXPECT_EQ(post("/sign-in", "token=" + osce).status, 429);
}

TEST_F(WebTest, ADownloadHoldsTheRowsLiaisonListShowsAndTheLanguageFollowsTheVisitor) {
  start_with_canaries();
  json({"need", "add", "--org", "osce", "--area", "cft", "--state", "KG", "--title", "Кыргызстан: финансовая разведка"},
       "hq");
  ok({"push"}, "hq");
  clone("donor", reader);
  auto listed = json({"list", "needs", "--state", "KZ"}, "donor");
  std::set<std::string> expected;
  for (const auto& n : listed) expected.insert(n["id"].get<std::string>());
  auto csv = http("/needs.csv?state=KZ");
  EXPECT_EQ(csv.header("content-type"), "text/csv; charset=utf-8");
  EXPECT_NE(csv.header("content-disposition").find("needs.csv"), std::string::npos);
  std::set<std::string> rows;
  std::istringstream lines(csv.body);
  std::string line;
  std::getline(lines, line);  // the header
  while (std::getline(lines, line))
    if (!line.empty()) rows.insert(line.substr(0, line.find(',')));
  EXPECT_EQ(rows, expected);
  auto as_json = nlohmann::json::parse(http("/needs.json?state=KZ").body);
  EXPECT_EQ(as_json.size(), expected.size());

  // Pages kept for visitors without sign-in are of the head they were made
  // at: a push shows at once.
  EXPECT_EQ(http("/needs?state=KG").body.find("Pushed after the page was made"), std::string::npos);
  json({"need", "add", "--org", "osce", "--area", "cft", "--state", "KG", "--title", "Pushed after the page was made"},
       "hq");
  ok({"push"}, "hq");
  EXPECT_NE(http("/needs?state=KG").body.find("Pushed after the page was made"), std::string::npos);

  auto ru = http("/", {"-H", "Accept-Language: ru-RU,ru;q=0.9,en;q=0.5"});
  EXPECT_NE(ru.body.find("<html lang=\"ru\""), std::string::npos);
  EXPECT_NE(ru.body.find("Матрица потребностей"), std::string::npos);
  auto chosen = http("/needs?lang=en", {"-H", "Accept-Language: ru"});
  EXPECT_NE(chosen.body.find("<html lang=\"en\""), std::string::npos);
  EXPECT_NE(chosen.header("set-cookie").find("lang=en"), std::string::npos);
  auto kept = http("/needs", {"-H", "Accept-Language: ru", "-H", "Cookie: lang=en"});
  EXPECT_NE(kept.body.find("<html lang=\"en\""), std::string::npos);
  auto search = http("/search?q=%D1%84%D0%B8%D0%BD%D0%B0%D0%BD%D1%81%D0%BE%D0%B2%D0%B0%D1%8F");  // финансовая
  EXPECT_NE(search.body.find("Кыргызстан: финансовая разведка"), std::string::npos) << search.body;
  // A path that is no page is answered 404 at once, in the visitor's language.
  for (const char* path : {"/favicon.ico", "/no/such/page", "/needs/a/b"}) {
    auto missing = http(path, {"-H", "Accept-Language: ru"});
    EXPECT_EQ(missing.status, 404) << path;
    EXPECT_NE(missing.body.find("Такой страницы нет."), std::string::npos) << path;
    EXPECT_EQ(missing.header("x-content-type-options"), "nosniff") << path;
  }
  // A mail's tracking parameters change nothing on the page (its links do
  // not carry them either).
  EXPECT_EQ(http("/needs?state=KG&utm_source=mail&fbclid=x").body, http("/needs?state=KG").body);
  // A search of too many words is refused at once, not run.
  std::string words;
  for (char c = 'a'; c <= 'q'; ++c) words += std::string(c == 'a' ? "" : "%20") + c;
  auto refused = http("/search?q=" + words);
  EXPECT_EQ(refused.status, 400);
  EXPECT_NE(refused.body.find("search: at most 16 different words"), std::string::npos) << refused.body;
}

// A visitor without sign-in may have so many pages made a minute; kept
// pages and signed-in visitors are not counted.
TEST_F(WebTest, PagesMadeForAnAddressWithoutSignInAreBudgeted) {
  ASSERT_EQ(run_process({LIAISOND_BIN, "--data", path("data"), "--page-rate", "-1"}, env()).exit_code, 1);
  start_server({"--page-rate", "2"});
  EXPECT_EQ(http("/needs").status, 200);
  EXPECT_EQ(http("/offers").status, 200);
  auto refused = http("/orgs", {"-H", "Accept-Language: ru"});
  EXPECT_EQ(refused.status, 429);
  EXPECT_EQ(refused.header("retry-after"), "30");
  EXPECT_NE(refused.body.find("повторите через 30 с"), std::string::npos) << refused.body;
  EXPECT_EQ(refused.header("x-content-type-options"), "nosniff");
  EXPECT_EQ(http("/needs").status, 200) << "a kept page costs nothing";
  EXPECT_EQ(http("/orgs", with(sign_in(osce))).status, 200) << "a signed-in visitor is not counted";
}

TEST_F(WebTest, TheReportsChangesSinceADateComeFromTheVisitorsSegmentInItsLanguage) {
  auto hidden = start_with_canaries();
  auto since = http("/report?since=2000-01-01");
  ASSERT_EQ(since.status, 200) << since.body;
  EXPECT_NE(since.body.find("Changes since 2000-01-01"), std::string::npos);
  EXPECT_NE(since.body.find("Public border need) added"), std::string::npos) << since.body;
  EXPECT_NE(since.body.find("Border duty desk"), std::string::npos);  // the public contact, as a functional point
  EXPECT_EQ(since.body.find(kRestricted), std::string::npos);
  EXPECT_EQ(since.body.find(hidden.substr(0, 8)), std::string::npos);
  EXPECT_EQ(since.body.find(kPersonal), std::string::npos);
  // The organization it is shared with sees it among the changes.
  auto shared = http("/report?since=2000-01-01", with(sign_in(osce)));
  EXPECT_NE(shared.body.find(std::string(kRestricted) + ") added"), std::string::npos) << shared.body;
  // Nothing is newer than tomorrow; in Russian.
  auto ru = http("/report?since=2099-01-01", {"-H", "Accept-Language: ru"});
  EXPECT_NE(ru.body.find("<html lang=ru>"), std::string::npos);
  EXPECT_NE(ru.body.find("Изменения с 2099-01-01 (0)"), std::string::npos);
  EXPECT_NE(ru.body.find("Матрица потребностей в помощи"), std::string::npos);
  EXPECT_EQ(ru.body.find("Changes since"), std::string::npos);
  // Only a date: a commit of central's history would hold what the visitor
  // may not see.
  std::string id = json({"log", "-n", "1"}, "hq")[0]["id"];
  for (const std::string& bad : {id, std::string("2026-13-45"), std::string("HEAD~1")}) {
    auto refused = http("/report?since=" + bad);
    EXPECT_EQ(refused.status, 400) << bad;
    EXPECT_NE(refused.body.find(bad + "&#39; is not a date (YYYY-MM-DD)"), std::string::npos) << refused.body;
    EXPECT_EQ(refused.body.find(kRestricted), std::string::npos);
  }
}

}  // namespace
}  // namespace liaison::test
