#include "ingest/elastic/unread_strings.h"

#include <optional>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace cov::ingest::elastic {
namespace {

std::optional<std::string> Drop(const std::string& text) {
  return DropUnreadStrings(text, {"note", "setup"});
}

TEST(DropUnreadStringsTest, EmptiesNamedStringsKeepingLineBreaks) {
  const std::string text =
      "[rule]\n"
      "description = \"\"\"\nkept\n\"\"\"\n"
      "note = \"\"\"## Triage\nStep \\\"1\\\" \\\\ done\r\nmore \"\" quotes\n"
      "\"\"\"\n"
      "  setup = '''\nraw \\ text\n'''  \n"
      "name = \"x\"\n";
  std::optional<std::string> out = Drop(text);
  ASSERT_TRUE(out.has_value());
  EXPECT_EQ(*out,
            "[rule]\n"
            "description = \"\"\"\nkept\n\"\"\"\n"
            "note = \"\"\"\n\n\n\"\"\"\n"
            "  setup = '''\n\n'''  \n"
            "name = \"x\"\n");
}

TEST(DropUnreadStringsTest, LineEndingBackslashIsValid) {
  std::optional<std::string> out =
      Drop("note = \"\"\"a \\  \n  b\"\"\"\nx = 1\n");
  ASSERT_TRUE(out.has_value());
  EXPECT_EQ(*out, "note = \"\"\"\n\"\"\"\nx = 1\n");
}

TEST(DropUnreadStringsTest, NothingToDrop) {
  EXPECT_EQ(Drop("[rule]\nname = \"x\"\n"), std::nullopt);
  EXPECT_EQ(Drop("notes = \"\"\"\nx\n\"\"\"\n"), std::nullopt);
  EXPECT_EQ(Drop("note = \"one line\"\n"), std::nullopt);
  EXPECT_EQ(Drop(""), std::nullopt);
}

TEST(DropUnreadStringsTest, KeysInsideStringsArraysOrCommentsAreNotKeys) {
  EXPECT_EQ(Drop("a = \"\"\"\nnote = \"\"\"\nx\n\"\"\"\n"), std::nullopt);
  EXPECT_EQ(Drop("a = [\nnote = \"\"\"\nx\n\"\"\"\n]\n"), std::nullopt);
  EXPECT_EQ(Drop("# note = \"\"\"\nx = 1\n"), std::nullopt);
  EXPECT_EQ(Drop("a = '''\nnote = \"\"\"x\"\"\"\n'''\n"), std::nullopt);
}

TEST(DropUnreadStringsTest, AnythingTomlMightRejectIsLeftAlone) {
  for (const char* text : {
           "note = \"\"\"\nbad \\q escape\n\"\"\"\n",  // unknown escape
           "note = \"\"\"\n\\u00e9\n\"\"\"\n",         // \u: left to toml++
           "note = \"\"\"\na\x01z\n\"\"\"\n",          // control character
           "note = \"\"\"\na\x7fz\n\"\"\"\n",          // DEL
           "note = \"\"\"\na\xC2\x85z\n\"\"\"\n",      // C1 control
           "note = \"\"\"\na\rz\n\"\"\"\n",            // lone CR
           "note = \"\"\"\nunterminated\n",            // no close
           "note = \"\"\"\nx\"\"\"\"\n",               // quote run of 4
           "note = \"\"\"\nx\"\"\" y = 1\n",           // text after close
           "note = \"\"\"\nx\"\"\" # comment\n",       // comment after close
           "note = \"\"\"\nx\"\"\"",                   // no final line break
           "note = '''\nx''''\n",                      // literal quote run
           "a = \"unterminated\nnote = \"\"\"\nx\n\"\"\"\n",
           "a = ]\nnote = \"\"\"\nx\n\"\"\"\n",  // stray bracket
       }) {
    EXPECT_EQ(Drop(text), std::nullopt) << text;
  }
}

TEST(DropUnreadStringsTest, HugeStringIsLinear) {
  std::string text = "note = \"\"\"\n";
  for (int i = 0; i < 200000; ++i) text += "line of an investigation guide\n";
  text += "\"\"\"\nname = \"x\"\n";
  std::optional<std::string> out = Drop(text);
  ASSERT_TRUE(out.has_value());
  EXPECT_EQ(
      out->size(),
      std::string("note = \"\"\"\n\"\"\"\nname = \"x\"\n").size() + 200000);
}

}  // namespace
}  // namespace cov::ingest::elastic
