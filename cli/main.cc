// liaison: the command-line tool for a local copy of the directory of
// contact points and the matrix of assistance needs. Each command group
// lives in its own cmd_*.cc file and is registered from the table below.
#include <cstdio>
#include <initializer_list>
#include <iostream>
#include <string_view>

#include <CLI/CLI.hpp>

#include "cli/bulk_allocator.h"
#include "cli/context.h"
#include "base/error.h"

namespace {

// Each group with the top-level commands it adds or extends. Only the group
// of the command being run is built (all of them for help or an unknown
// command): building every group's options costs a millisecond per run.
struct CommandGroup {
  liaison::cli::Registrar registrar;
  std::initializer_list<std::string_view> commands;
};
const CommandGroup kCommandGroups[] = {
    {liaison::cli::register_init, {"init"}},
    {liaison::cli::register_records, {"org", "contact", "need", "offer", "area"}},
    {liaison::cli::register_queries, {"list", "search", "stale", "status"}},
    {liaison::cli::register_history, {"log", "show", "diff", "blame", "revert"}},
    {liaison::cli::register_transfer, {"import", "export"}},
    {liaison::cli::register_doctor, {"doctor"}},
    {liaison::cli::register_exchange,
     {"clone", "remote", "pull", "push", "bundle", "conflicts", "resolve", "merge"}},
    {liaison::cli::register_sync, {"sync", "review"}},
    {liaison::cli::register_matrix, {"matrix", "gaps", "duplicates", "coverage", "report", "need"}},
};

// The top-level command on the command line: the first word that is neither
// an option nor the value of -C; "" when there is none.
std::string_view command_word(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    if (arg == "-C") {
      ++i;
      continue;
    }
    if (!arg.starts_with("-")) return arg;
  }
  return "";
}

void register_groups(CLI::App& app, liaison::cli::Context& ctx, std::string_view command) {
  bool known = false;
  for (const auto& group : kCommandGroups)
    for (auto name : group.commands) known |= name == command;
  for (const auto& group : kCommandGroups) {
    bool wanted = !known;
    for (auto name : group.commands) wanted |= name == command;
    if (wanted) group.registrar(app, ctx);
  }
}

}  // namespace

int main(int argc, char** argv) {
  liaison::cli::use_bulk_allocator_for_bulk_commands(argc, argv);
  liaison::cli::Context ctx;
  CLI::App app{"liaison: directory of counter-terrorism contact points and matrix of assistance needs"};
  app.set_help_all_flag("--help-all", "Show help for every command");
  app.require_subcommand(1);
  app.fallthrough();
  app.add_option("-C", ctx.directory, "Run as if started in DIR")->option_text("DIR");
  app.add_flag("--json", ctx.json, "Machine-readable JSON output");
  app.set_version_flag("--version", "liaison " LIAISON_VERSION, "Print the version and exit");
  register_groups(app, ctx, command_word(argc, argv));
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
