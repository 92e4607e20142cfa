// liaison sync [REMOTE]: pull, merge, push. liaison review list|show|accept|
// reject: the review queue of a server, for admin tokens.
#include <iostream>

#include <CLI/CLI.hpp>

#include "cli/commands.h"
#include "cli/context.h"
#include "cli/output.h"
#include "sync/sync_client.h"

namespace liaison::cli {
namespace {

void print_changes(const Json& changes) {
  for (const auto& c : changes) {
    std::cout << (c["change"] == "added" ? "+ " : c["change"] == "removed" ? "- " : "~ ") << c["kind"].get<std::string>()
              << " " << c["id"].get<std::string>().substr(0, 8) << "\n";
    for (const auto& f : c["fields"])
      std::cout << "    " << f["field"].get<std::string>() << ": " << value_text(f["before"]) << " -> "
                << value_text(f["after"]) << "\n";
  }
}

}  // namespace

void register_sync(CLI::App& app, Context& ctx) {
  auto sync_remote = std::make_shared<std::string>("origin");
  auto* sync_cmd = app.add_subcommand("sync", "Pull from the server, merge, then push");
  sync_cmd->add_option("REMOTE", *sync_remote, "server remote (default origin)");
  sync_cmd->callback([&ctx, sync_remote] {
    auto& store = ctx.open();
    auto remote = server_remote(store, *sync_remote);
    auto pulled = pull_from_server(ctx, store, remote, false);
    auto pushed = push_to_server(ctx, store, remote, false);
    if (ctx.json) print_json({{"pull", pulled}, {"push", pushed}});
  });
}

void register_review(CLI::App& app, Context& ctx) {
  auto* review = app.add_subcommand("review", "The server's review queue (admin tokens)");
  review->require_subcommand(1);
  auto remote_name = std::make_shared<std::string>("origin");
  review->add_option("--remote", *remote_name, "server remote (default origin)");

  auto* list = review->add_subcommand("list", "Submissions, newest first");
  list->callback([&ctx, remote_name] {
    auto& store = ctx.open();
    auto remote = server_remote(store, *remote_name);
    auto items = sync::SyncClient(remote.url, remote.token).submissions();
    if (ctx.json) return print_json(items);
    std::vector<std::vector<std::string>> rows{{"ID", "ORG", "CREATED", "RECORDS", "STATUS", "REASON"}};
    for (const auto& s : items)
      rows.push_back({std::to_string(s["id"].get<std::int64_t>()), s["org"], s["created"],
                      std::to_string(s["records"].get<std::int64_t>()), s["status"], s["reason"]});
    print_table(rows);
  });

  auto show_id = std::make_shared<std::int64_t>(0);
  auto* show = review->add_subcommand("show", "A submission, field by field");
  show->add_option("N", *show_id)->required();
  show->callback([&ctx, remote_name, show_id] {
    auto& store = ctx.open();
    auto remote = server_remote(store, *remote_name);
    auto s = sync::SyncClient(remote.url, remote.token).submission(*show_id);
    if (ctx.json) return print_json(s);
    std::cout << "submission " << s["id"] << " from " << s["org"].get<std::string>() << ", " << s["created"].get<std::string>()
              << ", " << s["status"].get<std::string>() << "\n";
    print_changes(s["changes"]);
  });

  struct AcceptOptions {
    std::int64_t id = 0;
    bool ours = false, theirs = false;
  };
  auto a = std::make_shared<AcceptOptions>();
  auto* accept = review->add_subcommand("accept", "Merge a submission into central");
  accept->add_option("N", a->id)->required();
  auto* o1 = accept->add_flag("--ours", a->ours, "on conflicts keep central's values");
  auto* o2 = accept->add_flag("--theirs", a->theirs, "on conflicts take the submission's values");
  o1->excludes(o2);
  accept->callback([&ctx, remote_name, a] {
    auto& store = ctx.open();
    auto remote = server_remote(store, *remote_name);
    auto r = sync::SyncClient(remote.url, remote.token).accept(a->id, a->ours ? "ours" : a->theirs ? "theirs" : "");
    if (ctx.json) return print_json(r);
    std::cout << "Accepted submission " << a->id << "; central is at " << short_commit(r.value("head", "")) << "\n";
  });

  struct RejectOptions {
    std::int64_t id = 0;
    std::string reason;
  };
  auto rj = std::make_shared<RejectOptions>();
  auto* reject = review->add_subcommand("reject", "Refuse a submission, with a reason the submitter sees");
  reject->add_option("N", rj->id)->required();
  reject->add_option("--reason", rj->reason, "why")->required();
  reject->callback([&ctx, remote_name, rj] {
    auto& store = ctx.open();
    auto remote = server_remote(store, *remote_name);
    auto r = sync::SyncClient(remote.url, remote.token).reject(rj->id, rj->reason);
    if (ctx.json) return print_json(r);
    std::cout << "Rejected submission " << rj->id << "\n";
  });
}

}  // namespace liaison::cli
