#include "ingest/suricata/suricata_parser.h"

#include <chrono>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "ingest/base/diagnostics.h"
#include "ingest/base/hash.h"

namespace cov::ingest::suricata {
namespace {

using ::cov::v1::Diagnostic;
using ::cov::v1::Rule;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

ParsedFile ParseText(absl::string_view text,
                     absl::string_view path = "test.rules") {
  SuricataParser parser;
  return parser.Parse({std::string(path), text, "et"});
}

// "code@line" for each diagnostic, in order.
std::vector<std::string> Codes(const ParsedFile& p) {
  std::vector<std::string> out;
  for (const Diagnostic& d : p.diagnostics) {
    out.push_back(absl::StrCat(d.code(), "@", d.line()));
  }
  return out;
}

std::string Dump(const ParsedFile& p) {
  std::vector<std::string> lines;
  for (const Diagnostic& d : p.diagnostics) {
    lines.push_back(FormatDiagnostic(d));
  }
  return absl::StrJoin(lines, "\n");
}

const Diagnostic* Find(const ParsedFile& p, absl::string_view code) {
  for (const Diagnostic& d : p.diagnostics) {
    if (d.code() == code) return &d;
  }
  return nullptr;
}

// An ET Open rule (sid 2032468, emerging-info.rules), verbatim.
constexpr absl::string_view kEtRule =
    R"(alert http $EXTERNAL_NET any -> $HOME_NET any (msg:"ET INFO Killbot JS Configuration - Possible Phishing"; flow:established,to_client; file.data; content:"const killbot"; nocase; content:"apiKey|3a|"; nocase; content:"botRedirection|3a|"; nocase; content:"killbot-security.js"; nocase; fast_pattern; reference:url,killbot.org; classtype:misc-activity; sid:2032468; rev:2; metadata:affected_product Web_Server_Applications, attack_target Client_Endpoint, created_at 2021_04_05, deployment Perimeter, former_category INFO, signature_severity Critical, tag Phishing, updated_at 2021_04_05, mitre_tactic_id TA0001, mitre_tactic_name Initial_Access, mitre_technique_id T1566, mitre_technique_name Phishing;))";

TEST(SuricataParserTest, FormatAndAccepts) {
  SuricataParser parser;
  EXPECT_EQ(parser.format(), cov::v1::RULE_FORMAT_SURICATA);
  EXPECT_TRUE(parser.Accepts("rules/emerging-dns.rules"));
  EXPECT_TRUE(parser.Accepts("LOCAL.RULES"));
  EXPECT_FALSE(parser.Accepts("classification.config"));
  EXPECT_FALSE(parser.Accepts("rules.txt"));
  EXPECT_FALSE(parser.Accepts("x.rules.bak"));
}

TEST(SuricataParserTest, EtOpenRuleAllFields) {
  ParsedFile p = ParseText(absl::StrCat("# header comment\n\n", kEtRule, "\n"),
                           "rules/emerging-info.rules");
  EXPECT_THAT(p.diagnostics, IsEmpty()) << Dump(p);
  ASSERT_EQ(p.rules.size(), 1u);
  const Rule& r = p.rules[0];
  EXPECT_EQ(r.uid(), "et:2032468");
  EXPECT_EQ(r.format(), cov::v1::RULE_FORMAT_SURICATA);
  EXPECT_EQ(r.source(), "et");
  EXPECT_EQ(r.file(), "rules/emerging-info.rules");
  EXPECT_EQ(r.line(), 3);
  EXPECT_EQ(r.title(), "ET INFO Killbot JS Configuration - Possible Phishing");
  EXPECT_TRUE(r.enabled());
  EXPECT_EQ(r.action(), "alert");
  EXPECT_EQ(r.sid(), 2032468);
  EXPECT_EQ(r.rev(), 2);
  EXPECT_EQ(r.gid(), 1);
  EXPECT_EQ(r.classtype(), "misc-activity");
  EXPECT_THAT(r.references(), ElementsAre("url,killbot.org"));
  ASSERT_EQ(r.metadata_size(), 12);
  EXPECT_EQ(r.metadata(0), "affected_product Web_Server_Applications");
  EXPECT_EQ(r.metadata(11), "mitre_technique_name Phishing");
  EXPECT_EQ(r.content_hash().size(), 16u);
  EXPECT_EQ(r.content_hash(), absl::StrFormat("%016x", Fnv1a64(kEtRule)));
  ASSERT_EQ(r.attack_refs_size(), 3);
  EXPECT_EQ(r.attack_refs(0).id(), "TA0001");
  EXPECT_EQ(r.attack_refs(0).kind(), "tactic");
  EXPECT_EQ(r.attack_refs(0).raw(), "TA0001");
  EXPECT_EQ(r.attack_refs(0).origin(), "metadata:mitre_tactic_id");
  EXPECT_EQ(r.attack_refs(0).line(), 3);
  EXPECT_EQ(r.attack_refs(1).id(), "initial-access");
  EXPECT_EQ(r.attack_refs(1).kind(), "tactic");
  EXPECT_EQ(r.attack_refs(1).raw(), "Initial_Access");
  EXPECT_EQ(r.attack_refs(1).origin(), "metadata:mitre_tactic_name");
  EXPECT_EQ(r.attack_refs(2).id(), "T1566");
  EXPECT_EQ(r.attack_refs(2).kind(), "technique");
  EXPECT_EQ(r.attack_refs(2).origin(), "metadata:mitre_technique_id");
  EXPECT_EQ(r.attack_refs(2).status(), cov::v1::REF_STATUS_UNSPECIFIED);
}

TEST(SuricataParserTest, Fnv1a64KnownValues) {
  // Reference values of 64-bit FNV-1a.
  EXPECT_EQ(Fnv1a64(""), 0xcbf29ce484222325ULL);
  EXPECT_EQ(Fnv1a64("a"), 0xaf63dc4c8601ec8cULL);
  EXPECT_EQ(Fnv1a64("foobar"), 0x85944171f73967e8ULL);
}

TEST(SuricataParserTest, GidInUid) {
  ParsedFile p = ParseText(
      "alert tcp any any -> any any (msg:\"a\"; gid:3; sid:10; rev:1;)\n"
      "alert tcp any any -> any any (msg:\"b\"; gid:1; sid:11;)\n"
      "alert tcp any any -> any any (msg:\"c\"; sid:12;)\n");
  EXPECT_THAT(p.diagnostics, IsEmpty()) << Dump(p);
  ASSERT_EQ(p.rules.size(), 3u);
  EXPECT_EQ(p.rules[0].uid(), "et:3:10");
  EXPECT_EQ(p.rules[0].gid(), 3);
  EXPECT_EQ(p.rules[1].uid(), "et:11");
  EXPECT_EQ(p.rules[2].uid(), "et:12");
  EXPECT_EQ(p.rules[2].gid(), 1);  // Suricata's default
  EXPECT_EQ(p.rules[2].rev(), 0);
}

TEST(SuricataParserTest, AllActions) {
  std::string text;
  const char* actions[] = {"alert",     "drop",       "reject", "rejectsrc",
                           "rejectdst", "rejectboth", "pass",   "log",
                           "sdrop",     "activate",   "dynamic"};
  int sid = 1;
  for (const char* a : actions) {
    absl::StrAppend(&text, a, " ip any any -> any any (sid:", sid++, ";)\n");
  }
  ParsedFile p = ParseText(text);
  EXPECT_THAT(p.diagnostics, IsEmpty()) << Dump(p);
  ASSERT_EQ(p.rules.size(), 11u);
  for (size_t i = 0; i < 11; ++i) EXPECT_EQ(p.rules[i].action(), actions[i]);
}

TEST(SuricataParserTest, LineContinuation) {
  ParsedFile p = ParseText(
      "alert tcp any any -> any any (msg:\"one\"; sid:1;)\n"
      "alert http $HOME_NET any -> any any \\\n"
      "  (msg:\"two\"; content:\"x\"; \\\n"
      "   metadata:created_at 2020_01_01, \\\n"
      "   mitre_technique_id T1071; bogus_kw; sid:2; rev:1;)\n"
      "alert tcp any any -> any any (msg:\"three\"; sid:3;)\n");
  ASSERT_EQ(p.rules.size(), 3u);
  EXPECT_EQ(p.rules[0].line(), 1);
  EXPECT_EQ(p.rules[1].line(), 2);
  EXPECT_EQ(p.rules[1].title(), "two");
  EXPECT_THAT(p.rules[1].metadata(),
              ElementsAre("created_at 2020_01_01", "mitre_technique_id T1071"));
  ASSERT_EQ(p.rules[1].attack_refs_size(), 1);
  // The key sits on the rule's fourth physical line.
  EXPECT_EQ(p.rules[1].attack_refs(0).line(), 5);
  EXPECT_EQ(p.rules[2].line(), 6);
  // Diagnostics inside a continued rule point at the physical line/column.
  ASSERT_EQ(p.diagnostics.size(), 1u) << Dump(p);
  EXPECT_EQ(p.diagnostics[0].code(), "suricata-unknown-option");
  EXPECT_EQ(p.diagnostics[0].line(), 5);
  EXPECT_EQ(p.diagnostics[0].column(), 30);
  EXPECT_EQ(p.diagnostics[0].severity(), cov::v1::SEVERITY_WARNING);
  EXPECT_EQ(p.diagnostics[0].object(), "et:2");
}

// Issue 15 item 7: Suricata's loader rejects rules over 8,192 bytes.
TEST(SuricataParserTest, RuleOverSuricatasLimitIsAWarning) {
  const std::string head =
      "alert tcp any any -> any any (msg:\"long\"; content:\"";
  const std::string tail = "\"; sid:7;)";
  const std::string at_limit =
      head + std::string(8192 - head.size() - tail.size(), 'A') + tail;
  ASSERT_EQ(at_limit.size(), 8192u);
  ParsedFile p = ParseText(at_limit + "\n");
  EXPECT_THAT(Codes(p), IsEmpty()) << Dump(p);
  const std::string over = head + "B" + at_limit.substr(head.size());
  p = ParseText("alert tcp any any -> any any (msg:\"x\"; sid:1;)\n" + over +
                "\n");
  ASSERT_EQ(p.rules.size(), 2u);
  EXPECT_THAT(Codes(p), ElementsAre("suricata-rule-too-long@2"));
  EXPECT_EQ(p.diagnostics[0].column(), 1);
  EXPECT_EQ(p.diagnostics[0].severity(), cov::v1::SEVERITY_WARNING);
  EXPECT_EQ(p.diagnostics[0].message(),
            "rule is 8193 bytes; Suricata reads at most 8192 bytes per rule "
            "(DETECT_MAX_RULE_SIZE) and rejects longer ones");
  EXPECT_EQ(p.diagnostics[0].object(), "et:7");
}

// Issue 15 item 7: UTF-16 is named, not called binary.
TEST(SuricataParserTest, Utf16FileIsNamed) {
  const std::string le("a\0l\0e\0r\0t\0 \0t\0c\0p\0", 18);
  ParsedFile p = ParseText(le);
  EXPECT_THAT(Codes(p), ElementsAre("suricata-utf16-file@1"));
  EXPECT_THAT(p.diagnostics[0].message(), HasSubstr("UTF-16LE, not UTF-8"));
  EXPECT_TRUE(p.rules.empty());
}

TEST(SuricataParserTest, ContinuationAtEndOfFile) {
  ParsedFile p =
      ParseText("alert tcp any any -> any any (msg:\"x\"; sid:1;) \\\n");
  ASSERT_EQ(p.rules.size(), 1u);
  EXPECT_THAT(Codes(p), ElementsAre("suricata-dangling-continuation@1"));
  EXPECT_EQ(p.diagnostics[0].severity(), cov::v1::SEVERITY_WARNING);
}

TEST(SuricataParserTest, CrlfIsTolerated) {
  const std::string lf =
      absl::StrCat("# comment\n\n", kEtRule, "\n",
                   "alert tcp any any -> any any (msg:\"x\"; \\\n sid:5;)\n");
  const std::string crlf = absl::StrReplaceAll(lf, {{"\n", "\r\n"}});
  ParsedFile a = ParseText(lf);
  ParsedFile b = ParseText(crlf);
  EXPECT_THAT(b.diagnostics, IsEmpty()) << Dump(b);
  ASSERT_EQ(a.rules.size(), 2u);
  ASSERT_EQ(b.rules.size(), 2u);
  for (size_t i = 0; i < 2; ++i) {
    EXPECT_EQ(a.rules[i].DebugString(), b.rules[i].DebugString());
  }
}

TEST(SuricataParserTest, BlankLinesAndCommentsAreSkipped) {
  ParsedFile p = ParseText(
      "\n   \n\t\n# Emerging Threats\n#\n  # indented comment\n"
      "#*****************\n# alert on anomalies (see the docs)\n"
      "# alert tcp any any -> any any but no options\n"
      "#alert: this looks like a rule (but is not one)\n");
  EXPECT_THAT(p.rules, IsEmpty());
  EXPECT_THAT(p.diagnostics, IsEmpty()) << Dump(p);
}

TEST(SuricataParserTest, CommentedOutRulesAreDisabled) {
  ParsedFile p = ParseText(
      "#alert tcp any any -> any any (msg:\"a\"; sid:1;)\n"
      "# alert tcp any any -> any any (msg:\"b\"; sid:2;)\n"
      "##alert tcp any any -> any any (msg:\"c\"; sid:3;)\n"
      "  #  drop udp any any <> any 53 (msg:\"d\"; sid:4;)\n"
      "alert tcp any any -> any any (msg:\"e\"; sid:5;)\n");
  EXPECT_THAT(p.diagnostics, IsEmpty()) << Dump(p);
  ASSERT_EQ(p.rules.size(), 5u);
  for (int i = 0; i < 4; ++i) {
    EXPECT_FALSE(p.rules[i].enabled()) << i;
    EXPECT_EQ(p.rules[i].line(), i + 1);
  }
  EXPECT_EQ(p.rules[3].action(), "drop");
  EXPECT_EQ(p.rules[3].title(), "d");
  EXPECT_TRUE(p.rules[4].enabled());
  // The hash ignores the comment marks: enabling a rule keeps its hash.
  ParsedFile q =
      ParseText("alert tcp any any -> any any (msg:\"a\"; sid:1;)\n");
  EXPECT_EQ(p.rules[0].content_hash(), q.rules[0].content_hash());
}

TEST(SuricataParserTest, IndentedRulesAreDisabledAndFlagged) {
  // Suricata's loader skips lines starting with a blank, like comments.
  ParsedFile p = ParseText(
      "  alert tcp any any -> any any (msg:\"a\"; sid:1;)\n"
      "\talert tcp any any -> any any (msg:\"b\"; \\\n"
      "\t  sid:2;)\n"
      "   just some indented prose\n"
      "   alert when something (happens)\n"
      "alert tcp any any -> any any (msg:\"c\"; sid:3;)\n");
  EXPECT_THAT(Codes(p), ElementsAre("suricata-indented-rule@1",
                                    "suricata-indented-rule@2"));
  for (const Diagnostic& d : p.diagnostics) {
    EXPECT_EQ(d.severity(), cov::v1::SEVERITY_WARNING);
  }
  ASSERT_EQ(p.rules.size(), 3u);
  EXPECT_FALSE(p.rules[0].enabled());
  EXPECT_FALSE(p.rules[1].enabled());
  EXPECT_EQ(p.rules[1].sid(), 2);
  EXPECT_TRUE(p.rules[2].enabled());
  EXPECT_EQ(p.rules[2].line(), 6);
}

TEST(SuricataParserTest, DisabledRuleMetadataAndContinuation) {
  ParsedFile p = ParseText(
      "#alert dns $HOME_NET any -> any any (msg:\"x\"; \\\n"
      "#  metadata:mitre_tactic_id TA0011, mitre_technique_id T1568; \\\n"
      "#  sid:9;)\n"
      "alert tcp any any -> any any (sid:10;)\n");
  EXPECT_THAT(p.diagnostics, IsEmpty()) << Dump(p);
  ASSERT_EQ(p.rules.size(), 2u);
  EXPECT_FALSE(p.rules[0].enabled());
  EXPECT_EQ(p.rules[0].sid(), 9);
  ASSERT_EQ(p.rules[0].attack_refs_size(), 2);
  EXPECT_EQ(p.rules[0].attack_refs(1).id(), "T1568");
  EXPECT_EQ(p.rules[0].attack_refs(1).line(), 2);
  EXPECT_TRUE(p.rules[1].enabled());
  EXPECT_EQ(p.rules[1].line(), 4);
}

TEST(SuricataParserTest, DisabledRuleContinuationStopsAtUncommentedLine) {
  // The commented rule's continuation must not swallow the real rule.
  ParsedFile p = ParseText(
      "#alert tcp any any -> any any (msg:\"x\"; \\\n"
      "alert tcp any any -> any any (msg:\"y\"; sid:2;)\n");
  ASSERT_EQ(p.rules.size(), 1u);
  EXPECT_EQ(p.rules[0].sid(), 2);
  EXPECT_TRUE(p.rules[0].enabled());
  EXPECT_THAT(p.diagnostics, IsEmpty()) << Dump(p);
}

TEST(SuricataParserTest, DisabledRulesGetWarningsNotErrors) {
  ParsedFile p = ParseText(
      "#alert tcp any any -> any any (msg:\"no sid\"; rev:1;)\n"
      "#alert tcp any any -> any 99999 (msg:\"x\"; sid:abc;)\n"
      "#alert tcp any any -> any any (msg:\"x\"; resp:rst_all; sid:3;)\n"
      "#alert tcp any any -> any any (msg:\"x\"; sid:4)\n");
  EXPECT_THAT(Codes(p),
              ElementsAre("suricata-missing-sid@1", "suricata-bad-port@2",
                          "suricata-bad-sid@2", "suricata-unknown-option@3",
                          "suricata-missing-semicolon@4"));
  for (const Diagnostic& d : p.diagnostics) {
    EXPECT_EQ(d.severity(), cov::v1::SEVERITY_WARNING) << FormatDiagnostic(d);
    EXPECT_THAT(d.message(), HasSubstr("disabled rule"));
  }
  ASSERT_EQ(p.rules.size(), 2u);
  EXPECT_EQ(p.rules[0].sid(), 3);
  EXPECT_EQ(p.rules[1].sid(), 4);
}

TEST(SuricataParserTest, OptionValuesWithEscapesAndQuotes) {
  ParsedFile p = ParseText(
      R"r(alert http any any -> any any (msg:"ET a\; b \"q\" c\\d (x)"; content:"|3b|)"; pcre:"/x;y\)/i"; content:"a\;b"; sid:1; rev:2;))r"
      "\n");
  EXPECT_THAT(p.diagnostics, IsEmpty()) << Dump(p);
  ASSERT_EQ(p.rules.size(), 1u);
  EXPECT_EQ(p.rules[0].title(), R"(ET a; b "q" c\d (x))");
  EXPECT_EQ(p.rules[0].rev(), 2);
}

