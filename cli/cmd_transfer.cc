// liaison import FILE [--kind K] [--delimiter C], export --kind K --format csv|json|vcard|iati;
// import FILE.xml reads an IATI activities file.
#include <cctype>
#include <ctime>
#include <fstream>
#include <iostream>
#include <sstream>

#include <CLI/CLI.hpp>

#include "cli/commands.h"
#include "cli/context.h"
#include "cli/output.h"
#include "io/export_formats.h"
#include "io/iati_export.h"
#include "io/iati_import.h"
#include "io/importer.h"

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

// liaison import FILE.xml: an IATI activities file, as offers.
void import_iati(Context& ctx, const std::string& file, const std::string& message) {
  auto& store = ctx.open();
  auto result = read_iati(store, file);
  auto commit = commit_iati(store, result, message.empty() ? "Import " + std::to_string(result.changes.size()) +
                                                                 " offers from IATI file " + result.file_name
                                                           : message);
  if (ctx.json) {
    print_json({{"activities", result.activities}, {"imported", result.imported}, {"updated", result.updated},
                {"unchanged", result.unchanged}, {"skipped_count", result.skipped_count},
                {"skipped", result.skipped}, {"unknown_orgs", result.unknown_orgs},
                {"notes", result.notes}, {"commit", commit.value_or("")}});
    return;
  }
  std::cout << result.activities << " activities: " << result.imported << " imported, " << result.updated
            << " updated, " << result.unchanged << " unchanged, " << result.skipped_count << " skipped\n";
  for (const auto& s : result.skipped) std::cout << "  skipped " << s << "\n";
  if (result.skipped_count > result.skipped.size())
    std::cout << "  ... and " << result.skipped_count - result.skipped.size() << " more skipped\n";
  if (!result.unknown_orgs.empty()) {
    std::cout << "Organisations with no liaison org of that iati_ref (not created):\n";
    for (const auto& o : result.unknown_orgs) std::cout << "  " << o << "\n";
  }
  for (const auto& n : result.notes) std::cout << "  note: " << n << "\n";
  if (commit) std::cout << "Committed " << short_commit(*commit) << "\n";
  else std::cout << "Nothing to commit: no offer is new or changed.\n";
}

// liaison export --kind offers --format iati.
void export_iati_file(Context& ctx, Kind kind, const ListFilter& filter, const std::string& out_path) {
  if (kind != Kind::Offer) throw UserError("--format iati: only for offers");
  auto& store = ctx.open();
  auto offers = list_records(store.view(), Kind::Offer, filter);
  auto orgs = list_records(store.view(), Kind::Org, {});
  char now[32];
  std::time_t t = std::time(nullptr);
  std::strftime(now, sizeof now, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&t));
  auto result = export_iati(offers, orgs, now);
  for (const auto& s : result.skipped) std::cerr << "warning: left out " << s << "\n";
  for (const auto& n : result.notes) std::cerr << "note: " << n << "\n";
  if (result.activities == 0) throw UserError("--format iati: no offer can be written as an IATI activity");
  if (out_path.empty()) {
    std::fwrite(result.xml.data(), 1, result.xml.size(), stdout);
    return;
  }
  std::ofstream out(out_path, std::ios::binary);
  out << result.xml;
  if (!out) throw Failure("cannot write " + out_path);
  std::cerr << "Exported " << result.activities << " offers as IATI activities to " << out_path << "\n";
}

}  // namespace

void register_import(CLI::App& app, Context& ctx) {
  struct ImportOptions {
    std::string file, kind, format, delimiter;
    std::string message;
  };
  auto i = std::make_shared<ImportOptions>();
  auto* imp = app.add_subcommand("import",
                                 "Import records from a CSV or JSON file, or offers from an IATI XML file, as one commit");
  imp->add_option("FILE", i->file, "CSV with a header row naming the fields, or a JSON array")->required();
  imp->add_option("--kind", i->kind, "orgs, contacts, needs, offers or areas (default: from the file name)");
  imp->add_option("--format", i->format, "csv, json or iati (default: from the file name; .xml is iati)");
  imp->add_option("--delimiter", i->delimiter, "CSV field separator, e.g. ';' or tab (default: from the header line)")
      ->option_text("C");
  imp->add_option("-m,--message", i->message, "commit message");
  imp->callback([&ctx, i] {
    std::string base = std::filesystem::path(i->file).filename().string();
    std::string lower_base = lower(base);  // Contacts.CSV as contacts.csv
    if (i->format == "iati" || (i->format.empty() && lower_base.ends_with(".xml")))
      return import_iati(ctx, i->file, i->message);
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
    else std::cout << "Imported " << count << " " << spec(*kind).plural << " in " << short_commit(*commit) << "\n";
  });
}

void register_export(CLI::App& app, Context& ctx) {
  struct ExportOptions {
    std::string kind, format = "csv", out;
    bool for_spreadsheet = false;
    ListFilter filter;
  };
  auto e = std::make_shared<ExportOptions>();
  auto* exp = app.add_subcommand("export", "Export records as CSV, JSON or vCard, or offers as IATI 2.03 XML");
  exp->add_option("--kind", e->kind, "orgs, contacts, needs, offers or areas")->required();
  exp->add_option("--format", e->format, "csv, json, vcard (contacts only) or iati (offers only: IATI 2.03 XML)");
  exp->add_option("-o,--out", e->out, "write to FILE instead of standard output");
  exp->add_flag("--for-spreadsheet", e->for_spreadsheet,
                "CSV for LibreOffice Calc or Excel to open and save back unchanged: a UTF-8 byte-order mark, and\n"
                "cells a spreadsheet would turn into numbers, dates or formulas (phones, dates) written as\n"
                "=\"+74951234567\", which they keep as text; other CSV readers see the =\"...\" (import reads both)");
  add_list_filters(exp, e->filter);
  exp->callback([&ctx, e] {
    Kind kind = kind_option(e->kind);
    if (e->format == "iati") return export_iati_file(ctx, kind, e->filter, e->out);
    if (e->format != "csv" && e->format != "json" && e->format != "vcard")
      throw UserError("--format: must be csv, json, vcard or iati");
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
