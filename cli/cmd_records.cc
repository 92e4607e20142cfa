// liaison org|area|contact|need|offer add|edit|show|list|rm, contact verify,
// need match.
// Flags are generated from the schema: --<field> for each field (repeatable
// for sets), and on edit --add-<field>, --rm-<field> and --unset FIELD.
#include <algorithm>
#include <cctype>
#include <iostream>
#include <map>
#include <memory>
#include <string_view>

#include <CLI/CLI.hpp>

#include "cli/commands.h"
#include "cli/context.h"
#include "cli/output.h"
#include "model/visibility.h"
#include "view/query.h"
#include "model/record.h"
#include "model/record_edit.h"

namespace liaison::cli {
namespace {

// "a contact", "an org": by the first letter, which is right for every
// kind and field help the schema has.
std::string with_article(std::string_view noun) {
  bool vowel = !noun.empty() && std::string_view("aeiouAEIOU").find(noun.front()) != std::string_view::npos;
  return (vowel ? "an " : "a ") + std::string(noun);
}

std::string upper(std::string_view text) {
  std::string out(text);
  for (auto& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

struct FieldOptions {
  std::map<std::string, std::vector<std::string>> set, add, remove;
  std::vector<std::string> unset;
};

void add_field_options(CLI::App* cmd, Kind kind, FieldOptions& values, bool editing) {
  const auto& ks = spec(kind);
  for (std::size_t i = 0; i < ks.fields.size(); ++i) {
    const auto& f = ks.fields[i];
    if (i == 0 && (editing || ks.random_id())) continue;  // ids are positional or generated
    std::string help(f.help);
    if (f.type == ValueType::Choice) {
      help += " (";
      for (std::size_t c = 0; c < f.choices.size(); ++c) help += (c ? "|" : "") + std::string(f.choices[c]);
      help += ")";
    }
    std::string name(f.name);
    if (!editing && name == ks.owner_field && i != 0) help += " (default: this copy's organization)";
    auto* opt = cmd->add_option("--" + f.flag(), values.set[name], help);
    if (f.is_set) {
      opt->description(help + (editing ? "; replaces the set, repeatable" : "; repeatable"));
      if (editing) {
        cmd->add_option("--add-" + f.flag(), values.add[name], "add " + with_article(f.help));
        cmd->add_option("--rm-" + f.flag(), values.remove[name], "remove " + with_article(f.help));
      }
    } else {
      opt->expected(1);
    }
  }
  if (editing) cmd->add_option("--unset", values.unset, "remove the value of FIELD")->option_text("FIELD");
}

std::vector<FieldEdit> collect_edits(const FieldOptions& values) {
  std::vector<FieldEdit> edits;
  for (const auto& [field, list] : values.set)
    for (const auto& v : list) edits.push_back({field, FieldEdit::Op::Set, v});
  for (const auto& [field, list] : values.add)
    for (const auto& v : list) edits.push_back({field, FieldEdit::Op::Add, v});
  for (const auto& [field, list] : values.remove)
    for (const auto& v : list) edits.push_back({field, FieldEdit::Op::Remove, v});
  for (const auto& field : values.unset) edits.push_back({field, FieldEdit::Op::Unset, ""});
  return edits;
}

void report(Context& ctx, Kind kind, const std::string& verb, const Json& record) {
  if (ctx.json) print_json(record);
  else std::cout << verb << " " << describe_record(kind, record) << "\n";
}

// Adds the command of `kind` with the subcommands every kind has; returns it
// for those of one kind.
CLI::App* register_kind(CLI::App& app, Context& ctx, Kind kind) {
  const auto& ks = spec(kind);
  auto* group = app.add_subcommand(std::string(ks.name), "Manage " + std::string(ks.plural));
  group->require_subcommand(1);

  auto add_values = std::make_shared<FieldOptions>();
  auto add_id = std::make_shared<std::string>();
  auto* add = group->add_subcommand("add", "Add " + with_article(ks.name));
  // `org add un-ocha --name ...`: a chosen id may come first, as with edit and
  // show, or as its flag (--slug, --code).
  const auto& id_spec = ks.fields.front();
  std::string id_flag = "--" + id_spec.flag();
  if (!ks.random_id()) add->add_option(upper(id_spec.name), *add_id, std::string(id_spec.help) + "; or " + id_flag);
  add_field_options(add, kind, *add_values, false);
  add->callback([&ctx, kind, add_values, add_id, id_flag] {
    const auto& ks = spec(kind);
    auto& by_flag = add_values->set[std::string(ks.id_field)];
    if (!add_id->empty()) {
      if (!by_flag.empty() && by_flag.front() != *add_id)
        throw UserError("two " + std::string(ks.id_field) + "s given: '" + *add_id + "' and " + id_flag + " '" +
                        by_flag.front() + "'; give one");
      by_flag = {*add_id};
    }
    auto& store = ctx.open();
    // Contacts, needs and offers belong to this copy's organization unless
    // the command names another.
    std::string owner(ks.owner_field);
    if (!owner.empty() && owner != ks.id_field && add_values->set[owner].empty()) {
      auto org = store.org();
      if (org.empty())
        throw UserError("give --" + ks.field(owner)->flag() + ": this copy has no organization of its own");
      add_values->set[owner] = {org};
    }
    auto record = apply_edits(kind, Json::object(), collect_edits(*add_values));
    report(ctx, kind, "Added", store.add(kind, record));
  });

  auto edit_id = std::make_shared<std::string>();
  auto edit_values = std::make_shared<FieldOptions>();
  auto* edit = group->add_subcommand("edit", "Change fields of " + with_article(ks.name));
  edit->add_option("ID", *edit_id, "id or unique prefix")->required();
  add_field_options(edit, kind, *edit_values, true);
  edit->callback([&ctx, kind, edit_id, edit_values] {
    auto& store = ctx.open();
    auto id = store.resolve_id(kind, *edit_id);
    auto before = store.get(kind, id);
    auto after = apply_edits(kind, before, collect_edits(*edit_values));
    if (after == before) throw UserError("nothing to change: give at least one field flag (see --help)");
    auto stored = store.update(kind, id, after);
    report(ctx, kind, "Edited", stored);
    if (narrows(kind, before, stored))
      std::cerr << "Narrowed who may see " << describe_record(kind, stored)
                << ": from this commit on it leaves the segments that may no longer see it, but their histories keep"
                   " the versions they held before, and copies that pulled them keep what they have.\n";
  });

  auto show_id = std::make_shared<std::string>();
  auto* show = group->add_subcommand("show", "Show " + with_article(ks.name));
  show->add_option("ID", *show_id, "id or unique prefix")->required();
  show->callback([&ctx, kind, show_id] {
    auto& store = ctx.open();
    auto record = store.get(kind, store.resolve_id(kind, *show_id));
    if (ctx.json) print_json(record);
    else print_record(kind, record);
  });

  auto filter = std::make_shared<ListFilter>();
  auto* list = group->add_subcommand("list", "List " + std::string(ks.plural));
  add_list_filters(list, *filter);
  list->callback([&ctx, kind, filter] { list_command(ctx, kind, *filter); });

  auto rm_id = std::make_shared<std::string>();
  auto* rm = group->add_subcommand("rm", "Remove " + with_article(ks.name));
  rm->add_option("ID", *rm_id, "id or unique prefix")->required();
  rm->callback([&ctx, kind, rm_id] {
    auto& store = ctx.open();
    auto id = store.resolve_id(kind, *rm_id);
    auto record = store.get(kind, id);
    store.remove(kind, id);
    report(ctx, kind, "Removed", record);
  });

  return group;
}

// contact verify ID [--by WHO] [--date DATE]
void add_verify(CLI::App* contact, Context& ctx) {
  struct VerifyOptions {
    std::string id, by, date;
  };
  auto v = std::make_shared<VerifyOptions>();
  auto* verify = contact->add_subcommand("verify", "Record that a contact point's details were checked today");
  verify->add_option("ID", v->id, "id or unique prefix")->required();
  verify->add_option("--by", v->by, "who checked (default: you)");
  verify->add_option("--date", v->date, "when (default: today)");
  verify->callback([&ctx, v] {
    auto& store = ctx.open();
    auto id = store.resolve_id(Kind::Contact, v->id);
    auto record = store.get(Kind::Contact, id);
    record = apply_edits(Kind::Contact, record,
                         {{"last_verified", FieldEdit::Op::Set, v->date.empty() ? Store::today() : v->date},
                          {"verified_by", FieldEdit::Op::Set, v->by.empty() ? store.user().name : v->by}});
    report(ctx, Kind::Contact, "Verified", store.update(Kind::Contact, id, record));
  });
}

// need match NEED OFFER
void add_match(CLI::App* need, Context& ctx) {
  struct MatchArgs {
    std::string need, offer;
  };
  auto ma = std::make_shared<MatchArgs>();
  auto* match = need->add_subcommand("match", "Link an offer to a need; an open need becomes matched");
  match->add_option("NEED", ma->need, "need id or prefix")->required();
  match->add_option("OFFER", ma->offer, "offer id or prefix")->required();
  match->callback([&ctx, ma] {
    auto& store = ctx.open();
    auto need_id = store.resolve_id(Kind::Need, ma->need);
    auto offer_id = store.resolve_id(Kind::Offer, ma->offer);
    auto need = store.get(Kind::Need, need_id);
    auto offer = store.get(Kind::Offer, offer_id);
    if (offer.value("status", "") == "cancelled")
      throw UserError(describe_record(Kind::Offer, offer) + " is cancelled and cannot cover a need");
    auto status = need.value("status", "open");
    if (status == "fulfilled" || status == "withdrawn")
      throw UserError(describe_record(Kind::Need, need) + " is " + status + " and cannot be matched");
    auto linked = offer.value("needs", Json::array());
    if (std::find(linked.begin(), linked.end(), need_id) == linked.end()) linked.push_back(need_id);
    std::sort(linked.begin(), linked.end());
    offer["needs"] = linked;
    if (status == "open") need["status"] = "matched";
    store.commit({{Kind::Offer, offer_id, offer}, {Kind::Need, need_id, need}},
                 "Match " + describe_record(Kind::Need, need) + " with " + describe_record(Kind::Offer, offer));
    if (ctx.json) return print_json({{"need", need}, {"offer", offer}});
    std::cout << "Matched " << describe_record(Kind::Need, need) << " (now " << need["status"].get<std::string>()
              << ") with " << describe_record(Kind::Offer, offer) << "\n";
  });
}

}  // namespace

void add_list_filters(CLI::App* cmd, ListFilter& filter) {
  auto opt = [cmd](const char* name, std::optional<std::string>& target, const char* help) {
    cmd->add_option_function<std::string>(name, [&target](const std::string& v) { target = v; }, help);
  };
  opt("--org", filter.org, "only records of this organization");
  opt("--area", filter.area, "only this thematic area and its sub-areas");
  opt("--state", filter.state, "only this state (ISO 3166 code)");
  opt("--status", filter.status, "only this status");
  cmd->add_option("--limit", filter.limit, "at most N records");
}

void list_command(Context& ctx, Kind kind, const ListFilter& filter) {
  auto& store = ctx.open();
  auto records = list_records(store.view(), kind, filter);
  if (ctx.json) print_json(records);
  else print_record_list(kind, records);
}

void register_org(CLI::App& app, Context& ctx) { register_kind(app, ctx, Kind::Org); }
void register_contact(CLI::App& app, Context& ctx) { add_verify(register_kind(app, ctx, Kind::Contact), ctx); }
void register_need(CLI::App& app, Context& ctx) { add_match(register_kind(app, ctx, Kind::Need), ctx); }
void register_offer(CLI::App& app, Context& ctx) { register_kind(app, ctx, Kind::Offer); }
void register_area(CLI::App& app, Context& ctx) { register_kind(app, ctx, Kind::Area); }

}  // namespace liaison::cli
