// liaisond: the central server. Commands:
//   liaisond init DIR [--org SLUG]
//   liaisond --data DIR --listen HOST:PORT [--tls-cert F --tls-key F]
//   liaisond token create|list|revoke --data DIR ...
//   liaisond segments --data DIR   derive every served segment now
#include <chrono>
#include <filesystem>
#include <iostream>

#include <sys/resource.h>

#include <CLI/CLI.hpp>

#include "base/error.h"
#include "model/ids.h"
#include "server/central.h"
#include "server/clone_cache.h"
#include "server/http_server.h"

namespace {

using namespace liaison;
using namespace liaison::server;

void parse_listen(const std::string& listen, ServerOptions& options) {
  auto colon = listen.rfind(':');
  if (colon == std::string::npos) throw UserError("--listen: give HOST:PORT, e.g. 127.0.0.1:8470");
  options.host = listen.substr(0, colon);
  auto port = listen.substr(colon + 1);
  if (port.empty() || port.find_first_not_of("0123456789") != std::string::npos || std::stoul(port) > 65535)
    throw UserError("--listen: '" + port + "' is not a port number");
  options.port = static_cast<unsigned short>(std::stoul(port));
}

// Each watcher of the change feed holds a connection: the soft limit on
// open files (often 1024) would refuse them long before memory does.
void raise_open_file_limit() {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur >= limit.rlim_max) return;
  limit.rlim_cur = limit.rlim_max;
  setrlimit(RLIMIT_NOFILE, &limit);
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"liaisond: the central server of liaison copies"};
  std::string data, listen = "127.0.0.1:8470", cert, key;
  int threads = 4;
  int sync_threads = 4;
  int page_threads = 2;
  int page_rate = PageBudgetLimits{}.per_minute;
  std::size_t max_body_mb = 256;
  app.add_option("--data", data, "data folder (made by 'liaisond init')");
  app.add_option("--listen", listen, "HOST:PORT to listen on (port 0: any free port)");
  app.add_option("--tls-cert", cert, "PEM certificate chain: serve HTTPS");
  app.add_option("--tls-key", key, "PEM private key");
  app.add_option("--threads", threads, "io threads: connections and kept pages, at a lower priority (default 4)");
  app.add_option("--sync-threads", sync_threads, "threads answering the sync API, at the server's priority (default 4)");
  app.add_option("--page-threads", page_threads, "threads making web pages, at a lower priority (default 2)");
  app.add_option("--page-rate", page_rate,
                 "web pages made (not kept) a minute per address without sign-in; 0: no limit (default 120)");
  app.add_option("--max-body", max_body_mb, "largest request body in MB (default 256)");
  int heartbeat_s = 15;
  std::size_t max_watchers = FeedOptions{}.max_watchers;
  app.add_option("--feed-heartbeat", heartbeat_s, "seconds between the change feed's heartbeats (default 15)");
  app.add_option("--max-watchers", max_watchers, "most change feed connections held at once (default 20000)");
  std::uint64_t max_expanded_mb = DecodeLimits{}.max_expanded_bytes >> 20;
  app.add_option("--max-expanded", max_expanded_mb,
                 "most MB a push's compressed commits may expand to (default 1024; at most 200 times the body)");

  std::string init_dir, init_org = "un-ctc";
  auto* init = app.add_subcommand("init", "Create a data folder with a central copy");
  init->add_option("DIR", init_dir)->required();
  init->add_option("--org", init_org, "organization of central staff (default un-ctc)");

  auto* token = app.add_subcommand("token", "Manage access tokens");
  token->require_subcommand(1);
  std::string token_org, token_role;
  std::int64_t revoke_id = 0;
  auto* create = token->add_subcommand("create", "Create a token; it is printed once");
  create->add_option("--org", token_org, "organization the token acts for")->required();
  create->add_option("--role", token_role, "reader, editor or admin")->required();
  auto* list = token->add_subcommand("list", "List tokens (never their secrets)");
  auto* revoke = token->add_subcommand("revoke", "Revoke a token");
  revoke->add_option("ID", revoke_id)->required();
  for (auto* sub : {create, list, revoke}) sub->add_option("--data", data, "data folder");
  auto* segments = app.add_subcommand(
      "segments", "Derive the segment of every live token's audience at central's head (beside a running server too)");
  segments->add_option("--data", data, "data folder");

  try {
    app.parse(argc, argv);
    if (init->parsed()) {
      if (!is_slug(init_org)) throw UserError("--org: '" + init_org + "' is not an organization slug");
      Central::init(init_dir, init_org);
      std::cout << "Created a liaisond data folder in " << init_dir << "\n";
      return 0;
    }
    if (data.empty()) throw UserError("--data: give the data folder");
    if (token->parsed()) {
      // Only server.db: a server running on the folder keeps its central
      // copy and clone images, and reads the tokens table on every check.
      if (!Central::exists(data)) throw UserError("no liaisond data in " + data + " (run 'liaisond init DIR')");
      TokenStore tokens(std::filesystem::path(data) / "server.db");
      if (create->parsed()) {
        if (!is_slug(token_org)) throw UserError("--org: '" + token_org + "' is not an organization slug");
        std::cout << tokens.create(token_org, parse_role(token_role)) << "\n";
      } else if (list->parsed()) {
        for (const auto& t : tokens.list())
          std::cout << t.id << "\t" << t.org << "\t" << role_name(t.role) << "\t" << t.created
                    << (t.revoked ? "\trevoked" : "") << "\n";
      } else {
        tokens.revoke(revoke_id);
        std::cout << "Revoked token " << revoke_id << "\n";
      }
      return 0;
    }
    if (segments->parsed()) {
      // Segments are pure functions of central's history: deriving them
      // beside a running server writes the same objects and rows it would.
      if (!Central::exists(data)) throw UserError("no liaisond data in " + data + " (run 'liaisond init DIR')");
      std::filesystem::path dir(data);
      auto history = History::open(Store::history_dir(dir / "central"));
      auto head = history.head();
      if (!head) throw UserError("central's history is empty");
      TokenStore tokens(dir / "server.db");
      Segments derived(history.dir(), dir / "server.db");
      auto audiences = served_audiences(tokens);
      // The public segment first, then every organization's together (on
      // the partners' segment), each timed.
      auto timed = [](auto&& work) {
        auto t0 = std::chrono::steady_clock::now();
        work();
        return static_cast<long>(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
      };
      std::vector<Audience> orgs;
      for (const auto& audience : audiences) {
        if (audience.level == Audience::Level::Org) {
          orgs.push_back(audience);
          continue;
        }
        auto ms = timed([&] { derived.at(audience, *head); });
        std::cout << audience.name() << "\t" << derived.at(audience, *head) << "\t" << ms << " ms\n";
      }
      auto ms = timed([&] { derived.derive_all(orgs, *head); });
      for (const auto& audience : orgs) std::cout << audience.name() << "\t" << derived.at(audience, *head) << "\n";
      std::cout << "organizations\t" << orgs.size() << "\t" << ms << " ms\n";
      return 0;
    }
    ServerOptions options;
    parse_listen(listen, options);
    if (!cert.empty()) options.tls_cert = cert;
    if (!key.empty()) options.tls_key = key;
    if (threads < 1 || threads > 64) throw UserError("--threads: between 1 and 64");
    options.threads = threads;
    if (sync_threads < 1 || sync_threads > 64) throw UserError("--sync-threads: between 1 and 64");
    options.sync_threads = sync_threads;
    if (page_threads < 1 || page_threads > 64) throw UserError("--page-threads: between 1 and 64");
    options.page_threads = page_threads;
    if (page_rate < 0 || page_rate > 1000000) throw UserError("--page-rate: between 0 and 1000000 pages a minute");
    options.page_budget.per_minute = page_rate;
    options.body_limit = max_body_mb << 20;
    if (max_body_mb < 1 || max_body_mb > 65536) throw UserError("--max-body: between 1 and 65536 MB");
    if (max_expanded_mb < 1 || max_expanded_mb > 65536) throw UserError("--max-expanded: between 1 and 65536 MB");
    if (heartbeat_s < 1 || heartbeat_s > 3600) throw UserError("--feed-heartbeat: between 1 and 3600 seconds");
    if (max_watchers < 1 || max_watchers > 1000000) throw UserError("--max-watchers: between 1 and 1000000");
    raise_open_file_limit();
    Central central(data);
    FeedOptions feed;
    feed.heartbeat = std::chrono::seconds(heartbeat_s);
    feed.max_watchers = max_watchers;
    central.start_feed(feed);
    DecodeLimits limits;
    limits.max_expanded_bytes = max_expanded_mb << 20;
    central.set_decode_limits(limits);
    central.clone_cache().refresh_in_background();  // the first clone need not wait for it
    central.derive_segments_in_background();         // nor the first fetch of a segment
    HttpServer server(central, options);
    std::cout << "liaisond listening on " << (options.tls_cert ? "https://" : "http://") << options.host << ":"
              << server.port() << std::endl;
    server.run();
    std::cerr << "liaisond stopped\n";
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  } catch (const liaison::Error& e) {
    std::cerr << "liaisond: " << e.what() << "\n";
    return e.exit_code();
  } catch (const std::exception& e) {
    std::cerr << "liaisond: " << e.what() << "\n";
    return 2;
  }
  return 0;
}
