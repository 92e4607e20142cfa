#include "server/handlers.h"

#include <functional>
#include <limits>
#include <set>

#include "git/commit_patch.h"
#include "base/error.h"
#include "store/exchange.h"
#include "merge/merge.h"
#include "store/merge_session.h"
#include "server/clone_cache.h"
#include "server/crash_points.h"
#include "git/transfer.h"
#include "server/push_policy.h"
#include "server/segment_push.h"
#include "server/submissions.h"
#include "sync/protocol.h"

namespace liaison::server {
namespace {

// Integrity checks must see every referrer, not a sample.
constexpr int kEveryReferrer = std::numeric_limits<int>::max();

Response json_response(int status, const Json& body) {
  Response r;
  r.status = status;
  // Replacing invalid UTF-8: an error may quote what the client sent.
  r.body = body.dump(-1, ' ', false, Json::error_handler_t::replace);
  return r;
}

Response error(int status, const std::string& message) { return json_response(status, {{"error", message}}); }

Json conflicts_json(const std::vector<MergeConflict>& conflicts) {
  Json out = Json::array();
  for (const auto& c : conflicts)
    out.push_back({{"kind", kind_name(c.kind)}, {"id", c.id}, {"field", c.field}, {"base", c.base},
                   {"ours", c.ours}, {"theirs", c.theirs}, {"reason", c.reason}});
  return out;
}

ReferrerLookup central_referrers(Store& store) {
  return [&store](Kind k, const std::string& id) {
    std::vector<RecordKey> out;
    for (const auto& r : store.view().referrers(k, id, kEveryReferrer)) out.push_back(r.key);
    return out;
  };
}

OursIndex central_index(Store& store) {
  return OursIndex{[&store](Kind k, const std::string& id) { return store.view().exists(k, id); },
                   central_referrers(store)};
}

// Who asks, through which route, from where: what an audit row records.
struct Caller {
  const Identity& who;
  std::string route;
  std::string client;
};

AuditEntry audit_entry(const Caller& caller, const std::string& result, const CommitId& head_before,
                       const CommitId& pushed, const std::string& detail) {
  return AuditEntry{caller.who.token_id, caller.who.org, caller.route, result, caller.client,
                    head_before,         pushed,         detail};
}

std::string records_detail(std::size_t n) { return std::to_string(n) + (n == 1 ? " record" : " records"); }

// 409 with the conflicts: the client pulls, resolves them and pushes again.
Response conflicts_response(const std::vector<MergeConflict>& conflicts) {
  return json_response(409, {{"error", std::to_string(conflicts.size()) +
                                           " conflicts with central: pull, resolve them locally and push again"},
                             {"conflicts", conflicts_json(conflicts)}});
}

// Moves central's head with `move` (its objects written already) between
// an audit row begun with the commits it brings and finished with the new
// head, which it returns. A failed move settles the row from the history.
CommitId move_head_audited(Central& central, const AuditEntry& entry, const std::vector<CommitId>& commits,
                           std::size_t records, const std::function<void()>& move) {
  auto audit_id = central.begin_audit(entry, commits);
  crash_point("push-audit-begun");
  try {
    move();
  } catch (...) {
    central.settle_audit();
    throw;
  }
  crash_point("push-head-moved");
  auto head = *central.store().history().head();
  central.finish_audit(audit_id, head);
  crash_point("push-audited");
  central.clone_cache().note_changes(records);
  return head;
}

// Brings pushed (or submitted) commits into central: check every commit,
// check rights against central's current state, merge. `resolve` settles
// conflicts (accepting a submission); without it conflicts are answered
// with 409. `claimed` is what the push header says it builds: it must be
// what the patches build.
// Decodes and rebuilds pushed commits in quarantine. Needs no lock: it
// reads central's objects, which never change, through a handle of its own.
std::unique_ptr<StagedPatches> stage(Central& central, const std::string& patches_blob) {
  auto patches = decode_patches(patches_blob, "push", central.decode_limits());
  return stage_patches(*central.read_history(), patches, "push");
}

// Files a push that needs review: one change, one submission (see
// submissions.h). Resending a submitted head answers that submission as it
// stands (pending, accepted or rejected, with the reason).
Response submit(Central& central, const Caller& caller, const History& q, Json changes, std::size_t records,
                const CommitId& central_head, const CommitId& pushed, const std::string& patches_blob,
                const std::string& refusal) {
  SubmissionStore queue(central.db());
  auto answer = [&](const Submission& s, const char* filed) {
    return json_response(202, {{"result", "submission"}, {"submission", s.id}, {"head", central_head},
                               {"status", s.status}, {"reason", s.reason}, {"filed", filed}});
  };
  if (auto same = queue.find(caller.who.org, pushed)) return answer(*same, "already");
  Submission s;
  s.org = caller.who.org;
  s.token_id = caller.who.token_id;
  s.head = pushed;
  s.changes = std::move(changes);
  s.patches = patches_blob;
  s.status = "pending";
  std::optional<std::int64_t> builds_on;
  for (const auto& p : queue.pending(caller.who.org))
    if (q.has_commit(p.head) && q.is_ancestor(p.head, pushed)) {
      builds_on = p.id;  // the newest it builds on
      break;
    }
  Transaction tx(central.db());
  if (builds_on) {
    queue.update(*builds_on, s);
    s.id = *builds_on;
  } else {
    s.id = queue.add(s);
  }
  central.audit(audit_entry(caller, "submission", central_head, pushed,
                            "submission " + std::to_string(s.id) + (builds_on ? " updated, " : ", ") +
                                records_detail(records) + ": " + refusal));
  tx.commit();
  return answer(s, builds_on ? "updated" : "new");
}

Response integrate(Central& central, const Caller& caller, const std::string& patches_blob,
                   std::unique_ptr<StagedPatches> staged, const std::optional<sync::PushRequest>& claimed,
                   bool may_submit, std::optional<Side> resolve) {
  auto& store = central.store();
  const auto& q = staged->history();
  auto pushed = staged->head();
  if (claimed) {
    if (claimed->head != pushed)
      return error(400, "the push header names head " + short_commit(claimed->head) + " but its commits build " +
                            short_commit(pushed));
    if (!claimed->base.empty() && !store.history().has_commit(claimed->base))
      return error(400, "the push header's base " + short_commit(claimed->base) + " is not a commit of central");
  }
  auto central_head = *store.history().head();
  if (q.is_ancestor(pushed, central_head)) return json_response(200, {{"result", "up-to-date"}, {"head", central_head}});
  auto review = review_push(q, central_head, pushed, central_referrers(store));
  auto refusal = refused_write(caller.who, review);
  if (!refusal.empty()) {
    if (!may_submit) return error(403, refusal);
    return submit(central, caller, q, describe_contributions(contributions(q, review.base, central_head, pushed)),
                  review.records, central_head, pushed, patches_blob, refusal);
  }
  bool fast_forward = q.is_ancestor(central_head, pushed);
  if (!fast_forward && !resolve) {
    auto merged = merge_trees(q, review.base, central_head, pushed, central_index(store));
    if (!merged.conflicts.empty()) return conflicts_response(merged.conflicts);
  }
  staged->write(store.history());
  crash_point("push-objects-written");
  std::string result = fast_forward ? "fast-forward" : "merged";
  auto head = move_head_audited(
      central, audit_entry(caller, result, central_head, pushed, records_detail(review.records)), review.commits,
      review.records, [&] {
        if (fast_forward) {
          store.fast_forward(pushed);
          return;
        }
        auto outcome = start_merge(store, pushed, caller.route + " from " + caller.who.org);
        if (outcome.result != MergeOutcome::Result::Conflicts) return;
        auto m = pending_merge(store);
        for (const auto& c : m->conflicts) resolve_conflict(store, {c.kind, c.id}, c.field, resolve, std::nullopt);
        try {
          merge_continue(store);
        } catch (...) {
          merge_abort(store);
          throw;
        }
      });
  return json_response(200, {{"result", result}, {"head", head}});
}

// A push onto a segment (segment_push.h): translated into one central
// commit, checked as any push is, then the head moves. The answer's head is
// the segment's projection of the new central head, which the copy moves to.
Response integrate_segment(Central& central, const Caller& caller, const Audience& audience,
                           const std::string& patches_blob, std::unique_ptr<StagedPatches> staged,
                           const std::optional<sync::PushRequest>& claimed, bool may_submit) {
  auto& store = central.store();
  const auto& q = staged->history();
  auto pushed = staged->head();
  if (claimed && claimed->head != pushed)
    return error(400, "the push header names head " + short_commit(claimed->head) + " but its commits build " +
                          short_commit(pushed));
  auto central_head = *store.history().head();
  auto segment_head = central.segments().at(audience, central_head);
  if (claimed && !claimed->base.empty() && !central.segments().source_of(audience, claimed->base))
    return error(400, "the push header's base " + short_commit(claimed->base) + " is not a commit of this token's segment");
  if (q.is_ancestor(pushed, segment_head))
    return json_response(200, {{"result", "up-to-date"}, {"head", segment_head}});
  // Every pushed commit is checked on its own in the segment, as a push
  // onto central's history is (push_policy.h); the translated commit is
  // checked again against central itself.
  auto no_referrers = [](Kind, const std::string&) { return std::vector<RecordKey>{}; };
  auto pushed_review = review_push(q, segment_head, pushed, no_referrers);
  auto translation = translate_push(q, store.history(), central.segments(), audience, central_head, segment_head,
                                    pushed, central_referrers(store));
  if (!translation.conflicts.empty()) return conflicts_response(translation.conflicts);
  auto refusal = refused_write(caller.who, pushed_review);
  std::optional<PushReview> review;
  if (translation.commit) {
    review = review_push(translation.made->history(), central_head, *translation.commit, central_referrers(store));
    if (refusal.empty()) refusal = refused_write(caller.who, *review);
  }
  if (!refusal.empty()) {
    if (!may_submit) return error(403, refusal);
    return submit(central, caller, q,
                  describe_contributions(contributions(q, pushed_review.base, segment_head, pushed)),
                  pushed_review.records, central_head, pushed, patches_blob, refusal);
  }
  if (!translation.commit) return json_response(200, {{"result", "applied"}, {"head", segment_head}});
  translation.made->write(store.history());
  crash_point("push-objects-written");
  auto head = move_head_audited(
      central,
      audit_entry(caller, "applied", central_head, pushed,
                  records_detail(review->records) + " on segment " + audience.name()),
      {*translation.commit}, review->records, [&] { store.fast_forward(*translation.commit); });
  return json_response(200, {{"result", "applied"}, {"head", central.segments().at(audience, head)}});
}

// Whether a submission's commits build on central's own history (filed
// before the server served segments): those are accepted as they are.
bool builds_on_central(const History& q, const CommitId& pushed, const CommitId& central_head) {
  return q.merge_base(pushed, central_head).has_value();
}

std::optional<std::int64_t> submission_id(const std::string& target, const std::string& prefix) {
  if (!target.starts_with(prefix)) return std::nullopt;
  auto rest = target.substr(prefix.size());
  auto slash = rest.find('/');
  auto number = rest.substr(0, slash);
  if (number.empty() || number.find_first_not_of("0123456789") != std::string::npos || number.size() > 15)
    return std::nullopt;
  return std::stoll(number);
}

// The submissions a token sees: its organization's, or all for an admin.
std::string submissions_scope(const Identity& who) { return who.role == Role::Admin ? "" : who.org; }

bool is_commit_hex(const std::string& text) {
  return text.size() == 40 && text.find_first_not_of("0123456789abcdef") == std::string::npos;
}

// Routes that only read, without the central lock: the published head, a
// History handle of the read pool and the read connection to server.db.
std::optional<Response> read_route(Central& central, const Identity& who, const Request& req) {
  const auto& t = req.target;
  if (req.method == "GET" && t == sync::route::kWhoami)
    return json_response(200, {{"org", who.org}, {"role", role_name(who.role)}, {"segment", audience_of(who).name()}});
  if (req.method == "POST" && t == sync::route::kFetch) {
    auto body = parse_json(req.body, "fetch request");
    if (!body.is_object() || !body.contains("haves") || !body["haves"].is_array())
      return error(400, "fetch request needs \"haves\": [commit ids]");
    std::vector<CommitId> haves;
    for (const auto& h : body["haves"]) {
      if (!h.is_string() || !is_commit_hex(h.get<std::string>())) return error(400, "\"haves\" must be commit ids");
      haves.push_back(h.get<std::string>());
    }
    Response r;
    r.content_type = sync::kPatchType;
    {
      // Read before the head: a stamp is never newer than the head sent
      // with it, so a submission accepted in between shows at the next pull.
      auto db = central.read_db();
      r.headers[sync::kSubmissionsStampHeader] = SubmissionStore(*db).stamp(submissions_scope(who));
    }
    r.headers[sync::kSegmentHeader] = audience_of(who).name();
    auto central_head = central.published_head();
    if (!central_head) return r;
    auto head = central.segments().at(audience_of(who), *central_head);
    r.headers[sync::kHeadHeader] = head;
    auto history = central.read_history();
    // Only commits of the token's own segment may stand for what the copy
    // has: any other id would tell whether the server holds it. Every
    // commit of a segment is an ancestor of its head, as central's are of
    // central's, so the segment's map answers without walking history.
    auto audience = audience_of(who);
    if (audience != Audience::all())
      std::erase_if(haves, [&](const CommitId& h) { return !central.segments().source_of(audience, h); });
    auto patches = make_patches(*history, head, haves);
    if (!patches.empty()) r.body = encode_patches(patches);
    return r;
  }
  return std::nullopt;
}

Response route(Central& central, const Identity& who, const Request& req) {
  const auto& t = req.target;
  SubmissionStore submissions(central.db());
  if (req.method == "GET" && t == sync::route::kSubmissions) {
    Json out = Json::array();
    for (const auto& s : submissions.list(submissions_scope(who))) out.push_back(summary_json(s, false));
    return json_response(200, out);
  }
  if (auto id = submission_id(t, std::string(sync::route::kSubmissions) + "/")) {
    auto s = submissions.get(*id, true);
    if (!s || (who.role != Role::Admin && s->org != who.org)) return error(404, "no submission " + std::to_string(*id));
    if (req.method == "GET" && t == std::string(sync::route::kSubmissions) + "/" + std::to_string(*id)) return json_response(200, summary_json(*s, true));
    if (req.method != "POST") return error(404, "no such route");
    if (who.role != Role::Admin) return error(403, "only admin tokens work the review queue");
    if (s->status != "pending") return error(409, "submission " + std::to_string(*id) + " was " + s->status + " already");
    auto body = req.body.empty() ? Json::object() : parse_json(req.body, "review request");
    if (t.ends_with(sync::route::kReject)) {
      auto reason = body.value("reason", std::string());
      if (reason.empty()) return error(400, "a rejection needs a reason");
      Transaction tx(central.db());
      submissions.decide(*id, "rejected", reason, "");
      central.audit(audit_entry(Caller{who, "reject", req.client_address}, "rejected", "", s->head,
                                "submission " + std::to_string(*id) + ": " + reason));
      tx.commit();
      return json_response(200, {{"submission", *id}, {"status", "rejected"}});
    }
    if (t.ends_with(sync::route::kAccept)) {
      std::optional<Side> side;
      auto how = body.value("resolve", Json());
      if (how == "ours") side = Side::Ours;
      else if (how == "theirs") side = Side::Theirs;
      else if (!how.is_null()) return error(400, "\"resolve\" must be \"ours\", \"theirs\" or null");
      auto staged = stage(central, s->patches);
      Caller caller{who, "accept", req.client_address};
      auto r = builds_on_central(staged->history(), staged->head(), *central.store().history().head())
                   ? integrate(central, caller, s->patches, std::move(staged), std::nullopt, false, side)
                   : integrate_segment(central, caller, Audience::of_org(s->org), s->patches, std::move(staged),
                                       std::nullopt, false);
      if (r.status != 200) return r;
      auto head = central.store().history().head().value_or("");
      submissions.decide(*id, "accepted", "", head);
      return json_response(200, {{"submission", *id}, {"status", "accepted"}, {"head", head}});
    }
  }
  return error(404, "no route " + req.method + " " + t);
}

bool is_clone_route(const Request& req) {
  return req.method == "GET" && (req.target == sync::route::kClone || req.target.starts_with(std::string(sync::route::kCloneView) + "?"));
}

// The value of `name` in the query string of `target`, or "".
std::string query_parameter(const std::string& target, const std::string& name) {
  auto q = target.find('?');
  if (q == std::string::npos) return "";
  std::string query = target.substr(q + 1);
  std::size_t at = 0;
  while (at <= query.size()) {
    auto end = query.find('&', at);
    if (end == std::string::npos) end = query.size();
    auto pair = query.substr(at, end - at);
    if (pair.starts_with(name + "=")) return pair.substr(name.size() + 1);
    at = end + 1;
  }
  return "";
}

// GET /v1/events[?since=ID]: the change feed of the token's segment, from
// the commit named by Last-Event-ID (what EventSource sends when it comes
// back) or `since`.
bool is_feed_route(const Request& req) {
  return req.method == "GET" &&
         (req.target == sync::route::kEvents || req.target.starts_with(std::string(sync::route::kEvents) + "?"));
}

Response feed_route(Central& central, const Identity& who, const Request& req) {
  if (!central.feed()) return error(503, "this server offers no change feed");
  std::string since = req.last_event_id;
  if (since.empty()) since = query_parameter(req.target, "since");
  if (!since.empty() && !is_commit_hex(since)) return error(400, "Last-Event-ID: '" + since.substr(0, 64) + "' is not a commit id");
  Response r;
  r.content_type = sync::kEventStreamType;
  r.headers["Cache-Control"] = "no-store";
  r.headers[sync::kSegmentHeader] = audience_of(who).name();
  r.feed = FeedStart{audience_of(who), since.empty() ? std::nullopt : std::optional<CommitId>(since)};
  return r;
}

// A clone image's pack, or its view snapshot when it has one of `layout`.
Response pack_response(const std::shared_ptr<const CloneImage>& image, const Audience& audience) {
  Response r;
  r.content_type = sync::kPackType;
  r.headers[sync::kSegmentHeader] = audience.name();
  if (!image) return r;
  r.body_file = image->pack->path();
  r.body_file_owner = image;
  r.headers[sync::kHeadHeader] = image->head;
  return r;
}

Response view_response(const std::shared_ptr<const CloneImage>& image, const std::string& head,
                       const std::string& layout) {
  if (!image || !image->view || layout != std::to_string(image->view_layout))
    return error(404, "no view snapshot of layout " + layout + " at " + short_commit(head) +
                          ": build the view from history");
  Response r;
  r.content_type = sync::kViewSnapshotType;
  r.body_file = image->view->path();
  r.body_file_owner = image;
  r.headers[sync::kHeadHeader] = image->head;
  return r;
}

// Clone routes run without the central lock: the clone image is shared and
// built in the background (clone_cache.h). A segment's token is served its
// segment's image, and the view of commits of its own segment only.
Response clone_route(Central& central, const Request& req, const Identity& who) {
  auto audience = audience_of(who);
  bool segment = audience != Audience::all();
  if (req.target == sync::route::kClone) {
    if (!segment) return pack_response(central.clone_cache().image(), audience);
    auto central_head = central.published_head();
    if (!central_head) return pack_response(nullptr, audience);
    return pack_response(
        central.clone_cache().segment_image(audience.name(), central.segments().at(audience, *central_head)),
        audience);
  }
  auto head = query_parameter(req.target, "head");
  auto layout = query_parameter(req.target, "layout");
  if (!segment) return view_response(central.clone_cache().image_at(head), head, layout);
  bool own = is_commit_hex(head) && central.segments().source_of(audience, head);
  return view_response(own ? central.clone_cache().segment_image_at(head) : nullptr, head, layout);
}

}  // namespace

Audience audience_of(const Identity& who) {
  switch (who.role) {
    case Role::Reader: return Audience::everyone();
    case Role::Editor: return Audience::of_org(who.org);
    case Role::Admin: return Audience::all();
  }
  return Audience::everyone();
}

bool needs_token(std::string_view method, std::string_view target) {
  return !(method == "GET" && target == sync::route::kHealth);
}

bool offers_token(std::string_view authorization) {
  return authorization.starts_with("Bearer ") && authorization.size() > 7;
}

std::optional<Identity> authenticate(Central& central, std::string_view authorization) {
  if (!offers_token(authorization)) return std::nullopt;
  return central.tokens().authenticate(std::string(authorization.substr(7)));
}

Response unauthenticated(std::string_view authorization) {
  return error(401, offers_token(authorization) ? "unknown or revoked token" : "a bearer token is required");
}

Response handle(Central& central, const Request& request, const Identity& who) {
  auto answer = [&]() -> Response {
    if (!needs_token(request.method, request.target))
      return json_response(200, {{"status", "ok"}, {"head", central.published_head().value_or("")}});
    if (is_clone_route(request)) return clone_route(central, request, who);
    if (is_feed_route(request)) return feed_route(central, who, request);
    if (auto r = read_route(central, who, request)) return std::move(*r);
    // A push is decoded and staged before it waits for the central lock.
    std::optional<sync::PushRequest> push;
    std::unique_ptr<StagedPatches> staged;
    if (request.method == "POST" && request.target == sync::route::kPush) {
      if (who.role == Role::Reader) return error(403, "a reader token may fetch but not push");
      push = sync::decode_push(request.body);
      staged = stage(central, push->patches);
    }
    auto lock = central.lock();
    try {
      Caller caller{who, "push", request.client_address};
      auto audience = audience_of(who);
      auto r = !push ? route(central, who, request)
               : audience == Audience::all()
                   ? integrate(central, caller, push->patches, std::move(staged), push, true, std::nullopt)
                   : integrate_segment(central, caller, audience, push->patches, std::move(staged), push, true);
      central.publish_head();  // whatever moved the head (a push, an accepted submission)
      return r;
    } catch (...) {
      central.publish_head();
      throw;
    }
  };
  Response r;
  try {
    r = answer();
  } catch (const ConflictError& e) {
    r = error(409, e.what());
  } catch (const UserError& e) {
    r = error(400, e.what());
  }
  r.org = who.org;
  return r;
}

Response handle(Central& central, const Request& request) {
  if (!needs_token(request.method, request.target)) return handle(central, request, Identity{});
  auto who = authenticate(central, request.authorization);
  if (!who) return unauthenticated(request.authorization);
  return handle(central, request, *who);
}

}  // namespace liaison::server