TEST(SuricataParserTest, EtOpenPcreWithBareQuote) {
  // ET Open sid 2010376 (emerging-deleted.rules): a `"` inside the pcre.
  ParsedFile p = ParseText(
      R"(#alert tcp $EXTERNAL_NET any -> $SMTP_SERVERS 25 (msg:"ET DELETED WU Malicious Spam Inbound"; flow:established,to_server; content:"Content-Disposition|3A| attachment|3b|"; nocase; content:"filename"; within:100; content:"WU_Details_"; within:50; pcre:"/filename\s*=\s*"WU_Details_.....\.zip/m"; classtype:trojan-activity; sid:2010376; rev:3; metadata:created_at 2010_07_30, updated_at 2019_07_26;))");
  EXPECT_THAT(p.diagnostics, IsEmpty()) << Dump(p);
  ASSERT_EQ(p.rules.size(), 1u);
  EXPECT_EQ(p.rules[0].sid(), 2010376);
  EXPECT_EQ(p.rules[0].rev(), 3);
  EXPECT_EQ(p.rules[0].classtype(), "trojan-activity");
  EXPECT_THAT(p.rules[0].metadata(),
              ElementsAre("created_at 2010_07_30", "updated_at 2019_07_26"));
}

TEST(SuricataParserTest, ReferencesAndMetadataRepeat) {
  ParsedFile p = ParseText(
      "alert tcp any any -> any any (msg:\"x\"; reference:url,a.example/x; "
      "reference: cve , 2021-44228 ; metadata:tag A, tag B; classtype:"
      "bad-unknown; metadata: former_category X; sid:1;)\n");
  EXPECT_THAT(p.diagnostics, IsEmpty()) << Dump(p);
  ASSERT_EQ(p.rules.size(), 1u);
  EXPECT_THAT(p.rules[0].references(),
              ElementsAre("url,a.example/x", "cve,2021-44228"));
  EXPECT_THAT(p.rules[0].metadata(),
              ElementsAre("tag A", "tag B", "former_category X"));
}

