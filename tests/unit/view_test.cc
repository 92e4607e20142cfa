// Unit tests of the view (view/view.h): rows made from records away from
// the database, the references read from them, a view of an older table
// layout rebuilt from history when the copy opens, and the text prepared
// for the search index (Arabic folding and the attached article), and a
// write transaction whose pages a capped cache spilled rolled back whole.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <tuple>

#include "view/query.h"
#include "store/store.h"
#include "view/view.h"
#include "tests/unit/temp_copy.h"

namespace liaison {
namespace {

const std::string kContact = "abc00000000000000000000000000001";
const std::string kNeed = "abc00000000000000000000000000002";
const std::string kOffer = "abc00000000000000000000000000003";

std::vector<std::tuple<std::string, Kind, std::string>> sorted(const std::vector<Reference>& refs) {
  std::vector<std::tuple<std::string, Kind, std::string>> out;
  for (const auto& r : refs) out.emplace_back(std::string(r.field), r.to, r.id);
  std::sort(out.begin(), out.end());
  return out;
}

Json sample_contact() {
  return normalize_record(Kind::Contact, {{"id", kContact},
                                          {"org", "osce"},
                                          {"role", "Customs liaison officer"},
                                          {"name", "Amina Diallo"},
                                          {"available_24_7", true},
                                          {"languages", {"fr", "en"}},
                                          {"areas", {"border", "legislation"}},
                                          {"emails", {"amina.diallo@example.org"}},
                                          {"status", "active"}});
}

TEST(ViewRow, HoldsTheColumnsMembersAndSearchTextOfItsRecord) {
  Json contact = sample_contact();
  auto row = make_view_row(Kind::Contact, contact);
  EXPECT_EQ(row.id, kContact);
  std::vector<std::string> texts;
  int integers = 0, nulls = 0;
  for (const auto& cell : row.columns) {
    if (cell.type == ViewRow::Cell::Text) texts.emplace_back(row.text(cell));
    if (cell.type == ViewRow::Cell::Integer) integers += static_cast<int>(cell.integer);
    if (cell.type == ViewRow::Cell::Null) ++nulls;
  }
  EXPECT_NE(std::find(texts.begin(), texts.end(), "osce"), texts.end());
  EXPECT_NE(std::find(texts.begin(), texts.end(), "Amina Diallo"), texts.end());
  EXPECT_EQ(integers, 1) << "available_24_7 is the one boolean, and it is true";
  EXPECT_GT(nulls, 0) << "last_verified is absent";
  std::vector<std::string> members;
  for (const auto& [set, cell] : row.members) members.emplace_back(row.text(cell));
  std::sort(members.begin(), members.end());
  EXPECT_EQ(members, (std::vector<std::string>{"border", "legislation"})) << "languages get no table";
  EXPECT_EQ(row.search_text, fts_prepare(searchable_text(Kind::Contact, contact)));
}

TEST(ViewRow, ReferencesAreTheRecordsReferences) {
  Json need = normalize_record(Kind::Need, {{"id", kNeed}, {"org", "osce"}, {"state", "KZ"}, {"area", "border"},
                                            {"title", "Scanners"}, {"priority", "high"}, {"status", "open"},
                                            {"raised", "2026-01-01"}});
  Json offer = normalize_record(Kind::Offer, {{"id", kOffer},
                                              {"provider", "unodc"},
                                              {"title", "Workshop"},
                                              {"kind", "training"},
                                              {"status", "planned"},
                                              {"areas", {"border", "legislation"}},
                                              {"recipients", {"KZ", "TJ"}},
                                              {"needs", {kNeed}}});
  Json org = normalize_record(Kind::Org, {{"slug", "example-org"}, {"name", "Example Org"}, {"kind", "ngo"},
                                          {"parent", "osce"}, {"countries", {"KZ"}}});
  Json area = normalize_record(Kind::Area, {{"code", "example-area"}, {"name", "Example"}, {"parent", "border"}});
  std::vector<std::pair<Kind, Json>> records = {
      {Kind::Contact, sample_contact()}, {Kind::Need, need}, {Kind::Offer, offer}, {Kind::Org, org}, {Kind::Area, area}};
  for (const auto& [kind, record] : records) {
    auto from_json = references_of(kind, record);
    EXPECT_FALSE(from_json.empty()) << kind_name(kind);
    EXPECT_EQ(sorted(references_of(kind, make_view_row(kind, record))), sorted(from_json)) << kind_name(kind);
  }
}

TEST(ViewLayout, AViewOfAnOlderLayoutIsRebuiltFromHistory) {
  test::TempDir dir;
  auto copy = dir / "copy";
  {
    auto store = Store::init(copy, {"cis-atc", Person{"Unit Test", "unit.test@example.org"}, true});
    store.commit({{Kind::Contact, kContact, sample_contact()}}, "");
  }
  {
    // What an earlier liaison left: set tables keyed by record id, and the
    // copy's own settings in the view instead of state.db.
    std::filesystem::remove(copy / "state.db");
    auto db = Database::open(copy / "view.db");
    db.exec("DROP TABLE contacts_areas; CREATE TABLE contacts_areas(id TEXT NOT NULL, value TEXT NOT NULL);"
            "INSERT INTO contacts_areas VALUES('" + kContact + "', 'border'); PRAGMA user_version=3;"
            "CREATE TABLE settings(key TEXT PRIMARY KEY, value TEXT);"
            "INSERT INTO settings VALUES('org', 'cis-atc'), ('remote.origin.url', 'https://central.example.org'),"
            " ('remote.origin.token', 'tok-1'), ('remote.origin.head', 'abc');");
  }
  auto store = Store::open(copy);
  auto& db = store.view().db();
  EXPECT_EQ(db.scalar("PRAGMA user_version"), std::to_string(kViewLayoutVersion));
  EXPECT_EQ(db.scalar("SELECT group_concat(a.value, ' ') FROM contacts_areas a JOIN contacts c ON c.rid = a.rid"
                      " WHERE c.id = ?",
                      kContact),
            "border legislation");
  EXPECT_EQ(store.org(), "cis-atc") << "settings move to state.db";
  auto origin = store.state().remote("origin");
  ASSERT_TRUE(origin);
  EXPECT_EQ(origin->url, "https://central.example.org");
  EXPECT_EQ(origin->token, "tok-1");
  EXPECT_EQ(store.state().remote_head("origin"), "abc");
  EXPECT_FALSE(db.scalar("SELECT name FROM sqlite_schema WHERE name='settings'")) << "the view keeps no settings";
  EXPECT_EQ(store.view().count(Kind::Contact), 1);
  EXPECT_TRUE(store.doctor().ok());
}

TEST(ViewPageCache, PagesACappedCacheSpillsBeforeTheCommitGoWithARollback) {
  // What a large change relies on when it caps the cache: the transaction's
  // pages go to the WAL before it commits, and count only if it does.
  test::TempDir dir;
  auto copy = dir / "copy";
  auto store = Store::init(copy, {"cis-atc", Person{"Unit Test", "unit.test@example.org"}, true});
  auto& view = store.view();
  view.limit_page_cache(256 << 10);
  EXPECT_EQ(view.page_cache_limit(), 256 << 10);
  auto wal = copy / "view.db-wal";
  auto wal_before = std::filesystem::exists(wal) ? std::filesystem::file_size(wal) : 0;
  {
    auto tx = view.write_transaction();
    for (int i = 0; i < 3000; ++i) {
      char id[33];
      std::snprintf(id, sizeof id, "%032x", i + 1);
      Json c = sample_contact();
      c["id"] = id;
      c["notes"] = std::string(1000, 'a' + i % 26);
      view.insert(Kind::Contact, c);
    }
    EXPECT_GT(std::filesystem::file_size(wal), wal_before + (1 << 20)) << "pages spilled to the WAL";
    EXPECT_EQ(view.count(Kind::Contact), 3000);
  }  // rolled back
  EXPECT_EQ(view.count(Kind::Contact), 0);
  auto other = Database::open(copy / "view.db");
  EXPECT_EQ(other.scalar("SELECT count(*) FROM contacts"), "0") << "another connection sees nothing of it";
  EXPECT_TRUE(store.doctor().ok());
}

TEST(SearchText, ArabicIsFoldedAndTheAttachedArticleIndexedWithItsBareForm) {
  // العلي: the article attached; the bare form follows it.
  EXPECT_EQ(fts_prepare("محمد العلي"), "محمد العلي علي");
  EXPECT_EQ(fts_prepare("والأمن"), "والامن امن") << "conjunction and article, hamza on alef folded";
  EXPECT_EQ(fts_prepare("مُحَمَّد"), "محمد") << "harakat are dropped";
  EXPECT_EQ(fts_prepare("شرطة"), "شرطه") << "teh marbuta folds to heh";
  EXPECT_EQ(fts_prepare("ال"), "ال") << "too short to be an article and a word";
  EXPECT_EQ(fts_prepare("Border 边境"), "Border  边  境 ") << "other scripts as before";
  EXPECT_EQ(fts_prepare_query("العلي"), "علي") << "a search word is reduced to its bare form";
  EXPECT_EQ(fts_prepare_query("Ali"), "Ali");
}

TEST(SearchText, ArabicNamesAreFoundWithOrWithoutTheArticle) {
  test::TempDir dir;
  auto store = Store::init(dir / "copy", {"cis-atc", Person{"Unit Test", "unit.test@example.org"}, true});
  auto contact = [](const std::string& id, const std::string& name) {
    return RecordChange{Kind::Contact, id,
                        Json{{"id", id}, {"org", "cis-atc"}, {"name", name}, {"role", "Liaison"}, {"status", "active"}}};
  };
  store.commit({contact("abc00000000000000000000000000011", "محمد العلي"),
                contact("abc00000000000000000000000000012", "علي حسن"),
                contact("abc00000000000000000000000000013", "أحمد الشرطة")},
               "Three contacts");
  auto ids = [&](const std::string& words) {
    std::vector<std::string> out;
    for (const auto& hit : search_records(store.view(), words, 0)) out.push_back(hit.record["id"]);
    std::sort(out.begin(), out.end());
    return out;
  };
  EXPECT_EQ(ids("علي"), (std::vector<std::string>{"abc00000000000000000000000000011", "abc00000000000000000000000000012"}));
  EXPECT_EQ(ids("العلي"), ids("علي")) << "the article in the search does not narrow it";
  EXPECT_EQ(ids("احمد"), (std::vector<std::string>{"abc00000000000000000000000000013"})) << "hamza folded";
  EXPECT_EQ(ids("شرطة"), (std::vector<std::string>{"abc00000000000000000000000000013"}));
  EXPECT_TRUE(ids("حسين").empty());
  EXPECT_TRUE(store.doctor().ok());
}

}  // namespace
}  // namespace liaison
