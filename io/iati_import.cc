#include "io/iati_import.h"

#include <libxml/xmlreader.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <map>
#include <memory>
#include <set>

#include "base/error.h"
#include "io/iati_sectors.h"
#include "model/ids.h"
#include "view/query.h"
#include "model/record.h"
#include "model/reference_data.h"

namespace liaison {
namespace {

struct ReaderFree {
  void operator()(xmlTextReaderPtr r) const { xmlFreeTextReader(r); }
};

std::string to_string(const xmlChar* s) { return s ? std::string(reinterpret_cast<const char*>(s)) : std::string(); }

std::string attribute(xmlTextReaderPtr r, const char* name) {
  xmlChar* v = xmlTextReaderGetAttribute(r, reinterpret_cast<const xmlChar*>(name));
  std::string out = to_string(v);
  xmlFree(v);
  return out;
}

std::string trimmed(const std::string& s) {
  auto b = s.find_first_not_of(" \t\r\n");
  if (b == std::string::npos) return {};
  return s.substr(b, s.find_last_not_of(" \t\r\n") - b + 1);
}

struct Org {
  std::string ref, role, name;
};
struct Budget {
  std::string type, value, currency, value_date;
};

// What one activity says that an offer can hold.
struct Activity {
  std::size_t line = 0;
  std::string identifier, reporting_ref, reporting_name, currency;
  std::string title, description;
  bool title_en = false, description_en = false;
  std::vector<Org> orgs;
  std::string status;
  std::map<std::string, std::string> dates;  // activity-date type -> iso-date
  std::vector<std::string> countries;
  std::vector<std::pair<std::string, std::string>> sectors, transaction_sectors;  // (vocabulary, code)
  // IATI puts recipient countries on the activity or on each transaction,
  // never both.
  std::vector<std::string> transaction_countries;
  std::vector<Budget> budgets;
};

// The text of a narrative goes to its element's slot; an English one (by
// xml:lang in scope, or no language given) is preferred to the first.
void keep_narrative(std::string& slot, bool& slot_en, const std::string& text, const std::string& lang) {
  bool en = lang.empty() || lang == "en" || lang.starts_with("en-");
  if (slot.empty() || (en && !slot_en)) {
    slot = trimmed(text);
    slot_en = en;
  }
}

class Reader {
 public:
  Reader(Store& store, const std::string& path, const IatiLimits& limits, IatiImport& out)
      : store_(store), path_(path), limits_(limits), out_(out) {
    for (const auto& org : list_records(store.view(), Kind::Org, {})) {
      auto ref = org.value("iati_ref", "");
      if (!ref.empty()) org_by_ref_[ref] = org.at("slug").get<std::string>();
      iati_ref_of_[org.at("slug").get<std::string>()] = ref;
    }
    // Only the identifiers of the copy's offers, not the offers: a copy of
    // 100k offers would otherwise weigh on every import.
    for_each_offer_identifier(store.view(), [this](const std::string& id, const std::string& provider,
                                                   const std::optional<std::string>& iati_id) {
      auto ref = iati_ref_of_[provider];
      if (!ref.empty()) offer_by_identifier_[ref + "-" + id] = id;
      if (iati_id) offer_by_identifier_[*iati_id] = id;
      offer_ids_.insert(id);
    });
  }

  void run() {
    // No XML_PARSE_NOENT (entities are not substituted), no DTD loading or
    // validation, no network; a DOCTYPE is refused below before any use.
    std::error_code ec;
    if (std::filesystem::is_regular_file(path_, ec) && std::filesystem::file_size(path_, ec) == 0)
      throw UserError(out_.file_name + ": the file is empty");
    reader_.reset(xmlReaderForFile(path_.c_str(), nullptr, XML_PARSE_NONET | XML_PARSE_NOCDATA));
    if (!reader_) throw UserError("cannot read " + path_);
    xmlTextReaderSetStructuredErrorHandler(reader_.get(), &Reader::on_error, this);
    int rc;
    while ((rc = xmlTextReaderRead(reader_.get())) == 1) node();
    if (rc < 0 || !error_.empty())
      throw UserError(where_line(error_line_) + ": malformed XML: " + (error_.empty() ? "unreadable" : error_));
    if (!root_seen_) throw UserError(out_.file_name + ": no iati-activities element");
  }

