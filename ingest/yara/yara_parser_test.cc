#include "ingest/yara/yara_parser.h"

#include <random>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "ingest/base/diagnostics.h"

namespace cov::ingest::yara {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::SizeIs;

YaraFile ParseText(absl::string_view text, std::string path = "dir/x.yar") {
  YaraParser parser;
  return parser.ParseDetailed(SourceFile{path, text, "src"});
}

std::vector<std::string> Titles(const YaraFile& f) {
  std::vector<std::string> out;
  for (const auto& r : f.parsed.rules) out.push_back(r.title());
  return out;
}

// "code@line:col" per diagnostic.
std::vector<std::string> Diags(const YaraFile& f) {
  std::vector<std::string> out;
  for (const auto& d : f.parsed.diagnostics) {
    out.push_back(absl::StrCat(d.code(), "@", d.line(), ":", d.column()));
  }
  return out;
}

std::string AllDiags(const YaraFile& f) {
  std::string out;
  for (const auto& d : f.parsed.diagnostics) {
    absl::StrAppend(&out, FormatDiagnostic(d), "\n");
  }
  return out;
}

// "id/kind@origin:line" per reference.
std::vector<std::string> Refs(const cov::v1::Rule& r) {
  std::vector<std::string> out;
  for (const auto& a : r.attack_refs()) {
    out.push_back(
        absl::StrCat(a.id(), "/", a.kind(), "@", a.origin(), ":", a.line()));
  }
  return out;
}

TEST(YaraParserTest, RuleFields) {
  YaraFile f = ParseText(R"(import "pe"

rule Demo_Rule : APT Windows {
   meta:
      author = "Jane \"J\" Doe"
      description = "tab\there\\ newline\n hex\x41"
      reference = "https://example.org/a"
      reference = "https://example.org/b"
      url = "https://example.org/c"
      date = "2024-01-02"
      modified = "2024-02-03"
      score = 75
      offset = -12
      hexnum = 0x10
      enabled = true
      beta = false
   condition:
      true
}
)");
  ASSERT_THAT(f.parsed.rules, SizeIs(1)) << AllDiags(f);
  EXPECT_THAT(f.parsed.diagnostics, IsEmpty());
  const cov::v1::Rule& r = f.parsed.rules[0];
  EXPECT_EQ(r.uid(), "src:dir/x.yar:Demo_Rule");
  EXPECT_EQ(r.format(), cov::v1::RULE_FORMAT_YARA);
  EXPECT_EQ(r.source(), "src");
  EXPECT_EQ(r.file(), "dir/x.yar");
  EXPECT_EQ(r.line(), 3);
  EXPECT_EQ(r.title(), "Demo_Rule");
  EXPECT_TRUE(r.enabled());
  EXPECT_THAT(r.yara_tags(), ElementsAre("APT", "Windows"));
  EXPECT_THAT(r.yara_meta(),
              ElementsAre("author=Jane \"J\" Doe",
                          "description=tab\there\\ newline\n hexA",
                          "reference=https://example.org/a",
                          "reference=https://example.org/b",
                          "url=https://example.org/c", "date=2024-01-02",
                          "modified=2024-02-03", "score=75", "offset=-12",
                          "hexnum=0x10", "enabled=true", "beta=false"));
  EXPECT_EQ(r.author(), "Jane \"J\" Doe");
  EXPECT_THAT(r.references(),
              ElementsAre("https://example.org/a", "https://example.org/b",
                          "https://example.org/c"));
  EXPECT_EQ(r.date(), "2024-01-02");
  EXPECT_EQ(r.modified(), "2024-02-03");
  EXPECT_THAT(r.attack_refs(), IsEmpty());
  EXPECT_EQ(r.status(), "");
  ASSERT_THAT(f.imports, SizeIs(1));
  EXPECT_EQ(f.imports[0].argument, "pe");
  EXPECT_EQ(f.imports[0].line, 1);
}

TEST(YaraParserTest, ContentHashIsFnv1a64OfTheRuleText) {
  // python3: h=0xcbf29ce484222325; for b in b'rule a { condition: true }':
  //   h=((h^b)*0x100000001b3)%2**64  -> fa9bf4244310e699
  YaraFile f = ParseText("// lead\nrule a { condition: true }\n");
  ASSERT_THAT(f.parsed.rules, SizeIs(1));
  EXPECT_EQ(f.parsed.rules[0].content_hash(), "fa9bf4244310e699");
}

TEST(YaraParserTest, CreationDateIsTheFallbackForDate) {
  YaraFile f = ParseText(R"(rule a { meta: creation_date = "2021-11-04"
  last_modified = "2023-02-28" condition: true }
rule b { meta: creation_date = "x" date = "2020-01-01" condition: true })");
  ASSERT_THAT(f.parsed.rules, SizeIs(2));
  EXPECT_EQ(f.parsed.rules[0].date(), "2021-11-04");
  EXPECT_EQ(f.parsed.rules[0].modified(), "2023-02-28");
  EXPECT_EQ(f.parsed.rules[1].date(), "2020-01-01");
}

