// liaison matrix, gaps, duplicates, coverage, report: what donors and
// central staff ask of the needs and the directory.
#include <algorithm>
#include <ctime>
#include <fstream>
#include <iostream>

#include <CLI/CLI.hpp>

#include "cli/commands.h"
#include "cli/context.h"
#include "cli/output.h"
#include "view/assistance.h"
#include "model/ids.h"
#include "model/record.h"
#include "store/record_history.h"
#include "io/report_html.h"
#include "web/catalogue.h"

namespace liaison::cli {
namespace {

void add_matrix_filters(CLI::App* cmd, MatrixOptions& o, bool with_by) {
  auto opt = [cmd](const char* name, std::optional<std::string>& target, const char* help) {
    cmd->add_option_function<std::string>(name, [&target](const std::string& v) { target = v; }, help);
  };
  if (with_by) cmd->add_option("--by", o.by, "rows: state (default), region, subregion or org");
  opt("--area", o.area, "only this thematic area; its sub-areas become the columns");
  opt("--region", o.region, "only states of this UN M49 region or sub-region");
  opt("--state", o.state, "only this state (ISO 3166 code)");
  opt("--priority", o.priority, "only needs of this priority");
  opt("--provider", o.provider, "count only this organization's offers as coverage");
  cmd->add_option_function<std::vector<std::string>>(
         "--status",
         [&o](const std::vector<std::string>& v) {
           o.statuses.clear();
           for (const auto& item : v) {
             std::size_t start = 0;
             while (start <= item.size()) {
               auto comma = item.find(',', start);
               if (comma == std::string::npos) comma = item.size();
               if (comma > start) o.statuses.push_back(item.substr(start, comma - start));
               start = comma + 1;
             }
           }
         },
         "need statuses to count (default open,matched,in-progress)")
      ->delimiter(',');
}

std::string cell_text(const MatrixCell& c) { return std::to_string(c.open) + "/" + std::to_string(c.covered); }

// Short column heads keep the table within a terminal; a legend names the
// areas after it. A sub-area drops its parent's prefix when the parent is a
// column too (with --area border, border-biometrics is "biometr…"), a long
// code keeps its first word, and heads that would come out alike keep their
// whole code: each column stays distinct.
std::vector<std::string> column_heads(const std::vector<std::pair<std::string, std::string>>& columns) {
  constexpr std::size_t kMaxHead = 8;
  std::vector<std::string> stems, heads;
  for (const auto& [code, name] : columns) {
    std::string stem = code;
    for (const auto& [parent, parent_name] : columns)
      if (parent != code && code.starts_with(parent + "-") && code.size() - parent.size() - 1 < stem.size())
        stem = code.substr(parent.size() + 1);
    stems.push_back(stem);
    std::string head = stem;
    if (head.size() > kMaxHead) head = head.substr(0, head.find('-'));
    if (head.size() > kMaxHead) head = head.substr(0, kMaxHead - 1) + "…";
    heads.push_back(head);
  }
  auto alike = [](const std::vector<std::string>& list, std::size_t i) {
    return std::count(list.begin(), list.end(), list[i]) > 1;
  };
  std::vector<std::string> distinct = heads;
  for (std::size_t i = 0; i < heads.size(); ++i)
    if (alike(heads, i)) distinct[i] = stems[i];
  for (std::size_t i = 0; i < distinct.size(); ++i)
    if (alike(distinct, i)) distinct[i] = columns[i].first;
  return distinct;
}

void print_matrix_table(const Matrix& m) {
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> header{m.by == "org" ? "ORG" : m.by == "state" ? "STATE" : "REGION"};
  auto heads = column_heads(m.columns);
  header.insert(header.end(), heads.begin(), heads.end());
  header.push_back("TOTAL (gap)");
  rows.push_back(header);
  for (const auto& [key, label] : m.rows) {
    std::vector<std::string> row{label};
    for (const auto& [code, name] : m.columns) {
      auto it = m.cells.find({key, code});
      row.push_back(it == m.cells.end() ? "." : cell_text(it->second));
    }
    const auto& t = m.row_totals.at(key);
    row.push_back(cell_text(t) + " (" + std::to_string(t.gap()) + ")");
    rows.push_back(row);
  }
  std::vector<std::string> totals{"TOTAL"};
  for (const auto& [code, name] : m.columns) {
    auto it = m.column_totals.find(code);
    totals.push_back(it == m.column_totals.end() ? "." : cell_text(it->second));
  }
  totals.push_back(cell_text(m.total) + " (" + std::to_string(m.total.gap()) + ")");
  rows.push_back(totals);
  print_table(rows);
  std::cout << "Cells: open needs/covered by an offer; gap = open - covered. " << m.rows.size() << " rows, "
            << m.total.open << " needs.\nColumns:";
  for (std::size_t i = 0; i < m.columns.size(); ++i) std::cout << " " << heads[i] << "=" << m.columns[i].second << ";";
  std::cout << "\n";
}

std::string write_or_print(const std::string& out, const std::string& text) {
  if (out.empty()) {
    std::fwrite(text.data(), 1, text.size(), stdout);
    return "";
  }
  std::ofstream f(out, std::ios::binary);
  f << text;
  if (!f) throw Failure("cannot write " + out);
  return out;
}

std::optional<CommitId> commit_before(Store& store, const std::string& since) {
  if (since.size() == 10 && since[4] == '-' && since[7] == '-') {
    auto head = store.history().head();
    return head ? commit_before_date(store.history(), *head, since, "--since") : std::nullopt;
  }
  return store.history().resolve(since);
}

// The HTML pages' text in `language` (--lang), from the web pages' catalogue.
PageText page_text(const std::string& language) {
  const auto& all = web::Catalogue::languages();
  if (std::find(all.begin(), all.end(), language) == all.end()) {
    std::string known;
    for (const auto& l : all) known += (known.empty() ? "" : ", ") + l;
    throw UserError("--lang: '" + language + "' is not one of " + known);
  }
  const auto& catalogue = web::Catalogue::of(language);
  return PageText{language, [&catalogue](std::string_view key) { return catalogue[key]; }};
}

}  // namespace

void register_matrix(CLI::App& app, Context& ctx) {
  struct MatrixArgs {
    MatrixOptions options;
    std::string format = "table", out, language = "en";
  };
  auto m = std::make_shared<MatrixArgs>();
  auto* matrix = app.add_subcommand("matrix", "Needs by state (or region, org) and thematic area: open, covered, gap");
  add_matrix_filters(matrix, m->options, true);
  matrix->add_option("--format", m->format, "table (default), csv, json or html");
  matrix->add_option("-o,--out", m->out, "write to FILE");
  matrix->add_option("--lang", m->language, "the language of an html page: en (default) or ru");
  matrix->callback([&ctx, m] {
    auto& store = ctx.open();
    std::string format = ctx.json ? "json" : m->format;
    if (format != "table" && format != "csv" && format != "json" && format != "html")
      throw UserError("--format: must be table, csv, json or html");
    auto text = page_text(m->language);
    auto built = build_matrix(store.view(), m->options);
    if (format == "json" || format == "html") add_drill_down(store.view(), built, m->options);
    std::string out;
    if (format == "table") {
      if (m->out.empty()) return print_matrix_table(built);
      throw UserError("--out: use --format csv, json or html to write a file");
    }
    if (format == "csv") out = matrix_csv(built);
    if (format == "json") out = matrix_json(built).dump(2) + "\n";
    if (format == "html") out = matrix_page(built, text.text("matrix.title") + ", " + Store::today(), text);
    auto file = write_or_print(m->out, out);
    if (!file.empty()) std::cerr << "Wrote " << file << "\n";
  });
}

void register_gaps(CLI::App& app, Context& ctx) {
  auto g = std::make_shared<MatrixOptions>();
  auto* gaps_cmd = app.add_subcommand("gaps", "Open needs no offer covers, highest priority and oldest first");
  add_matrix_filters(gaps_cmd, *g, false);
  gaps_cmd->callback([&ctx, g] {
    auto needs = gaps(ctx.open().view(), *g);
    if (ctx.json) return print_json(needs);
    if (needs.empty()) std::cout << "No gaps: every open need has an offer.\n";
    else print_record_list(Kind::Need, needs);
  });
}

void register_duplicates(CLI::App& app, Context& ctx) {
  auto* dup = app.add_subcommand(
      "duplicates", "Needs covered by several providers, offers that look alike, and offers reaching covered needs");
  dup->callback([&ctx] {
    auto d = duplicates(ctx.open().view());
    if (ctx.json) return print_json(duplicates_json(d));
    std::cout << "Needs covered by offers of several providers: " << d.covered_twice.size() << "\n";
    for (const auto& c : d.covered_twice) {
      std::cout << "  " << describe_record(Kind::Need, c.need) << " [" << c.need.value("state", "") << "]\n";
      for (const auto& o : c.offers)
        std::cout << "      " << o["provider"].get<std::string>() << ": " << describe_record(Kind::Offer, o) << "\n";
    }
    std::cout << "Offers that look alike (same kind, a shared area and recipient): " << d.look_alike.size() << "\n";
    for (const auto& p : d.look_alike) {
      std::string areas, recipients;
      for (const auto& a : p.shared_areas) areas += (areas.empty() ? "" : ",") + a;
      for (const auto& r : p.shared_recipients) recipients += (recipients.empty() ? "" : ",") + r;
      std::cout << "  " << describe_record(Kind::Offer, p.first) << " [" << p.first["provider"].get<std::string>()
                << "] ~ " << describe_record(Kind::Offer, p.second) << " [" << p.second["provider"].get<std::string>()
                << "]: " << p.first["kind"].get<std::string>() << ", " << areas << ", " << recipients
                << (p.same_provider ? " (same provider)" : "") << "\n";
    }
    std::cout << "Offers reaching, by area and state, a need other providers already cover: " << d.overlaps.size()
              << (d.overlaps.size() == kMaxOverlaps ? " (the first " + std::to_string(kMaxOverlaps) + ")" : "") << "\n";
    for (const auto& o : d.overlaps) {
      std::string providers;
      for (const auto& p : o.covering_providers) providers += (providers.empty() ? "" : ", ") + p;
      std::cout << "  " << describe_record(Kind::Offer, o.offer) << " [" << o.offer["provider"].get<std::string>()
                << "] reaches " << describe_record(Kind::Need, o.need) << " [" << o.need.value("state", "")
                << "], covered by " << providers << "\n";
    }
  });
}

void register_coverage(CLI::App& app, Context& ctx) {
  auto stale_days = std::make_shared<int>(365);
  auto* cov = app.add_subcommand("coverage", "Active contact points per organization and state, by thematic area");
  cov->add_option("--older-than", *stale_days, "days after which a contact point counts as stale (default 365)");
  cov->callback([&ctx, stale_days] {
    auto c = coverage(ctx.open().view(), *stale_days, Store::today());
    if (ctx.json) return print_json(coverage_json(c));
    for (const auto* list : {&c.orgs, &c.states}) {
      std::vector<std::vector<std::string>> rows{
          {list == &c.orgs ? "ORG" : "STATE", "ACTIVE", "STALE", "AREAS COVERED", "AREAS WITHOUT A CONTACT POINT"}};
      for (const auto& r : *list) {
        std::string covered, missing;
        for (const auto& [area, n] : r.by_area) covered += (covered.empty() ? "" : " ") + area + ":" + std::to_string(n);
        for (const auto& a : r.missing_areas) missing += (missing.empty() ? "" : " ") + a;
        rows.push_back({r.label.empty() ? r.key : r.label, std::to_string(r.active), std::to_string(r.stale), covered,
                        missing});
      }
      print_table(rows);
      std::cout << "\n";
    }
  });
}

void register_report(CLI::App& app, Context& ctx) {
  struct ReportArgs {
    std::string out, since, language = "en";
    int stale_days = 365;
  };
  auto r = std::make_shared<ReportArgs>();
  auto* report = app.add_subcommand("report", "One HTML page for a meeting: counts, matrix, gaps, stale contacts, changes");
  report->add_option("--out", r->out, "the HTML file to write")->required();
  report->add_option("--since", r->since, "also list what changed since a date (YYYY-MM-DD) or commit");
  report->add_option("--older-than", r->stale_days, "stale threshold in days (default 365)");
  report->add_option("--lang", r->language, "the page's language: en (default) or ru");
  report->callback([&ctx, r] {
    auto text = page_text(r->language);
    auto& store = ctx.open();
    ReportData data;
    data.title = text.text("report.title") + ": " + store.org();
    data.generated = Store::today();
    for (Kind k : kAllKinds) data.counts.emplace_back(std::string(spec(k).plural), store.view().count(k));
    MatrixOptions options;
    data.matrix = build_matrix(store.view(), options);
    add_drill_down(store.view(), data.matrix, options);
    data.gaps = gaps(store.view(), options);
    data.stale_days = r->stale_days;
    data.stale = stale_contacts(store.view(), r->stale_days, Store::today(), std::nullopt);
    data.stale_total = data.stale.size();
    if (data.stale.size() > 500) data.stale.resize(500);  // the oldest; a meeting page, not an export
    if (!r->since.empty()) {
      data.since = r->since;
      auto head = store.history().head();
      if (head) data.changes = diff_commits(store.history(), commit_before(store, r->since), *head);
    }
    write_or_print(r->out, report_page(data, text));
    if (ctx.json) print_json({{"out", r->out}, {"gaps", data.gaps.size()}, {"stale", data.stale.size()},
                              {"changes", data.changes.size()}});
    else std::cerr << "Wrote " << r->out << "\n";  // stdout is for data, as with matrix -o
  });
}

}  // namespace liaison::cli
