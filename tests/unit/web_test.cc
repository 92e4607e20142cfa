// Tests of the web layer: the catalogues, the choice of language, query
// decoding and its bounds, the sessions, and pages that escape hostile
// record text and never show what the visitor's audience may not see.
#include <gtest/gtest.h>
#include <pthread.h>
#include <sys/resource.h>
#include <unistd.h>

#include <atomic>
#include <future>
#include <regex>
#include <thread>

#include "base/error.h"
#include "server/page_cache.h"
#include "server/job_threads.h"
#include "server/web_sessions.h"
#include "store/store.h"
#include "view/audience_scope.h"
#include "web/catalogue.h"
#include "web/html.h"
#include "web/pages.h"
#include "tests/unit/temp_copy.h"

namespace liaison {
namespace {

TEST(WebCatalogueTest, EveryLanguageHasTheSameKeysAndNoneIsEmpty) {
  const auto& en = web::Catalogue::of("en").texts();
  for (const auto& language : web::Catalogue::languages()) {
    const auto& other = web::Catalogue::of(language).texts();
    ASSERT_EQ(other.size(), en.size()) << language;
    for (const auto& [key, text] : en) {
      ASSERT_TRUE(other.contains(key)) << language << " lacks " << key;
      EXPECT_FALSE(other.at(key).empty()) << language << " " << key;
    }
  }
  EXPECT_EQ(web::Catalogue::of("ru")["nav.needs"], "Потребности");
  EXPECT_EQ(web::Catalogue::of("xx").language(), "en");
}

TEST(WebCatalogueTest, TheLanguageIsTheSwitchsThenAcceptLanguagesBestThenEnglish) {
  EXPECT_EQ(web::choose_language("ru", "en"), "ru");
  EXPECT_EQ(web::choose_language("", "ru-RU,ru;q=0.9,en;q=0.8"), "ru");
  EXPECT_EQ(web::choose_language("", "de;q=1, en;q=0.3, ru;q=0.7"), "ru");
  EXPECT_EQ(web::choose_language("", "fr, de"), "en");
  EXPECT_EQ(web::choose_language("xx", "ru;q=0"), "en");
  EXPECT_EQ(web::choose_language("", "ru;q=abc"), "en");
}

TEST(WebHtmlTest, QueriesAreDecodedWithinBoundsAndMalformedOnesRefused) {
  auto q = web::parse_query("q=%D0%91%D0%B5%D0%B7+border&page=2&&lang=ru");
  EXPECT_EQ(q.at("q"), "Без border");
  EXPECT_EQ(q.at("page"), "2");
  EXPECT_EQ(q.at("lang"), "ru");
  EXPECT_THROW(web::parse_query("q=%zz"), UserError);
  EXPECT_THROW(web::parse_query("q=%4"), UserError);
  EXPECT_THROW(web::parse_query("q=%FF%FE"), UserError);  // not UTF-8
  EXPECT_THROW(web::parse_query(std::string(65, 'n') + "=1"), UserError);
  std::string many;
  for (int i = 0; i < 65; ++i) many += "p" + std::to_string(i) + "=1&";
  EXPECT_THROW(web::parse_query(many), UserError);
  EXPECT_EQ(web::url_encode("a b/<\"é"), "a%20b%2F%3C%22%C3%A9");
  EXPECT_EQ(web::query_string({{"a", "x y"}, {"b", ""}, {"c", "&"}}), "?a=x%20y&c=%26");
}

TEST(WebSessionsTest, ASessionEndsAtItsExpiryOrSignOutAndTheOldestGoesFirstWhenFull) {
  auto now = std::chrono::steady_clock::time_point{};
  server::WebSessions sessions(std::chrono::seconds(100), 2, [&] { return now; });
  auto a = sessions.open("token-a");
  EXPECT_EQ(a.size(), 64u);
  now += std::chrono::seconds(10);
  auto b = sessions.open("token-b");
  ASSERT_TRUE(sessions.find(a));
  EXPECT_EQ(sessions.find(a)->token, "token-a");
  EXPECT_NE(sessions.find(a)->csrf, sessions.find(b)->csrf);
  auto c = sessions.open("token-c");  // full: a, the closest to expiry, goes
  EXPECT_FALSE(sessions.find(a));
  EXPECT_TRUE(sessions.find(b));
  sessions.close(b);
  EXPECT_FALSE(sessions.find(b));
  now += std::chrono::seconds(100);
  EXPECT_FALSE(sessions.find(c));
  EXPECT_FALSE(sessions.find("not-a-session"));
}

TEST(PageCacheTest, KeepsPagesWithinItsBytesLeastRecentlyUsedFirstOut) {
  server::PageCache cache(100);
  auto page = [](std::size_t size, char c) {
    auto r = std::make_shared<server::Response>();
    r->body = std::string(size, c);
    return std::shared_ptr<const server::Response>(r);
  };
  cache.put("a", page(40, 'a'));
  cache.put("b", page(40, 'b'));
  ASSERT_TRUE(cache.find("a"));  // a is now the most recently used
  cache.put("c", page(40, 'c'));  // over 100 bytes: b goes
  EXPECT_TRUE(cache.find("a"));
  EXPECT_FALSE(cache.find("b"));
  EXPECT_EQ(cache.find("c")->body, std::string(40, 'c'));
  cache.put("c", page(10, 'd'));  // replaced, not counted twice
  EXPECT_EQ(cache.find("c")->body, std::string(10, 'd'));
  EXPECT_EQ(cache.bytes(), 41u + 11u);
  cache.put("huge", page(200, 'h'));  // larger than the bound: not kept
  EXPECT_FALSE(cache.find("huge"));
  EXPECT_TRUE(cache.find("a"));
}

// Jobs run on threads of their own, named and nicer than the caller's, and
// every job posted runs, the queued ones too when the threads go.
TEST(JobThreadsTest, JobsRunOnTheirOwnNamedLowerPriorityThreadsAndAllRunBeforeTheyGo) {
  int mine = ::getpriority(PRIO_PROCESS, 0);
  std::atomic<int> ran{0};
  struct Seen {
    int nice;
    pid_t tid;
    std::string name;
  };
  std::promise<Seen> first;
  {
    server::JobThreads threads(2, 5, "test-jobs-with-a-long-name");
    threads.post([&] {
      char name[16] = {};
      ::pthread_getname_np(::pthread_self(), name, sizeof name);
      first.set_value({::getpriority(PRIO_PROCESS, 0), ::gettid(), name});
      ++ran;
    });
    for (int i = 0; i < 50; ++i) threads.post([&] { ++ran; });
    auto seen = first.get_future().get();
    EXPECT_EQ(seen.nice, std::min(19, mine + 5));
    EXPECT_NE(seen.tid, ::gettid());
    EXPECT_EQ(seen.name, "test-jobs-with-") << "cut to the 15 bytes Linux keeps";
  }
  EXPECT_EQ(ran.load(), 51);
  EXPECT_EQ(::getpriority(PRIO_PROCESS, 0), mine) << "the caller keeps its priority";
}

// Parameters the page does not read are dropped, and the rest spelled one
// way: the key a page is kept under cannot be varied at will to have it
// made again.
TEST(PageTargetTest, ParametersThePageDoesNotReadAreDroppedAndTheRestSpelledOneWay) {
  auto query = web::parse_query("utm_source=mail&state=KZ&x=1&page=2&fbclid=abc&lang=ru");
  EXPECT_EQ(web::page_parameters("/needs", query), (std::map<std::string, std::string>{{"page", "2"}, {"state", "KZ"}}));
  EXPECT_EQ(web::page_parameters("/", query), (std::map<std::string, std::string>{{"state", "KZ"}}));
  EXPECT_TRUE(web::page_parameters("/duplicates", query).empty());
  EXPECT_TRUE(web::page_parameters("/needs/" + std::string(32, 'a'), query).empty());
  EXPECT_EQ(web::page_parameters("/search", web::parse_query("q=border&page=9")),
            (std::map<std::string, std::string>{{"q", "border"}}));
  web::PageRequest a, b;
  a.path = b.path = "/needs";
  a.query = web::page_parameters(a.path, web::parse_query("state=KZ&page=2&junk=1"));
  b.query = web::page_parameters(b.path, web::parse_query("page=2&state=KZ"));
  EXPECT_EQ(web::page_target(a), "/needs?page=2&state=KZ");
  EXPECT_EQ(web::page_target(a), web::page_target(b));
  b.query = web::page_parameters(b.path, web::parse_query("page=3&state=KZ"));
  EXPECT_NE(web::page_target(a), web::page_target(b));
}

// As the server stops, the job under way finishes and the queued ones
// never start.
TEST(JobThreadsTest, DroppedJobsNeverStart) {
  std::atomic<int> ran{0};
  std::promise<void> started, release;
  auto go = release.get_future().share();
  {
    server::JobThreads threads(1, 0, "test-drop");
    threads.post([&, go] {
      started.set_value();
      go.wait();
      ++ran;
    });
    started.get_future().wait();
    for (int i = 0; i < 10; ++i) threads.post([&] { ran += 100; });
    threads.drop_queued();
    release.set_value();
  }
  EXPECT_EQ(ran.load(), 1);
}

TEST(PageCacheTest, APageAskedForByManyAtOnceIsMadeOnceAndAFailedMakingIsNotKept) {
  server::PageCache cache;
  std::atomic<int> made{0};
  auto make = [&] {
    ++made;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    auto r = std::make_shared<server::Response>();
    r->body = "page";
    return std::shared_ptr<const server::Response>(r);
  };
  std::vector<std::thread> askers;
  std::vector<std::string> got(8);
  for (int i = 0; i < 8; ++i) askers.emplace_back([&, i] { got[i] = cache.get("k", make)->body; });
  for (auto& t : askers) t.join();
  EXPECT_EQ(made.load(), 1);
  for (const auto& body : got) EXPECT_EQ(body, "page");
  EXPECT_THROW(cache.get("bad", []() -> std::shared_ptr<const server::Response> { throw UserError("no"); }), UserError);
  auto not_found = std::make_shared<server::Response>();
  not_found->status = 404;
  EXPECT_EQ(cache.get("missing", [&] { return std::shared_ptr<const server::Response>(not_found); })->status, 404);
  EXPECT_FALSE(cache.find("missing"));
  EXPECT_FALSE(cache.find("bad"));
  EXPECT_TRUE(cache.find("k"));
}

constexpr const char* kHostile = "<script>alert('x')</script>\" onmouseover=\"alert(1)";
constexpr const char* kRestricted = "CANARYWEBRESTRICTED";
constexpr const char* kPersonal = "canary.web.personal@example.org";

class WebPagesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store.emplace(Store::init(dir / "copy", {"un-ctc", std::nullopt, true}));
    auto need = [](char c, const std::string& title, const char* visibility) {
      Json n = {{"id", std::string(32, c)}, {"org", "cis-atc"}, {"area", "border"}, {"state", "KZ"},
                {"priority", "high"}, {"status", "open"}, {"raised", "2025-01-01"}, {"title", title}};
      if (*visibility) n["visibility"] = visibility;
      if (std::string(visibility) == "restricted") n["shared_with"] = {"osce"};
      return RecordChange{Kind::Need, std::string(32, c), n};
    };
    store->commit({need('a', kHostile, ""), need('b', kRestricted, "restricted"),
                   RecordChange{Kind::Contact, std::string(32, 'c'),
                                Json{{"id", std::string(32, 'c')}, {"org", "cis-atc"}, {"role", "Duty desk"},
                                     {"status", "active"}, {"visibility", "public"}, {"emails", {kPersonal}}}}},
                  "test data");
  }
  web::PageAnswer page(const Audience& audience, const std::string& path, std::map<std::string, std::string> query = {},
                       const std::string& language = "en") {
    auto view = View::open(dir / "copy" / "view.db");
    limit_to_audience(view, audience);
    web::PageRequest r;
    r.language = language;
    r.path = path;
    r.query = std::move(query);
    r.visitor.audience = audience;
    r.today = "2026-12-01";
    return web::render_page(view, store->history(), r);
  }
  test::TempDir dir;
  std::optional<Store> store;
};