 private:
  static void on_error(void* self, xmlErrorPtr error) {
    auto* r = static_cast<Reader*>(self);
    if (!r->error_.empty() || !error) return;
    r->error_ = trimmed(error->message ? error->message : "error");
    r->error_line_ = static_cast<std::size_t>(error->line);
  }

  std::size_t line() const { return static_cast<std::size_t>(xmlTextReaderGetParserLineNumber(reader_.get())); }
  std::string where_line(std::size_t line) const { return out_.file_name + ":" + std::to_string(line); }
  std::string where() const {
    std::string w = where_line(line());
    if (in_activity_)
      w += ": activity " +
           (activity_.identifier.empty() ? "at line " + std::to_string(activity_.line) : activity_.identifier);
    if (!path_stack_.empty()) w += ": <" + path_stack_.back() + ">";
    return w;
  }
  [[noreturn]] void fail(const std::string& message) const { throw UserError(where() + ": " + message); }

  // The element names from iati-activity down (iati-activity excluded).
  bool at(std::initializer_list<const char*> path) const {
    if (path_stack_.size() != path.size()) return false;
    std::size_t i = 0;
    for (const char* p : path)
      if (path_stack_[i++] != p) return false;
    return true;
  }

  void node() {
    auto* r = reader_.get();
    int type = xmlTextReaderNodeType(r);
    if (type == XML_READER_TYPE_DOCUMENT_TYPE || type == XML_READER_TYPE_ENTITY_REFERENCE ||
        type == XML_READER_TYPE_ENTITY)
      throw UserError(where_line(line()) +
                      ": a DOCTYPE or entity is not allowed in an IATI file (no DTD is read, no entity expanded)");
    if (xmlTextReaderDepth(r) > limits_.max_depth)
      fail("elements nested deeper than " + std::to_string(limits_.max_depth) + " levels");
    if (type == XML_READER_TYPE_ELEMENT) {
      start_element();
      if (xmlTextReaderIsEmptyElement(r)) end_element();
    } else if (type == XML_READER_TYPE_END_ELEMENT) {
      end_element();
    } else if (type == XML_READER_TYPE_TEXT || type == XML_READER_TYPE_CDATA ||
               type == XML_READER_TYPE_SIGNIFICANT_WHITESPACE) {
      const xmlChar* value = xmlTextReaderConstValue(r);
      std::size_t size = value ? static_cast<std::size_t>(xmlStrlen(value)) : 0;
      if (size > limits_.max_text || text_.size() + size > limits_.max_text)
        fail("text longer than " + std::to_string(limits_.max_text) + " bytes");
      if (capture_) text_ += to_string(value);
    }
  }

  void start_element() {
    auto* r = reader_.get();
    std::string name = to_string(xmlTextReaderConstLocalName(r));
    int depth = xmlTextReaderDepth(r);
    if (depth == 0) {
      if (name != "iati-activities")
        throw UserError(out_.file_name + ": not an IATI activities file (root <" + name + ">)");
      auto version = attribute(r, "version");
      if (!version.starts_with("2."))
        throw UserError(out_.file_name + ": IATI version '" + version + "' is not supported (2.01 to 2.03)");
      root_seen_ = true;
      return;
    }
    if (depth == 1) {
      if (name != "iati-activity") return;
      in_activity_ = true;
      activity_ = Activity{};
      activity_.line = line();
      activity_.currency = attribute(r, "default-currency");
      activity_lang_ = to_string(xmlTextReaderConstXmlLang(r));
      return;
    }
    if (!in_activity_) return;
    path_stack_.push_back(name);
    text_.clear();
    capture_ = name == "narrative" || at({"iati-identifier"}) || at({"budget", "value"});
    auto& a = activity_;
    if (at({"reporting-org"}))
      a.reporting_ref = trimmed(attribute(r, "ref"));
    else if (at({"participating-org"}))
      a.orgs.push_back({trimmed(attribute(r, "ref")), attribute(r, "role"), ""});
    else if (at({"activity-status"}))
      a.status = attribute(r, "code");
    else if (at({"activity-date"})) {
      auto t = attribute(r, "type");
      if (!a.dates.count(t)) a.dates[t] = attribute(r, "iso-date");
    } else if (at({"recipient-country"}))
      a.countries.push_back(trimmed(attribute(r, "code")));
    else if (at({"transaction", "recipient-country"})) {
      auto code = trimmed(attribute(r, "code"));
      if (std::find(a.transaction_countries.begin(), a.transaction_countries.end(), code) ==
          a.transaction_countries.end())
        a.transaction_countries.push_back(code);
    }
    else if (at({"sector"}))
      a.sectors.emplace_back(vocabulary(), trimmed(attribute(r, "code")));
    else if (at({"transaction", "sector"}))
      a.transaction_sectors.emplace_back(vocabulary(), trimmed(attribute(r, "code")));
    else if (at({"description"}))
      description_general_ = attribute(r, "type").empty() || attribute(r, "type") == "1";
    else if (at({"budget"}))
      a.budgets.push_back({attribute(r, "type"), "", "", ""});
    else if (at({"budget", "value"})) {
      a.budgets.back().currency = attribute(r, "currency");
      a.budgets.back().value_date = attribute(r, "value-date");
    }
  }

