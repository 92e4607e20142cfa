// What a new head of a history changed, record by record: the payload of
// the change feed's events (protocol.h) and what `liaison watch` reports.
// The server computes it on the token's segment, and a watcher on its own
// copy after a pull, with the same function, so both name the same records
// and fields. Each record is put down to the newest commit of the range
// that changed it (its author and time).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/canonical_json.h"
#include "git/history.h"
#include "model/schema.h"

namespace liaison::sync {

struct RecordChangeNote {
  Kind kind = Kind::Contact;
  std::string id;
  std::string change;               // "added", "modified" or "removed"
  std::vector<std::string> fields;  // the fields that differ, in schema order
  CommitId commit;                  // the newest commit of the range that changed it
  Person author;
  std::int64_t time = 0;  // the commit's author time, seconds since the epoch
  // The versions before and after (absent when added, removed): for the
  // watcher's filters and output, never sent by the server.
  std::optional<Json> before, after;
};

struct ChangeLimits {
  std::size_t max_commits = 1000;
  std::size_t max_records = 1000;
};

// The records that differ from `from` to `to`, `from` an ancestor of `to`,
// in path order; nullopt when more than the limits' commits or records lie
// between, or `from` is none: too much for an event, the watcher pulls.
std::optional<std::vector<RecordChangeNote>> changes_between(const History& history, const std::optional<CommitId>& from,
                                                             const CommitId& to, const ChangeLimits& limits = {});

// {"kind","id","change","fields","commit","author":{"name","email"},"time"}:
// time as an ISO 8601 UTC date; before/after are left out.
Json to_json(const RecordChangeNote& note);

// Seconds since the epoch as 2026-12-02T10:41:07Z.
std::string utc_time(std::int64_t seconds);

}  // namespace liaison::sync
