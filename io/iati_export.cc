#include "io/iati_export.h"

#include <libxml/xmlwriter.h>

#include <map>
#include <memory>

#include "base/error.h"
#include "io/iati_sectors.h"
#include "model/ids.h"

namespace liaison {
namespace {

struct BufferFree {
  void operator()(xmlBufferPtr b) const { xmlBufferFree(b); }
};
struct WriterFree {
  void operator()(xmlTextWriterPtr w) const { xmlFreeTextWriter(w); }
};

// xmlTextWriter calls with strings, each checked: a negative result is
// libxml2 failing (out of memory), never the data.
class Writer {
 public:
  Writer() : buffer_(xmlBufferCreate()) {
    if (!buffer_) throw Failure("IATI export: libxml2 could not allocate a buffer");
    writer_.reset(xmlNewTextWriterMemory(buffer_.get(), 0));
    if (!writer_) throw Failure("IATI export: libxml2 could not make a writer");
    check(xmlTextWriterSetIndent(writer_.get(), 1));
    check(xmlTextWriterSetIndentString(writer_.get(), reinterpret_cast<const xmlChar*>(" ")));
    check(xmlTextWriterStartDocument(writer_.get(), "1.0", "UTF-8", nullptr));
  }
  void start(const char* name) { check(xmlTextWriterStartElement(writer_.get(), x(name))); }
  void end() { check(xmlTextWriterEndElement(writer_.get())); }
  void attr(const char* name, const std::string& value) {
    check(xmlTextWriterWriteAttribute(writer_.get(), x(name), x(value.c_str())));
  }
  void text(const std::string& value) { check(xmlTextWriterWriteString(writer_.get(), x(value.c_str()))); }
  void narrative(const std::string& value) {
    start("narrative");
    attr("xml:lang", "en");
    text(value);
    end();
  }
  std::string finish() {
    check(xmlTextWriterEndDocument(writer_.get()));
    writer_.reset();  // flushes into the buffer
    return std::string(reinterpret_cast<const char*>(xmlBufferContent(buffer_.get())),
                       static_cast<std::size_t>(xmlBufferLength(buffer_.get())));
  }