  std::string vocabulary() {
    auto v = attribute(reader_.get(), "vocabulary");
    return v.empty() ? std::string(kDacVocabulary) : v;
  }

  void end_element() {
    if (!in_activity_) return;
    if (path_stack_.empty()) {  // </iati-activity>
      in_activity_ = false;
      finish_activity();
      return;
    }
    auto& a = activity_;
    if (capture_) {
      std::string lang = to_string(xmlTextReaderConstXmlLang(reader_.get()));
      if (at({"iati-identifier"}))
        a.identifier = trimmed(text_);
      else if (at({"title", "narrative"}))
        keep_narrative(a.title, a.title_en, text_, lang);
      else if (at({"description", "narrative"}) && description_general_)
        keep_narrative(a.description, a.description_en, text_, lang);
      else if (at({"participating-org", "narrative"}) && a.orgs.back().name.empty())
        a.orgs.back().name = trimmed(text_);
      else if (at({"reporting-org", "narrative"}) && a.reporting_name.empty())
        a.reporting_name = trimmed(text_);
      else if (at({"budget", "value"}))
        a.budgets.back().value = trimmed(text_);
    }
    capture_ = false;
    text_.clear();
    path_stack_.pop_back();
  }

  void note_unknown(const std::string& ref, const std::string& name) {
    std::string item = (ref.empty() ? "(no ref)" : ref) + (name.empty() ? "" : " (" + name + ")");
    if (out_.unknown_orgs.size() < kIatiListed && unknown_seen_.insert(item).second) out_.unknown_orgs.push_back(item);
  }

  std::string date(const char* type) {
    auto it = activity_.dates.find(type);
    if (it == activity_.dates.end() || it->second.empty()) return {};
    std::string d = it->second.substr(0, 10);  // 2024-01-31 or 2024-01-31T00:00:00Z
    try {
      return parse_value(*spec(Kind::Offer).field("start"), d).get<std::string>();
    } catch (const UserError&) {
      throw UserError(activity_where() + ": <activity-date type=\"" + type + "\" iso-date=\"" + it->second +
                      "\">: not a date");
    }
  }

  std::string activity_where() const { return where_line(activity_.line) + ": activity " + activity_.identifier; }

  void note(const std::string& text) {
    if (out_.notes.size() < kIatiListed) out_.notes.push_back(text);
  }

  void skip(const std::string& reason) {
    if (out_.skipped_count++ >= kIatiListed) return;
    out_.skipped.push_back(
        (activity_.identifier.empty() ? "activity at line " + std::to_string(activity_.line) : activity_.identifier) +
        ": " + reason);
  }

