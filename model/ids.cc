#include "model/ids.h"

#include <random>

namespace liaison {

std::string new_random_id() {
  static thread_local std::random_device device;
  static const char* hex = "0123456789abcdef";
  std::string out;
  for (int word = 0; word < 4; ++word) {
    auto bits = static_cast<std::uint32_t>(device());
    for (int nibble = 0; nibble < 8; ++nibble) out.push_back(hex[(bits >> (nibble * 4)) & 0xF]);
  }
  return out;
}

bool is_random_id(std::string_view text) {
  if (text.size() != 32) return false;
  for (char c : text)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  return true;
}

bool is_slug(std::string_view text) {
  if (text.empty() || text.size() > 64 || text.front() == '-' || text.back() == '-') return false;
  for (char c : text)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) return false;
  return true;
}

std::string short_id(std::string_view id) {
  return std::string(id.size() == 32 ? id.substr(0, kShortIdLength) : id);
}

}  // namespace liaison
