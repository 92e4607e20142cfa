// liaison: the command-line tool for a local copy of the directory of
// contact points and the matrix of assistance needs. Each top-level command
// has a row in the table below, naming the function in its cmd_*.cc file
// that registers it (cli/commands.h).
#include <cstdio>
#include <iostream>

#include <CLI/CLI.hpp>

#include "cli/commands.h"
#include "cli/context.h"
#include "base/error.h"
#include "process/bulk_allocator.h"

namespace liaison::cli {
namespace {

// In the order --help lists them.
constexpr CommandRow kCommands[] = {
    {"init", register_init, 0},
    {"org", register_org, kNeedsCopy},
    {"contact", register_contact, kNeedsCopy},
    {"need", register_need, kNeedsCopy},
    {"offer", register_offer, kNeedsCopy},
    {"area", register_area, kNeedsCopy},
    {"list", register_list, kNeedsCopy},
    {"search", register_search, kNeedsCopy},
    {"stale", register_stale, kNeedsCopy},
    {"status", register_status, kNeedsCopy},
    {"log", register_log, kNeedsCopy},
    {"show", register_show, kNeedsCopy},
    {"diff", register_diff, kNeedsCopy},
    {"blame", register_blame, kNeedsCopy},
    {"revert", register_revert, kNeedsCopy},
    {"import", register_import, kNeedsCopy | kBulk},
    {"export", register_export, kNeedsCopy | kBulk},
    {"doctor", register_doctor, kNeedsCopy | kBulk},
    {"clone", register_clone, 0},
    {"remote", register_remote, kNeedsCopy},
    {"pull", register_pull, kNeedsCopy | kBulkWithArgument},
    {"push", register_push, kNeedsCopy},
    {"bundle", register_bundle, kNeedsCopy},
    {"conflicts", register_conflicts, kNeedsCopy},
    {"resolve", register_resolve, kNeedsCopy},
    {"merge", register_merge, kNeedsCopy | kBulk},
    {"sync", register_sync, kNeedsCopy},
    {"watch", register_watch, kNeedsCopy},
    {"review", register_review, kNeedsCopy},
    {"matrix", register_matrix, kNeedsCopy},
    {"gaps", register_gaps, kNeedsCopy},
    {"duplicates", register_duplicates, kNeedsCopy},
    {"coverage", register_coverage, kNeedsCopy},
    {"report", register_report, kNeedsCopy},
};

// Only the command being run is built (every one for help or an unknown
// command): building every command's options costs a millisecond per run.
void register_commands(CLI::App& app, Context& ctx, const CommandRow* command) {
  if (command) return command->registrar(app, ctx);
  for (const auto& row : kCommands) row.registrar(app, ctx);
}

}  // namespace
}  // namespace liaison::cli

int main(int argc, char** argv) {
  namespace cli = liaison::cli;
  const cli::CommandRow* command = cli::find_command(cli::kCommands, argc, argv);
  if (command && cli::is_bulk(*command, argc, argv)) liaison::process::use_bulk_allocator(argv);
  cli::Context ctx;
  ctx.needs_copy = !command || (command->flags & cli::kNeedsCopy);
  CLI::App app{"liaison: directory of counter-terrorism contact points and matrix of assistance needs"};
  app.set_help_all_flag("--help-all", "Show help for every command");
  app.require_subcommand(1);
  app.fallthrough();
  app.add_option("-C", ctx.directory, "Run as if started in DIR")->option_text("DIR");
  app.add_flag("--json", ctx.json, "Machine-readable JSON output");
  app.set_version_flag("--version", "liaison " LIAISON_VERSION, "Print the version and exit");
  cli::register_commands(app, ctx, command);
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::cerr << "liaison: " << e.what() << " (see --help)\n";
    return 1;
  } catch (const liaison::Error& e) {
    std::cerr << "liaison: " << e.what() << "\n";
    return e.exit_code();
  } catch (const std::exception& e) {
    std::cerr << "liaison: internal error: " << e.what() << "\n";
    return 2;
  }
  std::fflush(stdout);
  return 0;
}