TEST(YaraParserTest, ModifiersAndLines) {
  YaraFile f = ParseText(R"(private rule p { condition: true }
global rule g { condition: true }
global private rule gp { condition: true }
private
rule split { condition: true }
  rule plain{condition:true})");
  ASSERT_THAT(Titles(f), ElementsAre("p", "g", "gp", "split", "plain"))
      << AllDiags(f);
  std::vector<int> lines;
  for (const auto& r : f.parsed.rules) lines.push_back(r.line());
  EXPECT_THAT(lines, ElementsAre(1, 2, 3, 4, 6));
  ASSERT_THAT(f.rule_info, SizeIs(5));
  EXPECT_TRUE(f.rule_info[0].is_private);
  EXPECT_FALSE(f.rule_info[0].is_global);
  EXPECT_TRUE(f.rule_info[1].is_global);
  EXPECT_FALSE(f.rule_info[1].is_private);
  EXPECT_TRUE(f.rule_info[2].is_global && f.rule_info[2].is_private);
  EXPECT_TRUE(f.rule_info[3].is_private);
  EXPECT_FALSE(f.rule_info[4].is_private || f.rule_info[4].is_global);
}

TEST(YaraParserTest, ImportsAndIncludesAreRecordedNotFollowed) {
  YaraFile f = ParseText(R"(import "pe"
include "other/rules.yar"
import"math"
include  "C:\rules\new.yar"
rule a { condition: pe.is_pe })");
  EXPECT_THAT(f.parsed.diagnostics, IsEmpty()) << AllDiags(f);
  ASSERT_THAT(f.imports, SizeIs(2));
  EXPECT_EQ(f.imports[1].argument, "math");
  EXPECT_EQ(f.imports[1].line, 3);
  ASSERT_THAT(f.includes, SizeIs(2));
  EXPECT_EQ(f.includes[0].argument, "other/rules.yar");
  EXPECT_EQ(f.includes[0].line, 2);
  // Include paths are raw, as in libyara: backslashes are not escapes.
  EXPECT_EQ(f.includes[1].argument, "C:\\rules\\new.yar");
  EXPECT_EQ(f.includes[1].line, 4);
  EXPECT_THAT(Titles(f), ElementsAre("a"));
}

TEST(YaraParserTest, BadDirectives) {
  YaraFile f = ParseText(R"(import pe
include "unterminated
rule a { condition: true }
import "x\q"
)");
  EXPECT_THAT(Diags(f), ElementsAre("yara-unexpected-token@1:8",
                                    "yara-unterminated-string@2:9",
                                    "yara-invalid-escape@4:10"));
  EXPECT_THAT(Titles(f), ElementsAre("a"));
}

TEST(YaraParserTest, StringsAndConditionsAreSkippedExactly) {
  // Every construct that hides braces, quotes or slashes from a naive scan.
  YaraFile f = ParseText(R"(rule tricky : T1 {
   meta: /* comment { */ a = "}" // }
      // comment between entries }
      b = "rule x { \"}\" \\" /* } */
   strings:
      $t = "quote \" brace } slash / \x7D" nocase wide ascii fullword
      $h = { 4D 5A [2-4] ( 90 | ?? ) 0? /* } */ // }
             E8 [-] 00 }
      $r = /ab{2,3}c\/"x"}{/is
      $r2 = /[}]\x2f/ private
      $x = "x" xor(0x01-0xff)
      $x1 = "y" xor ( 1 ) private
      $b = "z" base64("!@#$%^&*(){}[].,|ABCDEFGHIJ\x09LMNOPQRSTUVWXYZabcdefghijklmnopqrstu")
      $bw = "w" base64wide
      $ = "anon1"
      $ = "anon2"
      $p = "priv" private
   condition:
      /* } */ $t and #h > 1 and @r[1] < 0x100 // }
      and !r2[1] == 3 and pe.exports("{}") and "}" matches /}\/{/
      and for any of ($x*) : ( # == 1 ) and filesize < 10KB
      and for any i in (1..2) : ( i > 0 )
      and uint16(0) \ 2 == 1 and any of them
}
rule after { condition: true }
)");
  // Lexing is exact; only libyara objects, as `yara` 4.2.3 does: error: rule
  // "tricky" in tricky.yar(20): undefined identifier "pe" (no import).
  EXPECT_THAT(Diags(f), ElementsAre("yara-does-not-compile@20:1"))
      << AllDiags(f);
  EXPECT_FALSE(f.parsed.rules[1].enabled());
  EXPECT_THAT(Titles(f), ElementsAre("tricky", "after"));
  EXPECT_EQ(f.parsed.rules[1].line(), 25);
}