TEST_F(WebPagesTest, HostileRecordTextIsEscapedWhereverItIsWritten) {
  for (const char* path : {"/", "/needs", "/gaps", "/orgs/cis-atc"}) {
    auto p = page(Audience::everyone(), path);
    ASSERT_EQ(p.status, 200) << path;
    EXPECT_EQ(p.body.find("<script>"), std::string::npos) << path;
    EXPECT_EQ(p.body.find("\" onmouseover=\""), std::string::npos) << path;
  }
  auto one = page(Audience::everyone(), "/needs/" + std::string(32, 'a'));
  EXPECT_NE(one.body.find("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&quot; onmouseover=&quot;"), std::string::npos);
  // A hostile value in the query is escaped in the links made from it.
  auto sorted = page(Audience::everyone(), "/needs", {{"state", "KZ"}, {"sort", "title"}, {"region", "\"><b>x"}});
  EXPECT_EQ(sorted.status, 400);
  EXPECT_EQ(sorted.body.find("\"><b>x"), std::string::npos);
}

// What a page refuses is said in the visitor's language; what the layers
// below refuse (in English) is marked as English on a page that is not.
TEST_F(WebPagesTest, ARefusedRequestIsExplainedInTheVisitorsLanguage) {
  auto ru = page(Audience::everyone(), "/needs", {{"page", "99"}}, "ru");
  EXPECT_EQ(ru.status, 400);
  EXPECT_NE(ru.body.find("page: страницы 99 (1–1) нет"), std::string::npos) << ru.body;
  EXPECT_NE(ru.body.find("<html lang=\"ru\""), std::string::npos);
  auto en = page(Audience::everyone(), "/needs", {{"page", "99"}});
  EXPECT_NE(en.body.find("page: there is no page 99 (1–1)"), std::string::npos) << en.body;
  auto sort = page(Audience::everyone(), "/needs", {{"sort", "nope"}}, "ru");
  EXPECT_NE(sort.body.find("sort: в этом списке нет столбца &#39;nope&#39;"), std::string::npos) << sort.body;
  auto report = page(Audience::everyone(), "/report", {{"since", "2026-13-45"}}, "ru");
  EXPECT_NE(report.body.find("since: &#39;2026-13-45&#39; — не дата (ГГГГ-ММ-ДД)"), std::string::npos) << report.body;
  auto below = page(Audience::everyone(), "/", {{"priority", "urgent"}}, "ru");
  EXPECT_EQ(below.status, 400);
  EXPECT_NE(below.body.find("role=\"alert\" lang=\"en\">"), std::string::npos) << below.body;
  EXPECT_NE(below.body.find("urgent"), std::string::npos);
  auto below_en = page(Audience::everyone(), "/", {{"priority", "urgent"}});
  EXPECT_EQ(below_en.body.find("role=\"alert\" lang="), std::string::npos) << "no mark on an English page";
}