TEST(SuricataParserTest, BadReference) {
  ParsedFile p =
      ParseText("alert tcp any any -> any any (reference:nocomma; sid:1;)\n");
  EXPECT_THAT(Codes(p), ElementsAre("suricata-bad-reference@1"));
  EXPECT_EQ(p.diagnostics[0].severity(), cov::v1::SEVERITY_ERROR);
}

TEST(SuricataParserTest, HeaderChecks) {
  ParsedFile p = ParseText(
      "alert tcp any any any any any (sid:1;)\n"                    // 1
      "alert tcp any any -> any (sid:2;)\n"                         // 2
      "alert gopher any any -> any any (sid:3;)\n"                  // 3
      "alert tcp any any <- any any (sid:4;)\n"                     // 4
      "alert tcp any 70000 -> any [80,!8080:9000] (sid:5;)\n"       // 5
      "alert tcp 10.0.0.%1 any -> any any (sid:6;)\n"               // 6
      "alert http (msg:\"service rule\"; sid:7;)\n"                 // 7
      "alert tcp ![10.0.0.0/8, $HOME_NET] any -> [::1,fe80::/10] "  // 8
      "$HTTP_PORTS (sid:8;)\n"
      "alert tcp any any => any any (sid:9;)\n"     // 9
      "alert tcp any abc -> any any (sid:10;)\n");  // 10
  EXPECT_THAT(
      Codes(p),
      ElementsAre("suricata-bad-direction@1", "suricata-bad-header@2",
                  "suricata-unknown-protocol@3", "suricata-reverse-direction@4",
                  "suricata-bad-port@5", "suricata-bad-address@6",
                  "suricata-short-header@7", "suricata-bad-port@10"));
  EXPECT_EQ(p.diagnostics[0].severity(), cov::v1::SEVERITY_ERROR);
  EXPECT_EQ(p.diagnostics[0].column(), 19);  // the third "any"
  EXPECT_EQ(p.diagnostics[2].severity(), cov::v1::SEVERITY_WARNING);
  EXPECT_EQ(p.diagnostics[3].severity(), cov::v1::SEVERITY_WARNING);
  EXPECT_EQ(p.diagnostics[4].column(), 15);
  EXPECT_EQ(p.diagnostics[6].severity(), cov::v1::SEVERITY_WARNING);
  EXPECT_EQ(p.rules.size(), 10u);  // header errors do not hide the sid
}

