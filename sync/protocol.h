// The sync protocol between `liaison` and `liaisond`, HTTP/1.1 with JSON
// control messages and binary bodies. Every request but /v1/health carries
// "Authorization: Bearer <token>".
//
// Each token is served one segment of the directory (server/segments.h): a
// history of its own, derived from central's; commit ids below are the
// segment's, central's own for admins. Fetch and clone answers name it in
// X-Liaison-Segment.
//
//   GET  /v1/health                 -> 200 {"status":"ok","head":ID} (central's head)
//   GET  /v1/whoami                 -> 200 {"org":SLUG,"role":"reader"|"editor"|"admin",
//                                           "segment":"public"|"org:SLUG"|"all"}
//   GET  /v1/clone                  -> 200 git pack of everything reachable from a recent
//                                      head (the server's clone image), header X-Liaison-Head;
//                                      the client then fetches the commits made since
//   GET  /v1/clone/view?head=ID&layout=N
//                                   -> 200 view snapshot (view/view_snapshot.h) at that head
//                                      for view layout N; 404 when the server has none: the
//                                      client builds its view from history
//   POST /v1/fetch   {"haves":[ID]} -> 200 commit patches (git/commit_patch.h) the client
//                                      lacks (empty body: nothing new), header X-Liaison-Head
//   POST /v1/push    push body      -> 200 {"result":"fast-forward"|"merged"|"up-to-date","head":ID}
//                                      (onto central's history), or
//                                      200 {"result":"applied","head":ID} (onto a segment: the
//                                      changes were applied onto central as a commit of the
//                                      server's; ID is the segment's head, which the copy moves to)
//                                      202 {"result":"submission","submission":N,
//                                           "status":S,"reason":R,"filed":"new"|"updated"|"already"}
//                                      (one change, one submission: see server/submissions.h)
//                                      409 {"error":..., "conflicts":[...]}
//   GET  /v1/events[?since=ID]      -> 200 text/event-stream, kept open: the change feed of the
//                                      token's segment (server/change_feed.h), as Server-Sent
//                                      Events (sync/sse.h); resumed from header Last-Event-ID
//                                      (or ?since=), the last segment commit the watcher saw
//                                      503 when the server holds as many watchers as it takes
//   GET  /v1/submissions            -> 200 [summary...] (admins: all; others: their own)
//   GET  /v1/submissions/N          -> 200 summary with field-level changes
//   POST /v1/submissions/N/accept {"resolve":"ours"|"theirs"|null} (admin)
//   POST /v1/submissions/N/reject {"reason":TEXT}                   (admin)
// The change feed's events, each with "id:" the segment head it leads to
// and "data:" one JSON object:
//   hello   {"head":ID|null,"segment":NAME,"heartbeat_ms":N}   first, always
//   change  {"head":ID,"previous":ID,"records":[{"kind","id","change":"added"|"modified"|
//            "removed","fields":[...],"commit":ID,"author":{"name","email"},"time":ISO}]}
//           each new head, and the catch-up from the commit the watcher last saw
//   pull    {"head":ID,"previous":ID|null,"reason":R}  what changed is more than an event
//           holds, or the commit last seen is not of this segment: fetch to catch up
// and the comment ": ping" every heartbeat_ms. A watcher that hears nothing
// for three heartbeats takes the connection for dead and comes back with
// Last-Event-ID; the server drops one whose writes stall (TCP_USER_TIMEOUT).
// An event is at most 8 MB; records are put down to the newest commit that
// changed them (sync/change_event.h).
// Errors: {"error": one line}, with 400 malformed input, 401 bad or revoked
// token, 403 forbidden, 404 unknown, 409 conflicts, 413 body too large, 429
// too many requests from one address (server/rate_limit.h).
//
// Versions. The routes carry their version (/v1/). Within it, a message may
// gain fields and headers, and a result may gain values: a side ignores
// fields and headers it does not know, and a client treats a result it does
// not know as done (an older client takes "applied" for a push that went
// in, and merges the server's version at its next pull). Record fields
// follow the same rule (model/record.h): a field a version does not know is
// kept as written, so copies of different versions exchange records
// untouched. What a version cannot read without misleading its user goes
// under a new route prefix (/v2/), served beside /v1/ while older clients
// remain.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "git/history.h"

namespace liaison::sync {

// The routes above, as both sides spell them.
namespace route {
inline constexpr std::string_view kHealth = "/v1/health";
inline constexpr std::string_view kWhoami = "/v1/whoami";
inline constexpr std::string_view kClone = "/v1/clone";
inline constexpr std::string_view kCloneView = "/v1/clone/view";  // ?head=ID&layout=N
inline constexpr std::string_view kFetch = "/v1/fetch";
inline constexpr std::string_view kPush = "/v1/push";
inline constexpr std::string_view kEvents = "/v1/events";  // ?since=ID
inline constexpr std::string_view kSubmissions = "/v1/submissions";  // and /N, /N/accept, /N/reject
inline constexpr std::string_view kAccept = "/accept";
inline constexpr std::string_view kReject = "/reject";
}  // namespace route

inline constexpr const char* kHeadHeader = "X-Liaison-Head";
// On fetch answers: the segment the token is served (model/visibility.h's
// audience name), so a copy knows when a token no longer fits it.
inline constexpr const char* kSegmentHeader = "X-Liaison-Segment";
// On fetch answers: a stamp of the token's submissions (all for an admin)
// that changes when GET /v1/submissions would, so a pull asks for the list
// only then.
inline constexpr const char* kSubmissionsStampHeader = "X-Liaison-Submissions";
inline constexpr const char* kPackType = "application/x-git-pack";
inline constexpr const char* kPatchType = "application/x-liaison-patches";
inline constexpr const char* kEventStreamType = "text/event-stream";
// The bound on one event of the change feed, which a client enforces.
inline constexpr std::size_t kMaxEventBytes = 8u << 20;
inline constexpr const char* kViewSnapshotType = "application/x-liaison-view-snapshot";

// A push body: one JSON line {"base":ID,"head":ID} then the encoded patches.
struct PushRequest {
  CommitId base;  // the server head the client last saw ("" if none)
  CommitId head;  // the client's head
  std::string patches;
};
std::string encode_push(const PushRequest& push);
// Throws UserError on a malformed body: no header line within 1 KB, or
// "head" not a commit id, or "base" neither a commit id nor "".
PushRequest decode_push(std::string_view body);

}  // namespace liaison::sync
