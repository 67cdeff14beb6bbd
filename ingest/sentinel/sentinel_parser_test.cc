#include "ingest/sentinel/sentinel_parser.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "ingest/base/diagnostics.h"

namespace cov::ingest::sentinel {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

constexpr char kRule[] = R"(id: f819c592-c5f9-4d5c-a79f-1e6819863533
name: Azure AD Health Monitoring Agent Registry Keys Access
description: |
  'Registry access.'
severity: Medium
requiredDataConnectors:
  - connectorId: SecurityEvents
    dataTypes:
      - SecurityEvent
  - connectorId: WindowsSecurityEvents
    dataTypes:
      - SecurityEvent
queryFrequency: 1d
tactics:
  - Collection
  - CommandAndControl
relevantTechniques:
  - T1005
query: |
  SecurityEvent
  | where EventID == 4656
kind: Scheduled
)";

ParsedFile ParseText(const std::string& text,
                     const std::string& path = "Detections/X/y.yaml") {
  SentinelParser p;
  return p.Parse({path, text, "sentinel"});
}

std::vector<std::string> Printed(const ParsedFile& f) {
  std::vector<std::string> v;
  for (const auto& d : f.diagnostics) v.push_back(FormatDiagnostic(d));
  return v;
}

TEST(SentinelParserTest, ReadsRule) {
  ParsedFile f = ParseText(kRule);
  EXPECT_THAT(Printed(f), IsEmpty());
  ASSERT_EQ(f.rules.size(), 1u);
  const cov::v1::Rule& r = f.rules[0];
  EXPECT_EQ(r.uid(), "f819c592-c5f9-4d5c-a79f-1e6819863533");
  EXPECT_EQ(r.format(), cov::v1::RULE_FORMAT_SENTINEL);
  EXPECT_EQ(r.level(), "medium");
  EXPECT_EQ(r.rule_type(), "Scheduled");
  EXPECT_TRUE(r.enabled());
  EXPECT_EQ(r.query(), "SecurityEvent\n| where EventID == 4656\n");
  EXPECT_THAT(r.data_sources(),
              ElementsAre("connector:SecurityEvents", "table:SecurityEvent",
                          "connector:WindowsSecurityEvents"));
  ASSERT_EQ(r.attack_refs_size(), 3);
  EXPECT_EQ(r.attack_refs(0).id(), "collection");
  EXPECT_EQ(r.attack_refs(0).kind(), "tactic");
  EXPECT_EQ(r.attack_refs(0).line(), 15);
  EXPECT_EQ(r.attack_refs(1).id(), "command-and-control");
  EXPECT_EQ(r.attack_refs(1).raw(), "CommandAndControl");
  EXPECT_EQ(r.attack_refs(2).id(), "T1005");
  EXPECT_EQ(r.attack_refs(2).line(), 18);
  EXPECT_EQ(r.attack_refs(2).origin(), "relevantTechniques");
}

TEST(SentinelParserTest, CrlfAndBomReadTheSame) {
  const std::string crlf = absl::StrCat(
      "\xEF\xBB\xBF", absl::StrReplaceAll(kRule, {{"\n", "\r\n"}}));
  ParsedFile f = ParseText(crlf);
  EXPECT_THAT(Printed(f), ElementsAre("Detections/X/y.yaml:1:1: info: UTF-8 "
                                      "byte-order mark skipped "
                                      "[sentinel-utf8-bom]"));
  ASSERT_EQ(f.rules.size(), 1u);
  ParsedFile lf = ParseText(kRule);
  ASSERT_EQ(lf.rules.size(), 1u);
  EXPECT_EQ(f.rules[0].uid(), lf.rules[0].uid());
  EXPECT_EQ(f.rules[0].attack_refs_size(), lf.rules[0].attack_refs_size());
  EXPECT_EQ(f.rules[0].attack_refs(2).line(), 18);
  EXPECT_EQ(f.rules[0].query(), "SecurityEvent\n| where EventID == 4656\n");
}

