// Record ids: contacts, needs and offers get random 128-bit ids written as
// 32 lowercase hex digits and shown abbreviated, as git shows commit ids.
#pragma once

#include <string>
#include <string_view>

namespace liaison {

inline constexpr std::size_t kShortIdLength = 8;

// A fresh id from the operating system's random source.
std::string new_random_id();
bool is_random_id(std::string_view text);
bool is_slug(std::string_view text);
std::string short_id(std::string_view id);

}  // namespace liaison
