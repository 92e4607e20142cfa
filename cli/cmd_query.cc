// liaison list KINDS, search TEXT, stale, status.
#include <iostream>

#include <CLI/CLI.hpp>

#include "cli/commands.h"
#include "cli/context.h"
#include "cli/output.h"
#include "model/visibility.h"
#include "model/ids.h"
#include "store/exchange.h"
#include "store/merge_session.h"
#include "model/record.h"

namespace liaison::cli {

void register_list(CLI::App& app, Context& ctx) {
  struct ListOptions {
    std::string kind;
    ListFilter filter;
  };
  auto l = std::make_shared<ListOptions>();
  auto* list = app.add_subcommand("list", "List records of one kind: orgs, contacts, needs, offers, areas");
  list->add_option("KIND", l->kind, "orgs, contacts, needs, offers or areas")->required();
  add_list_filters(list, l->filter);
  list->callback([&ctx, l] {
    auto kind = find_kind(l->kind);
    if (!kind) throw UserError("unknown kind '" + l->kind + "' (orgs, contacts, needs, offers, areas)");
    list_command(ctx, *kind, l->filter);
  });
}

void register_search(CLI::App& app, Context& ctx) {
  struct SearchOptions {
    std::vector<std::string> words;
    std::size_t limit = 50;
  };
  auto s = std::make_shared<SearchOptions>();
  auto* search = app.add_subcommand("search", "Full-text search across all records, best matches first");
  search->add_option("TEXT", s->words, "words to look for (all must match; prefixes match)")->required();
  search->add_option("--limit", s->limit, "at most N results (default 50)");
  search->callback([&ctx, s] {
    std::string text;
    for (const auto& w : s->words) text += w + " ";
    auto hits = search_records(ctx.open().view(), text, s->limit);
    if (ctx.json) {
      Json out = Json::array();
      for (const auto& h : hits) out.push_back({{"kind", kind_name(h.kind)}, {"record", h.record}});
      print_json(out);
      return;
    }
    std::vector<std::vector<std::string>> rows{{"KIND", "ID", "LABEL", "ORG"}};
    for (const auto& h : hits) {
      std::string owner_field(spec(h.kind).owner_field);
      std::string owner = owner_field.empty() ? "" : h.record.value(owner_field, "");
      rows.push_back({std::string(kind_name(h.kind)), short_id(record_id(h.kind, h.record)),
                      record_label(h.kind, h.record), owner});
    }
    if (hits.empty()) std::cout << "No match.\n";
    else print_table(rows);
  });
}

void register_stale(CLI::App& app, Context& ctx) {
  struct StaleOptions {
    int days = 365;
    std::optional<std::string> org;
  };
  auto st = std::make_shared<StaleOptions>();
  auto* stale = app.add_subcommand("stale", "Active contact points not verified for a long time");
  stale->add_option("--older-than", st->days, "days since last verification (default 365)");
  stale->add_option_function<std::string>("--org", [st](const std::string& v) { st->org = v; },
                                          "only this organization");
  stale->callback([&ctx, st] {
    if (st->days < 0) throw UserError("--older-than: must be zero or more days");
    auto records = stale_contacts(ctx.open().view(), st->days, Store::today(), st->org);
    if (ctx.json) print_json(records);
    else if (records.empty()) std::cout << "No contact point is older than " << st->days << " days.\n";
    else print_record_list(Kind::Contact, records);
  });
}

namespace {

// What a segment holds, in a user's words.
std::string segment_description(const std::string& name) {
  auto audience = Audience::parse(name);
  if (!audience) return name;
  switch (audience->level) {
    case Audience::Level::Public: return "public: the unclassified segment, without personal data";
    case Audience::Level::Partners: return "partners: public and partners records";
    case Audience::Level::Org:
      return name + ": public and partners records, and the restricted records of " + audience->org +
             " or shared with it";
    case Audience::Level::All: return "all: the whole directory";
  }
  return name;
}

}  // namespace

void register_status(CLI::App& app, Context& ctx) {
  auto* status = app.add_subcommand("status", "Show the copy: organization, head, record counts");
  status->callback([&ctx] {
    auto& store = ctx.open();
    Json out = {{"dir", store.dir().string()}, {"org", store.org()}, {"head", store.history().head().value_or("")}};
    Json counts = Json::object();
    for (Kind k : kAllKinds) counts[std::string(spec(k).plural)] = store.view().count(k);
    out["records"] = counts;
    if (auto m = pending_merge(store))
      out["merge"] = {{"in_progress", true}, {"from", m->source}, {"theirs", m->theirs},
                      {"conflicts", m->conflicts.size()}, {"unresolved", m->unresolved()}};
    else
      out["merge"] = {{"in_progress", false}};
    Json submissions = Json::array();
    for (const auto& remote : list_remotes(store))
      if (auto seen = store.state().seen_submissions(remote.name))
        for (const auto& s : Json::parse(*seen)) submissions.push_back(s);
    out["submissions"] = submissions;
    // Which segment of the directory each server serves this copy.
    Json segments = Json::object();
    for (const auto& remote : list_remotes(store))
      if (auto segment = store.state().remote_segment(remote.name)) segments[remote.name] = *segment;
    out["segments"] = segments;
    if (ctx.json) {
      print_json(out);
      return;
    }
    std::cout << "Copy of " << store.org() << " in " << store.dir().string() << "\n";
    std::cout << "Head: " << short_commit(out["head"].get<std::string>()) << "\n";
    for (auto it = segments.begin(); it != segments.end(); ++it)
      std::cout << "Segment: " << segment_description(it.value().get<std::string>()) << " (from " << it.key() << ")\n";
    for (auto it = counts.begin(); it != counts.end(); ++it)
      std::cout << "  " << it.key() << ": " << it.value() << "\n";
    if (out["merge"]["in_progress"])
      std::cout << "A merge from " << out["merge"]["from"].get<std::string>() << " is in progress: "
                << out["merge"]["unresolved"] << " of " << out["merge"]["conflicts"]
                << " conflicts unresolved ('liaison conflicts', 'liaison resolve', 'liaison merge --continue')\n";
    for (const auto& s : submissions)
      std::cout << "Submission #" << s["id"] << " (" << s["records"] << " records, " << s["created"].get<std::string>()
                << "): " << s["status"].get<std::string>()
                << (s["reason"].get<std::string>().empty() ? "" : " - " + s["reason"].get<std::string>()) << "\n";
  });
}

}  // namespace liaison::cli