TEST(SuricataParserTest, BadActionLine) {
  ParsedFile p = ParseText(
      "alrt tcp any any -> any any (sid:1;)\n"
      "var HOME_NET [10.0.0.0/8]\n"
      "alert tcp any any -> any any (sid:2;)\n");
  EXPECT_THAT(Codes(p),
              ElementsAre("suricata-bad-action@1", "suricata-bad-action@2"));
  EXPECT_EQ(p.diagnostics[0].severity(), cov::v1::SEVERITY_ERROR);
  ASSERT_EQ(p.rules.size(), 1u);
  EXPECT_EQ(p.rules[0].sid(), 2);
}

TEST(SuricataParserTest, SidChecks) {
  ParsedFile p = ParseText(
      "alert tcp any any -> any any (msg:\"no sid\"; rev:1;)\n"        // 1
      "alert tcp any any -> any any (msg:\"x\"; sid:12ab;)\n"          // 2
      "alert tcp any any -> any any (msg:\"x\"; sid:0;)\n"             // 3
      "alert tcp any any -> any any (msg:\"x\"; sid:4294967296;)\n"    // 4
      "alert tcp any any -> any any (msg:\"x\"; sid:5; rev:v2;)\n"     // 5
      "alert tcp any any -> any any (msg:\"x\"; sid:6; gid:one;)\n"    // 6
      "alert tcp any any -> any any (msg:\"x\"; sid:7; sid:8;)\n"      // 7
      "alert tcp any any -> any any (msg:\"x\"; msg:\"y\"; sid:9;)\n"  // 8
      "alert tcp any any -> any any (sid:4294967295;)\n");             // 9
  EXPECT_THAT(Codes(p),
              ElementsAre("suricata-missing-sid@1", "suricata-bad-sid@2",
                          "suricata-bad-sid@3", "suricata-bad-sid@4",
                          "suricata-bad-rev@5", "suricata-bad-gid@6",
                          "suricata-duplicate-option@7",
                          "suricata-duplicate-option@8"));
  for (const Diagnostic& d : p.diagnostics) {
    EXPECT_EQ(d.severity(), cov::v1::SEVERITY_ERROR) << FormatDiagnostic(d);
  }
  EXPECT_EQ(p.diagnostics[1].column(), 44);  // at the value "12ab"
  // Rules without a usable sid are dropped; the others are returned.
  std::vector<int64_t> sids;
  for (const Rule& r : p.rules) sids.push_back(r.sid());
  EXPECT_THAT(sids, ElementsAre(5, 6, 7, 9, 4294967295LL));
  EXPECT_EQ(p.diagnostics[4].object(), "et:5");
  EXPECT_EQ(p.diagnostics[0].object(), "");
}