 private:
  static const xmlChar* x(const char* s) { return reinterpret_cast<const xmlChar*>(s); }
  static void check(int rc) {
    if (rc < 0) throw Failure("IATI export: libxml2 failed to write");
  }
  std::unique_ptr<xmlBuffer, BufferFree> buffer_;
  std::unique_ptr<xmlTextWriter, WriterFree> writer_;
};

std::string str(const Json& record, const char* field) {
  auto it = record.find(field);
  return it != record.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::vector<std::string> list(const Json& record, const char* field) {
  std::vector<std::string> out;
  auto it = record.find(field);
  if (it != record.end() && it->is_array())
    for (const auto& v : *it) out.push_back(v.get<std::string>());
  return out;
}

const char* status_code(const std::string& status) {
  if (status == "ongoing") return "2";
  if (status == "completed") return "3";  // Finalisation: the activity is done, accounts may stay open
  if (status == "cancelled") return "5";
  return "1";  // planned: Pipeline/identification
}

// activity-date types for the offer's start and end: planned (1, 3) until
// the activity happened, actual (2, 4) once it did.
std::pair<const char*, const char*> date_types(const std::string& status) {
  if (status == "ongoing") return {"2", "3"};
  if (status == "completed") return {"2", "4"};
  return {"1", "3"};
}

// Even shares of 100 over n items, two decimals, the first ones taking the rounding.
std::vector<std::string> even_percentages(std::size_t n) {
  std::vector<std::string> out;
  long each = 10000 / static_cast<long>(n), rest = 10000 - each * static_cast<long>(n);
  for (std::size_t i = 0; i < n; ++i) {
    long h = each + (static_cast<long>(i) < rest ? 1 : 0);
    std::string s = std::to_string(h / 100);
    if (h % 100) s += "." + std::string(h % 100 < 10 ? "0" : "") + std::to_string(h % 100);
    if (s.ends_with('0') && s.find('.') != std::string::npos) s.pop_back();
    out.push_back(s);
  }
  return out;
}

void write_org(Writer& w, const char* element, const Json* org, const std::string& slug, const char* role) {
  w.start(element);
  std::string ref = org ? str(*org, "iati_ref") : std::string();
  if (!ref.empty()) w.attr("ref", ref);
  if (org) w.attr("type", iati_org_type(*org));
  if (role) w.attr("role", role);
  w.narrative(org ? str(*org, "name") : slug);
  w.end();
}

}  // namespace

std::string iati_org_type(const Json& org) {
  std::string kind = str(org, "kind"), ref = str(org, "iati_ref");
  if (kind == "national") return "10";
  if (kind == "ngo") return "21";
  if (kind == "donor") {
    bool multilateral =
        (!ref.empty() && ref[0] == '4' && ref.find('-') == std::string::npos) || ref.starts_with("XM-DAC-4");
    return multilateral ? "40" : "10";
  }
  return "40";
}

IatiExport export_iati(const std::vector<Json>& offers, const std::vector<Json>& orgs, const std::string& generated) {
  std::map<std::string, const Json*> by_slug;
  for (const auto& o : orgs) by_slug[str(o, "slug")] = &o;
  auto org_of = [&](const std::string& slug) -> const Json* {
    auto it = by_slug.find(slug);
    return it == by_slug.end() ? nullptr : it->second;
  };

  IatiExport out;
  Writer w;
  w.start("iati-activities");
  w.attr("version", "2.03");
  if (!generated.empty()) w.attr("generated-datetime", generated);
  for (const auto& offer : offers) {
    std::string id = str(offer, "id"), title = str(offer, "title"), status = str(offer, "status");
    std::string label = "offer " + short_id(id) + " (" + title + ")";
    std::string provider = str(offer, "provider");
    const Json* prov = org_of(provider);
    std::string ref = prov ? str(*prov, "iati_ref") : std::string();
    auto areas = list(offer, "areas");
    auto sectors = sectors_for_areas(areas);
    auto recipients = list(offer, "recipients");
    std::string start = str(offer, "start"), end = str(offer, "end");
    if (ref.empty()) {
      out.skipped.push_back(label + ": provider " + provider + " has no iati_ref");
      continue;
    }
    if (sectors.empty()) {
      out.skipped.push_back(label + ": no thematic area, so no sector");
      continue;
    }
    if (recipients.empty()) {
      out.skipped.push_back(label + ": no recipient state");
      continue;
    }
    if (start.empty()) {
      out.skipped.push_back(label + ": no start date");
      continue;
    }
    std::string identifier = str(offer, "iati_id");
    if (!identifier.starts_with(ref + "-")) identifier = ref + "-" + id;

    w.start("iati-activity");
    w.attr("xml:lang", "en");
    std::string currency = str(offer, "currency");
    if (!currency.empty()) w.attr("default-currency", currency);
    w.start("iati-identifier");
    w.text(identifier);
    w.end();
    write_org(w, "reporting-org", prov, provider, nullptr);
    w.start("title");
    w.narrative(title);
    w.end();
    w.start("description");
    w.attr("type", "1");
    std::string description = str(offer, "description");
    w.narrative(description.empty() ? title : description);
    w.end();
    std::string funder = str(offer, "funder");
    write_org(w, "participating-org", funder.empty() ? prov : org_of(funder), funder.empty() ? provider : funder, "1");
    write_org(w, "participating-org", prov, provider, "4");
    w.start("activity-status");
    w.attr("code", status_code(status));
    w.end();
    auto [start_type, end_type] = date_types(status);
    w.start("activity-date");
    w.attr("type", start_type);
    w.attr("iso-date", start);
    w.end();
    if (!end.empty()) {
      w.start("activity-date");
      w.attr("type", end_type);
      w.attr("iso-date", end);
      w.end();
    }
    auto shares = even_percentages(recipients.size());
    for (std::size_t i = 0; i < recipients.size(); ++i) {
      w.start("recipient-country");
      w.attr("code", recipients[i]);
      w.attr("percentage", shares[i]);
      w.end();
    }
    for (const auto& s : sectors) {
      w.start("sector");
      w.attr("vocabulary", s.vocabulary);
      w.attr("code", s.code);
      w.attr("percentage", s.percentage);
      w.end();
    }
    std::string budget = str(offer, "budget");
    if (!budget.empty()) {
      if (currency.empty() || end.empty()) {
        out.notes.push_back(label + ": budget left out (" +
                            std::string(currency.empty() ? "no currency" : "no end date for its period") + ")");
      } else {
        std::string value_date = str(offer, "budget_date");
        w.start("budget");
        w.attr("type", "1");    // original
        w.attr("status", "1");  // indicative
        w.start("period-start");
        w.attr("iso-date", start);
        w.end();
        w.start("period-end");
        w.attr("iso-date", end);
        w.end();
        w.start("value");
        w.attr("currency", currency);
        w.attr("value-date", value_date.empty() ? start : value_date);
        w.text(budget);
        w.end();
        w.end();
      }
    }
    w.end();  // iati-activity
    ++out.activities;
  }
  w.end();
  out.xml = w.finish();
  if (!out.xml.ends_with('\n')) out.xml += '\n';
  return out;
}

}  // namespace liaison
