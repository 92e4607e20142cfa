// liaison watch [REMOTE]: keeps the copy in sync with a server's change feed
// (sync/event_stream.h): pulls on each event, and prints each record the
// server changed that matches the filters, as a line or (--json) a JSON
// object per line, or hands it to a command (--exec). A conflicting merge
// stops it as `pull` does (exit 3); losing the server makes it try again,
// with a growing pause, saying so once; Ctrl-C stops it between two steps,
// so the copy is never left half-written.
#include <atomic>
#include <csignal>
#include <iostream>
#include <thread>

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <CLI/CLI.hpp>

#include "cli/commands.h"
#include "cli/context.h"
#include "cli/output.h"
#include "model/record.h"
#include "sync/change_event.h"
#include "sync/event_stream.h"
#include "sync/sync_client.h"
#include "view/record_filter.h"

extern char** environ;

namespace liaison::cli {
namespace {

std::atomic<bool> stop_requested{false};
extern "C" void request_stop(int) { stop_requested = true; }

struct WatchOptions {
  std::string remote = "origin";
  std::vector<std::string> kinds;
  RecordFilter filter;
  std::string exec;
  bool push = false, once = false;
};

// Sleeps `pause`, or less when asked to stop.
void pause_for(std::chrono::milliseconds pause) {
  auto until = std::chrono::steady_clock::now() + pause;
  while (!stop_requested && std::chrono::steady_clock::now() < until)
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
}

// Runs `command` with /bin/sh, `input` on its standard input, and waits for it.
void run_with_input(const std::string& command, const std::string& input) {
  int fds[2];
  if (pipe(fds) != 0) throw Failure("--exec: cannot make a pipe");
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, fds[0], 0);
  posix_spawn_file_actions_addclose(&actions, fds[0]);
  posix_spawn_file_actions_addclose(&actions, fds[1]);
  const char* argv[] = {"sh", "-c", command.c_str(), nullptr};
  pid_t pid = 0;
  int spawned = posix_spawn(&pid, "/bin/sh", &actions, nullptr, const_cast<char* const*>(argv), environ);
  posix_spawn_file_actions_destroy(&actions);
  close(fds[0]);
  if (spawned != 0) {
    close(fds[1]);
    throw Failure("--exec: cannot start /bin/sh");
  }
  std::size_t written = 0;
  while (written < input.size()) {
    auto n = write(fds[1], input.data() + written, input.size() - written);
    if (n <= 0) break;  // the command does not read all of it: its business
    written += static_cast<std::size_t>(n);
  }
  close(fds[1]);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
    std::cerr << "liaison watch: --exec command failed (" << (WIFEXITED(status) ? "exit " + std::to_string(WEXITSTATUS(status)) : std::string("killed"))
              << "); watching on\n";
}

class Watcher {
 public:
  Watcher(Context& ctx, const WatchOptions& options) : ctx_(ctx), options_(options) {}

  void run() {
    auto remote = server_remote(ctx_.open(), options_.remote);
    auto backoff = std::chrono::milliseconds(500);
    bool lost = false;
    while (!stop_requested) {
      try {
        sync::EventStream stream(remote.url, remote.token);
        stream.open(sync::remote_head(ctx_.open(), remote.name));
        if (lost) std::cerr << "liaison watch: connected to " << remote.url << " again\n";
        lost = false;
        backoff = std::chrono::milliseconds(500);
        while (!stop_requested) {
          if (options_.push) push_if_committed(remote);
          auto event = stream.next(std::chrono::milliseconds(250));
          if (!event || stop_requested) continue;
          if (event->event != "hello" && event->event != "change" && event->event != "pull") continue;
          // The hello names the head: the copy catches up if it is behind.
          if (!event->id.empty() && event->id == sync::remote_head(ctx_.open(), remote.name)) continue;
          if (pull_and_report(remote) && options_.once) return;
        }
      } catch (const Failure& e) {
        if (stop_requested) break;
        if (!lost) std::cerr << "liaison watch: lost " << remote.url << " (" << e.what() << "); trying again until it answers\n";
        lost = true;
        pause_for(backoff);
        backoff = std::min(backoff * 2, std::chrono::milliseconds(15000));
      }
    }
  }

 private:
  // The copy, opened again for each step: other commands change it meanwhile.
  Store& reopen() {
    ctx_.store.reset();
    return ctx_.open();
  }