TEST(SentinelParserTest, TacticSpellings) {
  std::string text = kRule;
  text.replace(text.find("  - Collection\n  - CommandAndControl\n"), 37,
               "  - CommandandControl\n  - PreAttack\n  - LateralMove\n");
  ParsedFile f = ParseText(text);
  ASSERT_EQ(f.rules.size(), 1u);
  ASSERT_EQ(f.rules[0].attack_refs_size(), 2);
  EXPECT_EQ(f.rules[0].attack_refs(0).id(), "command-and-control");
  EXPECT_EQ(f.rules[0].attack_refs(0).raw(), "CommandandControl");
  EXPECT_THAT(
      Printed(f),
      ElementsAre(
          "Detections/X/y.yaml:15:5: warning: tactic "
          "'CommandandControl' read as CommandAndControl "
          "(command-and-control) (f819c592-c5f9-4d5c-a79f-1e6819863533) "
          "[sentinel-tactic-spelling]",
          "Detections/X/y.yaml:16:5: warning: tactic 'PreAttack' is "
          "the retired PRE-ATT&CK matrix, not an Enterprise tactic; "
          "ignored (f819c592-c5f9-4d5c-a79f-1e6819863533) "
          "[sentinel-pre-attack-tactic]",
          "Detections/X/y.yaml:17:5: warning: tactic 'LateralMove' is "
          "no Enterprise ATT&CK tactic; ignored "
          "(f819c592-c5f9-4d5c-a79f-1e6819863533) "
          "[sentinel-unknown-tactic]"));
  std::string canonical;
  EXPECT_EQ(TacticShortname("InitialAccess", &canonical), "initial-access");
  EXPECT_EQ(canonical, "InitialAccess");
  EXPECT_EQ(TacticShortname("Stealth", nullptr), "stealth");
  EXPECT_EQ(TacticShortname("", nullptr), "");
}

TEST(SentinelParserTest, TechniquesKeyAndEmptyLists) {
  std::string text = kRule;
  text.replace(text.find("relevantTechniques:"), 19, "techniques:");
  ParsedFile f = ParseText(text);
  ASSERT_EQ(f.rules.size(), 1u);
  EXPECT_EQ(f.rules[0].attack_refs(2).id(), "T1005");
  EXPECT_EQ(f.rules[0].attack_refs(2).origin(), "techniques");
  EXPECT_THAT(Printed(f),
              ElementsAre("Detections/X/y.yaml:18:3: warning: 'techniques' "
                          "read as 'relevantTechniques' "
                          "(f819c592-c5f9-4d5c-a79f-1e6819863533) "
                          "[sentinel-techniques-key]"));
  // null and [] lists: a rule without references, no diagnostics.
  text = kRule;
  text.replace(text.find("relevantTechniques:\n  - T1005"), 29,
               "relevantTechniques:");
  text.replace(text.find("tactics:\n  - Collection\n  - CommandAndControl"), 45,
               "tactics: []");
  f = ParseText(text);
  EXPECT_THAT(Printed(f), IsEmpty());
  ASSERT_EQ(f.rules.size(), 1u);
  EXPECT_EQ(f.rules[0].attack_refs_size(), 0);
}

TEST(SentinelParserTest, MigrationStubIsNotARule) {
  ParsedFile f = ParseText(
      "id: f819c592-c5f9-4d5c-a79f-1e6819863533\nname: Moved\n"
      "description: This rule has moved to Solutions/X/Analytic Rules.\n");
  EXPECT_TRUE(f.rules.empty());
  EXPECT_THAT(Printed(f),
              ElementsAre("Detections/X/y.yaml:1:1: warning: no 'query': a "
                          "migration stub or not a rule; not counted (This "
                          "rule has moved to Solutions/X/Analytic Rules.) "
                          "(f819c592-c5f9-4d5c-a79f-1e6819863533) "
                          "[sentinel-no-query]"));
}

TEST(SentinelParserTest, DisabledStatusAndErrors) {
  ParsedFile f = ParseText(std::string(kRule) + "status: Deprecated\n");
  ASSERT_EQ(f.rules.size(), 1u);
  EXPECT_FALSE(f.rules[0].enabled());
  EXPECT_EQ(f.rules[0].disabled_reason(), "status Deprecated");
  f = ParseText("name: x\nquery: y\n");
  EXPECT_THAT(Printed(f), ElementsAre("Detections/X/y.yaml:1:1: error: rule "
                                      "has no 'id' [sentinel-missing-field]"));
  f = ParseText("id: x\n\tquery: y\n");
  EXPECT_TRUE(f.rules.empty());
  ASSERT_EQ(f.diagnostics.size(), 1u);
  EXPECT_EQ(f.diagnostics[0].code(), "sentinel-yaml-syntax");
  EXPECT_EQ(f.diagnostics[0].line(), 2);
}

}  // namespace
}  // namespace cov::ingest::sentinel