TEST(YaraParserTest, UnterminatedString) {
  YaraFile f = ParseText(R"(rule a {
  meta:
    x = "oops
  condition: true
}
rule b { condition: true }
)");
  EXPECT_THAT(Diags(f), ElementsAre("yara-unterminated-string@3:9"));
  EXPECT_EQ(f.parsed.diagnostics[0].severity(), cov::v1::SEVERITY_ERROR);
  EXPECT_EQ(f.parsed.diagnostics[0].file(), "dir/x.yar");
  EXPECT_EQ(f.parsed.diagnostics[0].object(), "src:dir/x.yar:a");
  EXPECT_THAT(Titles(f), ElementsAre("b"));
}

// Issue 15 item 7: the next line starting with hex letters (`condition`)
// must not move the error off the opening '{'.
TEST(YaraParserTest, UnterminatedHexStringBeforeKeywordIsAtItsBrace) {
  YaraFile f = ParseText(R"(rule a {
  strings:
    $h = { 4D 5A 90
  condition: $h
}
rule b { condition: true }
)");
  EXPECT_THAT(Diags(f), ElementsAre("yara-unterminated-hex-string@3:10"));
  EXPECT_THAT(f.parsed.diagnostics[0].message(),
              ::testing::HasSubstr("found 'condition' on a later line"));
  EXPECT_THAT(Titles(f), ElementsAre("b"));
}

// Issue 15 item 7: UTF-16 is named, not called binary.
TEST(YaraParserTest, Utf16FileIsNamed) {
  const std::string le("\xFF\xFEr\0u\0l\0e\0 \0a\0", 14);
  YaraFile f = ParseText(le);
  EXPECT_THAT(Diags(f), ElementsAre("yara-utf16-file@1:1"));
  EXPECT_EQ(f.parsed.diagnostics[0].message(),
            "file is UTF-16LE, not UTF-8: convert it to UTF-8 (e.g. iconv -f "
            "UTF-16 -t UTF-8); not parsed");
}

// Issue 15 item 2: private rules are flagged, with the public rules of the
// file that name them counted.
TEST(YaraParserTest, PrivateRulesAreFlaggedWithTheirUsers) {
  YaraFile f = ParseText(R"(private rule is_pe {
  meta:
    mitre_att = "T1027"
  condition: uint16(0) == 0x5A4D
}
private rule unused { condition: filesize < 10 }
rule packed_pe : T1027_002 {
  condition: is_pe and filesize > 100
}
rule other_pe {
  condition: is_pe
}
rule no_pe { condition: true }
)");
  EXPECT_THAT(Diags(f), IsEmpty());
  ASSERT_THAT(Titles(f),
              ElementsAre("is_pe", "unused", "packed_pe", "other_pe", "no_pe"));
  const auto& r = f.parsed.rules;
  EXPECT_TRUE(r[0].yara_private());
  EXPECT_EQ(r[0].yara_used_by(), 2);
  EXPECT_TRUE(r[1].yara_private());
  EXPECT_EQ(r[1].yara_used_by(), 0);
  EXPECT_FALSE(r[2].yara_private());
  EXPECT_EQ(r[2].yara_used_by(), 0);
  EXPECT_TRUE(r[0].enabled());            // compiles: nothing disabled
  EXPECT_EQ(r[0].attack_refs_size(), 1);  // kept, but never counted
}

// Issue 15 item 3: a file libyara rejects leaves every rule disabled with
// the reason; the message and line are what `yara bad.yar` 4.2.3 printed:
// error: rule "bad" in bad.yar(11): undefined string "$b".
TEST(YaraParserTest, FileThatDoesNotCompileDisablesItsRules) {
  constexpr char kBad[] = R"(rule good {
  meta:
    mitre_att = "T1059"
  condition: true
}
rule bad {
  strings:
    $a = "x"
  condition:
    $b
}
)";
  YaraFile f = ParseText(kBad, "dir/bad.yar");
  ASSERT_THAT(Titles(f), ElementsAre("good", "bad"));
  for (const cov::v1::Rule& r : f.parsed.rules) {
    EXPECT_FALSE(r.enabled()) << r.title();
    EXPECT_EQ(r.disabled_reason(),
              "file does not compile: undefined string \"$b\" at line 11");
  }
  EXPECT_THAT(Diags(f), ElementsAre("yara-does-not-compile@11:1"));
  EXPECT_THAT(f.parsed.diagnostics[0].message(),
              ::testing::HasSubstr("its 2 rules never run and are disabled"));
  // Externals the yara CLI would be given compile as empty strings.
  f = ParseText("rule q { condition: filename == \"\" and owner == \"\" }\n");
  ASSERT_EQ(f.parsed.rules.size(), 1u);
  EXPECT_TRUE(f.parsed.rules[0].enabled());
  EXPECT_THAT(Diags(f), IsEmpty());
  // Without the check the rules stay enabled.
  YaraParserOptions no_check;
  no_check.compile_check = false;
  f = YaraParser(no_check).ParseDetailed({"dir/bad.yar", kBad, "src"});
  EXPECT_TRUE(f.parsed.rules[0].enabled());
  EXPECT_THAT(Diags(f), IsEmpty());
}