TEST(SuricataParserTest, DuplicateSidInFile) {
  ParsedFile p = ParseText(
      "alert tcp any any -> any any (msg:\"a\"; sid:1;)\n"
      "alert tcp any any -> any any (msg:\"b\"; sid:2;)\n"
      "alert tcp any any -> any any (msg:\"c\"; sid:1;)\n"
      "#alert tcp any any -> any any (msg:\"d\"; sid:2;)\n"
      "alert tcp any any -> any any (msg:\"e\"; gid:2; sid:1;)\n");
  EXPECT_THAT(Codes(p), ElementsAre("suricata-duplicate-sid@3",
                                    "suricata-duplicate-sid@4"));
  EXPECT_EQ(p.diagnostics[0].severity(), cov::v1::SEVERITY_ERROR);
  EXPECT_THAT(p.diagnostics[0].message(), HasSubstr("line 1"));
  EXPECT_EQ(p.diagnostics[1].severity(), cov::v1::SEVERITY_WARNING);
  EXPECT_EQ(p.rules.size(), 5u);
}

TEST(SuricataParserTest, DuplicateSidsAcrossFiles) {
  SuricataParser parser;
  std::vector<ParsedFile> files;
  files.push_back(parser.Parse({"a.rules",
                                "alert tcp any any -> any any (sid:1;)\n"
                                "alert tcp any any -> any any (sid:2;)\n"
                                "#alert tcp any any -> any any (sid:3;)\n",
                                "src"}));
  files.push_back(
      parser.Parse({"b.rules",
                    "alert tcp any any -> any any (sid:4;)\n"
                    "alert tcp any any -> any any (sid:2;)\n"
                    "alert tcp any any -> any any (sid:3;)\n"
                    "alert tcp any any -> any any (gid:5; sid:1;)\n",
                    "src"}));
  files.push_back(parser.Parse(
      {"c.rules", "alert tcp any any -> any any (sid:2;)\n", "src"}));
  std::vector<Diagnostic> d = FindDuplicateSids(files);
  ASSERT_EQ(d.size(), 3u);
  EXPECT_EQ(d[0].file(), "b.rules");
  EXPECT_EQ(d[0].line(), 2);
  EXPECT_EQ(d[0].code(), "suricata-duplicate-sid");
  EXPECT_EQ(d[0].severity(), cov::v1::SEVERITY_ERROR);
  EXPECT_THAT(d[0].message(), HasSubstr("a.rules:2"));
  EXPECT_EQ(d[0].object(), "src:2");
  EXPECT_EQ(d[1].line(), 3);
  EXPECT_EQ(d[1].severity(), cov::v1::SEVERITY_WARNING);  // first is disabled
  EXPECT_EQ(d[2].file(), "c.rules");
  EXPECT_THAT(d[2].message(), HasSubstr("a.rules:2"));
  // Within-file duplicates are left to Parse.
  std::vector<ParsedFile> one;
  one.push_back(parser.Parse({"d.rules",
                              "alert tcp any any -> any any (sid:1;)\n"
                              "alert tcp any any -> any any (sid:1;)\n",
                              "src"}));
  EXPECT_THAT(FindDuplicateSids(one), IsEmpty());
}

