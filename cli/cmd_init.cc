// liaison init [DIR] --org SLUG
#include <iostream>

#include <CLI/CLI.hpp>

#include "cli/commands.h"
#include "cli/context.h"
#include "cli/output.h"

namespace liaison::cli {

void register_init(CLI::App& app, Context& ctx) {
  struct Options {
    std::string dir = ".";
    std::string org;
    std::string user_name;
    std::string user_email;
  };
  auto opts = std::make_shared<Options>();
  auto* cmd = app.add_subcommand("init", "Create a local copy loaded with the reference data");
  cmd->add_option("DIR", opts->dir, "Folder for the copy (created; must be empty)");
  cmd->add_option("--org", opts->org, "Slug of your organization, e.g. cis-atc")->required();
  cmd->add_option("--user", opts->user_name, "Your name for the history (default: git's user.name)");
  cmd->add_option("--email", opts->user_email, "Your email for the history (default: git's user.email)");
  cmd->callback([opts, &ctx] {
    Store::InitOptions init;
    init.org = opts->org;
    if (!opts->user_name.empty() || !opts->user_email.empty()) {
      init.user = Person{opts->user_name.empty() ? "liaison" : opts->user_name,
                         opts->user_email.empty() ? "liaison@localhost" : opts->user_email};
    }
    std::filesystem::path dir = opts->dir;
    if (dir.is_relative()) dir = std::filesystem::path(ctx.directory) / dir;
    auto store = Store::init(dir, init);
    if (ctx.json) {
      print_json({{"dir", std::filesystem::absolute(dir).lexically_normal().string()},
                  {"org", opts->org},
                  {"head", store.history().head().value_or("")}});
      return;
    }
    std::cout << "Created a liaison copy for " << opts->org << " in " << dir.string() << " ("
              << store.view().count(Kind::Area) << " areas, " << store.view().count(Kind::Org)
              << " organizations)\n";
  });
}

}  // namespace liaison::cli
