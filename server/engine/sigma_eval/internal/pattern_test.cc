#include "server/engine/sigma_eval/internal/pattern.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "re2/re2.h"

namespace cov::server::engine::sigma_eval::internal {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::UnorderedElementsAre;

// The prefilter literals of a regex (ValuePattern::RequiredLiterals).
std::vector<std::string> RegexLiterals(absl::string_view re, bool i = false) {
  absl::StatusOr<ValuePattern> p =
      ValuePattern::Regex(re, i, false, false, 1000);
  EXPECT_TRUE(p.ok()) << re;
  std::vector<std::string> out;
  const bool some = p->RequiredLiterals(&out);
  EXPECT_EQ(some, !out.empty()) << re;
  return out;
}

bool Matches(absl::string_view rule, absl::string_view value,
             bool cased = false) {
  ValuePattern p = ValuePattern::FromSigmaString(ParseSigmaString(rule), cased);
  std::string lower(value);
  for (char& c : lower) c = absl::ascii_tolower(c);
  return p.Match(value, lower);
}

TEST(PatternTest, WildcardsAndEscapes) {
  EXPECT_TRUE(Matches("abc", "ABC"));
  EXPECT_FALSE(Matches("abc", "abcd"));
  EXPECT_TRUE(Matches("a*c", "abbbc"));
  EXPECT_TRUE(Matches("a*c", "ac"));
  EXPECT_TRUE(Matches("a?c", "abc"));
  EXPECT_FALSE(Matches("a?c", "ac"));
  EXPECT_TRUE(Matches("*.exe", "C:\\x\\cmd.EXE"));
  // `\*` escapes the star (the specification's own pitfall).
  EXPECT_FALSE(Matches("C:\\*", "c:\\windows"));
  EXPECT_TRUE(Matches("C:\\*", "c:*"));
  // Escaped wildcards are literal.
  EXPECT_TRUE(Matches("a\\*c", "a*c"));
  EXPECT_FALSE(Matches("a\\*c", "abc"));
  EXPECT_TRUE(Matches("a\\?c", "a?c"));
  EXPECT_FALSE(Matches("a\\?c", "abc"));
  // \\ is one backslash; a backslash before anything else stays.
  EXPECT_TRUE(Matches("a\\\\b", "a\\b"));
  EXPECT_TRUE(Matches("\\cmd.exe", "\\cmd.exe"));
  EXPECT_TRUE(Matches("a\\\\*", "a\\anything"));
  // '*' alone matches everything, also the empty value.
  EXPECT_TRUE(Matches("*", ""));
  EXPECT_TRUE(Matches("", ""));
  EXPECT_FALSE(Matches("", "x"));
  // Backtracking across several stars.
  EXPECT_TRUE(Matches("*a*b*c*", "xxaxxbxxcxx"));
  EXPECT_FALSE(Matches("*a*b*c*", "xxcxxbxxaxx"));
  EXPECT_TRUE(Matches("*ab?d", "abxabcd"));
}

TEST(PatternTest, CasedKeepsCase) {
  EXPECT_TRUE(Matches("ABC", "ABC", true));
  EXPECT_FALSE(Matches("ABC", "abc", true));
  EXPECT_FALSE(Matches("abc", "ABC", true));
}

TEST(PatternTest, Windash) {
  absl::StatusOr<std::vector<SigmaString>> v =
      WindashVariants(ParseSigmaString(" -enc x-y /c"), 1000);
  ASSERT_TRUE(v.ok());
  // Two word-starting dashes ("-enc", "/c"); "x-y" is inside a word.
  ASSERT_EQ(v->size(), 25u);
  EXPECT_EQ(PlainBytes((*v)[0]), " -enc x-y -c");
  EXPECT_EQ(PlainBytes((*v)[1]), " /enc x-y -c");
  EXPECT_EQ(PlainBytes((*v)[2]),
            " \xE2\x80\x93"
            "enc x-y -c");
  EXPECT_EQ(PlainBytes((*v)[6]), " /enc x-y /c");
  EXPECT_FALSE(WindashVariants(ParseSigmaString(" -a -b -c -d -e"), 100).ok());
}

TEST(PatternTest, Base64AndOffsets) {
  EXPECT_EQ(Base64(""), "");
  EXPECT_EQ(Base64("f"), "Zg==");
  EXPECT_EQ(Base64("fo"), "Zm8=");
  EXPECT_EQ(Base64("foo"), "Zm9v");
  EXPECT_EQ(Base64("foobar"), "Zm9vYmFy");
  // Values from the Sigma specification's base64offset example.
  EXPECT_THAT(Base64OffsetVariants("/bin/bash"),
              ElementsAre("L2Jpbi9iYXNo", "9iaW4vYmFza", "vYmluL2Jhc2"));
  EXPECT_THAT(Base64OffsetVariants("/bin/sh"),
              ElementsAre("L2Jpbi9za", "9iaW4vc2", "vYmluL3No"));
  EXPECT_THAT(Base64OffsetVariants("/bin/zsh"),
              ElementsAre("L2Jpbi96c2", "9iaW4venNo", "vYmluL3pza"));
}

TEST(PatternTest, Utf16) {
  absl::StatusOr<SigmaString> le = ToUtf16(Literal("ab"), false);
  ASSERT_TRUE(le.ok());
  EXPECT_EQ(PlainBytes(*le), std::string("a\0b\0", 4));
  absl::StatusOr<SigmaString> be = ToUtf16(Literal("\xC3\xA9"), true);
  ASSERT_TRUE(be.ok());
  EXPECT_EQ(PlainBytes(*be), std::string("\0\xE9", 2));
  EXPECT_EQ(Base64(PlainBytes(*ToUtf16(Literal("cmd"), false))), "YwBtAGQA");
  EXPECT_FALSE(ToUtf16(Literal("\xFF"), false).ok());
}

TEST(PatternTest, RegexFlags) {
  absl::StatusOr<ValuePattern> p =
      ValuePattern::Regex("^a.c$", false, false, false, 100);
  ASSERT_TRUE(p.ok());
  EXPECT_TRUE(p->Match("abc", "abc"));
  EXPECT_FALSE(p->Match("ABC", "abc"));  // re is case-sensitive
  p = ValuePattern::Regex("^a.c$", true, false, false, 100);
  EXPECT_TRUE(p->Match("ABC", "abc"));
  p = ValuePattern::Regex("a.c", false, false, false, 100);
  EXPECT_FALSE(p->Match("a\nc", "a\nc"));
  p = ValuePattern::Regex("a.c", false, false, true, 100);
  EXPECT_TRUE(p->Match("a\nc", "a\nc"));
  p = ValuePattern::Regex("^b$", false, false, false, 100);
  EXPECT_FALSE(p->Match("a\nb", "a\nb"));
  p = ValuePattern::Regex("^b$", false, true, false, 100);
  EXPECT_TRUE(p->Match("a\nb", "a\nb"));
  // Unanchored search.
  p = ValuePattern::Regex("b+", false, false, false, 100);
  EXPECT_TRUE(p->Match("abbbc", "abbbc"));
  EXPECT_EQ(ValuePattern::Regex("(a", false, false, false, 100).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_FALSE(ValuePattern::Regex("(a)\\1", false, false, false, 100).ok());
  EXPECT_FALSE(
      ValuePattern::Regex(std::string(200, 'a'), false, false, false, 100)
          .ok());
}

TEST(PatternTest, RegexPrefilterLiterals) {
  // Both atoms are required: the longer one alone is enough.
  EXPECT_THAT(RegexLiterals("abc.*defgh"), ElementsAre("defgh"));
  // Alternatives: one of them is required, neither alone.
  EXPECT_THAT(RegexLiterals("\\\\(cmd|powershell)\\.exe"),
              UnorderedElementsAre("\\cmd.exe", "\\powershell.exe"));
  // Lowercased whatever the case and the flag (the prefilter folds case).
  EXPECT_THAT(RegexLiterals("MiMiKaTz"), ElementsAre("mimikatz"));
  EXPECT_THAT(RegexLiterals("MiMiKaTz", true), ElementsAre("mimikatz"));
  // None: a branch needs no literal, atoms under 3 bytes, classes only,
  // or a non-ASCII atom (ASCII folding could miss its other case).
  EXPECT_THAT(RegexLiterals("abcdef|.*"), IsEmpty());
  EXPECT_THAT(RegexLiterals("ab"), IsEmpty());
  EXPECT_THAT(RegexLiterals("[a-z]+[0-9]{4}"), IsEmpty());
  EXPECT_THAT(RegexLiterals("h\xc3\xa9llo world"), IsEmpty());
  // Literal patterns keep their one literal; comparisons have none.
  ValuePattern contains =
      ValuePattern::FromSigmaString(ParseSigmaString("*/tmp/*.sh"), false);
  std::vector<std::string> lits;
  EXPECT_TRUE(contains.RequiredLiterals(&lits));
  EXPECT_THAT(lits, ElementsAre("/tmp/"));
  absl::StatusOr<ValuePattern> gt =
      ValuePattern::Compare(ValuePattern::Kind::kGreater, "5");
  ASSERT_TRUE(gt.ok());
  lits.clear();
  EXPECT_FALSE(gt->RequiredLiterals(&lits));
  EXPECT_THAT(lits, IsEmpty());
}

TEST(PatternTest, RegexLiteralsAreNecessary) {
  // Every value a regex matches contains one of its literals (checked on
  // values built to match).
  const std::pair<const char*, const char*> cases[] = {
      {"abc.*defgh", "xxABCyyDEFGHzz"},
      {"(?i)\\\\(cmd|powershell)\\.exe", "C:\\Windows\\PowerShell.EXE -c"},
      {"invoke-(mimikatz|expression)", "IEX; Invoke-Expression foo"},
  };
  for (const auto& [re, value] : cases) {
    absl::StatusOr<ValuePattern> p =
        ValuePattern::Regex(re, true, false, false, 1000);
    ASSERT_TRUE(p.ok()) << re;
    std::string lower(value);
    for (char& c : lower) c = absl::ascii_tolower(c);
    ASSERT_TRUE(p->Match(value, lower)) << re;
    std::vector<std::string> lits;
    ASSERT_TRUE(p->RequiredLiterals(&lits)) << re;
    bool found = false;
    for (const std::string& l : lits) found |= absl::StrContains(lower, l);
    EXPECT_TRUE(found) << re;
  }
}

TEST(PatternTest, LengthRegexesAnswerAsRe2Does) {
  // `.{N,}`-style regexes are answered by counting on ASCII values; the
  // answer must be RE2's on every value, with and without the s flag.
  const char* const kRegexes[] = {".{5,}", ".{5}",   ".{5,9}", "(.){5,}",
                                  ".{1,}", ".{5,}x", "^.{5,}", ".{a,}"};
  const std::string kValues[] = {
      "",           "abcd",          "abcde",
      "ab\ncdefg",  "abc\ndef",      "abcd\ne",
      "\n\n\n\n\n", "h\xc3\xa9llo",  "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9",
      "abcdefx",    "ab\xc3\xa9" "cdef"};
  for (const char* re : kRegexes) {
    for (const bool s : {false, true}) {
      absl::StatusOr<ValuePattern> p =
          ValuePattern::Regex(re, false, false, s, 100);
      ASSERT_TRUE(p.ok()) << re;
      RE2::Options opt;
      opt.set_dot_nl(s);
      const RE2 ref(re, opt);
      ASSERT_TRUE(ref.ok()) << re;
      for (const std::string& v : kValues) {
        EXPECT_EQ(p->Match(v, v), RE2::PartialMatch(v, ref))
            << re << " s=" << s << " on '" << v << "'";
      }
    }
  }
  // The long command line of SigmaHQ's "Unusually Long PowerShell
  // CommandLine", at once (RE2 alone runs it as an NFA of 1,000 states).
  absl::StatusOr<ValuePattern> p =
      ValuePattern::Regex(".{1000,}", false, false, false, 100);
  ASSERT_TRUE(p.ok());
  const std::string longer(1000, 'a'), shorter(999, 'a');
  EXPECT_TRUE(p->Match(longer, longer));
  EXPECT_FALSE(p->Match(shorter, shorter));
  EXPECT_FALSE(p->Match(shorter + "\n" + shorter, shorter + "\n" + shorter));
}

TEST(PatternTest, CatastrophicRegexIsLinear) {
  absl::StatusOr<ValuePattern> p =
      ValuePattern::Regex("(a+)+$", false, false, false, 100);
  ASSERT_TRUE(p.ok());
  const std::string v = std::string(100000, 'a') + "!";
  EXPECT_FALSE(p->Match(v, v));  // returns at once with RE2
}

TEST(PatternTest, Cidr) {
  absl::StatusOr<ValuePattern> p = ValuePattern::Cidr("10.0.0.0/8");
  ASSERT_TRUE(p.ok());
  EXPECT_TRUE(p->Match("10.1.2.3", ""));
  EXPECT_FALSE(p->Match("11.1.2.3", ""));
  EXPECT_FALSE(p->Match("not an ip", ""));
  p = ValuePattern::Cidr("192.168.1.128/25");
  EXPECT_TRUE(p->Match("192.168.1.200", ""));
  EXPECT_FALSE(p->Match("192.168.1.100", ""));
  p = ValuePattern::Cidr("fe80::/10");
  ASSERT_TRUE(p.ok());
  EXPECT_TRUE(p->Match("fe80::1", ""));
  EXPECT_TRUE(p->Match("febf::1", ""));
  EXPECT_FALSE(p->Match("fec0::1", ""));
  EXPECT_FALSE(p->Match("10.0.0.1", ""));
  p = ValuePattern::Cidr("::1");
  EXPECT_TRUE(p->Match("::1", ""));
  EXPECT_FALSE(ValuePattern::Cidr("10.0.0.0/33").ok());
  EXPECT_FALSE(ValuePattern::Cidr("10.0.0/8").ok());
}

TEST(PatternTest, NumericComparisons) {
  auto cmp = [](ValuePattern::Kind k, const char* n, const char* v) {
    absl::StatusOr<ValuePattern> p = ValuePattern::Compare(k, n);
    return p.ok() && p->Match(v, v);
  };
  EXPECT_TRUE(cmp(ValuePattern::Kind::kLess, "10", "9"));
  EXPECT_FALSE(cmp(ValuePattern::Kind::kLess, "10", "10"));
  EXPECT_TRUE(cmp(ValuePattern::Kind::kLessEqual, "10", "10"));
  EXPECT_TRUE(cmp(ValuePattern::Kind::kGreater, "10", "10.5"));
  EXPECT_FALSE(cmp(ValuePattern::Kind::kGreaterEqual, "10", "9"));
  EXPECT_FALSE(cmp(ValuePattern::Kind::kGreater, "10", "abc"));
  EXPECT_FALSE(ValuePattern::Compare(ValuePattern::Kind::kLess, "x").ok());
}

}  // namespace
}  // namespace cov::server::engine::sigma_eval::internal
