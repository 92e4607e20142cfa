// make_seeds OUT_DIR SAMPLE_DIR: writes the seed corpora of the fuzz
// targets, OUT_DIR/<target>/, from real outputs of liaison: a copy loaded
// with the reference data and the sample CSVs of SAMPLE_DIR (data/sample),
// then edited; its push bodies, bundles, records, CSV files, view snapshot
// and server requests. Made at fuzz time, so no binary seed is committed.
#include <fstream>
#include <iostream>
#include <sstream>

#include "git/commit_patch.h"
#include "base/compression.h"
#include "io/importer.h"
#include "model/reference_data.h"
#include "store/store.h"
#include "git/transfer.h"
#include "view/view.h"
#include "view/view_snapshot.h"
#include "sync/protocol.h"

using namespace liaison;

namespace {

std::filesystem::path g_out;

void seed(const std::string& target, const std::string& name, const std::string& bytes) {
  auto dir = g_out / target;
  std::filesystem::create_directories(dir);
  std::ofstream(dir / name, std::ios::binary) << bytes;
}

std::string file_bytes(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

char kind_byte(Kind kind) {
  for (std::size_t i = 0; i < kAllKinds.size(); ++i)
    if (kAllKinds[i] == kind) return static_cast<char>(i);
  return 0;
}

// A push body whose patches are left uncompressed: fuzz_push_body frames
// them itself, so that mutations reach the patch decoder.
std::string plain_push(const History& h, const std::optional<CommitId>& base, const CommitId& head) {
  std::vector<CommitId> haves;
  if (base) haves.push_back(*base);
  auto patches = expand_framed(encode_patches(make_patches(h, head, haves)), "seed");
  return sync::encode_push({base.value_or(""), head, patches});
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::cerr << "usage: make_seeds OUT_DIR SAMPLE_DIR\n";
    return 2;
  }
  g_out = argv[1];
  std::filesystem::path samples = argv[2];
  auto work = g_out / "work";
  std::filesystem::remove_all(work);
  try {
    auto store = Store::init(work / "copy", {"cis-atc", Person{"Fuzz Seed", "fuzz.seed@example.org"}, true});
    auto root = *store.history().head();
    std::vector<CommitId> heads{root};
    for (auto [kind, file] : {std::pair{Kind::Contact, "contacts.csv"}, std::pair{Kind::Need, "needs.csv"},
                              std::pair{Kind::Offer, "offers.csv"}}) {
      auto text = file_bytes(samples / file);
      auto records = read_import(kind, text, file, ImportFormat::Csv);
      for (std::size_t i = 0; i < records.changes.size() && i < 4; ++i)
        seed("record", std::string(file) + "." + std::to_string(i),
             kind_byte(kind) + canonical_json(*records.changes[i].after));
      seed("csv_import", file, kind_byte(kind) + text);
      // A header and two rows mutate faster than the whole file.
      std::size_t cut = 0;
      for (int lines = 0; lines < 3 && cut != std::string::npos; ++lines) cut = text.find('\n', cut + 1);
      seed("csv_import", std::string(file) + ".short", kind_byte(kind) + text.substr(0, cut));
      commit_import(store, std::move(records), std::string("Import ") + file);
      heads.push_back(*store.history().head());
    }
    for (const auto& area : initial_areas()) {
      seed("record", "area." + area.value("code", ""), kind_byte(Kind::Area) + canonical_json(area));
      break;
    }
    int n = 0;
    for (const auto& org : initial_orgs()) {
      if (n++ == 3) break;
      seed("record", "org." + org.value("slug", ""), kind_byte(Kind::Org) + canonical_json(org));
    }
    // An edit and a removal, so that patches carry both.
    auto contacts = store.view().ids_with_prefix(Kind::Contact, "", 2);
    auto edited = *store.view().get(Kind::Contact, contacts.at(0));
    edited["role"] = "Edited for the fuzz seeds";
    store.commit({{Kind::Contact, contacts.at(0), edited}}, "Edit one contact");
    heads.push_back(*store.history().head());
    store.commit({{Kind::Contact, contacts.at(1), std::nullopt}}, "Remove one contact");
    heads.push_back(*store.history().head());

    const auto& h = store.history();
    auto head = heads.back();
    // From the root, so that a target's own history need not share commits.
    seed("push_body", "whole-history", plain_push(h, std::nullopt, head));
    seed("push_body", "edit", plain_push(h, heads[heads.size() - 3], heads[heads.size() - 2]));
    seed("push_body", "removal", plain_push(h, heads[heads.size() - 2], head));
    seed("push_body", "empty", sync::encode_push({head, head, expand_framed(encode_patches({}), "seed")}));

    write_bundle(make_bundle(h, std::nullopt), work / "all.bundle");
    seed("bundle", "whole-history", file_bytes(work / "all.bundle"));
    write_bundle(make_bundle(h, heads[heads.size() - 3]), work / "two.bundle");
    seed("bundle", "two-commits", file_bytes(work / "two.bundle"));

    write_view_snapshot(store.view().db(), work / "snapshot.db");
    seed("view_snapshot", "snapshot", file_bytes(work / "snapshot.db"));

    // Requests: METHOD, target, authorization ("admin", "editor" or "reader"
    // stand for a token of that role), then the body.
    auto request = [](const std::string& name, const std::string& method, const std::string& target,
                      const std::string& auth, const std::string& body = "") {
      seed("http_handler", name, method + "\n" + target + "\n" + auth + "\n" + body);
    };
    request("health", "GET", "/v1/health", "");
    request("whoami", "GET", "/v1/whoami", "reader");
    request("bad-token", "GET", "/v1/whoami", "Bearer lz_not-a-token");
    request("fetch-all", "POST", "/v1/fetch", "editor", "{\"haves\":[]}");
    request("fetch-some", "POST", "/v1/fetch", "admin", "{\"haves\":[\"" + root + "\"]}");
    request("clone", "GET", "/v1/clone", "reader");
    request("clone-view", "GET", "/v1/clone/view?head=" + root + "&layout=" + std::to_string(kViewLayoutVersion), "reader");
    request("push", "POST", "/v1/push", "editor",
            sync::encode_push({"", head, encode_patches(make_patches(h, head, {}))}));
    request("submissions", "GET", "/v1/submissions", "admin");
    request("submission", "GET", "/v1/submissions/1", "editor");
    request("accept", "POST", "/v1/submissions/1/accept", "admin", "{\"resolve\":\"ours\"}");
    request("reject", "POST", "/v1/submissions/1/reject", "admin", "{\"reason\":\"duplicate\"}");

    // Web requests: METHOD, target, session ("editor" stands for a signed-in
    // editor's), Accept-Language, Origin, then the body.
    auto page = [](const std::string& name, const std::string& method, const std::string& target,
                   const std::string& session = "", const std::string& body = "", const std::string& origin = "") {
      seed("web_routes", name, method + "\n" + target + "\n" + session + "\nru-RU,ru;q=0.9,en;q=0.5\n" + origin + "\n" + body);
    };
    page("overview", "GET", "/?by=region&area=border&priority=high");
    page("needs", "GET", "/needs?state=KZ&sort=title&page=2&lang=ru", "editor");
    page("needs-csv", "GET", "/needs.csv?open=1&region=143", "editor");
    page("record", "GET", "/needs/0123456789abcdef");
    page("org", "GET", "/orgs/cis-atc", "editor");
    page("search", "GET", "/search?q=%3Cfuzzmarkup%3E+%D0%B3%D1%80%D0%B0%D0%BD%D0%B8%D1%86%D0%B0");
    page("report", "GET", "/report?since=2026-01-01");
    page("gaps", "GET", "/gaps?subregion=143");
    page("sign-in", "POST", "/sign-in", "", "token=lz_not-a-token", "http://127.0.0.1");
    page("sign-out", "POST", "/sign-out", "editor", "csrf=0000", "http://127.0.0.1");
    page("foreign-form", "POST", "/sign-in", "", "token=x", "https://elsewhere.example.org");
  } catch (const std::exception& e) {
    std::cerr << "make_seeds: " << e.what() << "\n";
    return 1;
  }
  std::filesystem::remove_all(work);
  return 0;
}
