// The client side of sync: clone, fetch (the first half of pull), push and
// the review queue, against a liaisond server. Tokens are sent as bearer
// tokens and kept only in the copy's local settings. Server errors become
// liaison errors: 400/401/403/404/413 UserError, 409 ConflictError, others
// Failure, each with the server's one-line message.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include "base/canonical_json.h"
#include "store/exchange.h"
#include "store/store.h"
#include "sync/http_client.h"

namespace liaison::sync {

struct PushOutcome {
  std::string result;  // fast-forward, merged, applied, up-to-date, submission
  CommitId head;       // the server's head after the push (for "applied": the segment's)
  std::int64_t submission = 0;
  // For a submission: its state (pending, accepted, rejected), the reviewer's
  // reason, and whether this push filed it ("new"), added to it ("updated")
  // or resent it unchanged ("already").
  std::string submission_status, reason, filed;
};

struct FetchOutcome {
  std::optional<CommitId> head;   // the server's head; nullopt for an empty server
  std::string submissions_stamp;  // see kSubmissionsStampHeader; "" if not sent
  std::string segment;            // see kSegmentHeader; "" from a server without segments
};

class SyncClient {
 public:
  SyncClient(const std::string& url, std::string token);

  // {"org":..., "role":...} of the token.
  Json whoami();
  // Creates `dir` as a copy of the server's history with the view built and
  // remote "origin" (URL and token) set.
  Store clone(const std::filesystem::path& dir, const std::optional<std::string>& org);
  // Brings the server's new commits into the copy's history (not merged).
  // `server_head`, the server's head as last seen, lets the request name two
  // commits instead of the last 256. `segment` is the segment the copy
  // holds (CopyState::remote_segment): a server serving the token another
  // one is refused with a UserError before anything is written, for the
  // histories of two segments have nothing in common (a copy cloned before
  // the server served segments holds none: it is refused unless the token
  // is served central's history itself).
  FetchOutcome fetch(Store& store, const std::optional<CommitId>& server_head = std::nullopt,
                     const std::optional<std::string>& segment = std::nullopt);
  // Sends the copy's commits the server lacks. `server_head` is the server
  // head the copy last fetched.
  PushOutcome push(Store& store, const std::optional<CommitId>& server_head);

  Json submissions();
  Json submission(std::int64_t id);
  Json accept(std::int64_t id, const std::string& resolve);
  Json reject(std::int64_t id, const std::string& reason);

 private:
  Json call(const std::string& method, const std::string& target, const std::string& body = "");
  HttpResponse send(const std::string& method, const std::string& target, const std::string& body,
                    const std::string& content_type);
  Url url_;
  std::string token_;
};

// The server head a copy last saw for `remote`, kept in local settings.
std::optional<CommitId> remote_head(Store& store, const std::string& remote);
void set_remote_head(Store& store, const std::string& remote, const CommitId& head);

}  // namespace liaison::sync
