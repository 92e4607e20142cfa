// The review queue: pushes that touch records their token does not own are
// kept here, with their commit patches, for central staff to accept or
// reject. Stored in server.db.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/canonical_json.h"
#include "core/sqlite_db.h"

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
};

class SubmissionStore {
 public:
  explicit SubmissionStore(Database& db);
  std::int64_t add(const Submission& s);
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
