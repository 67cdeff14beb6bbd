#include "ingest/yara/lexer.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace cov::ingest::yara {
namespace {

using ::testing::ElementsAre;

struct Lexed {
  std::vector<std::string> texts;
  std::vector<TokenKind> kinds;
};

Lexed LexAll(absl::string_view text) {
  Lexer lex(text);
  Lexed out;
  for (Token t = lex.Next(); t.kind != TokenKind::kEnd; t = lex.Next()) {
    out.texts.emplace_back(lex.TextOf(t));
    out.kinds.push_back(t.kind);
    if (t.kind == TokenKind::kError) break;
  }
  return out;
}

TEST(LexerTest, SkipsBothCommentKindsAnywhere) {
  Lexed l = LexAll("a /* { } \" / */ b // } \"\n c/**/d");
  EXPECT_THAT(l.texts, ElementsAre("a", "b", "c", "d"));
}

TEST(LexerTest, TextStringWithEscapesIsOneToken) {
  Lexed l = LexAll(R"(x "a\"}\\" y)");
  EXPECT_THAT(l.texts, ElementsAre("x", R"("a\"}\\")", "y"));
  EXPECT_EQ(l.kinds[1], TokenKind::kText);
}

TEST(LexerTest, RegexWithBracesQuotesAndEscapedSlash) {
  Lexed l = LexAll(R"(= /ab{2,3}c\/"x"}/is nocase)");
  EXPECT_THAT(l.texts, ElementsAre("=", R"(/ab{2,3}c\/"x"}/is)", "nocase"));
  EXPECT_EQ(l.kinds[1], TokenKind::kRegex);
}

TEST(LexerTest, RegexFlagsFollowLibyara) {
  // Only `i`, `s` and `is`: `si` leaves a stray identifier `i`.
  Lexed l = LexAll("/a/si");
  EXPECT_THAT(l.texts, ElementsAre("/a/s", "i"));
}

TEST(LexerTest, NumbersRangesAndSizes) {
  Lexed l = LexAll("0x1F 0o17 10KB 2MB 1.5 (1..#a)");
  EXPECT_THAT(l.texts, ElementsAre("0x1F", "0o17", "10KB", "2MB", "1.5", "(",
                                   "1", ".", ".", "#a", ")"));
}

TEST(LexerTest, StringReferences) {
  Lexed l = LexAll("$a $ $a* #a @a[1] !a != ");
  EXPECT_THAT(l.texts, ElementsAre("$a", "$", "$a*", "#a", "@a", "[", "1", "]",
                                   "!a", "!", "="));
  EXPECT_THAT(l.kinds,
              ElementsAre(TokenKind::kStringId, TokenKind::kStringId,
                          TokenKind::kStringId, TokenKind::kStringCount,
                          TokenKind::kStringOffset, TokenKind::kPunct,
                          TokenKind::kNumber, TokenKind::kPunct,
                          TokenKind::kStringLength, TokenKind::kPunct,
                          TokenKind::kPunct));
}

TEST(LexerTest, HexStringWithJumpsAlternativesAndComments) {
  absl::string_view text = "{ 4D 5A [2-4] ( 90 | ?? ) /* } */ ~00 // }\n } x";
  Lexer lex(text);
  Token open = lex.Next();
  ASSERT_EQ(lex.TextOf(open), "{");
  Token hex = lex.ScanHexString(open);
  ASSERT_EQ(hex.kind, TokenKind::kHexString);
  EXPECT_EQ(hex.begin, 0u);
  EXPECT_EQ(lex.TextOf(lex.Next()), "x");
}

TEST(LexerTest, UnterminatedString) {
  Lexer lex("a \"abc\n\"");
  lex.Next();
  Token t = lex.Next();
  EXPECT_EQ(t.kind, TokenKind::kError);
  EXPECT_EQ(lex.error().code, "yara-unterminated-string");
  EXPECT_EQ(lex.error().offset, 2u);
}

TEST(LexerTest, UnterminatedRegexStopsAtNewline) {
  Lexer lex("/abc\n/");
  Token t = lex.Next();
  EXPECT_EQ(t.kind, TokenKind::kError);
  EXPECT_EQ(lex.error().code, "yara-unterminated-regex");
  // Lexing resumes on the next line.
  EXPECT_EQ(lex.pos(), 4u);
}

TEST(LexerTest, UnterminatedComment) {
  Lexer lex("a /* b");
  lex.Next();
  Token t = lex.Next();
  EXPECT_EQ(t.kind, TokenKind::kError);
  EXPECT_EQ(lex.error().code, "yara-unterminated-comment");
  EXPECT_EQ(lex.error().offset, 2u);
  EXPECT_EQ(lex.Next().kind, TokenKind::kEnd);
}

TEST(LexerTest, UnterminatedHexString) {
  Lexer lex("{ 4D 5A\n$b");
  Token t = lex.ScanHexString(lex.Next());
  EXPECT_EQ(t.kind, TokenKind::kError);
  EXPECT_EQ(lex.error().code, "yara-unterminated-hex-string");
  EXPECT_EQ(lex.error().offset, 0u);
}

TEST(LexerTest, BadCharacterInsideHexString) {
  Lexer lex("{ 4D 5G }");
  Token t = lex.ScanHexString(lex.Next());
  EXPECT_EQ(t.kind, TokenKind::kError);
  EXPECT_EQ(lex.error().code, "yara-invalid-hex-string");
  EXPECT_EQ(lex.error().offset, 6u);
}

TEST(LexerTest, IllegalEscapeIsSoftError) {
  Lexer lex(R"("a\qb" c)");
  Token t = lex.Next();
  EXPECT_EQ(t.kind, TokenKind::kText);
  ASSERT_EQ(lex.soft_errors().size(), 1u);
  EXPECT_EQ(lex.soft_errors()[0].code, "yara-invalid-escape");
  EXPECT_EQ(lex.soft_errors()[0].offset, 2u);
}

TEST(LexerTest, NonAsciiOutsideStringsIsAnError) {
  Lexer lex("a \xC3\xA9 b");
  lex.Next();
  Token t = lex.Next();
  EXPECT_EQ(t.kind, TokenKind::kError);
  EXPECT_EQ(lex.error().code, "yara-unexpected-token");
  EXPECT_EQ(lex.TextOf(lex.Next()), "b");  // one error per character
}

TEST(LexerTest, PeekDoesNotConsume) {
  Lexer lex("a b");
  EXPECT_EQ(lex.TextOf(lex.Peek()), "a");
  EXPECT_EQ(lex.TextOf(lex.Next()), "a");
  EXPECT_EQ(lex.TextOf(lex.Next()), "b");
}

TEST(LexerTest, AtLineStart) {
  Lexer lex("a\n  \tb c");
  EXPECT_TRUE(lex.AtLineStart(0));
  EXPECT_TRUE(lex.AtLineStart(5));
  EXPECT_FALSE(lex.AtLineStart(7));
}

TEST(DecodeTextTest, ResolvesEscapes) {
  EXPECT_EQ(DecodeText(R"("a\"b\\c\n\t\r\x41\q")"), "a\"b\\c\n\t\rA\\q");
}

}  // namespace
}  // namespace cov::ingest::yara
