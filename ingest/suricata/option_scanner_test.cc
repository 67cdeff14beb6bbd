#include "ingest/suricata/option_scanner.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace cov::ingest::suricata {
namespace {

struct Scan {
  std::vector<RuleOption> options;
  std::vector<ScanProblem> problems;
};

Scan DoScan(absl::string_view body, bool expect_final = true) {
  Scan s;
  ScanOptions(body, &s.options, &s.problems, expect_final);
  return s;
}

std::vector<std::string> Codes(const Scan& s) {
  std::vector<std::string> out;
  for (const auto& p : s.problems) out.emplace_back(p.code);
  return out;
}

TEST(OptionScannerTest, NameValueAndBareOptions) {
  const std::string body = R"(msg:"hello"; nocase; sid : 12 ;rev:3;)";
  Scan s = DoScan(body);
  ASSERT_EQ(s.options.size(), 4u);
  EXPECT_TRUE(s.problems.empty());
  EXPECT_EQ(s.options[0].name, "msg");
  EXPECT_EQ(s.options[0].value, "\"hello\"");
  EXPECT_TRUE(s.options[0].has_value);
  EXPECT_EQ(s.options[1].name, "nocase");
  EXPECT_EQ(s.options[1].value, "");
  EXPECT_FALSE(s.options[1].has_value);
  EXPECT_EQ(s.options[2].name, "sid");
  EXPECT_EQ(s.options[2].value, "12");
  EXPECT_EQ(s.options[3].name, "rev");
  // Offsets point at the name and the trimmed value.
  EXPECT_EQ(body.substr(s.options[2].name_offset, 3), "sid");
  EXPECT_EQ(body.substr(s.options[2].value_offset, 2), "12");
}

TEST(OptionScannerTest, EscapedSemicolonQuoteAndBackslash) {
  Scan s = DoScan(R"(msg:"a\; b \"c\" d\\"; content:x\;y; sid:1;)");
  ASSERT_EQ(s.options.size(), 3u) << testing::PrintToString(Codes(s));
  EXPECT_EQ(s.options[0].value, R"("a\; b \"c\" d\\")");
  EXPECT_EQ(s.options[1].value, R"(x\;y)");
  EXPECT_EQ(s.options[2].value, "1");
}

TEST(OptionScannerTest, QuotedStringsMayHoldSemicolonAndParenthesis) {
  Scan s = DoScan(R"(msg:"x; y) z"; pcre:"/a;(b)/"; sid:1;)");
  ASSERT_EQ(s.options.size(), 3u);
  EXPECT_EQ(s.options[0].value, R"("x; y) z")");
  EXPECT_EQ(s.options[1].value, R"("/a;(b)/")");
  EXPECT_TRUE(s.problems.empty());
}

TEST(OptionScannerTest, BareQuoteInsidePcreDoesNotEndTheString) {
  // From ET Open sid 2029732: a `"` inside the pattern is followed by `'`.
  Scan s = DoScan(R"(pcre:"/^["']?post/Ri"; classtype:x; sid:2029732;)");
  ASSERT_EQ(s.options.size(), 3u);
  EXPECT_EQ(s.options[0].value, R"("/^["']?post/Ri")");
  EXPECT_EQ(s.options[2].value, "2029732");
  EXPECT_TRUE(s.problems.empty());
}

TEST(OptionScannerTest, NegatedContent) {
  Scan s = DoScan(R"(content:!"abc"; sid:1;)");
  ASSERT_EQ(s.options.size(), 2u);
  EXPECT_EQ(s.options[0].value, R"(!"abc")");
}

TEST(OptionScannerTest, MissingFinalSemicolon) {
  Scan s = DoScan("msg:\"x\"; sid:1");
  ASSERT_EQ(s.options.size(), 2u);
  EXPECT_EQ(s.options[1].value, "1");
  EXPECT_THAT(Codes(s), testing::ElementsAre("suricata-missing-semicolon"));
  EXPECT_EQ(s.problems[0].offset, 9u);  // at "sid"
  // Not reported when the caller says the list was cut short.
  EXPECT_TRUE(DoScan("msg:\"x\"; sid:1", false).problems.empty());
  EXPECT_THAT(Codes(DoScan("sid:1; nocase")),
              testing::ElementsAre("suricata-missing-semicolon"));
}

TEST(OptionScannerTest, UnterminatedStringFallsBackToSuricataSplitting) {
  Scan s = DoScan(R"(msg:"broken; sid:7; rev:1;)");
  EXPECT_THAT(Codes(s), testing::ElementsAre("suricata-unterminated-string"));
  EXPECT_EQ(s.problems[0].offset, 4u);
  ASSERT_EQ(s.options.size(), 3u);
  EXPECT_EQ(s.options[0].value, "\"broken");
  EXPECT_EQ(s.options[1].name, "sid");
  EXPECT_EQ(s.options[1].value, "7");
}

TEST(OptionScannerTest, BadNamesAndEmptyOptions) {
  Scan s = DoScan(R"(msg:"x";; foo bar; :v; sid:1;)");
  EXPECT_THAT(Codes(s), testing::ElementsAre("suricata-empty-option",
                                             "suricata-bad-option-name",
                                             "suricata-bad-option-name"));
  EXPECT_FALSE(s.problems[0].is_error);
  EXPECT_TRUE(s.problems[1].is_error);
}

TEST(OptionScannerTest, EmptyAndBlankBodies) {
  EXPECT_TRUE(DoScan("").options.empty());
  EXPECT_TRUE(DoScan("   ").options.empty());
  EXPECT_TRUE(DoScan("   ").problems.empty());
}

TEST(OptionScannerTest, TrailingBackslashAtEnd) {
  Scan s = DoScan(R"(msg:"a\)");
  EXPECT_EQ(s.options.size(), 1u);  // no crash, no read past the end
}

TEST(OptionScannerTest, PathologicalInputsStayLinear) {
  // Many unterminated quotes: quadratic if each one rescanned to the end.
  std::string body;
  for (int i = 0; i < 200000; ++i) body += "a:\"x;";
  Scan s = DoScan(body);
  EXPECT_EQ(s.options.size(), 200000u);
  ASSERT_EQ(s.problems.size(), 1u);  // reported once, at the first quote
  EXPECT_EQ(s.problems[0].offset, 2u);
}

TEST(UnquoteTest, StripsQuotesAndResolvesEscapes) {
  EXPECT_EQ(UnquoteAndUnescape(R"("ET a\; b \"c\" d\\ e\:f")"),
            R"(ET a; b "c" d\ e:f)");
  EXPECT_EQ(UnquoteAndUnescape("  plain  "), "plain");
  EXPECT_EQ(UnquoteAndUnescape("\""), "\"");
  EXPECT_EQ(UnquoteAndUnescape(R"("")"), "");
  EXPECT_EQ(UnquoteAndUnescape(R"(a\)"), R"(a\)");
}

}  // namespace
}  // namespace cov::ingest::suricata
