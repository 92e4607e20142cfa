#include "cli/output.h"

#include <cstdio>
#include <ctime>
#include <iostream>

#include "model/ids.h"
#include "model/record.h"
#include "base/text_width.h"

namespace liaison::cli {

namespace {

std::string table_text(const std::vector<std::vector<std::string>>& rows) {
  constexpr std::size_t kMaxCell = 48;
  auto fitted = [&](const std::string& cell) {
    if (display_width(cell) <= kMaxCell) return cell;
    return std::string(truncate_to_width(cell, kMaxCell - 1)) + "…";
  };
  if (rows.empty()) return "";
  std::vector<std::size_t> widths(rows[0].size(), 0);
  for (const auto& row : rows)
    for (std::size_t c = 0; c < row.size() && c < widths.size(); ++c)
      widths[c] = std::max(widths[c], display_width(fitted(row[c])));
  std::string out;
  for (const auto& row : rows) {
    std::string line;
    for (std::size_t c = 0; c < row.size(); ++c) {
      auto cell = fitted(row[c]);
      line += c + 1 < row.size() && c < widths.size() ? pad_to_width(cell, widths[c] + 2) : cell;
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out += line + "\n";
  }
  return out;
}

}  // namespace

void print_table(const std::vector<std::vector<std::string>>& rows) {
  auto out = table_text(rows);
  std::fwrite(out.data(), 1, out.size(), stdout);
}

std::string value_text(const Json& value) {
  if (value.is_string()) return value.get<std::string>();
  if (value.is_boolean()) return value.get<bool>() ? "yes" : "no";
  if (value.is_array()) {
    std::string out;
    for (const auto& m : value) out += (out.empty() ? "" : ", ") + value_text(m);
    return out;
  }
  if (value.is_null()) return "";
  return value.dump();
}

void print_record(Kind kind, const Json& record) {
  const auto& ks = spec(kind);
  std::string out = std::string(ks.name) + " " + record_id(kind, record) + "\n";
  for (std::size_t i = 1; i < ks.fields.size(); ++i) {
    const auto& f = ks.fields[i];
    auto it = record.find(f.name);
    if (it == record.end()) continue;
    std::string label = std::string(f.name) + ":";
    out += "  " + label + std::string(label.size() < 17 ? 17 - label.size() : 1, ' ') + value_text(*it) + "\n";
  }
  // Fields a newer version wrote, as JSON, after the ones this version knows.
  for (const auto& name : unknown_fields(kind, record)) {
    std::string label = name + ":";
    out += "  " + label + std::string(label.size() < 17 ? 17 - label.size() : 1, ' ') + record[name].dump() + "\n";
  }
  std::fwrite(out.data(), 1, out.size(), stdout);
}

void print_record_list(Kind kind, const std::vector<Json>& records) {
  std::vector<std::vector<std::string>> rows;
  auto v = [](const Json& r, const char* f) { return r.contains(f) ? value_text(r[f]) : std::string(); };
  switch (kind) {
    case Kind::Org:
      rows.push_back({"SLUG", "ACRONYM", "KIND", "NAME"});
      for (const auto& r : records) rows.push_back({v(r, "slug"), v(r, "acronym"), v(r, "kind"), v(r, "name")});
      break;
    case Kind::Area:
      rows.push_back({"CODE", "PARENT", "NAME"});
      for (const auto& r : records) rows.push_back({v(r, "code"), v(r, "parent"), v(r, "name")});
      break;
    case Kind::Contact:
      rows.push_back({"ID", "ORG", "NAME", "ROLE", "EMAIL", "VERIFIED", "STATUS"});
      for (const auto& r : records) {
        std::string email = r.contains("emails") ? r["emails"][0].get<std::string>() : "";
        rows.push_back({short_id(v(r, "id")), v(r, "org"), v(r, "name"), v(r, "role"), email, v(r, "last_verified"),
                        v(r, "status")});
      }
      break;
    case Kind::Need:
      rows.push_back({"ID", "STATE", "AREA", "PRIORITY", "STATUS", "RAISED", "TITLE"});
      for (const auto& r : records)
        rows.push_back({short_id(v(r, "id")), v(r, "state"), v(r, "area"), v(r, "priority"), v(r, "status"),
                        v(r, "raised"), v(r, "title")});
      break;
    case Kind::Offer:
      rows.push_back({"ID", "PROVIDER", "KIND", "STATUS", "RECIPIENTS", "TITLE"});
      for (const auto& r : records)
        rows.push_back({short_id(v(r, "id")), v(r, "provider"), v(r, "kind"), v(r, "status"), v(r, "recipients"),
                        v(r, "title")});
      break;
  }
  print_table(rows);
}

void print_json(const Json& value) {
  std::string out = value.dump(2, ' ', false, Json::error_handler_t::replace) + "\n";
  std::fwrite(out.data(), 1, out.size(), stdout);
}

std::string format_time(std::int64_t time, int offset_minutes) {
  std::time_t t = static_cast<std::time_t>(time + offset_minutes * 60);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M", &tm);
  return buf;
}

}  // namespace liaison::cli
