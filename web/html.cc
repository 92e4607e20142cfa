#include "web/html.h"

#include "base/error.h"
#include "base/utf8.h"

namespace liaison::web {

namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool valid_utf8(std::string_view text) {
  for (std::size_t at = 0; at < text.size();) {
    auto c = decode_utf8(text, at);
    if (c.cp == 0xFFFD && c.length == 1) return false;
    at += c.length;
  }
  return true;
}

std::string decode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '+') {
      out += ' ';
    } else if (c == '%') {
      int hi = i + 2 < text.size() ? hex_value(text[i + 1]) : -1;
      int lo = i + 2 < text.size() ? hex_value(text[i + 2]) : -1;
      if (hi < 0 || lo < 0) throw UserError("malformed query: a '%' is not followed by two hexadecimal digits");
      out += static_cast<char>(hi * 16 + lo);
      i += 2;
    } else {
      out += c;
    }
  }
  if (!valid_utf8(out)) throw UserError("malformed query: not UTF-8");
  return out;
}

}  // namespace

std::string url_encode(std::string_view text) {
  static const char* digits = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += digits[c >> 4];
      out += digits[c & 15];
    }
  }
  return out;
}

std::map<std::string, std::string> parse_query(std::string_view text, std::size_t max_pairs) {
  std::map<std::string, std::string> out;
  std::size_t pairs = 0;
  while (!text.empty()) {
    auto amp = text.find('&');
    auto pair = text.substr(0, amp);
    text = amp == std::string_view::npos ? std::string_view() : text.substr(amp + 1);
    if (pair.empty()) continue;
    if (++pairs > max_pairs) throw UserError("malformed query: more than " + std::to_string(max_pairs) + " parameters");
    auto eq = pair.find('=');
    auto name = decode(pair.substr(0, eq));
    if (name.size() > 64) throw UserError("malformed query: a parameter name is longer than 64 bytes");
    out[name] = eq == std::string_view::npos ? "" : decode(pair.substr(eq + 1));
  }
  return out;
}

std::string query_string(const std::map<std::string, std::string>& pairs) {
  std::string out;
  for (const auto& [name, value] : pairs) {
    if (value.empty()) continue;
    out += (out.empty() ? "?" : "&") + url_encode(name) + "=" + url_encode(value);
  }
  return out;
}

}  // namespace liaison::web
