// liaison doctor [--rebuild]
#include <iostream>

#include <CLI/CLI.hpp>

#include "cli/commands.h"
#include "cli/context.h"
#include "cli/output.h"

namespace liaison::cli {

void register_doctor(CLI::App& app, Context& ctx) {
  auto rebuild = std::make_shared<bool>(false);
  auto* cmd = app.add_subcommand("doctor", "Check the copy: view matches history, records valid, references resolve");
  cmd->add_flag("--rebuild", *rebuild, "rebuild the view from history first");
  cmd->callback([&ctx, rebuild] {
    auto& store = ctx.open();
    if (*rebuild) store.rebuild_view();
    auto report = store.doctor();
    if (ctx.json) {
      print_json({{"ok", report.ok()}, {"records", report.records_checked}, {"problems", report.problems}});
    } else {
      for (const auto& p : report.problems) std::cout << "problem: " << p << "\n";
      std::cout << (report.ok() ? "OK: " : "FAILED: ") << report.records_checked << " records checked"
                << (*rebuild ? ", view rebuilt" : "") << "\n";
    }
    if (!report.ok()) throw Failure(std::to_string(report.problems.size()) + " problems found");
  });
}

}  // namespace liaison::cli
