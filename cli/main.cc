// liaison: the command-line tool for a local copy of the directory of
// contact points and the matrix of assistance needs. Each command group
// lives in its own cmd_*.cc file and is registered from the table below.
#include <cstdio>
#include <iostream>

#include <CLI/CLI.hpp>

#include "cli/bulk_allocator.h"
#include "cli/context.h"
#include "core/error.h"

namespace {

constexpr liaison::cli::Registrar kCommandGroups[] = {
    liaison::cli::register_init,    liaison::cli::register_records, liaison::cli::register_queries,
    liaison::cli::register_history, liaison::cli::register_transfer, liaison::cli::register_doctor,
    liaison::cli::register_exchange, liaison::cli::register_sync,    liaison::cli::register_matrix,
};

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
  for (auto registrar : kCommandGroups) registrar(app, ctx);
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
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
