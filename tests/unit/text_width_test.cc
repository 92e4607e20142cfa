// Unit tests of core/text_width: terminal columns of UTF-8 text in the
// scripts the directory holds, and cutting text without breaking characters.
#include "base/text_width.h"

#include <gtest/gtest.h>

namespace liaison {
namespace {

TEST(TextWidthTest, ChineseTakesTwoColumnsACharacter) {
  EXPECT_EQ(display_width("李明"), 4u);
  EXPECT_EQ(display_width("反恐怖主义"), 10u);
  EXPECT_EQ(display_width("Li 李明 (CN)"), 12u);
  EXPECT_EQ(display_width("ＡＢ"), 4u);   // fullwidth forms
  EXPECT_EQ(display_width("대테러"), 6u);  // Hangul
  EXPECT_EQ(display_width("テロ"), 4u);    // Katakana
}

TEST(TextWidthTest, CyrillicAndArabicTakeOneColumnACharacter) {
  EXPECT_EQ(display_width("Иван Петров"), 11u);  // 20 bytes
  EXPECT_EQ(display_width("مكافحة"), 6u);         // 12 bytes
  EXPECT_EQ(display_width("abc"), 3u);
  EXPECT_EQ(display_width(""), 0u);
}

TEST(TextWidthTest, CombiningMarksAndZeroWidthCharactersTakeNone) {
  EXPECT_EQ(display_width("e\xCC\x81"), 1u);                 // e + COMBINING ACUTE ACCENT
  EXPECT_EQ(display_width("Jose\xCC\x81 Nu\xCC\x81n\xCC\x83" "ez"), 10u);  // José Núñez, decomposed
  EXPECT_EQ(display_width("مُحَمَّد"), 4u);                     // Arabic letters with harakat
  EXPECT_EQ(display_width("a\xE2\x80\x8B" "b"), 2u);            // ZERO WIDTH SPACE
  EXPECT_EQ(codepoint_width(0x0301), 0);
  EXPECT_EQ(codepoint_width(0x4E2D), 2);
  EXPECT_EQ(codepoint_width(0x0416), 1);
}

TEST(TextWidthTest, MalformedBytesCountOneEach) {
  EXPECT_EQ(display_width("a\xFF" "b"), 3u);
  EXPECT_EQ(display_width("\xE6\x98"), 2u);  // a three-byte sequence cut short
}

TEST(TextWidthTest, TruncationCutsBetweenCharacters) {
  EXPECT_EQ(truncate_to_width("李明明", 3), "李");  // the second character would take columns 3-4
  EXPECT_EQ(truncate_to_width("李明明", 4), "李明");
  EXPECT_EQ(truncate_to_width("Иван", 2), "Ив");
  EXPECT_EQ(truncate_to_width("abc", 10), "abc");
  // The accent stays with its letter.
  EXPECT_EQ(truncate_to_width("e\xCC\x81x", 1), "e\xCC\x81");
  const std::string_view text = "Li 李明 Иван";
  for (std::size_t columns = 0; columns < 14; ++columns) {
    auto cut = truncate_to_width(text, columns);
    EXPECT_EQ(cut.data(), text.data());
    EXPECT_LE(display_width(cut), columns);
    // The byte after the cut starts a character: no sequence is broken.
    if (cut.size() < text.size()) {
      EXPECT_NE(static_cast<unsigned char>(text[cut.size()]) & 0xC0, 0x80) << columns;
    }
  }
  EXPECT_EQ(truncate_to_width(text, 5), "Li 李");
}

TEST(TextWidthTest, PaddingCountsColumnsNotBytes) {
  EXPECT_EQ(pad_to_width("李明", 6), "李明  ");
  EXPECT_EQ(pad_to_width("Иван", 6), "Иван  ");
  EXPECT_EQ(pad_to_width("toolong", 3), "toolong");
}

}  // namespace
}  // namespace liaison
