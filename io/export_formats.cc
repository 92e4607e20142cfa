#include "io/export_formats.h"

#include <algorithm>

#include "base/csv.h"
#include "base/utf8.h"
#include "model/record.h"

namespace liaison {
namespace {

std::string vcard_escape(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '\\' || c == ',' || c == ';') {
      out.push_back('\\');
      out.push_back(c);
    } else if (c == '\n') {
      out += "\\n";
    } else if (c != '\r') {
      out.push_back(c);
    }
  }
  return out;
}

// RFC 6350 3.2: lines longer than 75 octets are folded with CRLF + space,
// never inside a UTF-8 sequence.
std::string fold(const std::string& line) {
  std::string out;
  std::size_t width = 0;
  for (std::size_t i = 0; i < line.size();) {
    std::size_t len = decode_utf8(line, i).length;
    if (width + len > 75) {
      out += "\r\n ";
      width = 1;
    }
    out.append(line, i, len);
    width += len;
    i += len;
  }
  return out + "\r\n";
}

std::string uuid_of(const std::string& id) {
  if (id.size() != 32) return id;
  return id.substr(0, 8) + "-" + id.substr(8, 4) + "-" + id.substr(12, 4) + "-" + id.substr(16, 4) + "-" +
         id.substr(20);
}

}  // namespace

std::string vcard_line(const std::string& name_and_params, const std::string& value, bool escape) {
  return fold(name_and_params + ":" + (escape ? vcard_escape(value) : value));
}

std::string export_csv(Kind kind, const std::vector<Json>& records, CsvFlavor flavor) {
  const auto& ks = spec(kind);
  const bool for_spreadsheet = flavor == CsvFlavor::ForSpreadsheet;
  std::string out = for_spreadsheet ? "\xEF\xBB\xBF" : "";
  std::vector<std::string> header;
  for (const auto& f : ks.fields) header.emplace_back(f.name);
  append_csv_row(out, header);
  for (const auto& rec : records) {
    std::vector<std::string> cells;
    for (const auto& f : ks.fields) {
      auto it = rec.find(f.name);
      std::string cell;
      if (it != rec.end()) {
        if (it->is_array()) {
          for (const auto& m : *it) cell += (cell.empty() ? "" : ";") + m.get<std::string>();
        } else if (it->is_boolean()) {
          cell = it->get<bool>() ? "true" : "false";
        } else {
          cell = it->get<std::string>();
        }
      }
      if (for_spreadsheet && spreadsheet_would_change(cell)) cell = protect_for_spreadsheet(cell);
      cells.push_back(cell);
    }
    append_csv_row(out, cells);
  }
  return out;
}

std::string export_json(const std::vector<Json>& records) { return Json(records).dump(2, ' ', false) + "\n"; }

std::string export_vcard(const std::vector<Json>& contacts, const std::map<std::string, std::string>& org_names) {
  std::string out;
  for (const auto& c : contacts) {
    auto str = [&](const char* f) { return c.value(f, std::string()); };
    out += "BEGIN:VCARD\r\nVERSION:4.0\r\n";
    bool person = c.contains("name");
    out += vcard_line("KIND", person ? "individual" : "org");
    out += vcard_line("FN", person ? str("name") : str("role"));
    if (person) out += vcard_line("N", ";" + vcard_escape(str("name")) + ";;;", false);
    auto org = org_names.find(str("org"));
    std::string org_value = vcard_escape(org != org_names.end() ? org->second : str("org"));
    if (c.contains("unit")) org_value += ";" + vcard_escape(str("unit"));
    out += vcard_line("ORG", org_value, false);
    out += vcard_line("TITLE", str("role"));
    // Sets are in the order given, the first being the preferred member.
    int pref = 1;
    for (const auto& e : c.value("emails", Json::array()))
      out += vcard_line("EMAIL;TYPE=work" + std::string(pref++ == 1 ? ";PREF=1" : ""), e.get<std::string>());
    pref = 1;
    for (const auto& p : c.value("phones", Json::array()))
      out += vcard_line("TEL;VALUE=uri;TYPE=\"voice,work\"" + std::string(pref++ == 1 ? ";PREF=1" : ""),
                        "tel:" + p.get<std::string>(), false);
    if (c.contains("address")) out += vcard_line("ADR;TYPE=work", ";;" + vcard_escape(str("address")) + ";;;;", false);
    pref = 1;
    for (const auto& l : c.value("languages", Json::array()))
      out += vcard_line("LANG;PREF=" + std::to_string(pref++), l.get<std::string>());
    std::string note;
    if (c.value("available_24_7", false)) note += "Available 24/7. ";
    if (c.contains("hours")) note += "Hours: " + str("hours") + ". ";
    for (const auto& s : c.value("secure_channels", Json::array())) note += "Secure channel: " + s.get<std::string>() + ". ";
    if (c.contains("notes")) note += str("notes");
    while (!note.empty() && note.back() == ' ') note.pop_back();
    if (!note.empty()) out += vcard_line("NOTE", note);
    std::string cats;
    for (const auto& a : c.value("areas", Json::array())) cats += (cats.empty() ? "" : ",") + vcard_escape(a.get<std::string>());
    if (!cats.empty()) out += vcard_line("CATEGORIES", cats, false);
    if (c.contains("last_verified")) {
      std::string date = str("last_verified");
      date.erase(std::remove(date.begin(), date.end(), '-'), date.end());  // RFC 6350 timestamp: 20260301T000000Z
      out += vcard_line("REV", date + "T000000Z", false);
    }
    out += vcard_line("UID", "urn:uuid:" + uuid_of(str("id")), false);
    out += "END:VCARD\r\n";
  }
  return out;
}

}  // namespace liaison
