#include "core/canonical_json.h"

#include <set>
#include <vector>

#include "core/error.h"

namespace liaison {

Json parse_json(std::string_view text, std::string_view what) {
  // nlohmann keeps the last of duplicate keys; we refuse them instead, so a
  // record never silently loses a value.
  std::vector<std::set<std::string>> keys_per_object;
  std::string duplicate;
  auto reject_duplicates = [&](int /*depth*/, Json::parse_event_t event, Json& parsed) {
    switch (event) {
      case Json::parse_event_t::object_start:
        keys_per_object.emplace_back();
        break;
      case Json::parse_event_t::object_end:
        keys_per_object.pop_back();
        break;
      case Json::parse_event_t::key: {
        auto key = parsed.get<std::string>();
        if (!keys_per_object.back().insert(key).second && duplicate.empty()) duplicate = key;
        break;
      }
      default:
        break;
    }
    return true;
  };
  Json value;
  try {
    value = Json::parse(text.begin(), text.end(), reject_duplicates);
  } catch (const Json::exception& e) {
    std::string reason = e.what();
    auto pos = reason.find("] ");
    if (pos != std::string::npos) reason = reason.substr(pos + 2);
    throw UserError(std::string(what) + ": malformed JSON: " + reason);
  }
  if (!duplicate.empty())
    throw UserError(std::string(what) + ": duplicate key \"" + duplicate + "\"");
  return value;
}

std::string canonical_json(const Json& value) {
  // Json objects are std::map-backed, so keys already come out sorted.
  std::string out;
  try {
    out = value.dump(-1, ' ', false, Json::error_handler_t::strict);
  } catch (const Json::exception&) {
    throw UserError("record text is not valid UTF-8");
  }
  out.push_back('\n');
  return out;
}

}  // namespace liaison