TEST(YaraParserTest, UnterminatedRegex) {
  YaraFile f = ParseText(R"(rule a {
  strings:
    $r = /abc\/
  condition: $r
}
rule b { condition: true })");
  EXPECT_THAT(Diags(f), ElementsAre("yara-unterminated-regex@3:10"));
  EXPECT_THAT(Titles(f), ElementsAre("b"));
}

TEST(YaraParserTest, UnterminatedComment) {
  YaraFile f = ParseText(R"(rule a { condition: true }
/* never closed
rule b { condition: true }
)");
  EXPECT_THAT(Diags(f), ElementsAre("yara-unterminated-comment@2:1"));
  EXPECT_THAT(Titles(f), ElementsAre("a"));
}

TEST(YaraParserTest, UnterminatedHexString) {
  YaraFile f = ParseText(R"(rule a {
  strings:
    $h = { 4D 5A
    $s = "x"
  condition: any of them
}
rule b { condition: true }
)");
  EXPECT_THAT(Diags(f), ElementsAre("yara-unterminated-hex-string@3:10"));
  EXPECT_THAT(Titles(f), ElementsAre("b"));
}

TEST(YaraParserTest, InvalidCharacterInHexString) {
  YaraFile f = ParseText("rule a { strings: $h = { 4D 5Z } condition: $h }");
  EXPECT_THAT(Diags(f), ElementsAre("yara-invalid-hex-string@1:30"));
  EXPECT_THAT(f.parsed.rules, IsEmpty());
}

TEST(YaraParserTest, MissingCondition) {
  YaraFile f = ParseText(R"(rule ok1 { condition: true }

rule no_cond {
  meta:
    a = 1
  strings:
    $a = "x"
}
rule ok2 { condition: true }
)");
  EXPECT_THAT(Diags(f), ElementsAre("yara-missing-condition@3:1"));
  EXPECT_THAT(f.parsed.diagnostics[0].message(),
              ::testing::HasSubstr("no_cond"));
  EXPECT_THAT(Titles(f), ElementsAre("ok1", "ok2"));
}

TEST(YaraParserTest, MissingClosingBraceBeforeNextRule) {
  YaraFile f = ParseText(R"(rule a {
  condition:
    true

rule b { condition: true }
)");
  EXPECT_THAT(Diags(f), ElementsAre("yara-unbalanced-braces@1:8"));
  EXPECT_THAT(Titles(f), ElementsAre("b"));
}

TEST(YaraParserTest, MissingClosingBraceAtEndOfFile) {
  YaraFile f = ParseText("rule a { condition: true\n");
  EXPECT_THAT(Diags(f), ElementsAre("yara-unbalanced-braces@1:8"));
  f = ParseText("rule a { meta: x = 1\n");
  EXPECT_THAT(Diags(f), ElementsAre("yara-unbalanced-braces@1:8"));
  EXPECT_THAT(f.parsed.rules, IsEmpty());
}

TEST(YaraParserTest, ExtraClosingBrace) {
  YaraFile f = ParseText(
      "rule a { condition: true }\n}\nrule b { condition: "
      "true }");
  EXPECT_THAT(Diags(f), ElementsAre("yara-unbalanced-braces@2:1"));
  EXPECT_THAT(Titles(f), ElementsAre("a", "b"));
}

TEST(YaraParserTest, UnbalancedParentheses) {
  YaraFile f = ParseText(
      "rule a { condition: (true }\nrule b { condition: true) }\n"
      "rule c { condition: (true) }");
  EXPECT_THAT(Diags(f), ElementsAre("yara-unbalanced-parentheses@1:21",
                                    "yara-unbalanced-parentheses@2:25"));
  EXPECT_THAT(Titles(f), ElementsAre("c"));
}

TEST(YaraParserTest, UnexpectedTokens) {
  // Garbage at the top level, a keyword as rule name, a brace in a
  // condition, sections out of order, empty sections, bad meta value.
  YaraFile f = ParseText(R"(garbage here
rule condition { condition: true }
rule c1 { condition: { } }
rule c2 { strings: $a = "x" meta: k = 1 condition: $a }
rule c3 { meta: condition: true }
rule c4 { strings: condition: true }
rule c5 { meta: k = 1.5 condition: true }
rule c6 { condition: }
rule c7 : { condition: true }
rule c8 { strings: $a = "x" bogus condition: $a }
rule ok { condition: true }
)");
  EXPECT_THAT(
      Diags(f),
      ElementsAre("yara-unexpected-token@1:1", "yara-unexpected-token@2:6",
                  "yara-unexpected-token@3:22", "yara-unexpected-token@4:29",
                  "yara-unexpected-token@5:17", "yara-unexpected-token@6:20",
                  "yara-unexpected-token@7:21", "yara-unexpected-token@8:22",
                  "yara-unexpected-token@9:11", "yara-unexpected-token@10:29"))
      << AllDiags(f);
  EXPECT_THAT(Titles(f), ElementsAre("ok"));
  EXPECT_THAT(f.parsed.diagnostics[0].message(),
              ::testing::HasSubstr("unexpected 'garbage'"));
}

TEST(YaraParserTest, NonAsciiOutsideStringsIsUnexpected) {
  YaraFile f = ParseText(
      "rule a { condition: true \xE2\x80\x94 }\n"
      "rule b { condition: true }");
  EXPECT_THAT(Diags(f), ElementsAre("yara-unexpected-token@1:26"));
  EXPECT_THAT(Titles(f), ElementsAre("b"));
}

TEST(YaraParserTest, DuplicateRuleName) {
  YaraFile f = ParseText(R"(rule a { condition: true }
rule b { condition: true }
rule a { condition: false }
rule c { condition: true }
)");
  EXPECT_THAT(Diags(f), ElementsAre("yara-duplicate-rule@3:6"));
  EXPECT_THAT(f.parsed.diagnostics[0].message(),
              ::testing::HasSubstr("first defined at line 1"));
  EXPECT_THAT(Titles(f), ElementsAre("a", "b", "c"));
  EXPECT_EQ(f.parsed.rules[0].line(), 1);
}

TEST(YaraParserTest, SameNameInAnotherFileIsFine) {
  YaraParser parser;
  ParsedFile a =
      parser.Parse(SourceFile{"a.yar", "rule x { condition: 1 }", "s"});
  ParsedFile b =
      parser.Parse(SourceFile{"b.yar", "rule x { condition: 1 }", "s"});
  ASSERT_THAT(a.rules, SizeIs(1));
  ASSERT_THAT(b.rules, SizeIs(1));
  EXPECT_NE(a.rules[0].uid(), b.rules[0].uid());
}

TEST(YaraParserTest, LibyaraSemanticErrorsThatAreCheap) {
  YaraFile f = ParseText(R"(rule t : X X { condition: true }
rule s { strings: $a = "x" $a = "y" condition: $a }
rule m { strings: $a = "x" nocase nocase condition: $a }
rule h { strings: $a = { 41 } nocase condition: $a }
rule r { strings: $a = /x/ xor condition: $a }
rule e { strings: $a = "\q" condition: $a }
rule ok { strings: $ = "x" $ = "y" condition: all of them }
)");
  EXPECT_THAT(
      Diags(f),
      ElementsAre("yara-duplicate-tag@1:12", "yara-duplicate-string-id@2:28",
                  "yara-duplicate-modifier@3:35", "yara-invalid-modifier@4:31",
                  "yara-invalid-modifier@5:28", "yara-invalid-escape@6:25"))
      << AllDiags(f);
  EXPECT_THAT(Titles(f), ElementsAre("ok"));
}

TEST(YaraParserTest, ResynchronisesAtTheNextRuleAfterAnyError) {
  // Each broken rule is followed by a good one, which must be read.
  YaraFile f = ParseText(R"(rule bad1 { meta: x = condition: true }
rule good1 { condition: true }
rule bad2 { strings: $a = "unterminated
  condition: $a }
rule good2 { condition: true }
rule bad3 {
  condition: $a and "}"  /
}
  private rule good3 { condition: true }
rule bad4 meta: {
rule good4 { condition: true }
)");
  EXPECT_THAT(Titles(f), ElementsAre("good1", "good2", "good3", "good4"))
      << AllDiags(f);
  EXPECT_THAT(Diags(f), ElementsAre("yara-unexpected-token@1:23",
                                    "yara-unterminated-string@3:27",
                                    "yara-unterminated-regex@7:26",
                                    "yara-unexpected-token@10:11"));
}

TEST(YaraParserTest, BinaryFile) {
  std::string bytes("rule a { condition: true }\n\x7f\x01\x00\x02", 31);
  YaraFile f = ParseText(bytes, "x.yar");
  EXPECT_THAT(Diags(f), ElementsAre("yara-binary-file@2:3"));
  EXPECT_THAT(f.parsed.rules, IsEmpty());
}

TEST(YaraParserTest, NulAfterFirst8KiBIsNotBinary) {
  std::string bytes = "rule a { condition: true }\n";
  bytes.append(9000, ' ');
  bytes.push_back('\0');
  YaraFile f = ParseText(bytes);
  EXPECT_THAT(Titles(f), ElementsAre("a"));
  // The NUL itself is a stray control byte.
  EXPECT_THAT(Diags(f), ElementsAre("yara-unexpected-token@2:9001"));
}

TEST(YaraParserTest, NonUtf8IsAWarningAndValuesAreSanitised) {
  YaraFile f = ParseText(
      "rule a {\n meta:\n  author = \"Ren\xE9\"\n  x = \"\\xff\"\n"
      " condition: true }");
  EXPECT_THAT(Diags(f), ElementsAre("yara-non-utf8@3:16"));
  EXPECT_EQ(f.parsed.diagnostics[0].severity(), cov::v1::SEVERITY_WARNING);
  ASSERT_THAT(f.parsed.rules, SizeIs(1));
  EXPECT_EQ(f.parsed.rules[0].author(), "Ren\xEF\xBF\xBD");
  // An escape can produce invalid UTF-8 in a valid file too.
  EXPECT_EQ(f.parsed.rules[0].yara_meta(1), "x=\xEF\xBF\xBD");
  std::string wire;
  EXPECT_TRUE(f.parsed.rules[0].SerializeToString(&wire));
}

TEST(YaraParserTest, ValidUtf8IsKept) {
  YaraFile f = ParseText(
      "rule a { meta: author = \"Wojciech Cie\xC5\x9Blak\" condition: true }");
  EXPECT_THAT(f.parsed.diagnostics, IsEmpty());
  ASSERT_THAT(f.parsed.rules, SizeIs(1));
  EXPECT_EQ(f.parsed.rules[0].author(), "Wojciech Cie\xC5\x9Blak");
}

TEST(YaraParserTest, ByteOrderMarkIsAWarning) {
  YaraFile f = ParseText("\xEF\xBB\xBFrule a { condition: true }");
  // `yara` 4.2.3: bom.yar(1): error: non-ascii character.
  EXPECT_THAT(Diags(f),
              ElementsAre("yara-utf8-bom@1:1", "yara-does-not-compile@1:1"));
  EXPECT_EQ(f.parsed.rules[0].disabled_reason(),
            "file does not compile: non-ascii character at line 1");
  EXPECT_EQ(f.parsed.diagnostics[0].severity(), cov::v1::SEVERITY_WARNING);
  EXPECT_THAT(Titles(f), ElementsAre("a"));
}

TEST(YaraParserTest, CrlfLineEndings) {
  YaraFile f = ParseText(
      "rule a {\r\n  meta:\r\n    mitre_att = \"T1059\"\r\n  condition:\r\n"
      "    true\r\n}\r\nrule b { condition: true }\r\n");
  EXPECT_THAT(f.parsed.diagnostics, IsEmpty());
  ASSERT_THAT(Titles(f), ElementsAre("a", "b"));
  EXPECT_EQ(f.parsed.rules[1].line(), 7);
  EXPECT_THAT(Refs(f.parsed.rules[0]),
              ElementsAre("T1059/technique@meta:mitre_att:3"));
}

TEST(YaraParserTest, AttackRefsFromTagsAndMeta) {
  YaraFile f = ParseText(
      R"(rule x : TESTING MALWARE TA0002 T1059 T1059_001 S0378 TLP_CLEAR {
  meta:
    mitre_att = "T1059.001"
    mitre_att = "S0378"
    mitre_att = "T1027, T1083|t1105_002"
    MITRE_ATTACK = "TA0002:T1204 (User Execution); G0032 C0010"
    tags = "T1566, FILE, C0011"
    reference = "https://attack.mitre.org/techniques/T1552/004/"
    description = "mentions T9999 but is not an ATT&CK key"
    technique = "N/A"
  condition:
    true
}
)");
  ASSERT_THAT(f.parsed.rules, SizeIs(1)) << AllDiags(f);
  EXPECT_THAT(Refs(f.parsed.rules[0]),
              ElementsAre("TA0002/tactic@tag:1", "T1059/technique@tag:1",
                          "T1059.001/technique@tag:1", "S0378/software@tag:1",
                          "T1027/technique@meta:mitre_att:5",
                          "T1083/technique@meta:mitre_att:5",
                          "T1105.002/technique@meta:mitre_att:5",
                          "T1204/technique@meta:MITRE_ATTACK:6",
                          "G0032/group@meta:MITRE_ATTACK:6",
                          "C0010/campaign@meta:MITRE_ATTACK:6",
                          "T1566/technique@meta:tags:7",
                          "T1552.004/technique@meta:reference:8"));
  const cov::v1::AttackRef& r = f.parsed.rules[0].attack_refs(6);
  EXPECT_EQ(r.raw(), "t1105_002");
  EXPECT_EQ(r.status(), cov::v1::REF_STATUS_UNSPECIFIED);
  EXPECT_EQ(r.resolved_id(), "");
  EXPECT_THAT(f.parsed.rules[0].yara_tags(),
              ElementsAre("TESTING", "MALWARE", "TA0002", "T1059", "T1059_001",
                          "S0378", "TLP_CLEAR"));
}

TEST(YaraParserTest, RepeatedMetaKeysAllCount) {
  YaraFile f = ParseText(R"(rule x {
  meta:
    mitre_att = "T1059.001"
    author = "a"
    mitre_att = "S0378"
  condition: true
})");
  ASSERT_THAT(f.parsed.rules, SizeIs(1));
  EXPECT_THAT(Refs(f.parsed.rules[0]),
              ElementsAre("T1059.001/technique@meta:mitre_att:3",
                          "S0378/software@meta:mitre_att:5"));
  EXPECT_THAT(
      f.parsed.rules[0].yara_meta(),
      ElementsAre("mitre_att=T1059.001", "author=a", "mitre_att=S0378"));
}

TEST(YaraParserTest, Accepts) {
  YaraParser p;
  EXPECT_TRUE(p.Accepts("a/b.yar"));
  EXPECT_TRUE(p.Accepts("b.YARA"));
  EXPECT_TRUE(p.Accepts("x/y.Rule"));
  EXPECT_TRUE(p.Accepts("x/y.rules"));
  EXPECT_FALSE(p.Accepts("README.md"));
  EXPECT_FALSE(p.Accepts("rules/crimeware/GootLoader_Dotnet"));
  EXPECT_FALSE(p.Accepts("x.yar.bak"));
  EXPECT_FALSE(p.Accepts(".yar"));
  EXPECT_FALSE(p.Accepts("dir.yar/file"));
  EXPECT_EQ(p.format(), cov::v1::RULE_FORMAT_YARA);
}

TEST(YaraParserTest, EmptyAndCommentOnlyFiles) {
  EXPECT_THAT(ParseText("").parsed.rules, IsEmpty());
  YaraFile f = ParseText("/* rule a { condition: true } */\n// rule b\n");
  EXPECT_THAT(f.parsed.rules, IsEmpty());
  EXPECT_THAT(f.parsed.diagnostics, IsEmpty());
}

TEST(YaraParserTest, NotYaraAtAllStopsAfterTooManyErrors) {
  std::string text;
  for (int i = 0; i < 500; ++i) absl::StrAppend(&text, "}\n");
  YaraFile f = ParseText(text);
  ASSERT_THAT(f.parsed.diagnostics, SizeIs(101));
  EXPECT_EQ(f.parsed.diagnostics.back().code(), "yara-too-many-errors");
}

TEST(YaraParserTest, LargeFileIsLinear) {
  // 40,000 rules (~5 MB) with every construct; must parse them all. A
  // quadratic step would take minutes here, past the test's timeout.
  std::string text = "import \"pe\"\n";
  const int kRules = 40000;
  for (int i = 0; i < kRules; ++i) {
    absl::StrAppend(&text, "rule r", i, " : T1059_001 {\n",
                    "  meta:\n    mitre_att = \"T1027|S0002\"\n",
                    "    description = \"a } b \\\" c\"\n",
                    "  strings:\n    $a = { 4D 5A [2-4] ( 90 | ?? ) }\n",
                    "    $b = /x{1,2}\\/y/ nocase\n",
                    "  condition:\n    /* } */ $a or $b // }\n}\n");
  }
  YaraFile f = ParseText(text);
  EXPECT_THAT(f.parsed.diagnostics, IsEmpty());
  ASSERT_THAT(f.parsed.rules, SizeIs(kRules));
  EXPECT_THAT(Refs(f.parsed.rules.back()), SizeIs(3));
}

TEST(YaraParserTest, ManyBrokenRulesAreLinearToo) {
  // Unterminated strings and hex strings on every other line.
  std::string text;
  for (int i = 0; i < 20000; ++i) {
    absl::StrAppend(&text, "rule b", i, " { strings: $a = { 4D\n", "rule g", i,
                    " { condition: true }\n");
  }
  YaraFile f = ParseText(text);
  // The error cap stops the file after 100 errors.
  EXPECT_EQ(f.parsed.diagnostics.back().code(), "yara-too-many-errors");
  EXPECT_THAT(f.parsed.rules, SizeIs(100));
}

TEST(YaraParserTest, EveryTruncationIsHandled) {
  // Cutting a file anywhere must give diagnostics, never a crash or a hang,
  // and never a rule that is not in the full file.
  const std::string text = R"(import "pe"
rule a : T1059 { meta: k = "v\"}" n = -1 strings: $h = { 4D [1-2] ?? }
  $r = /a\/b{1}/is $t = "x" xor(1-2) $u = "y" base64("0123456789012345678901234567890123456789012345678901234567890123")
  condition: /* c */ $h and $r and $t and $u // x
}
private rule b { condition: pe.is_pe }
)";
  for (size_t n = 0; n <= text.size(); ++n) {
    YaraFile f = ParseText(text.substr(0, n));
    for (const auto& r : f.parsed.rules) {
      EXPECT_TRUE(r.title() == "a" || r.title() == "b") << n;
    }
  }
  EXPECT_THAT(Titles(ParseText(text)), ElementsAre("a", "b"));
}

