// What the pages need to write HTML and read what a browser sends: text
// and attribute escaping (io/report_html.h's html_escape), URL components,
// and query strings and form bodies, decoded within bounds.
#pragma once

#include <map>
#include <string>
#include <string_view>

#include "io/report_html.h"

namespace liaison::web {

using liaison::html_escape;

// A URL component: every byte but RFC 3986's unreserved ones as %XX.
std::string url_encode(std::string_view text);

// A query string or an application/x-www-form-urlencoded body ("a=1&b=x+y"),
// decoded ('+' is a space). At most `max_pairs` pairs and names of 64 bytes;
// a later pair of the same name replaces the earlier. Throws UserError,
// naming what is wrong, for a malformed escape, too many pairs, a name too
// long, or bytes that are not UTF-8.
std::map<std::string, std::string> parse_query(std::string_view text, std::size_t max_pairs = 64);

// "?a=1&b=x%20y" from the pairs with a value (empty: "").
std::string query_string(const std::map<std::string, std::string>& pairs);

}  // namespace liaison::web