// What the site drops is what no page reads: for every page, a parameter
// its path drops, given a value, changes nothing on the page made from the
// raw query.
TEST_F(WebPagesTest, NoPageReadsAParameterTheSiteDropsForIt) {
  for (const std::string& path : std::vector<std::string>{"/", "/gaps", "/needs", "/needs.csv", "/offers", "/contacts.json", "/orgs", "/search",
                           "/report", "/duplicates", "/coverage", "/needs/" + std::string(32, 'a'), "/orgs/cis-atc"}) {
    // A page's links carry the query it was given (the site gives it the
    // query as dropped already): what it shows is the page without them.
    auto shown = [](const std::string& body) {
      static const std::regex link("href=\"[^\"]*\"");
      return std::regex_replace(body, link, "href");
    };
    auto plain = page(Audience::all(), path, {{"q", "high"}});
    for (const auto& name : web::all_page_parameters()) {
      if (name == "q" || web::page_parameters(path, {{name, "x"}}).contains(name)) continue;
      for (const char* value : {"zz-bogus", "desc", "2"}) {
        auto with = page(Audience::all(), path, {{"q", "high"}, {name, value}});
        EXPECT_EQ(with.status, plain.status) << path << "?" << name << "=" << value;
        EXPECT_TRUE(shown(with.body) == shown(plain.body)) << path << "?" << name << "=" << value;
      }
    }
  }
}

