// Store: one local copy, a folder holding history.git (the truth),
// state.db (what history cannot tell: the copy's org, remotes, a merge in
// progress; see copy_state.h) and view.db (the SQLite view, a cache of
// history that is rebuilt when it is missing or behind).
//
// Promises:
//  * Every change goes through commit(): it validates every record, checks
//    that references resolve in the state after the change, writes one
//    commit, moves the head by compare-and-swap and updates the view, all
//    under the view's write lock, so two processes never interleave.
//  * Nothing is reported done before the commit and the head are on disk.
//    If the process dies after the head moved but before the view was
//    updated, the next open() brings the view up to date from history.
//  * Invalid input throws UserError and changes nothing.
#pragma once

#include <filesystem>
#include <future>
#include <map>
#include <optional>
#include <string>
#include <unordered_set>
#include <vector>

#include "base/canonical_json.h"
#include "store/copy_state.h"
#include "git/history.h"
#include "model/schema.h"
#include "view/view.h"

namespace liaison {

// One record's new state in a commit: `after` nullopt removes it.
struct RecordChange {
  Kind kind;
  std::string id;
  // The record. A caller that gives `text` and `row` of a record it has
  // normalised (commit's `normalized`) may leave it null, Json(): the store
  // then reads the record from `text` only where it needs it (when it
  // replaces one, or names the commit), so that an import need not hold
  // each record in three forms.
  std::optional<Json> after;
  // canonical_json(*after), when the caller made it already (import does,
  // on its checking threads); empty: commit() makes it.
  std::string text = {};
  // make_view_row(kind, *after), likewise: made by an import, with `text`.
  std::optional<ViewRow> row = {};
};

// A change refused because of one of its records: `index` is that record's
// place in the list given to commit(), so an import can name its line.
class RecordError : public UserError {
 public:
  RecordError(std::size_t index, const std::string& message) : UserError(message), index(index) {}
  std::size_t index;
};

struct DoctorReport {
  std::vector<std::string> problems;
  std::size_t records_checked = 0;
  bool ok() const { return problems.empty(); }
};

class Store {
 public:
  struct InitOptions {
    std::string org;  // slug of the organization keeping this copy
    std::optional<Person> user;
    bool with_reference_data = true;  // commit data/areas.json and data/orgs.json
    // A view snapshot file (view_snapshot.h) of the copy being cloned, moved
    // into the new copy to start from instead of building the view;
    // start_at() decides whether to keep it.
    std::filesystem::path view_snapshot = {};
  };
  // Creates a copy in `dir` (which must be absent or empty).
  static Store init(const std::filesystem::path& dir, const InitOptions& options);
  // Opens the copy in `dir`, bringing its view up to date with history.
  static Store open(const std::filesystem::path& dir);
  // The copy containing `start` (it or a parent folder), as git finds its repository.
  static std::filesystem::path locate(const std::filesystem::path& start);
  static bool is_copy(const std::filesystem::path& dir);
  // The history folder of the copy in `dir`.
  static std::filesystem::path history_dir(const std::filesystem::path& dir);
  // What the state of the copy in `dir` says, read without writing to it.
  static std::optional<CopyState::Summary> peek_state(const std::filesystem::path& dir);

  History& history() { return history_; }
  View& view() { return view_; }
  CopyState& state() { return state_; }
  const std::filesystem::path& dir() const { return dir_; }
  std::string org();
  Person user();
  // Today's date, YYYY-MM-DD (LIAISON_TODAY overrides it, for tests and demos).
  static std::string today();

  // The full id of the record of `kind` whose id starts with `prefix`.
  // Throws UserError when none or several match (listing the candidates).
  std::string resolve_id(Kind kind, const std::string& prefix);
  Json get(Kind kind, const std::string& id);
  // A record of any kind whose id is or starts with `prefix` (org slugs,
  // area codes and id prefixes); UserError when none or several match.
  RecordKey resolve_any(const std::string& prefix);

  // Validates and commits `changes` as one commit; returns its id. Records
  // are normalised; unchanged records are dropped; with nothing left to
  // change, returns nullopt and writes nothing. `normalized` skips the
  // normalisation step for records that come from normalize_record already
  // (import checks each row itself to report its line). A record that
  // breaks a rule across records (an id twice, a reference to no record, a
  // status change not allowed) throws RecordError naming its index.
  std::optional<CommitId> commit(std::vector<RecordChange> changes, const std::string& message,
                                 bool normalized = false);

