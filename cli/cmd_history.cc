// liaison log [ID], show REV, diff [A [B]], blame ID, revert REV.
#include <iostream>

#include <CLI/CLI.hpp>

#include "cli/commands.h"
#include "cli/context.h"
#include "cli/graph.h"
#include "cli/output.h"
#include "model/ids.h"
#include "model/record.h"
#include "store/record_history.h"

namespace liaison::cli {
namespace {

Json commit_json(const CommitInfo& c) {
  return {{"id", c.id},
          {"parents", c.parents},
          {"author", c.author.name},
          {"email", c.author.email},
          {"time", c.time},
          {"date", format_time(c.time, c.offset_minutes)},
          {"message", c.message}};
}

Json diffs_json(const std::vector<RecordDiff>& diffs) {
  Json out = Json::array();
  for (const auto& d : diffs) out.push_back(to_json(d));
  return out;
}

void print_diffs(const std::vector<RecordDiff>& diffs, std::size_t max_shown = 200) {
  std::string out;
  for (std::size_t i = 0; i < diffs.size() && i < max_shown; ++i) out += format_diff(diffs[i]);
  if (diffs.size() > max_shown)
    out += "... and " + std::to_string(diffs.size() - max_shown) + " more records (use --json for all)\n";
  std::fwrite(out.data(), 1, out.size(), stdout);
}

}  // namespace

void register_log(CLI::App& app, Context& ctx) {
  struct LogOptions {
    std::string id;
    std::size_t limit = 0;
    bool graph = false;
  };
  auto l = std::make_shared<LogOptions>();
  auto* log = app.add_subcommand("log", "List commits, newest first; with ID, those that changed that record");
  log->add_option("ID", l->id, "record id or prefix, org slug or area code");
  log->add_option("-n,--max-count", l->limit, "at most N commits");
  log->add_flag("--graph", l->graph, "draw the commit graph (merges) beside the log");
  log->callback([&ctx, l] {
    auto& store = ctx.open();
    std::optional<std::string> path;
    if (!l->id.empty()) {
      auto key = store.resolve_any(l->id);
      path = record_path(key.kind, key.id);
    }
    auto commits = store.history().log(path, l->limit);
    if (ctx.json) {
      Json out = Json::array();
      for (const auto& c : commits) out.push_back(commit_json(c));
      print_json(out);
      return;
    }
    std::vector<std::string> lines;
    for (const auto& c : commits)
      lines.push_back(short_commit(c.id) + "  " + format_time(c.time, c.offset_minutes) + "  " + c.author.name +
                      "  " + commit_summary(c));
    std::string out;
    if (l->graph) {
      out = draw_graph(commits, lines);
    } else {
      for (const auto& line : lines) out += line + "\n";
    }
    std::fwrite(out.data(), 1, out.size(), stdout);
  });
}

void register_show(CLI::App& app, Context& ctx) {
  auto show_rev = std::make_shared<std::string>("HEAD");
  auto* show = app.add_subcommand("show", "Show a commit and the records it changed, field by field");
  show->add_option("REV", *show_rev, "commit id, prefix, HEAD, HEAD~1... (default HEAD)");
  show->callback([&ctx, show_rev] {
    auto& store = ctx.open();
    auto id = store.history().resolve(*show_rev);
    auto info = store.history().commit_info(id);
    auto changes = commit_changes(store.history(), id);
    if (ctx.json) {
      auto out = commit_json(info);
      out["changes"] = diffs_json(changes);
      print_json(out);
      return;
    }
    std::cout << "commit " << info.id << "\n";
    if (info.parents.size() > 1) {
      std::cout << "Merge:";
      for (const auto& p : info.parents) std::cout << " " << short_commit(p);
      std::cout << "\n";
    }
    std::cout << "Author: " << info.author.name << " <" << info.author.email << ">\n";
    std::cout << "Date:   " << format_time(info.time, info.offset_minutes) << "\n\n";
    std::cout << "    " << info.message.substr(0, info.message.find_last_not_of('\n') + 1) << "\n\n";
    print_diffs(changes);
  });
}

void register_diff(CLI::App& app, Context& ctx) {
  struct DiffOptions {
    std::vector<std::string> revs;
  };
  auto d = std::make_shared<DiffOptions>();
  auto* diff = app.add_subcommand("diff", "Record- and field-level differences between two commits");
  diff->add_option("REVS", d->revs, "A [B]: from A to B (default: A=HEAD~1, B=HEAD)")->expected(0, 2);
  diff->callback([&ctx, d] {
    auto& store = ctx.open();
    auto& h = store.history();
    if (!h.head()) throw UserError("the history is empty");
    std::optional<CommitId> from;
    CommitId to = d->revs.size() > 1 ? h.resolve(d->revs[1]) : *h.head();
    if (!d->revs.empty()) {
      from = h.resolve(d->revs[0]);
    } else {
      auto info = h.commit_info(to);
      if (!info.parents.empty()) from = info.parents[0];
    }
    auto diffs = diff_commits(h, from, to);
    if (ctx.json) print_json(diffs_json(diffs));
    else if (diffs.empty()) std::cout << "No differences.\n";
    else print_diffs(diffs);
  });
}

void register_blame(CLI::App& app, Context& ctx) {
  auto blame_id = std::make_shared<std::string>();
  auto* bl = app.add_subcommand("blame", "Who last changed each field of a record, when, in which commit");
  bl->add_option("ID", *blame_id, "record id or prefix, org slug or area code")->required();
  bl->callback([&ctx, blame_id] {
    auto& store = ctx.open();
    auto key = store.resolve_any(*blame_id);
    auto fields = blame(store.history(), key.kind, key.id);
    if (ctx.json) {
      Json out = Json::array();
      for (const auto& f : fields)
        out.push_back({{"field", f.field}, {"value", f.value}, {"commit", commit_json(f.commit)}});
      print_json(out);
      return;
    }
    std::vector<std::vector<std::string>> rows{{"FIELD", "VALUE", "COMMIT", "DATE", "AUTHOR"}};
    for (const auto& f : fields)
      rows.push_back({f.field, value_text(f.value), short_commit(f.commit.id),
                      format_time(f.commit.time, f.commit.offset_minutes), f.commit.author.name});
    print_table(rows);
  });
}

void register_revert(CLI::App& app, Context& ctx) {
  auto revert_rev = std::make_shared<std::string>();
  auto* rv = app.add_subcommand("revert", "Make a new commit that undoes a commit");
  rv->add_option("REV", *revert_rev, "the commit to undo")->required();
  rv->callback([&ctx, revert_rev] {
    auto& store = ctx.open();
    auto id = store.history().resolve(*revert_rev);
    auto info = store.history().commit_info(id);
    auto changes = revert_changes(store, id);
    auto message = "Revert \"" + commit_summary(info) + "\"\n\nThis reverts commit " + id + ".";
    auto made = store.commit(changes, message);
    if (ctx.json) {
      print_json({{"reverted", id}, {"commit", made.value_or("")}, {"records", changes.size()}});
      return;
    }
    if (!made) std::cout << "Nothing to revert: " << short_commit(id) << " is already undone.\n";
    else std::cout << "Reverted " << short_commit(id) << " in " << short_commit(*made) << " (" << changes.size()
                   << " records)\n";
  });
}

}  // namespace liaison::cli
