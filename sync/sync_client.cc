#include "sync/sync_client.h"

#include "git/commit_patch.h"
#include "base/error.h"
#include "base/temp_file.h"
#include "git/transfer.h"
#include "view/view.h"
#include "view/view_snapshot.h"
#include "sync/protocol.h"

namespace liaison::sync {
namespace {

[[noreturn]] void raise(int status, const std::string& body) {
  std::string message = "server answered " + std::to_string(status);
  try {
    auto j = Json::parse(body);
    if (j.contains("error")) message = j["error"].get<std::string>();
  } catch (const Json::exception&) {
  }
  if (status == 409) throw ConflictError(message);
  if (status >= 400 && status < 500) throw UserError(message);
  throw Failure(message);
}

}  // namespace

SyncClient::SyncClient(const std::string& url, std::string token) : url_(parse_url(url)), token_(std::move(token)) {}

HttpResponse SyncClient::send(const std::string& method, const std::string& target, const std::string& body,
                              const std::string& content_type) {
  auto res = http_request(url_, method, target, token_, body, content_type);
  if (res.status >= 400) raise(res.status, res.body);
  return res;
}

Json SyncClient::call(const std::string& method, const std::string& target, const std::string& body) {
  auto res = send(method, target, body, "application/json");
  try {
    return Json::parse(res.body);
  } catch (const Json::exception&) {
    throw Failure("the server sent malformed JSON for " + target);
  }
}

Json SyncClient::whoami() { return call("GET", std::string(route::kWhoami)); }

Store SyncClient::clone(const std::filesystem::path& dir, const std::optional<std::string>& org) {
  auto me = whoami();
  Store::InitOptions options;
  options.org = org ? *org : me.value("org", "");
  options.with_reference_data = false;
  auto res = send("GET", std::string(route::kClone), "", "application/json");
  auto image_head = res.headers[std::string("x-liaison-head")];
  // The view at the image's head, when the server has one of our layout,
  // saves building it from history; any failure just means building it.
  TempFile snapshot(dir.parent_path() / ("." + dir.filename().string() + ".view-snapshot"));
  if (!image_head.empty()) {
    auto view = http_request(url_, "GET",
                             std::string(route::kCloneView) + "?head=" + image_head + "&layout=" + std::to_string(kViewLayoutVersion),
                             token_);
    if (view.status == 200) {
      try {
        install_view_snapshot(view.body, snapshot.path());
        options.view_snapshot = snapshot.path();
      } catch (const UserError&) {
      }
    }
  }
  if (std::filesystem::exists(dir) && !std::filesystem::is_empty(dir))
    throw UserError("cannot create a copy in " + dir.string() + ": the folder is not empty");
  auto store = Store::init(dir, options);
  try {
    if (!image_head.empty()) {
      ingest_pack(store.history(), res.body, "clone");
      store.start_at(image_head);
    }
    std::string url = (url_.tls ? "https://" : "http://") + url_.host + ":" + url_.port + url_.base_path;
    add_remote(store, {"origin", url, token_});
    auto segment = res.headers[std::string("x-liaison-segment")];
    if (!segment.empty()) store.state().set_remote_segment("origin", segment);
    // The image may be a few commits old: bring the rest as a pull does.
    if (auto head = fetch(store, std::nullopt, segment.empty() ? std::nullopt : std::optional(segment)).head) {
      if (*head != image_head) store.fast_forward(*head);
      set_remote_head(store, "origin", *head);
    }
  } catch (...) {
    std::filesystem::remove_all(dir);
    throw;
  }
  return store;
}

FetchOutcome SyncClient::fetch(Store& store, const std::optional<CommitId>& server_head,
                               const std::optional<std::string>& segment) {
  // What we have that the server may know, each covering all before it: our
  // head (the server has it once we pushed or pulled it) and the server's
  // head of last time, when we have it (after a push the server merged, we
  // do not yet). Without the latter, our latest commits, in case the server
  // has one of them. The server ignores the ones it does not have.
  std::vector<CommitId> haves;
  if (auto head = store.history().head()) haves.push_back(*head);
  if (server_head && store.history().has_commit(*server_head)) {
    if (haves.empty() || haves.front() != *server_head) haves.push_back(*server_head);
  } else {
    for (auto& c : recent_commits(store.history(), 256)) haves.push_back(std::move(c));
  }
  Json req = {{"haves", haves}};
  auto res = send("POST", std::string(route::kFetch), req.dump(), "application/json");
  FetchOutcome out;
  out.submissions_stamp = res.headers[std::string("x-liaison-submissions")];
  out.segment = res.headers[std::string("x-liaison-segment")];
  if (!out.segment.empty() && out.segment != segment.value_or("all")) {
    throw UserError(segment ? "this copy holds the " + *segment + " segment of the directory and the token is served the " +
                                  out.segment + " segment, whose history has nothing in common with it:"
                                  " clone again with this token (liaison clone URL DIR --token T)"
                            : "this copy does not hold the " + out.segment +
                                  " segment of the directory the token is served (it was not cloned with such a"
                                  " token): clone with this token (liaison clone URL DIR --token T)");
  }
  auto head = res.headers[std::string("x-liaison-head")];
  if (head.empty()) return out;
  if (!res.body.empty()) apply_patches(store.history(), decode_patches(res.body, "fetch"), "fetch");
  out.head = head;
  return out;
}

PushOutcome SyncClient::push(Store& store, const std::optional<CommitId>& server_head) {
  auto head = store.history().head();
  if (!head) throw UserError("nothing to push: the history is empty");
  std::vector<CommitId> haves;
  if (server_head) haves.push_back(*server_head);
  auto patches = make_patches(store.history(), *head, haves);
  // The server has everything already (we pulled it, or pushed it before).
  if (patches.empty()) {
    PushOutcome none;
    none.result = "up-to-date";
    none.head = server_head.value_or(*head);
    return none;
  }
  PushRequest push{server_head.value_or(""), *head, encode_patches(patches)};
  auto res = send("POST", std::string(route::kPush), encode_push(push), kPatchType);
  PushOutcome out;
  try {
    auto j = Json::parse(res.body);
    out.result = j.value("result", "");
    out.head = j.value("head", "");
    out.submission = j.value("submission", 0);
    out.submission_status = j.value("status", "");
    out.reason = j.value("reason", "");
    out.filed = j.value("filed", "");
  } catch (const Json::exception&) {
    throw Failure("the server sent malformed JSON for " + std::string(route::kPush));
  }
  return out;
}

Json SyncClient::submissions() { return call("GET", std::string(route::kSubmissions)); }
Json SyncClient::submission(std::int64_t id) { return call("GET", std::string(route::kSubmissions) + "/" + std::to_string(id)); }
Json SyncClient::accept(std::int64_t id, const std::string& resolve) {
  Json body = {{"resolve", resolve.empty() ? Json() : Json(resolve)}};
  return call("POST", std::string(route::kSubmissions) + "/" + std::to_string(id) + std::string(route::kAccept), body.dump());
}
Json SyncClient::reject(std::int64_t id, const std::string& reason) {
  return call("POST", std::string(route::kSubmissions) + "/" + std::to_string(id) + std::string(route::kReject), Json{{"reason", reason}}.dump());
}

std::optional<CommitId> remote_head(Store& store, const std::string& remote) {
  return store.state().remote_head(remote);
}

void set_remote_head(Store& store, const std::string& remote, const CommitId& head) {
  store.state().set_remote_head(remote, head);
}

}  // namespace liaison::sync
