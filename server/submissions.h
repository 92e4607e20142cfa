// The review queue: pushes that touch records their token does not own are
// kept here, with their commit patches, for central staff to accept or
// reject. Stored in server.db.
//
// One change, one submission: a push of the same head as one of its org's
// submissions files nothing new (the handler answers with that one), and a
// push that builds on a pending submission's head replaces its commits in
// place (update()): the reviewer sees one entry, with everything the copy
// wants to change, under the id the copy was first given.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "base/canonical_json.h"
#include "view/sqlite_db.h"

namespace liaison::server {

struct Submission {
  std::int64_t id = 0;
  std::string org;
  std::int64_t token_id = 0;
  std::string created;
  std::string status;  // pending, accepted, rejected
  std::string reason;
  std::string head;
  Json changes;  // describe_contributions()
  std::string patches;
  std::string result_head;
  std::int64_t revision = 0;  // times update() replaced its commits
};

class SubmissionStore {
 public:
  explicit SubmissionStore(Database& db);
  std::int64_t add(const Submission& s);
  // The org's submission of exactly this head, newest first, if any.
  std::optional<Submission> find(const std::string& org, const std::string& head);
  // The org's pending submissions (without patches).
  std::vector<Submission> pending(const std::string& org);
  // Replaces a pending submission's head, changes and patches.
  void update(std::int64_t id, const Submission& s);
  std::optional<Submission> get(std::int64_t id, bool with_patches);
  // Pending and decided submissions, newest first; only `org`'s unless empty.
  std::vector<Submission> list(const std::string& org);
  // Changes whenever list(org) would: a submission added or decided.
  std::string stamp(const std::string& org);
  void decide(std::int64_t id, const std::string& status, const std::string& reason, const std::string& result_head);

 private:
  Database& db_;
};

Json summary_json(const Submission& s, bool with_changes);

}  // namespace liaison::server