TEST_F(WebPagesTest, APublicVisitorSeesNoRestrictedRecordAndNoPersonalValue) {
  for (const char* path : {"/", "/needs", "/needs.csv", "/needs.json", "/contacts", "/contacts.csv", "/gaps",
                           "/orgs/cis-atc", "/search", "/duplicates", "/coverage", "/report"}) {
    auto p = page(Audience::everyone(), path, {{"q", "canary"}});
    EXPECT_EQ(p.body.find(kRestricted), std::string::npos) << path;
    EXPECT_EQ(p.body.find(std::string(32, 'b')), std::string::npos) << path;
    EXPECT_EQ(p.body.find(kPersonal), std::string::npos) << path;
  }
  EXPECT_EQ(page(Audience::everyone(), "/needs/" + std::string(32, 'b')).status, 404);
  EXPECT_EQ(page(Audience::of_org("eu"), "/needs/" + std::string(32, 'b')).status, 404);
  auto shared = page(Audience::of_org("osce"), "/needs/" + std::string(32, 'b'));
  EXPECT_EQ(shared.status, 200);
  EXPECT_NE(shared.body.find(kRestricted), std::string::npos);
  EXPECT_NE(page(Audience::partners(), "/contacts.csv").body.find(kPersonal), std::string::npos);
}

TEST_F(WebPagesTest, ListsDownloadTheirRowsAndRefuseAnUnknownFilterWithItsName) {
  auto csv = page(Audience::all(), "/needs.csv", {{"state", "KZ"}});
  EXPECT_EQ(csv.content_type, "text/csv; charset=utf-8");
  EXPECT_EQ(csv.download_name, "needs.csv");
  EXPECT_NE(csv.body.find(std::string(32, 'a')), std::string::npos);
  EXPECT_NE(csv.body.find(std::string(32, 'b')), std::string::npos);
  auto none = page(Audience::all(), "/needs.json", {{"state", "KG"}});
  EXPECT_EQ(Json::parse(none.body), Json::array());
  auto bad = page(Audience::all(), "/needs", {{"area", "no-such-area"}});
  EXPECT_EQ(bad.status, 400);
  EXPECT_NE(bad.body.find("no-such-area"), std::string::npos);
  EXPECT_EQ(page(Audience::all(), "/needs", {{"page", "7"}}).status, 400);
  EXPECT_EQ(page(Audience::all(), "/needs", {{"sort", "emails"}}).status, 400);
  EXPECT_EQ(page(Audience::all(), "/no-such-page").status, 404);
}

}  // namespace
}  // namespace liaison