TEST(SuricataParserTest, UnterminatedRules) {
  ParsedFile p = ParseText(
      "alert tcp any any -> any any (msg:\"x\"; sid:1;\n"               // 1
      "alert tcp any any -> any any (msg:\"x\"; sid:2)\n"               // 2
      "alert tcp any any -> any any (msg:\"x; sid:3;)\n"                // 3
      "alert tcp any any -> any any msg:\"x\"; sid:4;\n"                // 4
      "alert tcp any any -> any any (msg:\"fine\"; sid:5;)\n"           // 5
      "alert tcp any any -> any any (msg:\"x\"; sid:6; content:\"ab");  // 6
  EXPECT_THAT(Codes(p), ElementsAre("suricata-unterminated-rule@1",
                                    "suricata-missing-semicolon@2",
                                    "suricata-unterminated-string@3",
                                    "suricata-unterminated-rule@4",
                                    "suricata-unterminated-rule@6",
                                    "suricata-unterminated-string@6"));
  for (const Diagnostic& d : p.diagnostics) {
    EXPECT_EQ(d.severity(), cov::v1::SEVERITY_ERROR) << FormatDiagnostic(d);
  }
  EXPECT_EQ(p.diagnostics[1].column(), 40);  // at "sid"
  EXPECT_EQ(p.diagnostics[2].column(), 35);  // at the opening quote
  // Rules whose sid could still be read are returned (with their errors).
  std::vector<int64_t> sids;
  for (const Rule& r : p.rules) sids.push_back(r.sid());
  EXPECT_THAT(sids, ElementsAre(1, 2, 3, 5, 6));
}

