#include "server/submissions.h"

namespace liaison::server {

SubmissionStore::SubmissionStore(Database& db) : db_(db) {
  db_.exec(
      "CREATE TABLE IF NOT EXISTS submissions(id INTEGER PRIMARY KEY, org TEXT NOT NULL, token_id INTEGER,"
      " created TEXT NOT NULL DEFAULT (datetime('now')), status TEXT NOT NULL DEFAULT 'pending', reason TEXT,"
      " head TEXT NOT NULL, changes TEXT NOT NULL, patches BLOB NOT NULL, result_head TEXT,"
      " revision INTEGER NOT NULL DEFAULT 0)");
  // server.db files made before submissions could be updated lack the column.
  if (!db_.scalar("SELECT name FROM pragma_table_info('submissions') WHERE name='revision'"))
    db_.exec("ALTER TABLE submissions ADD COLUMN revision INTEGER NOT NULL DEFAULT 0");
}

std::optional<Submission> SubmissionStore::find(const std::string& org, const std::string& head) {
  auto st = db_.prepare("SELECT id FROM submissions WHERE org=? AND head=? ORDER BY id DESC LIMIT 1");
  st.bind(1, org).bind(2, head);
  if (!st.step()) return std::nullopt;
  return get(st.integer(0), false);
}

std::vector<Submission> SubmissionStore::pending(const std::string& org) {
  std::vector<Submission> out;
  for (auto& s : list(org))
    if (s.status == "pending") out.push_back(std::move(s));
  return out;
}

void SubmissionStore::update(std::int64_t id, const Submission& s) {
  auto st = db_.prepare(
      "UPDATE submissions SET head=?, changes=?, patches=?, token_id=?, revision=revision+1 WHERE id=? AND"
      " status='pending'");
  st.bind(1, s.head).bind(2, s.changes.dump()).bind_blob(3, s.patches).bind(4, s.token_id).bind(5, id).run();
}

std::int64_t SubmissionStore::add(const Submission& s) {
  auto st = db_.prepare("INSERT INTO submissions(org, token_id, head, changes, patches) VALUES(?,?,?,?,?) RETURNING id");
  st.bind(1, s.org).bind(2, s.token_id).bind(3, s.head).bind(4, s.changes.dump());
  st.bind_blob(5, s.patches);
  st.step();
  return st.integer(0);
}

std::optional<Submission> SubmissionStore::get(std::int64_t id, bool with_patches) {
  auto st = db_.prepare(std::string("SELECT id, org, token_id, created, status, coalesce(reason,''), head, changes, ") +
                        (with_patches ? "patches" : "''") +
                        ", coalesce(result_head,''), revision FROM submissions WHERE id=?");
  st.bind(1, id);
  if (!st.step()) return std::nullopt;
  return Submission{st.integer(0), st.text(1), st.integer(2), st.text(3),  st.text(4),  st.text(5),
                    st.text(6),    Json::parse(st.text(7)), st.text(8), st.text(9), st.integer(10)};
}

std::vector<Submission> SubmissionStore::list(const std::string& org) {
  std::string sql =
      "SELECT id, org, token_id, created, status, coalesce(reason,''), head, changes, '', coalesce(result_head,''),"
      " revision FROM submissions";
  if (!org.empty()) sql += " WHERE org=?";
  sql += " ORDER BY id DESC";
  auto st = db_.prepare(sql);
  if (!org.empty()) st.bind(1, org);
  std::vector<Submission> out;
  while (st.step())
    out.push_back({st.integer(0), st.text(1), st.integer(2), st.text(3), st.text(4), st.text(5), st.text(6),
                   Json::parse(st.text(7)), "", st.text(9), st.integer(10)});
  return out;
}

std::string SubmissionStore::stamp(const std::string& org) {
  // Submissions are added, updated while pending, and decided once: their
  // count, the newest id, the updates and how many were decided say whether
  // anything changed.
  std::string sql =
      "SELECT count(*), coalesce(max(id), 0), coalesce(sum(status != 'pending'), 0) + coalesce(sum(revision), 0)"
      " FROM submissions";
  if (!org.empty()) sql += " WHERE org=?";
  auto st = db_.prepare(sql);
  if (!org.empty()) st.bind(1, org);
  st.step();
  return std::to_string(st.integer(0)) + "-" + std::to_string(st.integer(1)) + "-" + std::to_string(st.integer(2));
}

void SubmissionStore::decide(std::int64_t id, const std::string& status, const std::string& reason,
                             const std::string& result_head) {
  auto st = db_.prepare("UPDATE submissions SET status=?, reason=?, result_head=? WHERE id=?");
  st.bind(1, status).bind(2, reason).bind(3, result_head).bind(4, id).run();
}

Json summary_json(const Submission& s, bool with_changes) {
  Json out = {{"id", s.id},         {"org", s.org},       {"created", s.created},
              {"status", s.status}, {"reason", s.reason}, {"records", s.changes.size()},
              {"head", s.head},     {"result_head", s.result_head}, {"revision", s.revision}};
  if (with_changes) out["changes"] = s.changes;
  return out;
}

}  // namespace liaison::server
