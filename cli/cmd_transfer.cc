// liaison import FILE [--kind K] [--delimiter C], export --kind K --format csv|json|vcard.
#include <cctype>
#include <fstream>
#include <iostream>
#include <sstream>

#include <CLI/CLI.hpp>

#include "cli/context.h"
#include "cli/output.h"
#include "core/export_formats.h"
#include "core/importer.h"

namespace liaison::cli {
namespace {

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw UserError("cannot read " + path);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string lower(std::string text) {
  for (auto& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

// "," ";" "|", or a tab as itself, "\t" or "tab".
char delimiter_option(const std::string& text) {
  if (text == "\\t" || lower(text) == "tab") return '\t';
  if (text.size() != 1 || text == "\"" || text == "\n" || text == "\r")
    throw UserError("--delimiter: give one character, e.g. ';' or tab");
  return text[0];
}

Kind kind_option(const std::string& name) {
  auto kind = find_kind(name);
  if (!kind) throw UserError("--kind: unknown kind '" + name + "' (orgs, contacts, needs, offers, areas)");
  return *kind;
}

}  // namespace

void register_transfer(CLI::App& app, Context& ctx) {
  struct ImportOptions {
    std::string file, kind, format, delimiter;
    std::string message;
  };
  auto i = std::make_shared<ImportOptions>();
  auto* imp = app.add_subcommand("import", "Import records from a CSV or JSON file, as one commit");
  imp->add_option("FILE", i->file, "CSV with a header row naming the fields, or a JSON array")->required();
  imp->add_option("--kind", i->kind, "orgs, contacts, needs, offers or areas (default: from the file name)");
  imp->add_option("--format", i->format, "csv or json (default: from the file name)");
  imp->add_option("--delimiter", i->delimiter, "CSV field separator, e.g. ';' or tab (default: from the header line)")
      ->option_text("C");
  imp->add_option("-m,--message", i->message, "commit message");
  imp->callback([&ctx, i] {
    std::string base = std::filesystem::path(i->file).filename().string();
    std::string lower_base = lower(base);  // Contacts.CSV as contacts.csv
    std::string kind_name_text = i->kind;
    if (kind_name_text.empty()) kind_name_text = lower_base.substr(0, lower_base.find('.'));
    auto kind = find_kind(kind_name_text);
    if (!kind) throw UserError("--kind: give the kind of records in " + base + " (orgs, contacts, needs, offers, areas)");
    std::string format = i->format.empty() ? (lower_base.ends_with(".json") ? "json" : "csv") : i->format;
    if (format != "csv" && format != "json") throw UserError("--format: must be csv or json");
    char delimiter = i->delimiter.empty() ? 0 : delimiter_option(i->delimiter);
    auto& store = ctx.open();
    auto text = read_file(i->file);
    auto records = read_import(*kind, text, base, format == "csv" ? ImportFormat::Csv : ImportFormat::Json,
                               delimiter, org_states(store.view()));
    std::size_t count = records.changes.size();
    std::string message = i->message.empty() ? "Import " + std::to_string(count) + " " +
                                                   std::string(spec(*kind).plural) + " from " + base
                                             : i->message;
    auto commit = commit_import(store, std::move(records), message);
    if (ctx.json) {
      print_json({{"imported", count}, {"kind", spec(*kind).plural}, {"commit", commit.value_or("")}});
      return;
    }
    if (!commit) std::cout << "Nothing to import: every record is already there.\n";
    else std::cout << "Imported " << count << " " << spec(*kind).plural << " in " << commit->substr(0, 10) << "\n";
  });

  struct ExportOptions {
    std::string kind, format = "csv", out;
    bool for_spreadsheet = false;
    ListFilter filter;
  };
  auto e = std::make_shared<ExportOptions>();
  auto* exp = app.add_subcommand("export", "Export records as CSV, JSON or vCard");
  exp->add_option("--kind", e->kind, "orgs, contacts, needs, offers or areas")->required();
  exp->add_option("--format", e->format, "csv, json or vcard (contacts only)");
  exp->add_option("-o,--out", e->out, "write to FILE instead of standard output");
  exp->add_flag("--for-spreadsheet", e->for_spreadsheet,
                "CSV for LibreOffice Calc or Excel to open and save back unchanged: a UTF-8 byte-order mark, and\n"
                "cells a spreadsheet would turn into numbers, dates or formulas (phones, dates) written as\n"
                "=\"+74951234567\", which they keep as text; other CSV readers see the =\"...\" (import reads both)");
  add_list_filters(exp, e->filter);
  exp->callback([&ctx, e] {
    Kind kind = kind_option(e->kind);
    if (e->format != "csv" && e->format != "json" && e->format != "vcard")
      throw UserError("--format: must be csv, json or vcard");
    if (e->format == "vcard" && kind != Kind::Contact) throw UserError("--format vcard: only for contacts");
    if (e->for_spreadsheet && e->format != "csv") throw UserError("--for-spreadsheet: only with --format csv");
    auto& store = ctx.open();
    auto records = list_records(store.view(), kind, e->filter);
    std::string text;
    if (e->format == "csv") {
      text = export_csv(kind, records, e->for_spreadsheet ? CsvFlavor::ForSpreadsheet : CsvFlavor::Plain);
    } else if (e->format == "json") {
      text = export_json(records);
    } else {
      std::map<std::string, std::string> names;
      for (const auto& org : list_records(store.view(), Kind::Org, {})) names[org["slug"]] = org["name"];
      text = export_vcard(records, names);
    }
    if (e->out.empty()) {
      std::fwrite(text.data(), 1, text.size(), stdout);
      return;
    }
    std::ofstream out(e->out, std::ios::binary);
    out << text;
    if (!out) throw Failure("cannot write " + e->out);
    std::cerr << "Exported " << records.size() << " " << spec(kind).plural << " to " << e->out << "\n";
  });
}

}  // namespace liaison::cli