  // Pulls, then reports what the server's head changed. True when some
  // change matched the filters.
  bool pull_and_report(const Remote& remote) {
    auto& store = reopen();
    auto before = sync::remote_head(store, remote.name);
    Context quiet = quiet_context();
    pull_from_server(quiet, store, remote, false);
    auto after = sync::remote_head(store, remote.name);
    if (!before || !after || before == after) return false;
    auto changes = sync::changes_between(store.history(), before, *after, {SIZE_MAX, SIZE_MAX});
    if (!changes) return false;
    RecordMatcher matcher(store.view(), options_.filter);
    bool matched = false;
    for (const auto& note : *changes) {
      bool hit = (note.after && matcher.matches(note.kind, *note.after)) ||
                 (note.before && matcher.matches(note.kind, *note.before));
      if (!hit) continue;
      matched = true;
      report(note, *after);
    }
    std::cout.flush();
    return matched;
  }

  void report(const sync::RecordChangeNote& note, const CommitId& head) {
    const Json& version = note.after ? *note.after : *note.before;
    auto label = record_label(note.kind, version);
    Json out = sync::to_json(note);
    out["label"] = label;
    out["head"] = head;
    out["record"] = note.after ? *note.after : Json();
    if (!options_.exec.empty()) run_with_input(options_.exec, out.dump() + "\n");
    if (ctx_.json) {
      std::cout << out.dump() << "\n";
      return;
    }
    std::cout << sync::utc_time(note.time) << "  " << note.change << " " << kind_name(note.kind) << " "
              << note.id.substr(0, 8) << "  " << label;
    if (note.change == "modified" && !note.fields.empty()) {
      std::cout << "  (";
      for (std::size_t i = 0; i < note.fields.size(); ++i) std::cout << (i ? ", " : "") << note.fields[i];
      std::cout << ")";
    }
    if (!note.author.name.empty()) std::cout << "  by " << note.author.name;
    std::cout << "\n";
  }

  // --push: sends the copy's new commits once each, as `push` would.
  void push_if_committed(const Remote& remote) {
    auto& store = reopen();
    auto head = store.history().head();
    if (!head || head == last_pushed_) return;
    auto server = sync::remote_head(store, remote.name);
    if (server && store.history().is_ancestor(*head, *server)) return;
    if (store.state().pending_merge()) return;
    Context quiet = quiet_context();
    auto outcome = push_to_server(quiet, store, remote, false);
    last_pushed_ = head;
    if (outcome.value("result", "") == "submission")
      std::cerr << "liaison watch: pushed changes went to review as submission #" << outcome.value("submission", 0)
                << "\n";
  }

  Context quiet_context() {
    Context quiet;
    quiet.directory = ctx_.directory;
    quiet.json = true;  // with emit_json false: nothing printed
    return quiet;
  }

  Context& ctx_;
  const WatchOptions& options_;
  std::optional<CommitId> last_pushed_;
};

}  // namespace

void register_watch(CLI::App& app, Context& ctx) {
  auto o = std::make_shared<WatchOptions>();
  auto* watch = app.add_subcommand("watch", "Follow a server's change feed: pull on each change and print what changed");
  watch->add_option("REMOTE", o->remote, "server remote (default origin)");
  watch->add_option("--kind", o->kinds, "only records of this kind (contact, need, offer, org, area); repeatable");
  auto opt = [watch](const char* name, std::optional<std::string>& target, const char* help) {
    watch->add_option_function<std::string>(name, [&target](const std::string& v) { target = v; }, help);
  };
  opt("--org", o->filter.org, "only records of this organization");
  opt("--area", o->filter.area, "only this thematic area and its sub-areas");
  opt("--state", o->filter.state, "only this state (ISO 3166 code)");
  opt("--region", o->filter.region, "only states of this UN M49 region or sub-region");
  opt("--priority", o->filter.priority, "only needs of this priority");
  watch->add_option("--exec", o->exec, "run this command (with /bin/sh) for each change, its JSON on standard input");
  watch->add_flag("--push", o->push, "also push this copy's commits as they are made");
  watch->add_flag("--once", o->once, "exit after the first change that matches");
  watch->callback([&ctx, o] {
    for (const auto& k : o->kinds) {
      auto kind = find_kind(k);
      if (!kind) throw UserError("--kind: '" + k + "' is not contact, need, offer, org or area");
      o->filter.kinds.push_back(*kind);
    }
    {
      // Unknown areas, states and regions are refused before connecting.
      RecordMatcher check(ctx.open().view(), o->filter);
    }
    std::signal(SIGINT, request_stop);
    std::signal(SIGTERM, request_stop);
    std::signal(SIGPIPE, SIG_IGN);
    Watcher(ctx, *o).run();
  });
}

}  // namespace liaison::cli
