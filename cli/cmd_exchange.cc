// liaison clone, remote add|list|rm, pull, push, bundle create, conflicts,
// resolve, merge --continue|--abort: exchange between copies and the merge
// workflow. Server URLs are handled by the sync client once it exists.
#include <iostream>

#include <CLI/CLI.hpp>

#include "cli/commands.h"
#include "cli/context.h"
#include "cli/output.h"
#include "store/exchange.h"
#include "model/ids.h"
#include "store/merge_session.h"
#include "model/record.h"
#include "git/transfer.h"
#include "sync/sync_client.h"

namespace liaison::cli {
namespace {

std::filesystem::path relative_to(const Context& ctx, const std::string& path) {
  std::filesystem::path p = path;
  return p.is_relative() ? std::filesystem::path(ctx.directory) / p : p;
}

// Prints the outcome (as text, or as JSON when `emit_json`) and returns it
// as JSON; throws ConflictError when the merge stopped on conflicts.
// The conflicts of the merge in progress, one object each, as `liaison
// conflicts --json` prints them.
Json conflict_list(Store& store, const PendingMerge& m) {
  Json out = Json::array();
  for (std::size_t i = 0; i < m.conflicts.size(); ++i) {
    const auto& c = m.conflicts[i];
    RecordKey key{c.kind, c.id};
    out.push_back({{"kind", kind_name(c.kind)}, {"id", c.id}, {"field", c.field}, {"base", c.base},
                   {"ours", c.ours}, {"theirs", c.theirs}, {"reason", c.reason},
                   {"ours_by", last_changed_by(store, m.ours, key, m.base)},
                   {"theirs_by", last_changed_by(store, m.theirs, key, m.base)},
                   {"resolved", static_cast<bool>(m.resolved[i])}});
  }
  return out;
}

// Prints the outcome (as JSON with --json, when `emit_json`; sync passes
// false and prints pull and push together). A stop on conflicts ends the
// command here, so with --json the outcome and its conflicts are printed
// whatever `emit_json` says, in sync's shape when it is false.
Json report_merge(Context& ctx, Store& store, const MergeOutcome& m, const std::string& source,
                  bool emit_json = true) {
  using R = MergeOutcome::Result;
  const char* names[] = {"up-to-date", "fast-forward", "merged", "conflicts"};
  Json decisions = Json::array();
  for (const auto& d : m.decisions)
    decisions.push_back({{"kind", kind_name(d.kind)}, {"id", d.id}, {"field", d.field}, {"rule", d.rule},
                         {"explanation", d.explanation}});
  Json out = {{"result", names[static_cast<int>(m.result)]}, {"head", m.head}, {"conflicts", m.conflicts},
              {"decisions", decisions}};
  if (m.result == R::Conflicts && ctx.json) {
    if (auto pending = pending_merge(store)) out["conflict_list"] = conflict_list(store, *pending);
    print_json(emit_json ? out : Json{{"pull", out}, {"push", nullptr}});
  } else if (ctx.json) {
    if (emit_json) print_json(out);
  } else {
    switch (m.result) {
      case R::UpToDate: std::cout << "Already up to date with " << source << ".\n"; break;
      case R::FastForward: std::cout << "Fast-forwarded to " << short_commit(m.head) << " from " << source << ".\n"; break;
      case R::Merged:
        std::cout << "Merged " << source << " in " << short_commit(m.head) << " (" << m.decisions.size()
                  << " decisions by merge rules).\n";
        break;
      case R::Conflicts: break;
    }
  }
  if (m.result == R::Conflicts)
    throw ConflictError(std::to_string(m.conflicts) + " conflicts merging " + source +
                        ": see 'liaison conflicts', settle each with 'liaison resolve', then 'liaison merge --continue'"
                        " (or 'liaison merge --abort')");
  return out;
}

}  // namespace

namespace {

// The segment of the directory the copy's history is: as the clone found it
// for this remote, or for another one.
std::optional<std::string> held_segment(Store& store, const Remote& remote) {
  if (auto segment = store.state().remote_segment(remote.name)) return segment;
  for (const auto& other : store.state().remotes())
    if (auto segment = store.state().remote_segment(other.name)) return segment;
  return std::nullopt;
}

}  // namespace

Remote server_remote(Store& store, const std::string& name) {
  auto remote = find_remote(store, name);
  if (!remote) throw UserError("no remote named '" + name + "' (see 'liaison remote list')");
  if (!is_url(remote->url)) throw UserError("remote '" + name + "' is a copy, not a server");
  return *remote;
}

Json pull_from_server(Context& ctx, Store& store, const Remote& remote, bool emit_json) {
  sync::SyncClient client(remote.url, remote.token);
  auto fetched = client.fetch(store, sync::remote_head(store, remote.name), held_segment(store, remote));
  if (!fetched.segment.empty() && !store.state().remote_segment(remote.name))
    store.state().set_remote_segment(remote.name, fetched.segment);
  auto theirs = fetched.head;
  // Outcomes of this organization's submissions, for `liaison status`, asked
  // for when the fetch said they changed (always from a server without stamps).
  if (fetched.submissions_stamp.empty() ||
      store.state().submissions_stamp(remote.name) != fetched.submissions_stamp) {
    try {
      store.state().set_seen_submissions(remote.name, client.submissions().dump(), fetched.submissions_stamp);
    } catch (const UserError&) {
    }
  }
  if (!theirs) {
    if (!ctx.json) std::cout << "The server has no history yet.\n";
    return Json{{"result", "empty"}};
  }
  sync::set_remote_head(store, remote.name, *theirs);
  return report_merge(ctx, store, start_merge(store, *theirs, remote.name), remote.name, emit_json);
}

Json push_to_server(Context& ctx, Store& store, const Remote& remote, bool emit_json) {
  sync::SyncClient client(remote.url, remote.token);
  auto pushed = store.history().head();
  auto outcome = client.push(store, sync::remote_head(store, remote.name));
  bool moved = false;
  if (outcome.result == "applied") {
    // The server applied our commits' changes onto central as a commit of
    // its own: its segment's version replaces them here, unless the copy
    // moved on meanwhile (then the next pull merges the two).
    client.fetch(store, outcome.head, held_segment(store, remote));
    moved = pushed && store.history().head() != outcome.head && store.replace_head(*pushed, outcome.head);
  }
  if (outcome.result != "submission" && !outcome.head.empty()) {
    // The server's head contains ours now; fetching it brings a server-side merge.
    sync::set_remote_head(store, remote.name, outcome.head);
  }
  Json out = {{"result", outcome.result}, {"head", outcome.head}, {"submission", outcome.submission}};
  if (outcome.result == "submission") {
    out["status"] = outcome.submission_status;
    out["filed"] = outcome.filed;
    if (!outcome.reason.empty()) out["reason"] = outcome.reason;
  }
  if (ctx.json) {
    if (emit_json) print_json(out);
    return out;
  }
  auto number = "submission #" + std::to_string(outcome.submission);
  if (outcome.result == "submission" && outcome.submission_status == "rejected")
    std::cout << "These changes were rejected in review as " << number
              << (outcome.reason.empty() ? "" : ": " + outcome.reason) << " (change or remove them locally).\n";
  else if (outcome.result == "submission" && outcome.filed == "already")
    std::cout << "These changes are waiting for review as " << number << " already.\n";
  else if (outcome.result == "submission" && outcome.filed == "updated")
    std::cout << "Added these changes to " << number << ", which is waiting for review.\n";
  else if (outcome.result == "submission")
    std::cout << "Some changes touch records your organization does not own: sent for review as " << number
              << " ('liaison status' after a pull shows the outcome).\n";
  else if (outcome.result == "merged")
    std::cout << "Pushed; the server merged it with newer changes in " << short_commit(outcome.head)
              << " (pull to get it).\n";
  else if (outcome.result == "up-to-date")
    std::cout << "Everything up to date.\n";
  else if (outcome.result == "applied")
    std::cout << "Pushed; the server applied the changes in " << short_commit(outcome.head)
              << (moved ? ", which this copy now holds" : " (pull to get it)") << ".\n";
  else
    std::cout << "Pushed " << short_commit(outcome.head) << " to " << remote.name << ".\n";
  return out;
}

namespace {

RecordKey conflict_key(Store& store, const std::string& prefix) {
  auto m = pending_merge(store);
  if (!m) throw UserError("no merge is in progress");
  std::vector<RecordKey> found;
  for (const auto& c : m->conflicts)
    if (c.id.starts_with(prefix) && (found.empty() || !(found.back() == RecordKey{c.kind, c.id})))
      found.push_back({c.kind, c.id});
  std::sort(found.begin(), found.end());
  found.erase(std::unique(found.begin(), found.end()), found.end());
  if (found.size() == 1) return found.front();
  if (found.size() > 1) throw UserError("id '" + prefix + "' matches several records in conflict");
  return store.resolve_any(prefix);  // a field override on a record without conflicts
}

}  // namespace

void register_clone(CLI::App& app, Context& ctx) {
  struct CloneOptions {
    std::string source, dir, org, token;
  };
  auto c = std::make_shared<CloneOptions>();
  auto* clone = app.add_subcommand("clone", "Copy another copy: a folder, a bare git history of one, or a server URL");
  clone->add_option("SOURCE", c->source, "path of a copy or of a bare git history, or http(s) URL of a server")
      ->required();
  clone->add_option("DIR", c->dir, "folder for the new copy (default: the source's name)");
  clone->add_option("--org", c->org, "your organization (default: the source's)");
  clone->add_option("--token", c->token, "access token for a server");
  clone->callback([&ctx, c] {
    if (is_url(c->source)) {
      if (c->dir.empty()) throw UserError("give the folder for the new copy: liaison clone URL DIR --token T");
      if (c->token.empty()) throw UserError("--token: a server needs an access token");
      auto dir = relative_to(ctx, c->dir);
      auto store = sync::SyncClient(c->source, c->token).clone(dir, c->org.empty() ? std::nullopt
                                                                                  : std::optional<std::string>(c->org));
      if (ctx.json) print_json({{"dir", dir.string()}, {"head", store.history().head().value_or("")}});
      else std::cout << "Cloned " << c->source << " into " << dir.string() << "\n";
      return;
    }
    auto source = relative_to(ctx, c->source);
    auto dir = relative_to(ctx, c->dir.empty() ? std::filesystem::path(c->source).filename().string() + "-copy" : c->dir);
    auto store = clone_copy(source, dir, c->org.empty() ? std::nullopt : std::optional<std::string>(c->org));
    if (ctx.json) print_json({{"dir", dir.string()}, {"head", store.history().head().value_or("")}});
    else std::cout << "Cloned " << source.string() << " into " << dir.string() << "\n";
  });
}

void register_remote(CLI::App& app, Context& ctx) {
  auto* remote = app.add_subcommand("remote", "Manage the copies and servers this copy exchanges with");
  remote->require_subcommand(1);
  auto r = std::make_shared<Remote>();
  auto* radd = remote->add_subcommand("add", "Add a remote: a path to another copy, or a server URL");
  radd->add_option("NAME", r->name, "short name, e.g. hq")->required();
  radd->add_option("URL", r->url, "path or http(s):// URL")->required();
  radd->add_option("--token", r->token, "access token (kept in local settings, never in history)");
  radd->callback([&ctx, r] {
    auto& store = ctx.open();
    Remote copy = *r;
    if (!is_url(copy.url)) copy.url = relative_to(ctx, copy.url).string();
    add_remote(store, copy);
    if (!ctx.json) std::cout << "Added remote " << r->name << "\n";
  });
  auto* rlist = remote->add_subcommand("list", "List remotes");
  rlist->callback([&ctx] {
    auto remotes = list_remotes(ctx.open());
    if (ctx.json) {
      Json out = Json::array();
      for (const auto& x : remotes) out.push_back({{"name", x.name}, {"url", x.url}, {"has_token", !x.token.empty()}});
      print_json(out);
      return;
    }
    for (const auto& x : remotes) std::cout << x.name << "\t" << x.url << "\n";
  });
  auto rm_name = std::make_shared<std::string>();
  auto* rrm = remote->add_subcommand("rm", "Remove a remote");
  rrm->add_option("NAME", *rm_name)->required();
  rrm->callback([&ctx, rm_name] { remove_remote(ctx.open(), *rm_name); });
}

void register_pull(CLI::App& app, Context& ctx) {
  auto pull_from = std::make_shared<std::string>("origin");
  auto* pull = app.add_subcommand("pull", "Fetch another copy's (or a bundle's) commits and merge them");
  pull->add_option("SOURCE", *pull_from, "remote name, path of a copy, or bundle file (default origin)");
  pull->callback([&ctx, pull_from] {
    auto& store = ctx.open();
    CommitId theirs;
    std::string source = *pull_from;
    if (auto remote = find_remote(store, *pull_from)) {
      if (is_url(remote->url)) {
        pull_from_server(ctx, store, *remote);
        return;
      }
      theirs = fetch_from_copy(store, remote->url);
    } else {
      auto path = relative_to(ctx, *pull_from);
      if (std::filesystem::is_directory(path)) theirs = fetch_from_copy(store, path);  // a copy or git history
      else if (std::filesystem::is_regular_file(path)) theirs = fetch_bundle(store, path);
      else throw UserError("'" + *pull_from + "' is not a remote, a copy or a bundle file");
      source = path.filename().string();
    }
    report_merge(ctx, store, start_merge(store, theirs, source), source);
  });
}

void register_push(CLI::App& app, Context& ctx) {
  auto push_to = std::make_shared<std::string>("origin");
  auto* push = app.add_subcommand("push", "Send this copy's commits to another copy (fast-forward only)");
  push->add_option("REMOTE", *push_to, "remote name or path of a copy (default origin)");
  push->callback([&ctx, push_to] {
    auto& store = ctx.open();
    std::filesystem::path target;
    if (auto remote = find_remote(store, *push_to)) {
      if (is_url(remote->url)) {
        push_to_server(ctx, store, *remote);
        return;
      }
      target = remote->url;
    } else {
      target = relative_to(ctx, *push_to);
    }
    auto result = push_to_copy(store, target);
    if (ctx.json) print_json({{"up_to_date", result.up_to_date}, {"head", result.head}});
    else if (result.up_to_date) std::cout << "Everything up to date.\n";
    else std::cout << "Pushed " << short_commit(result.head) << " to " << target.string() << "\n";
  });
}

void register_bundle(CLI::App& app, Context& ctx) {
  struct BundleOptions {
    std::string file, since;
  };
  auto b = std::make_shared<BundleOptions>();
  auto* bundle = app.add_subcommand("bundle", "Bundle files for copies on closed networks");
  bundle->require_subcommand(1);
  auto* bcreate = bundle->add_subcommand("create", "Write the commits another copy lacks into FILE");
  bcreate->add_option("FILE", b->file)->required();
  bcreate->add_option("--since", b->since, "a commit the receiver has (default: everything)");
  bcreate->callback([&ctx, b] {
    auto& store = ctx.open();
    std::optional<CommitId> since;
    if (!b->since.empty()) since = store.history().resolve(b->since);
    auto made = make_bundle(store.history(), since);
    auto file = relative_to(ctx, b->file);
    write_bundle(made, file);
    auto bytes = std::filesystem::file_size(file);
    if (ctx.json) print_json({{"file", file.string()}, {"head", made.head}, {"bytes", bytes}});
    else std::cerr << "Wrote " << file.string() << " (" << bytes << " bytes, head " << short_commit(made.head)
                   << ")\n";
  });
}

void register_conflicts(CLI::App& app, Context& ctx) {
  auto* conflicts = app.add_subcommand("conflicts", "List the conflicts of the merge in progress");
  conflicts->callback([&ctx] {
    auto& store = ctx.open();
    auto m = pending_merge(store);
    if (!m) throw UserError("no merge is in progress");
    Json out = conflict_list(store, *m);
    if (ctx.json) return print_json(out);
    std::vector<std::vector<std::string>> rows{{"RECORD", "FIELD", "BASE", "OURS", "THEIRS", "STATE"}};
    for (std::size_t i = 0; i < m->conflicts.size(); ++i) {
      const auto& c = m->conflicts[i];
      std::string ours_by = out[i]["ours_by"], theirs_by = out[i]["theirs_by"];
      auto brief = [&](const Json& v) {
        if (c.field == kWholeRecord) return v.is_null() ? std::string("(removed)") : std::string("(record)");
        return v.is_null() ? std::string("(none)") : value_text(v);
      };
      rows.push_back({std::string(kind_name(c.kind)) + " " + short_id(c.id), c.field, brief(c.base),
                      brief(c.ours) + (ours_by.empty() ? "" : " [" + ours_by + "]"),
                      brief(c.theirs) + (theirs_by.empty() ? "" : " [" + theirs_by + "]"),
                      m->resolved[i] ? "resolved" : c.reason});
    }
    print_table(rows);
  });
}

void register_resolve(CLI::App& app, Context& ctx) {
  struct ResolveOptions {
    std::string id, field, value;
    bool ours = false, theirs = false, has_value = false;
  };
  auto rs = std::make_shared<ResolveOptions>();
  auto* resolve = app.add_subcommand("resolve", "Settle one conflict of the merge in progress");
  resolve->add_option("ID", rs->id, "record id or prefix")->required();
  resolve->add_option("FIELD", rs->field, "field name, or * for a whole-record conflict")->required();
  auto* o1 = resolve->add_flag("--ours", rs->ours, "keep this copy's value");
  auto* o2 = resolve->add_flag("--theirs", rs->theirs, "take the other side's value");
  auto* o3 = resolve->add_option_function<std::string>(
      "--value", [rs](const std::string& v) { rs->value = v, rs->has_value = true; },
      "a new value (set members separated by ';')");
  o1->excludes(o2)->excludes(o3);
  o2->excludes(o3);
  resolve->callback([&ctx, rs] {
    auto& store = ctx.open();
    auto key = conflict_key(store, rs->id);
    std::optional<Side> side;
    if (rs->ours) side = Side::Ours;
    if (rs->theirs) side = Side::Theirs;
    resolve_conflict(store, key, rs->field, side, rs->has_value ? std::optional<std::string>(rs->value) : std::nullopt);
    auto m = pending_merge(store);
    if (!ctx.json) std::cout << "Resolved; " << m->unresolved() << " conflicts left.\n";
  });
}

void register_merge(CLI::App& app, Context& ctx) {
  struct MergeOptions {
    bool cont = false, abort = false;
  };
  auto mo = std::make_shared<MergeOptions>();
  auto* merge = app.add_subcommand("merge", "Finish or abandon the merge in progress");
  auto* mc = merge->add_flag("--continue", mo->cont, "commit the merge once every conflict is resolved");
  auto* ma = merge->add_flag("--abort", mo->abort, "forget the merge; the copy is as it was before");
  mc->excludes(ma);
  merge->callback([&ctx, mo] {
    auto& store = ctx.open();
    if (mo->cont) {
      auto id = merge_continue(store);
      if (ctx.json) print_json({{"commit", id}});
      else std::cout << "Merge committed: " << short_commit(id) << "\n";
    } else if (mo->abort) {
      merge_abort(store);
      if (!ctx.json) std::cout << "Merge aborted.\n";
    } else {
      throw UserError("give --continue or --abort");
    }
  });
}

}  // namespace liaison::cli
