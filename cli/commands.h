// The top-level commands of liaison, as git's commands[] table has them:
// main.cc holds one CommandRow per command, naming the function that
// registers it and its properties. Each registering function lives in the
// cmd_*.cc file that parses and prints that command, and adds that command
// only, with all its subcommands and options.
#pragma once

#include <span>
#include <string_view>

namespace CLI {
class App;
}

namespace liaison::cli {

struct Context;

// Adds one top-level command to `app`.
using Registrar = void (*)(CLI::App& app, Context& ctx);

// A command's properties, or-ed together in its row.
enum CommandFlag : unsigned {
  // Works on the copy at or above -C DIR (all but init and clone, which make
  // one). Context::open() refuses a command without it.
  kNeedsCopy = 1u << 0,
  // May read or write thousands of records: runs with tcmalloc
  // (process/bulk_allocator.h).
  kBulk = 1u << 1,
  // Bulk only when given an argument that is not an option: `pull` from a
  // named copy or bundle; a plain `pull` (from the server, in small steps)
  // starts sooner without.
  kBulkWithArgument = 1u << 2,
};

struct CommandRow {
  std::string_view name;
  Registrar registrar;
  unsigned flags = 0;
};

// The row of the command on this command line (the first word that is
// neither an option nor the value of -C), or nullptr when there is no such
// word or `table` has no row of that name.
const CommandRow* find_command(std::span<const CommandRow> table, int argc, const char* const* argv);

// Whether this command line, whose command `row` describes, is a bulk run.
// Only the words after the command count as its arguments, so an option's
// value never makes a command bulk: `contact add --name import` is not.
bool is_bulk(const CommandRow& row, int argc, const char* const* argv);

// The registering function of each command, by the file that holds it.
// cmd_init.cc
void register_init(CLI::App& app, Context& ctx);
// cmd_records.cc: a kind's add, edit, show, list and rm; contact verify,
// need match.
void register_org(CLI::App& app, Context& ctx);
void register_contact(CLI::App& app, Context& ctx);
void register_need(CLI::App& app, Context& ctx);
void register_offer(CLI::App& app, Context& ctx);
void register_area(CLI::App& app, Context& ctx);
// cmd_query.cc
void register_list(CLI::App& app, Context& ctx);
void register_search(CLI::App& app, Context& ctx);
void register_stale(CLI::App& app, Context& ctx);
void register_status(CLI::App& app, Context& ctx);
// cmd_history.cc
void register_log(CLI::App& app, Context& ctx);
void register_show(CLI::App& app, Context& ctx);
void register_diff(CLI::App& app, Context& ctx);
void register_blame(CLI::App& app, Context& ctx);
void register_revert(CLI::App& app, Context& ctx);
// cmd_transfer.cc
void register_import(CLI::App& app, Context& ctx);
void register_export(CLI::App& app, Context& ctx);
// cmd_doctor.cc
void register_doctor(CLI::App& app, Context& ctx);
// cmd_exchange.cc
void register_clone(CLI::App& app, Context& ctx);
void register_remote(CLI::App& app, Context& ctx);
void register_pull(CLI::App& app, Context& ctx);
void register_push(CLI::App& app, Context& ctx);
void register_bundle(CLI::App& app, Context& ctx);
void register_conflicts(CLI::App& app, Context& ctx);
void register_resolve(CLI::App& app, Context& ctx);
void register_merge(CLI::App& app, Context& ctx);
// cmd_sync.cc
void register_sync(CLI::App& app, Context& ctx);
void register_review(CLI::App& app, Context& ctx);
// cmd_watch.cc
void register_watch(CLI::App& app, Context& ctx);
// cmd_matrix.cc
void register_matrix(CLI::App& app, Context& ctx);
void register_gaps(CLI::App& app, Context& ctx);
void register_duplicates(CLI::App& app, Context& ctx);
void register_coverage(CLI::App& app, Context& ctx);
void register_report(CLI::App& app, Context& ctx);

}  // namespace liaison::cli
