// End-to-end tests of cloning from liaisond: the clone image (a pack and a
// view snapshot at a recent head, server/clone_cache.h) plus a fetch of what
// came since; the image refreshed once the head has moved on; a snapshot
// that carries no server settings and is offered only for the client's view
// layout.
#include <filesystem>
#include <fstream>
#include <thread>

#include "view/sqlite_db.h"
#include "view/view.h"
#include "view/view_snapshot.h"
#include "sync/http_client.h"
#include "tests/e2e/server_fixture.h"

namespace liaison::test {
namespace {

std::string clone_head(const sync::Url& u, const std::string& token) {
  return sync::http_request(u, "GET", "/v1/clone", token).headers["x-liaison-head"];
}

TEST_F(ServerTest, CloneStartsFromTheImageAndFetchesWhatCameSince) {
  start_server();
  clone("hq", admin);
  auto image_head = clone_head(sync::parse_url(url), admin);
  for (int i = 0; i < 3; ++i) {
    ok({"contact", "add", "--org", "cis-atc", "--role", "Liaison officer " + std::to_string(i)}, "hq");
    ok({"push"}, "hq");
  }
  ASSERT_NE(central_head(), image_head);
  clone("late", cis);
  EXPECT_EQ(head("late"), central_head());
  EXPECT_EQ(json({"list", "contacts"}, "late").size(), 3u);
  EXPECT_EQ(json({"search", "liaison officer"}, "late").size(), 3u);
  EXPECT_NE(ok({"doctor"}, "late").find("OK"), std::string::npos);
  EXPECT_EQ(json({"status"}, "late")["org"], "cis-atc");
  stop_server();
  // The view came as a snapshot (200), then a fetch brought the three commits.
  EXPECT_NE(server_log.find("GET /v1/clone/view?head=" + image_head), std::string::npos) << server_log;
}

TEST_F(ServerTest, CloneImageIsRefreshedOnceTheHeadHasMovedOn) {
  start_server();
  clone("hq", admin);
  auto u = sync::parse_url(url);
  auto first = clone_head(u, admin);
  EXPECT_EQ(first, central_head());
  // More commits than the image may lag behind, pushed at once.
  std::string csv = "org,role\n";
  for (int i = 0; i < 70; ++i) {
    write("one.csv", csv + "cis-atc,Officer " + std::to_string(i) + "\n");
    ok({"import", path("one.csv"), "--kind", "contacts"}, "hq");
  }
  ok({"push"}, "hq");
  // The next clone is still served the old image, and starts a new one.
  EXPECT_EQ(clone_head(u, admin), first);
  std::string now;
  for (int i = 0; i < 200 && now != central_head(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    now = clone_head(u, admin);
  }
  EXPECT_EQ(now, central_head());
  // The old image's view is gone with it.
  auto old_view = sync::http_request(u, "GET", "/v1/clone/view?head=" + first + "&layout=" +
                                                   std::to_string(kViewLayoutVersion), admin);
  EXPECT_EQ(old_view.status, 404);
  // Contacts are for partners: an editor of another organization sees them.
  clone("fresh", osce);
  EXPECT_EQ(json({"list", "contacts"}, "fresh").size(), 70u);
}

TEST_F(ServerTest, CloneAfterABulkPushWaitsForANewImage) {
  start_server();
  clone("hq", admin);
  auto u = sync::parse_url(url);
  auto first = clone_head(u, admin);
  // More records than a clone should fetch as patches, in one commit.
  std::string csv = "org,role\n";
  for (int i = 0; i < 5200; ++i) csv += "cis-atc,Bulk officer " + std::to_string(i) + "\n";
  write("bulk.csv", csv);
  ok({"import", path("bulk.csv"), "--kind", "contacts"}, "hq");
  ok({"push"}, "hq");
  ASSERT_NE(central_head(), first);
  // The very next clone is served an image of the new head, not the old one.
  EXPECT_EQ(clone_head(u, admin), central_head());
  clone("after", osce);
  EXPECT_EQ(json({"status"}, "after")["records"]["contacts"], 5200);
}

TEST_F(ServerTest, ViewSnapshotCarriesNoServerSettingsAndMatchesTheLayout) {
  start_server();
  // A contact for partners: the public segment is no longer central's history.
  clone("hq", admin);
  ok({"contact", "add", "--org", "un-ctc", "--role", "Desk"}, "hq");
  ok({"push"}, "hq");
  stop_server();
  url.clear();
  start_server();  // its clone image is of the new head
  auto u = sync::parse_url(url);
  auto head = clone_head(u, admin);
  ASSERT_EQ(head, central_head());
  auto layout = std::to_string(kViewLayoutVersion);
  // A reader has the view of its own segment, never central's.
  EXPECT_EQ(sync::http_request(u, "GET", "/v1/clone/view?head=" + head + "&layout=" + layout, reader).status, 404);
  auto public_head = clone_head(u, reader);
  ASSERT_NE(public_head, head);
  auto own = sync::http_request(u, "GET", "/v1/clone/view?head=" + public_head + "&layout=" + layout, reader);
  ASSERT_EQ(own.status, 200);
  install_view_snapshot(own.body, path("public.db"));
  EXPECT_EQ(Database::open(path("public.db")).scalar("SELECT count(*) FROM contacts"), "0");
  auto res = sync::http_request(u, "GET", "/v1/clone/view?head=" + head + "&layout=" + layout, admin);
  ASSERT_EQ(res.status, 200);
  install_view_snapshot(res.body, path("snapshot.db"));
  std::ifstream in(path("snapshot.db"), std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  // The central copy's settings name its user "liaisond@localhost".
  EXPECT_EQ(bytes.find("liaisond@localhost"), std::string::npos);
  auto db = Database::open(path("snapshot.db"));
  EXPECT_EQ(db.scalar("SELECT value FROM meta WHERE key='head'"), head);
  EXPECT_NE(db.scalar("SELECT count(*) FROM orgs"), "0");
  // Another layout, an unknown head or no token: no snapshot.
  EXPECT_EQ(sync::http_request(u, "GET", "/v1/clone/view?head=" + head + "&layout=999", admin).status, 404);
  EXPECT_EQ(sync::http_request(u, "GET", "/v1/clone/view?head=0000&layout=" + layout, admin).status, 404);
  EXPECT_EQ(sync::http_request(u, "GET", "/v1/clone/view?head=" + head + "&layout=" + layout, "").status, 401);
}

}  // namespace
}  // namespace liaison::test