  void finish_activity() {
    auto& a = activity_;
    ++out_.activities;
    if (a.identifier.empty()) return skip("no iati-identifier");

    std::vector<std::string> recipients;
    for (const auto& c : a.countries.empty() ? a.transaction_countries : a.countries) {
      if (find_state(c))
        recipients.push_back(c);
      else
        note(a.identifier + ": recipient-country '" + c + "' is not a state liaison knows");
    }
    if (recipients.empty()) return skip("no recipient country liaison knows");

    std::vector<std::string> areas;
    auto& sectors = a.sectors.empty() ? a.transaction_sectors : a.sectors;
    for (const auto& [vocab, code] : sectors)
      if (vocab == kOwnVocabulary && is_slug(code) && store_.view().exists(Kind::Area, code)) areas.push_back(code);
    if (areas.empty())
      for (const auto& [vocab, code] : sectors) {
        auto area = vocab == kDacVocabulary ? area_of_dac_code(code) : std::string();
        if (!area.empty() && store_.view().exists(Kind::Area, area)) areas.push_back(area);
      }
    if (areas.empty()) return skip("no sector maps to a thematic area");

    // Organisations: by iati_ref, never invented.
    auto slug_of = [&](const std::string& ref) -> std::string {
      auto it = ref.empty() ? org_by_ref_.end() : org_by_ref_.find(ref);
      return it == org_by_ref_.end() ? std::string() : it->second;
    };
    for (const auto& o : a.orgs)
      if (slug_of(o.ref).empty()) note_unknown(o.ref, o.name);
    if (slug_of(a.reporting_ref).empty()) note_unknown(a.reporting_ref, a.reporting_name);
    std::string provider;
    auto first_with_role = [&](const char* role) {
      for (const auto& o : a.orgs)
        if (o.role == role && !slug_of(o.ref).empty()) return slug_of(o.ref);
      return std::string();
    };
    provider = first_with_role("4");
    if (provider.empty()) provider = slug_of(a.reporting_ref);
    if (provider.empty()) provider = first_with_role("3");
    if (provider.empty()) provider = first_with_role("1");
    if (provider.empty()) return skip("no liaison org has the iati_ref of its implementing, reporting or funding org");
    std::string funder;
    for (const auto& o : a.orgs)
      if (o.role == "1" && !slug_of(o.ref).empty() && slug_of(o.ref) != provider) {
        funder = slug_of(o.ref);
        break;
      }

    static const std::map<std::string, std::string> statuses = {{"1", "planned"},   {"2", "ongoing"},
                                                                {"3", "completed"}, {"4", "completed"},
                                                                {"5", "cancelled"}, {"6", "ongoing"}};
    std::string status = "planned";
    if (!a.status.empty()) {
      auto it = statuses.find(a.status);
      if (it == statuses.end())
        throw UserError(activity_where() + ": <activity-status code=\"" + a.status + "\">: not an ActivityStatus code");
      status = it->second;
    }
    std::string start = date("2");
    if (start.empty()) start = date("1");
    std::string end = date("4");
    if (end.empty()) end = date("3");

    // Only the activities kept are remembered: memory grows with what is imported.
    if (!identifiers_.insert(a.identifier).second)
      throw UserError(activity_where() + ": <iati-identifier>: given twice in the file");
    Json rec = Json::object();
    std::string id;
    auto found = offer_by_identifier_.find(a.identifier);
    std::optional<Json> before;
    if (found != offer_by_identifier_.end()) {
      id = found->second;
      before = store_.get(Kind::Offer, id);
      rec = *before;
    } else {
      // REF-<offer id>, as liaison exports it: keep that id.
      auto dash = a.identifier.rfind('-');
      std::string tail = dash == std::string::npos ? "" : a.identifier.substr(dash + 1);
      id = is_random_id(tail) && !offer_ids_.count(tail) && !new_ids_.count(tail) ? tail : new_random_id();
      rec["id"] = id;
      rec["kind"] = "other";
    }
    new_ids_.insert(id);
    auto set = [&](const char* field, const std::string& value) {
      if (value.empty())
        rec.erase(field);
      else
        rec[field] = value;
    };
    set("provider", provider);
    set("funder", funder);
    set("title", a.title.empty() ? a.identifier : a.title);
    set("description", a.description == a.title ? std::string() : a.description);
    set("status", status);
    set("start", start);
    set("end", end);
    rec["areas"] = areas;
    rec["recipients"] = recipients;
    auto iati_ref = iati_ref_of_[provider];
    set("iati_id", !iati_ref.empty() && a.identifier == iati_ref + "-" + id ? std::string() : a.identifier);
    budget(rec);

    Json normal;
    try {
      normal = normalize_record(Kind::Offer, rec);
    } catch (const UserError& e) {
      throw UserError(activity_where() + ": " + e.what());
    }
    if (before && normalize_record(Kind::Offer, *before) == normal) {
      ++out_.unchanged;
      return;
    }
    if (out_.changes.size() == limits_.max_offers)
      throw UserError(out_.file_name + ": more than " + std::to_string(limits_.max_offers) +
                      " activities to import or update; import the file in parts");
    ++(before ? out_.updated : out_.imported);
    // Handed over as its text and view row alone, the forms the commit
    // writes: 18k offers held as JSON until the commit weighed 48 MB.
    std::string text = canonical_json(normal);
    text.shrink_to_fit();
    auto row = make_view_row(Kind::Offer, normal);
    out_.changes.push_back(RecordChange{Kind::Offer, id, Json(), std::move(text), std::move(row)});
    out_.labels.push_back(activity_where());
  }