  // Like commit(), for the merge machinery: a commit with `theirs` as second
  // parent (written even when the tree does not change), allowed while a
  // merge is in progress.
  CommitId commit_merge(std::vector<RecordChange> changes, const std::string& message, const CommitId& theirs);
  // Moves the head forward to `commit` (a descendant of the head whose
  // objects are present) and brings the view along.
  void fast_forward(const CommitId& commit);

  // Moves the head from `expected` to `commit`, which need not descend from
  // it (a server that applied the copy's commits as commits of its own
  // hands back its version), and brings the view along. False, changing
  // nothing, when the head is not `expected` any more.
  bool replace_head(const CommitId& expected, const CommitId& commit);

  // For a new, empty copy whose objects are in place: moves the head to
  // `commit` and makes the view reflect it. A view that came as a snapshot
  // is kept when it reflects `commit` and holds as many records of each kind
  // as its tree; otherwise the view is built from history.
  void start_at(const CommitId& commit);

  // One-record helpers with a message saying what changed.
  Json add(Kind kind, Json record);
  Json update(Kind kind, const std::string& id, const Json& record);
  void remove(Kind kind, const std::string& id);

  // Brings the view to the history head (no-op when it is there).
  void catch_up();
  // Drops the view's records and rebuilds them from history.
  void rebuild_view();
  DoctorReport doctor();

 private:
  Store(std::filesystem::path dir, History history, CopyState state, View view)
      : dir_(std::move(dir)), history_(std::move(history)), state_(std::move(state)), view_(std::move(view)) {}
  // A commit is planned, then applied. The plan holds the writer lock from
  // the moment it reads the records the change replaces until the change is
  // applied: the records validated and normalised, the changes that change
  // something (`effective`, each with its place in the input, `origin`), the
  // rows they replace, the files to write. A new record is written from its
  // row and its file's text alone, so its JSON (`effective[i].after`) is
  // emptied to null once they are made: an import of 100k records need not
  // hold every record in three forms.
  struct ChangePlan {
    std::optional<Transaction> lock;
    std::optional<CommitId> head;
    // Ids present per kind, read in one scan when a change is large.
    std::map<Kind, std::unordered_set<std::string>> present;
    std::vector<RecordChange> effective;
    std::vector<std::size_t> origin;
    std::vector<std::optional<Json>> befores;
    std::vector<FileChange> files;
    bool replaces_rows = false;
    std::string summary;
  };
  std::optional<CommitId> commit_impl(std::vector<RecordChange> changes, const std::string& message, bool normalized,
                                      const std::optional<CommitId>& merge_parent);
  ChangePlan plan_change(std::vector<RecordChange> input, bool normalized);
  void lock_for_plan(ChangePlan& plan, const std::map<Kind, std::size_t>& changed_per_kind);
  std::optional<Json> planned_before(const ChangePlan& plan, Kind kind, const std::string& id);
  // The history writer and the view writer, on two threads; the head moves
  // when both are done.
  CommitId apply_change(ChangePlan& plan, const std::string& message, const std::optional<CommitId>& merge_parent);
  // Writes the plan's rows into the view; returns the freeing of the
  // plan's records, under way on another thread for a large change.
  std::future<void> write_view(ChangePlan& plan);
  // Begins the view's write transaction, the copy's writer lock. Every
  // liaison process that moves the copy's head holds it while it does, so a
  // ref lock file met under it was left by a killed process and is removed.
  Transaction lock_writers();
  void apply_to_view(const std::vector<BlobDiff>& diffs);
  // Empties the view and loads every record of `head` into it (bulk path).
  void load_view(const CommitId& head);
  // Throws RecordError(plan.origin[i]) for the first of the plan's changes
  // that refers to a record that will not exist, or removes one still
  // referred to.
  void check_references(const ChangePlan& plan);

  std::filesystem::path dir_;
  History history_;
  CopyState state_;
  View view_;
};

// "Edit contact 3fa2c1d9 (Jane Doe): phones, role"
std::string describe_change(Kind kind, const std::optional<Json>& before, const std::optional<Json>& after);

}  // namespace liaison
