// Canonical JSON, as DESIGN.md defines it: UTF-8, object keys sorted by
// bytes, no insignificant whitespace, one trailing newline, no duplicate keys.
// The same value always serialises to the same bytes, so equal records have
// equal git blob ids.
#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace liaison {

using Json = nlohmann::json;

// Parses strict JSON. Throws UserError naming `what` (a file or field) when
// the text is malformed, is not valid UTF-8, repeats a key in one object, or
// nests arrays and objects deeper than kMaxJsonDepth (liaison's own JSON
// nests three levels at most).
inline constexpr std::size_t kMaxJsonDepth = 64;
Json parse_json(std::string_view text, std::string_view what);

// Serialises `value` canonically, with the trailing newline.
std::string canonical_json(const Json& value);

}  // namespace liaison
