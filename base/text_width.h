// How many terminal columns UTF-8 text takes, for aligning text tables: East
// Asian Wide and Fullwidth characters (Chinese, Japanese, Korean, fullwidth
// forms, most emoji) take 2, combining marks and zero-width characters take 0,
// everything else 1. The answer comes from a small built-in range table, so it
// is the same under every locale. Bytes that are not valid UTF-8 count 1 each,
// as a terminal shows a replacement character for each.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace liaison {

// Columns of one code point: 0, 1 or 2.
int codepoint_width(char32_t cp);

std::size_t display_width(std::string_view text);

// The longest start of `text` that fits in `columns`, cut between whole
// characters (never inside a UTF-8 sequence); combining marks that follow an
// included character stay with it.
std::string_view truncate_to_width(std::string_view text, std::size_t columns);

// `text` followed by spaces up to `columns` (unchanged when already as wide).
std::string pad_to_width(std::string_view text, std::size_t columns);

}  // namespace liaison
