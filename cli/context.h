// What every command shares: the global options (-C DIR, --json) and the
// local copy, opened on first use.
#pragma once

#include <optional>
#include <string>

#include "store/exchange.h"
#include "view/query.h"
#include "store/store.h"

namespace CLI {
class App;
}

namespace liaison::cli {

struct Context {
  std::string directory = ".";  // -C DIR
  bool json = false;            // --json
  std::optional<Store> store;
  // False when the command's row in main.cc's table lacks kNeedsCopy: open()
  // then refuses, so the table cannot be wrong about it unnoticed.
  bool needs_copy = true;

  // The copy at or above `directory`; throws UserError if there is none.
  Store& open();
};

// Shared by `liaison KIND list` and `liaison list KINDS`.
void add_list_filters(CLI::App* cmd, liaison::ListFilter& filter);
void list_command(Context& ctx, Kind kind, const liaison::ListFilter& filter);

// The remote `name`, which must be a server (cmd_exchange.cc); UserError
// otherwise. Shared by sync, review and watch.
Remote server_remote(Store& store, const std::string& name);
// Pull from / push to a server remote (cmd_exchange.cc), shared with `sync`.
// They print their outcome (as JSON only when `emit_json`) and return it.
Json pull_from_server(Context& ctx, Store& store, const Remote& remote, bool emit_json = true);
Json push_to_server(Context& ctx, Store& store, const Remote& remote, bool emit_json = true);

}  // namespace liaison::cli
