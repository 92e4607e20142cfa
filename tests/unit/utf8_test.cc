// Unit tests of base/utf8.h: each length of sequence decodes to its code
// point, malformed and cut-short sequences give U+FFFD for one byte, and
// encoding gives back the bytes decoding took.
#include <gtest/gtest.h>

#include <string>

#include "base/utf8.h"

namespace liaison {
namespace {

TEST(Utf8Test, DecodesOneToFourByteSequences) {
  std::string text = "A\u00e9\u0416\u4e2d\U0001F600";  // A é Ж 中 😀
  std::vector<std::pair<char32_t, std::size_t>> want = {{U'A', 1}, {0xE9, 2}, {0x416, 2}, {0x4E2D, 3}, {0x1F600, 4}};
  std::size_t at = 0;
  for (const auto& [cp, length] : want) {
    auto got = decode_utf8(text, at);
    EXPECT_EQ(got.cp, cp) << "at " << at;
    EXPECT_EQ(got.length, length) << "at " << at;
    at += got.length;
  }
  EXPECT_EQ(at, text.size());
}

TEST(Utf8Test, MalformedOrCutShortSequencesGiveTheReplacementForOneByte) {
  for (std::string bad : {std::string("\x80"), std::string("\xC3"), std::string("\xE4\xB8"), std::string("\xC3\x41"),
                          std::string("\xF8\x88\x80\x80\x80"), std::string("\xFF")}) {
    auto got = decode_utf8(bad, 0);
    EXPECT_EQ(got.cp, 0xFFFDu) << testing::PrintToString(bad);
    EXPECT_EQ(got.length, 1u) << testing::PrintToString(bad);
  }
}

TEST(Utf8Test, EncodingGivesBackTheDecodedBytes) {
  for (char32_t cp : {char32_t{0x41}, char32_t{0x7FF}, char32_t{0x800}, char32_t{0xFFFD}, char32_t{0x10000},
                      char32_t{0x10FFFF}}) {
    std::string bytes;
    append_utf8(bytes, cp);
    auto back = decode_utf8(bytes, 0);
    EXPECT_EQ(back.cp, cp);
    EXPECT_EQ(back.length, bytes.size());
  }
}

}  // namespace
}  // namespace liaison
