// Unit tests of canonical JSON (base/canonical_json.h): sorted keys, no
// insignificant whitespace, one trailing newline, UTF-8 kept as is, and a
// strict parser that refuses malformed text, invalid UTF-8 and duplicate keys.
#include <gtest/gtest.h>

#include "base/canonical_json.h"
#include "base/error.h"

namespace liaison {
namespace {

std::string error_of(std::string_view text, std::string_view what) {
  try {
    parse_json(text, what);
  } catch (const UserError& e) {
    return e.what();
  }
  return "";
}

TEST(CanonicalJson, SortsKeysDropsWhitespaceAndEndsWithOneNewline) {
  Json v = parse_json("{ \"b\" : 1,\n  \"a\" : [ 1, 2 ],\t\"A\": \"x\" }", "test");
  EXPECT_EQ(canonical_json(v), "{\"A\":\"x\",\"a\":[1,2],\"b\":1}\n");
}

TEST(CanonicalJson, SortsNestedObjectsToo) {
  Json v = parse_json(R"({"z":{"y":true,"x":null},"m":[{"b":2,"a":1}]})", "test");
  EXPECT_EQ(canonical_json(v), "{\"m\":[{\"a\":1,\"b\":2}],\"z\":{\"x\":null,\"y\":true}}\n");
}

TEST(CanonicalJson, KeysAreOrderedByBytes) {
  // Byte order: uppercase before lowercase, ASCII before any multi-byte UTF-8.
  Json v = Json::object();
  v["\xC3\xA9t\xC3\xA9"] = 1;  // "été"
  v["zeta"] = 2;
  v["Zeta"] = 3;
  v["alpha"] = 4;
  EXPECT_EQ(canonical_json(v), "{\"Zeta\":3,\"alpha\":4,\"zeta\":2,\"\xC3\xA9t\xC3\xA9\":1}\n");
}

TEST(CanonicalJson, SameValueFromDifferentTextGivesSameBytes) {
  Json a = parse_json(R"({"role":"Desk officer","org":"cis-atc","emails":["a@example.org"]})", "a");
  Json b = parse_json("{\n  \"emails\" : [\"a@example.org\"],\n  \"org\":\"cis-atc\",\n  \"role\":\"Desk officer\"\n}\n",
                      "b");
  EXPECT_EQ(canonical_json(a), canonical_json(b));
}

TEST(CanonicalJson, KeepsUtf8UnescapedAndEscapesControlCharacters) {
  Json v = {{"name", "\xD0\x96\xD0\xB0\xD0\xBD\xD0\xBD\xD0\xB0"},  // "Жанна"
            {"title", "\xE5\x8F\x8D\xE6\x81\x90"},                 // "反恐"
            {"notes", "line one\nline \"two\"\x01"}};
  std::string text = canonical_json(v);
  EXPECT_NE(text.find("\"\xD0\x96\xD0\xB0\xD0\xBD\xD0\xBD\xD0\xB0\""), std::string::npos) << text;
  EXPECT_NE(text.find("\xE5\x8F\x8D\xE6\x81\x90"), std::string::npos) << text;
  EXPECT_EQ(text.find("\\u04"), std::string::npos) << "Cyrillic must not be \\u-escaped: " << text;
  EXPECT_NE(text.find("line one\\nline \\\"two\\\"\\u0001"), std::string::npos) << text;
  // Exactly one newline, at the end.
  EXPECT_EQ(text.find('\n'), text.size() - 1);
}

TEST(CanonicalJson, RoundTripsThroughTheParser) {
  Json v = {{"id", "c0000000000000000000000000000001"},
            {"emails", {"a@example.org", "b@example.org"}},
            {"available_24_7", true},
            {"nested", {{"k", {1, 2.5, nullptr, "s"}}}}};
  std::string text = canonical_json(v);
  Json back = parse_json(text, "round trip");
  EXPECT_EQ(back, v);
  EXPECT_EQ(canonical_json(back), text);
}

TEST(CanonicalJson, EmptyObjectAndArray) {
  EXPECT_EQ(canonical_json(Json::object()), "{}\n");
  EXPECT_EQ(canonical_json(Json::array()), "[]\n");
}

TEST(CanonicalJson, RefusesToSerialiseInvalidUtf8) {
  Json v = {{"name", std::string("bad \xFF byte")}};
  EXPECT_THROW(canonical_json(v), UserError);
}

TEST(ParseJson, RejectsDuplicateKeysNamingTheKeyAndSource) {
  auto msg = error_of(R"({"role":"a","name":"b","role":"c"})", "contacts/c0/c0.json");
  EXPECT_NE(msg.find("contacts/c0/c0.json"), std::string::npos) << msg;
  EXPECT_NE(msg.find("duplicate key \"role\""), std::string::npos) << msg;
}

TEST(ParseJson, RejectsDuplicateKeysInNestedObjects) {
  auto msg = error_of(R"({"outer":{"x":1,"x":2}})", "nested.json");
  EXPECT_NE(msg.find("duplicate key \"x\""), std::string::npos) << msg;
}

TEST(ParseJson, SameKeyInDifferentObjectsIsFine) {
  Json v = parse_json(R"({"a":{"x":1},"b":{"x":2},"c":[{"x":3},{"x":4}]})", "ok.json");
  EXPECT_EQ(v["a"]["x"], 1);
  EXPECT_EQ(v["b"]["x"], 2);
  EXPECT_EQ(v["c"][1]["x"], 4);
}

TEST(ParseJson, KeyRepeatedAfterANestedObjectIsStillADuplicate) {
  auto msg = error_of(R"({"a":{"b":1},"a":2})", "after-nested.json");
  EXPECT_NE(msg.find("duplicate key \"a\""), std::string::npos) << msg;
}

TEST(ParseJson, RejectsMalformedTextNamingTheSource) {
  for (const char* bad : {"{\"a\":", "{\"a\":1,}", "{'a':1}", "{} trailing", "", "[1 2]"}) {
    auto msg = error_of(bad, "input.json");
    EXPECT_NE(msg.find("input.json: malformed JSON"), std::string::npos) << "for " << bad << ": " << msg;
  }
}

TEST(ParseJson, RejectsInvalidUtf8) {
  EXPECT_THROW(parse_json("{\"name\":\"\xFF\xFE\"}", "bytes.json"), UserError);
  EXPECT_THROW(parse_json("{\"name\":\"\xC3\"}", "truncated.json"), UserError);
}

TEST(ParseJson, AcceptsValidUtf8AndEscapes) {
  Json v = parse_json("{\"name\":\"\\u0416\xD0\xB0\"}", "ok.json");
  EXPECT_EQ(v["name"], "\xD0\x96\xD0\xB0");
}

TEST(ParseJson, RefusesNestingDeeperThanTheLimit) {
  auto deep = [](std::size_t levels) { return std::string(levels, '[') + std::string(levels, ']'); };
  EXPECT_EQ(parse_json(deep(kMaxJsonDepth), "ok.json").size(), 1u);
  auto msg = error_of(deep(kMaxJsonDepth + 1), "deep.json");
  EXPECT_NE(msg.find("deep.json: JSON nested deeper than 64 levels"), std::string::npos) << msg;
  // Deep enough to overflow the stack of a recursive dump, if it got that far.
  EXPECT_THROW(parse_json(std::string(1000000, '[') + std::string(1000000, ']'), "bomb.json"), UserError);
  EXPECT_THROW(parse_json(std::string(500000, '['), "open.json"), UserError);
}

}  // namespace
}  // namespace liaison