TEST(YaraParserTest, RandomMutationsKeepInvariants) {
  // A deterministic poor man's fuzzer: splice YARA's delimiters into a valid
  // file at random. Whatever happens, no crash (also run under ASan), every
  // diagnostic has a position, rule names are unique and each rule spans
  // real text.
  const std::string base = R"(import "pe"
rule a : T1059 { meta: k = "v\"}" n = -1 strings: $h = { 4D [1-2] ?? }
  $r = /a\/b{1}/is $t = "x" xor(1-2) wide
  condition: /* c */ $h and $r and $t // x
}
private rule b { meta: mitre_att = "T1027|S0002" condition: pe.is_pe }
rule c { strings: $a = "}" condition: $a and for any i in (1..2) : (i) }
)";
  const std::string pieces[] = {"{",
                                "}",
                                "\"",
                                "/",
                                "\\",
                                "*",
                                "/*",
                                "*/",
                                "//",
                                "\n",
                                "(",
                                ")",
                                "[",
                                "]",
                                "$",
                                "=",
                                "rule ",
                                "private ",
                                "condition:",
                                "meta:",
                                "strings:",
                                "\xff",
                                std::string(1, '\0'),
                                "\xEF\xBB\xBF",
                                ":",
                                "-",
                                "import "};
  // libyara's compile check (a whole compiler per file, slow under ASan)
  // runs on every 10th variant; the hand parser's invariants on all of them.
  YaraParserOptions no_compile;
  no_compile.compile_check = false;
  YaraParser fast(no_compile);
  YaraParser full;
  std::mt19937 rng(20240601);
  for (int iter = 0; iter < 3000; ++iter) {
    std::string text = base;
    int edits = 1 + static_cast<int>(rng() % 4);
    for (int e = 0; e < edits; ++e) {
      size_t at = rng() % (text.size() + 1);
      switch (rng() % 3) {
        case 0:
          text.insert(at, pieces[rng() % (sizeof(pieces) / sizeof(pieces[0]))]);
          break;
        case 1:
          text.erase(at, 1 + rng() % 8);
          break;
        default:
          if (at < text.size()) {
            text[at] = pieces[rng() % (sizeof(pieces) / sizeof(pieces[0]))][0];
          }
          break;
      }
    }
    YaraFile f = (iter % 10 == 0 ? full : fast)
                     .ParseDetailed(SourceFile{"dir/x.yar", text, "src"});
    std::set<std::string> names;
    for (const auto& r : f.parsed.rules) {
      EXPECT_TRUE(names.insert(r.title()).second) << text;
      EXPECT_GT(r.line(), 0);
      EXPECT_EQ(r.content_hash().size(), 16u);
    }
    for (const auto& d : f.parsed.diagnostics) {
      EXPECT_GT(d.line(), 0) << FormatDiagnostic(d);
      EXPECT_GT(d.column(), 0) << FormatDiagnostic(d);
      EXPECT_FALSE(d.code().empty());
    }
    EXPECT_EQ(f.rule_info.size(), f.parsed.rules.size());
  }
}

}  // namespace
}  // namespace cov::ingest::yara