TEST(SuricataParserTest, TruncatedLastOptionIsOneError) {
  // Cut mid-option at end of file: one error, not also "missing ';'".
  ParsedFile p = ParseText("alert tcp any any -> any any (msg:\"x\"; sid:7");
  EXPECT_THAT(Codes(p), ElementsAre("suricata-unterminated-rule@1"));
  EXPECT_EQ(p.diagnostics[0].column(), 45);  // just past the end
  ASSERT_EQ(p.rules.size(), 1u);
  EXPECT_EQ(p.rules[0].sid(), 7);
}

TEST(SuricataParserTest, BadOptionNamesAndEmptyOptions) {
  ParsedFile p = ParseText(
      "alert tcp any any -> any any (msg:\"x\";; content \"a\"; sid:1;)\n");
  EXPECT_THAT(Codes(p), ElementsAre("suricata-empty-option@1",
                                    "suricata-bad-option-name@1"));
  EXPECT_EQ(p.diagnostics[0].severity(), cov::v1::SEVERITY_WARNING);
  EXPECT_EQ(p.diagnostics[0].column(), 39);
  EXPECT_EQ(p.diagnostics[1].severity(), cov::v1::SEVERITY_ERROR);
  EXPECT_EQ(p.diagnostics[1].column(), 41);
  EXPECT_THAT(p.diagnostics[1].message(), HasSubstr("content \"a\""));
  EXPECT_EQ(p.rules.size(), 1u);
}

TEST(SuricataParserTest, UnknownOptionWarns) {
  ParsedFile p = ParseText(
      "alert tcp any any -> any any (msg:\"x\"; content:\"a\"; "
      "resp:rst_all; http_uri; sid:1;)\n");
  EXPECT_THAT(Codes(p), ElementsAre("suricata-unknown-option@1"));
  EXPECT_EQ(p.diagnostics[0].severity(), cov::v1::SEVERITY_WARNING);
  EXPECT_THAT(p.diagnostics[0].message(), HasSubstr("'resp'"));
  EXPECT_EQ(p.diagnostics[0].column(), 53);
  EXPECT_EQ(p.rules.size(), 1u);
}

TEST(SuricataParserTest, AttackRefsFromMetadata) {
  ParsedFile p = ParseText(
      "alert tcp any any -> any any (msg:\"x\"; metadata:mitre_tactic_id "
      "TA0011, mitre_tactic_name Command_And_Control, mitre_technique_id "
      "T1071, mitre_technique_name Application_Layer_Protocol, "
      "mitre_subtechnique_id T1071_001, mitre_technique_id T1071; "
      "metadata:mitre_subtechnique_id 004, mitre_tactic_id TA00XX; sid:1;)\n");
  ASSERT_EQ(p.rules.size(), 1u);
  const Rule& r = p.rules[0];
  std::vector<std::string> refs;
  for (const auto& a : r.attack_refs()) {
    refs.push_back(
        absl::StrCat(a.kind(), ":", a.id(), ":", a.raw(), ":", a.origin()));
  }
  EXPECT_THAT(
      refs,
      ElementsAre("tactic:TA0011:TA0011:metadata:mitre_tactic_id",
                  "tactic:command-and-control:Command_And_Control:metadata:"
                  "mitre_tactic_name",
                  "technique:T1071:T1071:metadata:mitre_technique_id",
                  "technique:T1071.001:T1071_001:metadata:"
                  "mitre_subtechnique_id",
                  "technique:T1071.004:004:metadata:mitre_subtechnique_id"));
  EXPECT_THAT(Codes(p), ElementsAre("suricata-bad-attack-id@1"));
  EXPECT_EQ(p.diagnostics[0].severity(), cov::v1::SEVERITY_WARNING);
  EXPECT_THAT(p.diagnostics[0].message(), HasSubstr("TA00XX"));
}

TEST(SuricataParserTest, BinaryFileIsSkipped) {
  std::string text = "alert tcp any any -> any any (sid:1;)\nab";
  text.push_back('\0');
  text += "cd\nalert tcp any any -> any any (sid:2;)\n";
  ParsedFile p = ParseText(text);
  EXPECT_THAT(p.rules, IsEmpty());
  EXPECT_THAT(Codes(p), ElementsAre("suricata-binary-file@2"));
  EXPECT_EQ(p.diagnostics[0].severity(), cov::v1::SEVERITY_ERROR);
}

