#include "model/record.h"

#include <algorithm>
#include <chrono>
#include <set>

#include <unicode/locid.h>

#include "base/decode_limits.h"
#include "base/error.h"
#include "model/ids.h"
#include "model/phone.h"
#include "model/reference_data.h"

namespace liaison {
namespace {

std::string trim(std::string_view text) {
  const char* space = " \t\r\n";
  auto first = text.find_first_not_of(space);
  if (first == std::string_view::npos) return {};
  auto last = text.find_last_not_of(space);
  return std::string(text.substr(first, last - first + 1));
}

std::string lower_ascii(std::string text) {
  for (auto& c : text)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return text;
}

[[noreturn]] void bad(const FieldSpec& field, const std::string& reason) {
  throw UserError(std::string(field.name) + ": " + reason);
}

bool is_valid_date(std::string_view text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return false;
  for (int i : {0, 1, 2, 3, 5, 6, 8, 9})
    if (text[i] < '0' || text[i] > '9') return false;
  int y = std::stoi(std::string(text.substr(0, 4)));
  unsigned m = std::stoul(std::string(text.substr(5, 2)));
  unsigned d = std::stoul(std::string(text.substr(8, 2)));
  return std::chrono::year_month_day{std::chrono::year{y}, std::chrono::month{m}, std::chrono::day{d}}.ok();
}

bool is_valid_email(std::string_view text) {
  auto at = text.find('@');
  if (at == 0 || at == std::string_view::npos || text.find('@', at + 1) != std::string_view::npos) return false;
  auto local = text.substr(0, at);
  auto domain = text.substr(at + 1);
  if (local.size() > 64 || domain.size() > 253 || domain.find('.') == std::string_view::npos) return false;
  for (unsigned char c : local)
    if (c <= ' ' || c == '(' || c == ')' || c == ',' || c == ';' || c == ':' || c == '<' || c == '>' ||
        c == '[' || c == ']' || c == '"' || c == '\\')
      return false;
  std::size_t label = 0;
  for (unsigned char c : domain) {
    if (c == '.') {
      if (label == 0) return false;
      label = 0;
      continue;
    }
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c >= 0x80;
    if (!ok) return false;
    ++label;
  }
  return label > 0;
}

bool is_known_language(const std::string& code) {
  static const std::set<std::string> known = [] {
    std::set<std::string> out;
    for (const char* const* it = icu::Locale::getISOLanguages(); *it; ++it) out.insert(*it);
    return out;
  }();
  return code.size() == 3 || known.count(code) > 0;
}

// BCP 47: language[-Script][-REGION][-variant]*, normalised to conventional case.
std::optional<std::string> normalize_language(std::string_view text) {
  std::vector<std::string> parts;
  std::string part;
  for (char c : text) {
    if (c == '-' || c == '_') {
      parts.push_back(part);
      part.clear();
    } else {
      part.push_back(c);
    }
  }
  parts.push_back(part);
  auto alpha = [](const std::string& s) {
    return std::all_of(s.begin(), s.end(), [](char c) { return std::isalpha(static_cast<unsigned char>(c)); });
  };
  auto alnum = [](const std::string& s) {
    return std::all_of(s.begin(), s.end(), [](char c) { return std::isalnum(static_cast<unsigned char>(c)); });
  };
  std::string lang = lower_ascii(parts[0]);
  if (lang.size() < 2 || lang.size() > 3 || !alpha(lang) || !is_known_language(lang)) return std::nullopt;
  std::string out = lang;
  for (std::size_t i = 1; i < parts.size(); ++i) {
    std::string p = parts[i];
    if (p.empty() || !alnum(p)) return std::nullopt;
    if (p.size() == 4 && alpha(p)) {
      p = lower_ascii(p);
      p[0] = static_cast<char>(std::toupper(p[0]));
    } else if ((p.size() == 2 && alpha(p))) {
      for (auto& c : p) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    } else if (p.size() == 3 && std::all_of(p.begin(), p.end(), ::isdigit)) {
    } else if ((p.size() >= 5 && p.size() <= 8) || (p.size() == 4 && std::isdigit(static_cast<unsigned char>(p[0])))) {
      p = lower_ascii(p);  // variants: 5-8 alphanumerics, or a digit and 3 (de-CH-1996)
    } else {
      return std::nullopt;
    }
    out += "-" + p;
  }
  return out;
}

bool has_control_characters(std::string_view text, bool allow_newlines) {
  for (unsigned char c : text) {
    if (c == '\n' && allow_newlines) continue;
    if (c == '\t') continue;
    if (c < 0x20 || c == 0x7f) return true;
  }
  return false;
}

Json parse_bool(const FieldSpec& field, std::string_view text) {
  auto v = lower_ascii(trim(text));
  if (v == "true" || v == "yes" || v == "1" || v == "y") return true;
  if (v == "false" || v == "no" || v == "0" || v == "n") return false;
  bad(field, "'" + std::string(text) + "' is not true or false");
}

std::string join(const std::vector<std::string_view>& items, std::string_view sep) {
  std::string out;
  for (auto& i : items) {
    if (!out.empty()) out += sep;
    out += i;
  }
  return out;
}

// Lifecycle of a need: open -> matched -> in-progress -> fulfilled, and
// withdrawn from any state but fulfilled. A match may be undone.
const std::set<std::pair<std::string_view, std::string_view>> kNeedTransitions = {
    {"open", "matched"},        {"open", "withdrawn"},          {"matched", "open"},
    {"matched", "in-progress"}, {"matched", "withdrawn"},       {"in-progress", "fulfilled"},
    {"in-progress", "matched"}, {"in-progress", "withdrawn"},   {"withdrawn", "open"},
};

}  // namespace

Json parse_value(const FieldSpec& field, std::string_view raw) {
  std::string text = trim(raw);
  if (text.empty()) bad(field, "value is empty");
  switch (field.type) {
    case ValueType::Text:
      if (has_control_characters(text, field.multiline)) bad(field, "contains control characters");
      if (text.size() > 4000) bad(field, "longer than 4000 bytes");
      return text;
    case ValueType::Slug:
      if (!is_slug(text)) bad(field, "'" + text + "' is not a slug (lowercase letters, digits and -)");
      return text;
    case ValueType::RandomId:
      if (!is_random_id(text)) bad(field, "'" + text + "' is not a 32-digit hexadecimal id");
      return text;
    case ValueType::Bool:
      return parse_bool(field, text);
    case ValueType::Date:
      if (!is_valid_date(text)) bad(field, "'" + text + "' is not a date (YYYY-MM-DD)");
      return text;
    case ValueType::Choice: {
      auto v = lower_ascii(text);
      std::replace(v.begin(), v.end(), '_', '-');
      if (std::find(field.choices.begin(), field.choices.end(), v) == field.choices.end())
        bad(field, "'" + text + "' is not one of " + join(field.choices, ", "));
      return v;
    }
    case ValueType::Email: {
      if (text.starts_with("mailto:")) text = text.substr(7);
      if (!is_valid_email(text)) bad(field, "'" + text + "' is not an email address");
      return lower_ascii(text);
    }
    case ValueType::Phone: {
      auto e164 = to_e164(text);
      if (!e164) bad(field, "'" + text + "' is not a phone number in international form (+country code)");
      return *e164;
    }
    case ValueType::Url:
      if (!(text.starts_with("https://") || text.starts_with("http://")) || text.find(' ') != std::string::npos ||
          text.size() < 10)
        bad(field, "'" + text + "' is not an http(s) URL");
      return text;
    case ValueType::State: {
      std::string code = text;
      for (auto& c : code) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      if (!find_state(code)) bad(field, "unknown state '" + text + "' (use an ISO 3166 alpha-2 code)");
      return code;
    }
    case ValueType::Language: {
      auto tag = normalize_language(text);
      if (!tag) bad(field, "'" + text + "' is not a BCP 47 language tag (e.g. en, ru, zh-Hans)");
      return *tag;
    }
    case ValueType::Ref: {
      if (field.ref == Kind::Area || field.ref == Kind::Org) {
        auto v = lower_ascii(text);
        if (!is_slug(v)) bad(field, "'" + text + "' is not a valid " + std::string(kind_name(*field.ref)) + " id");
        return v;
      }
      auto v = lower_ascii(text);
      if (!is_random_id(v)) bad(field, "'" + text + "' is not a full " + std::string(kind_name(*field.ref)) + " id");
      return v;
    }
    case ValueType::Decimal: {
      auto dot = text.find('.');
      auto whole = text.substr(0, dot);
      auto fraction = dot == std::string::npos ? std::string() : text.substr(dot + 1);
      auto digits = [](const std::string& s) {
        return std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
      };
      if (whole.empty() || whole.size() > 15 || !digits(whole) || (dot != std::string::npos && fraction.empty()) ||
          fraction.size() > 6 || !digits(fraction))
        bad(field, "'" + text + "' is not an amount (digits, optionally . and up to 6 decimals, e.g. 1200.50)");
      whole.erase(0, std::min(whole.find_first_not_of('0'), whole.size() - 1));  // 007 -> 7
      return fraction.empty() ? whole : whole + "." + fraction;
    }
    case ValueType::Currency: {
      auto code = text;
      for (auto& c : code) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      if (code.size() != 3 || !std::all_of(code.begin(), code.end(), [](char c) { return c >= 'A' && c <= 'Z'; }))
        bad(field, "'" + text + "' is not an ISO 4217 currency code (three letters, e.g. USD, EUR)");
      return code;
    }
  }
  bad(field, "unsupported type");
}

namespace {

// True when `value` is `field`'s value in `checked`, or one of its members.
bool already_checked(const Json* checked, const std::string& field, const Json& value) {
  if (!checked || !value.is_string()) return false;
  auto it = checked->find(field);
  if (it == checked->end()) return false;
  if (it->is_array()) return std::find(it->begin(), it->end(), value) != it->end();
  return *it == value;
}

// A name as a message may show it: one line, printable ASCII, bounded, since
// a refused name is whatever the record held.
std::string shown_name(std::string_view name) {
  constexpr std::size_t kShown = 64;
  std::string out;
  for (std::size_t i = 0; i < name.size() && i < kShown; ++i) {
    auto c = static_cast<unsigned char>(name[i]);
    if (c >= 0x20 && c < 0x7f && c != '\\') {
      out.push_back(static_cast<char>(c));
    } else {
      static const char* hex = "0123456789abcdef";
      out += "\\x";
      out.push_back(hex[c >> 4]);
      out.push_back(hex[c & 0xf]);
    }
  }
  if (name.size() > kShown) out += "...";
  return out;
}

}  // namespace

bool is_unknown_field_name(std::string_view name) {
  if (name.empty() || name.size() > kMaxFieldNameBytes || name[0] < 'a' || name[0] > 'z') return false;
  return std::all_of(name.begin(), name.end(),
                     [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'; });
}

std::vector<std::string> unknown_fields(Kind kind, const Json& record) {
  std::vector<std::string> out;
  if (!record.is_object()) return out;
  const auto& ks = spec(kind);
  for (auto it = record.begin(); it != record.end(); ++it)
    if (!ks.field(it.key())) out.push_back(it.key());
  return out;
}

Json normalize_record(Kind kind, const Json& input, const Json* checked) {
  const auto& ks = spec(kind);
  if (!input.is_object()) throw UserError(std::string(ks.name) + ": record is not a JSON object");
  std::string who = std::string(ks.name);
  if (auto id = input.find(ks.id_field); id != input.end() && id->is_string())
    who += " " + short_id(id->get<std::string>());
  Json out = Json::object();
  std::size_t unknown = 0;
  try {
    for (auto it = input.begin(); it != input.end(); ++it) {
      const FieldSpec* field = ks.field(it.key());
      if (!field) {
        // A field of a newer version: kept as written, value and all, so
        // that this version can edit, merge and pass on the record without
        // losing it. Only its name is checked, and how many there are.
        if (!is_unknown_field_name(it.key()))
          throw UserError("unknown field '" + shown_name(it.key()) +
                          "' is not a well-formed name (a lowercase letter, then up to " +
                          std::to_string(kMaxFieldNameBytes - 1) + " lowercase letters, digits or _)");
        if (++unknown > kMaxUnknownFields)
          throw UserError("more than " + std::to_string(kMaxUnknownFields) +
                          " fields this version does not know (the first beyond: '" + it.key() + "')");
        out[it.key()] = it.value();
        continue;
      }
      const Json& value = it.value();
      if (value.is_null()) continue;
      if (field->is_set) {
        // Members keep the order given, the first being the preferred one;
        // a repeat (perhaps another spelling of one phone) keeps the first.
        Json items = value.is_array() ? value : Json::array({value});
        std::vector<std::string> members;
        std::set<std::string> seen;
        for (const auto& item : items) {
          if (!item.is_string()) bad(*field, "members must be strings");
          if (trim(item.get<std::string>()).empty()) continue;
          std::string member = already_checked(checked, it.key(), item)
                                   ? item.get<std::string>()
                                   : parse_value(*field, item.get<std::string>()).get<std::string>();
          if (seen.insert(member).second) members.push_back(std::move(member));
        }
        if (!members.empty()) out[it.key()] = Json(members);
        continue;
      }
      if (field->type == ValueType::Bool && value.is_boolean()) {
        out[it.key()] = value;
        continue;
      }
      if (!value.is_string()) bad(*field, "must be a string");
      if (trim(value.get<std::string>()).empty()) continue;
      out[it.key()] = already_checked(checked, it.key(), value) ? value : parse_value(*field, value.get<std::string>());
    }
    for (const auto& field : ks.fields)
      if (field.required && !out.contains(field.name)) bad(field, "is required");
    if (kind == Kind::Offer && out.contains("start") && out.contains("end") && out["end"] < out["start"])
      throw UserError("end: " + out["end"].get<std::string>() + " is before start " +
                      out["start"].get<std::string>());
    // Known fields are bounded one by one (4,000 bytes of text); unknown
    // ones only by the whole record, held to the size a record file may
    // have in a patch or a push, so a record this copy keeps can be passed on.
    if (unknown > 0) {
      constexpr std::size_t kMaxBytes = DecodeLimits{}.max_record_bytes;
      auto bytes = canonical_json(out).size();
      if (bytes > kMaxBytes)
        throw UserError("a record of " + std::to_string(bytes) + " bytes with fields this version does not know (at most " +
                        std::to_string(kMaxBytes) + ")");
    }
  } catch (const UserError& e) {
    throw UserError(who + ": " + e.what());
  }
  return out;
}

void apply_defaults(Kind kind, Json& record, std::string_view today) {
  for (const auto& field : spec(kind).fields) {
    if (record.contains(field.name)) continue;
    if (!field.default_value.empty()) record[field.name] = field.default_value;
  }
  if (kind == Kind::Need && !record.contains("raised")) record["raised"] = today;
}

bool is_allowed_transition(std::string_view from, std::string_view to) {
  return from == to || kNeedTransitions.count({from, to}) > 0;
}

void check_update(Kind kind, const Json& before, const Json& after) {
  const auto& ks = spec(kind);
  if (before.value(ks.id_field, "") != after.value(ks.id_field, ""))
    throw UserError(describe_record(kind, before) + ": " + std::string(ks.id_field) + " cannot change");
  if (kind == Kind::Need) {
    auto from = before.value("status", "open");
    auto to = after.value("status", "open");
    if (!is_allowed_transition(from, to))
      throw UserError(describe_record(kind, before) + ": status: cannot go from " + from + " to " + to);
  }
}

std::vector<Reference> references_of(Kind kind, const Json& record) {
  std::vector<Reference> out;
  for (const auto& field : spec(kind).fields) {
    if (field.type != ValueType::Ref) continue;
    auto it = record.find(field.name);
    if (it == record.end()) continue;
    if (it->is_array()) {
      for (const auto& v : *it) out.push_back({field.name, *field.ref, v.get<std::string>()});
    } else {
      out.push_back({field.name, *field.ref, it->get<std::string>()});
    }
  }
  return out;
}

std::string record_id(Kind kind, const Json& record) { return record.value(std::string(spec(kind).id_field), ""); }

bool refers_to(Kind kind, const Json& record, const RecordKey& target) {
  for (const auto& ref : references_of(kind, record))
    if (ref.to == target.kind && ref.id == target.id) return true;
  return false;
}

std::string record_owner(Kind kind, const Json& record) {
  const auto& ks = spec(kind);
  if (ks.owner_field.empty()) return "";
  auto it = record.find(ks.owner_field);
  return it != record.end() && it->is_string() ? it->get<std::string>() : "";
}

std::string record_label(Kind kind, const Json& record) {
  for (auto f : spec(kind).label_fields) {
    auto it = record.find(f);
    if (it != record.end() && it->is_string()) return it->get<std::string>();
  }
  return "";
}

std::string describe_record(Kind kind, const Json& record) {
  std::string out = std::string(kind_name(kind)) + " " + short_id(record_id(kind, record));
  auto label = record_label(kind, record);
  if (!label.empty() && label != record_id(kind, record)) out += " (" + label + ")";
  return out;
}

std::string searchable_text(Kind kind, const Json& record) {
  std::string out;
  for (const auto& field : spec(kind).fields) {
    if (!field.searchable) continue;
    auto it = record.find(field.name);
    if (it == record.end()) continue;
    if (it->is_array()) {
      for (const auto& v : *it) out += v.get<std::string>() + " ";
    } else if (it->is_string()) {
      out += it->get<std::string>() + " ";
    }
  }
  if (kind == Kind::Org || kind == Kind::Area) out += record_id(kind, record);
  return out;
}

}  // namespace liaison