  // The activity's budget: its original budgets (type 1, or untyped) added
  // up, else its revised ones; left out when their currencies differ.
  void budget(Json& rec) {
    auto& a = activity_;
    rec.erase("budget");
    rec.erase("currency");
    rec.erase("budget_date");
    std::vector<const Budget*> chosen;
    for (const auto& b : a.budgets)
      if (b.type.empty() || b.type == "1") chosen.push_back(&b);
    if (chosen.empty())
      for (const auto& b : a.budgets) chosen.push_back(&b);
    if (chosen.empty()) return;
    std::string currency;
    long double total = 0;
    for (const auto* b : chosen) {
      std::string c = b->currency.empty() ? a.currency : b->currency;
      if (currency.empty()) currency = c;
      if (c.empty() || c != currency) {
        note(a.identifier + ": budget left out (" + (c.empty() ? "no currency" : "several currencies") + ")");
        return;
      }
      try {
        parse_value(*spec(Kind::Offer).field("budget"), b->value);
      } catch (const UserError&) {
        note(a.identifier + ": budget left out (value '" + b->value + "' is not an amount liaison takes)");
        return;
      }
      total += std::strtold(b->value.c_str(), nullptr);
    }
    if (chosen.size() == 1) {
      rec["budget"] = chosen[0]->value;
    } else {
      char buf[64];
      std::snprintf(buf, sizeof buf, "%.2Lf", total);
      std::string s = buf;
      while (s.back() == '0') s.pop_back();
      if (s.back() == '.') s.pop_back();
      rec["budget"] = s;
    }
    rec["currency"] = currency;
    // A value date on the start date is what the export writes when the offer
    // has none: it says nothing more than the start.
    auto value_date = chosen[0]->value_date.substr(0, 10);
    if (!value_date.empty() && value_date != rec.value("start", "")) rec["budget_date"] = value_date;
  }

  Store& store_;
  std::string path_;
  IatiLimits limits_;
  IatiImport& out_;
  std::unique_ptr<xmlTextReader, ReaderFree> reader_;
  std::string error_;
  std::size_t error_line_ = 0;
  bool root_seen_ = false, in_activity_ = false, capture_ = false, description_general_ = false;
  std::string activity_lang_, text_;
  std::vector<std::string> path_stack_;
  Activity activity_;
  std::map<std::string, std::string> org_by_ref_, iati_ref_of_, offer_by_identifier_;
  std::set<std::string> offer_ids_, identifiers_, new_ids_, unknown_seen_;
};

}  // namespace

IatiImport read_iati(Store& store, const std::string& path, const IatiLimits& limits) {
  IatiImport out;
  auto slash = path.find_last_of('/');
  out.file_name = slash == std::string::npos ? path : path.substr(slash + 1);
  Reader(store, path, limits, out).run();
  return out;
}

std::optional<CommitId> commit_iati(Store& store, IatiImport& import, const std::string& message) {
  if (import.changes.empty()) return std::nullopt;
  try {
    return store.commit(std::move(import.changes), message, true);
  } catch (const RecordError& e) {
    throw UserError(import.labels.at(e.index) + ": " + e.what());
  }
}

}  // namespace liaison