TEST(SuricataParserTest, InvalidUtf8Warns) {
  ParsedFile p = ParseText(
      "# caf\xc3\xa9 is fine\n"
      "alert tcp any any -> any any (msg:\"bad \xff\xfe byte\"; "
      "metadata:tag \xe9t\xe9; sid:1;)\n");
  EXPECT_THAT(Codes(p), ElementsAre("suricata-invalid-utf8@2"));
  EXPECT_EQ(p.diagnostics[0].severity(), cov::v1::SEVERITY_WARNING);
  EXPECT_EQ(p.diagnostics[0].column(), 40);
  ASSERT_EQ(p.rules.size(), 1u);
  EXPECT_EQ(p.rules[0].title(), "bad \xEF\xBF\xBD\xEF\xBF\xBD byte");
  EXPECT_EQ(p.rules[0].metadata(0), "tag \xEF\xBF\xBDt\xEF\xBF\xBD");
  // The record must serialise (proto3 strings must be valid UTF-8).
  std::string wire;
  EXPECT_TRUE(p.rules[0].SerializeToString(&wire));
  cov::v1::Rule back;
  EXPECT_TRUE(back.ParseFromString(wire));
  EXPECT_EQ(back.title(), p.rules[0].title());
}

TEST(SuricataParserTest, ValidUtf8IsKept) {
  ParsedFile p = ParseText(
      "alert tcp any any -> any any (msg:\"caf\xc3\xa9 \xe2\x82\xac "
      "\xf0\x9f\x98\x80\"; sid:1;)\n");
  EXPECT_THAT(p.diagnostics, IsEmpty()) << Dump(p);
  ASSERT_EQ(p.rules.size(), 1u);
  EXPECT_EQ(p.rules[0].title(), "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80");
}

TEST(SuricataParserTest, EmptyAndCommentOnlyFiles) {
  EXPECT_THAT(ParseText("").rules, IsEmpty());
  EXPECT_THAT(ParseText("").diagnostics, IsEmpty());
  EXPECT_THAT(ParseText("\n\n").diagnostics, IsEmpty());
  ParsedFile p = ParseText("alert tcp any any -> any any (sid:1;)");  // no \n
  ASSERT_EQ(p.rules.size(), 1u);
  EXPECT_THAT(p.diagnostics, IsEmpty());
}

TEST(SuricataParserTest, DiagnosticsAreCappedPerFile) {
  std::string text;
  for (int i = 0; i < 3000; ++i) text += "garbage line\n";
  ParsedFile p = ParseText(text);
  EXPECT_EQ(p.diagnostics.size(), 1001u);
  EXPECT_EQ(p.diagnostics.back().code(), "suricata-too-many-diagnostics");
}

// Elapsed wall time of parsing `text`, in milliseconds.
double TimeParseMs(const std::string& text, ParsedFile* out) {
  const auto start = std::chrono::steady_clock::now();
  *out = ParseText(text);
  return std::chrono::duration<double, std::milli>(
             std::chrono::steady_clock::now() - start)
      .count();
}

TEST(SuricataParserTest, FiftyMegabyteSingleLineIsLinear) {
  // One 50 MB rule: a huge content string, then sid.
  std::string text = "alert tcp any any -> any any (msg:\"big\"; content:\"";
  text.append(50 << 20, 'A');
  text += "\"; sid:1;)\n";
  ParsedFile p;
  const double ms = TimeParseMs(text, &p);
  ASSERT_EQ(p.rules.size(), 1u);
  // Only: Suricata itself would reject a rule this long.
  EXPECT_THAT(Codes(p), ElementsAre("suricata-rule-too-long@1"));
  EXPECT_LT(ms, 15000) << "parsing 50 MB took " << ms << " ms";
}

TEST(SuricataParserTest, FiftyMegabytesOfBrokenQuotesIsLinear) {
  // Worst case for quote tracking: many unterminated strings on one line.
  std::string text = "alert tcp any any -> any any (";
  while (text.size() < (50u << 20)) text += "a:\"x\" y; b:\"q;";
  text += "sid:1;)\n";
  ParsedFile p;
  const double ms = TimeParseMs(text, &p);
  EXPECT_LT(ms, 15000) << "parsing 50 MB took " << ms << " ms";
  EXPECT_NE(Find(p, "suricata-unterminated-string"), nullptr);
  // Millions of unknown options, but the report stays bounded.
  EXPECT_EQ(p.diagnostics.size(), 1001u);
  EXPECT_EQ(p.diagnostics.back().code(), "suricata-too-many-diagnostics");
}

TEST(SuricataParserTest, FiftyMegabytesOfContinuationsIsLinear) {
  std::string text = "alert tcp any any -> any any (msg:\"x\"; \\\n";
  while (text.size() < (50u << 20)) text += " content:\"abcdefgh\"; \\\n";
  text += " sid:1;)\n";
  ParsedFile p;
  const double ms = TimeParseMs(text, &p);
  ASSERT_EQ(p.rules.size(), 1u);
  EXPECT_LT(ms, 15000) << "parsing 50 MB took " << ms << " ms";
}

}  // namespace
}  // namespace cov::ingest::suricata
