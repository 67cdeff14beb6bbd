#include "ingest/elastic/elastic_parser.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "ingest/base/diagnostics.h"

namespace cov::ingest::elastic {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

constexpr char kRule[] = R"([metadata]
creation_date = "2020/02/18"
maturity = "production"

[rule]
author = ["Elastic", "Someone"]
description = "CHM files."
index = ["logs-endpoint.events.process-*", "winlogbeat-*"]
language = "eql"
name = "Process Activity via Compiled HTML File"
rule_id = "e3343ab9-4245-4715-b344-e11c56b0a47f"
type = "eql"
tags = ["Tactic: Execution"]
query = 'process where process.name : "hh.exe"'

[[rule.threat]]
framework = "MITRE ATT&CK"
[[rule.threat.technique]]
id = "T1218"
name = "Signed Binary Proxy Execution"
reference = "https://attack.mitre.org/techniques/T1218/"
[[rule.threat.technique.subtechnique]]
id = "T1218.001"
name = "Compiled HTML File"

[rule.threat.tactic]
id = "TA0005"
name = "Defense Evasion"

  [[rule.threat]]
  framework = "MITRE ATT&CK"
  [rule.threat.tactic]
  id = "TA0003"
  name = "Persistence"
)";

ParsedFile ParseText(const std::string& text,
                     const std::string& path = "rules/x.toml") {
  ElasticParser p;
  return p.Parse({path, text, "elastic"});
}

std::vector<std::string> Printed(const ParsedFile& f) {
  std::vector<std::string> v;
  for (const auto& d : f.diagnostics) v.push_back(FormatDiagnostic(d));
  return v;
}

TEST(ElasticParserTest, ReadsRuleAndThreatTables) {
  ParsedFile f = ParseText(kRule);
  EXPECT_THAT(Printed(f), IsEmpty());
  ASSERT_EQ(f.rules.size(), 1u);
  const cov::v1::Rule& r = f.rules[0];
  EXPECT_EQ(r.uid(), "e3343ab9-4245-4715-b344-e11c56b0a47f");
  EXPECT_EQ(r.format(), cov::v1::RULE_FORMAT_ELASTIC);
  EXPECT_EQ(r.title(), "Process Activity via Compiled HTML File");
  EXPECT_EQ(r.line(), 5);
  EXPECT_EQ(r.status(), "production");
  EXPECT_EQ(r.rule_type(), "eql");
  EXPECT_EQ(r.language(), "eql");
  EXPECT_EQ(r.author(), "Elastic, Someone");
  EXPECT_THAT(r.data_sources(),
              ElementsAre("logs-endpoint.events.process-*", "winlogbeat-*"));
  EXPECT_TRUE(r.enabled());
  EXPECT_FALSE(r.building_block());
  ASSERT_EQ(r.attack_refs_size(), 4);
  // Per threat table: the tactic first, then techniques in file order.
  EXPECT_EQ(r.attack_refs(0).id(), "TA0005");
  EXPECT_EQ(r.attack_refs(0).kind(), "tactic");
  EXPECT_EQ(r.attack_refs(0).line(), 27);
  EXPECT_EQ(r.attack_refs(0).origin(), "rule.threat.tactic");
  EXPECT_EQ(r.attack_refs(1).id(), "T1218");
  EXPECT_EQ(r.attack_refs(1).kind(), "technique");
  EXPECT_EQ(r.attack_refs(1).line(), 19);
  EXPECT_EQ(r.attack_refs(1).origin(), "rule.threat.technique");
  EXPECT_EQ(r.attack_refs(2).id(), "T1218.001");
  EXPECT_EQ(r.attack_refs(2).origin(), "rule.threat.technique.subtechnique");
  EXPECT_EQ(r.attack_refs(3).id(), "TA0003");
  EXPECT_EQ(r.attack_refs(3).line(), 33);
  EXPECT_THAT(
      r.attack_names(),
      ElementsAre("TA0005=Defense Evasion",
                  "T1218=Signed Binary Proxy Execution",
                  "T1218.001=Compiled HTML File", "TA0003=Persistence"));
}

TEST(ElasticParserTest, SyntaxErrorNamesPosition) {
  ParsedFile f = ParseText("[rule]\nrule_id = \"x\"\nname = \n");
  EXPECT_TRUE(f.rules.empty());
  ASSERT_EQ(f.diagnostics.size(), 1u);
  EXPECT_EQ(f.diagnostics[0].code(), "elastic-toml-syntax");
  EXPECT_EQ(f.diagnostics[0].line(), 3);
  EXPECT_EQ(f.diagnostics[0].column(), 8);
}

TEST(ElasticParserTest, MissingRuleIdIsAnError) {
  ParsedFile f = ParseText("[rule]\nname = \"n\"\n");
  EXPECT_TRUE(f.rules.empty());
  EXPECT_THAT(Printed(f),
              ElementsAre("rules/x.toml:1:1: error: [rule] has no rule_id "
                          "[elastic-missing-field]"));
  f = ParseText("[metadata]\nmaturity = \"production\"\n");
  EXPECT_THAT(Printed(f), ElementsAre("rules/x.toml:1:1: error: no [rule] "
                                      "table [elastic-missing-field]"));
}

TEST(ElasticParserTest, DeprecatedAndBuildingBlocksDoNotCount) {
  std::string dep = kRule;
  dep.replace(dep.find("production"), 10, "deprecated");
  ParsedFile f = ParseText(dep, "rules/_deprecated/x.toml");
  ASSERT_EQ(f.rules.size(), 1u);
  EXPECT_FALSE(f.rules[0].enabled());
  EXPECT_EQ(f.rules[0].disabled_reason(), "deprecated (metadata.maturity)");
  EXPECT_THAT(Printed(f), IsEmpty());

  std::string bb = kRule;
  bb.replace(bb.find("[[rule.threat]]"), 0,
             "building_block_type = \"default\"\n\n");
  f = ParseText(bb);
  ASSERT_EQ(f.rules.size(), 1u);
  EXPECT_TRUE(f.rules[0].building_block());
  EXPECT_FALSE(f.rules[0].enabled());
  EXPECT_EQ(f.rules[0].disabled_reason(),
            "building block (rule.building_block_type = \"default\"); counts "
            "only with include_disabled");
}

TEST(ElasticParserTest, ProductionRuleUnderDeprecatedFolderIsReported) {
  ParsedFile f = ParseText(kRule, "rules/_deprecated/x.toml");
  ASSERT_EQ(f.rules.size(), 1u);
  EXPECT_TRUE(f.rules[0].enabled());
  EXPECT_THAT(
      Printed(f),
      ElementsAre(
          "rules/_deprecated/x.toml:5:1: warning: rule is "
          "under _deprecated/ but its maturity is "
          "'production'; it counts (e3343ab9-4245-4715-b344-e11c56b0a47f) "
          "[elastic-deprecated-folder]"));
}

TEST(ElasticParserTest, SubtechniqueUnderAnotherParent) {
  constexpr char kText[] = R"([rule]
rule_id = "e3343ab9-4245-4715-b344-e11c56b0a47f"
[[rule.threat]]
framework = "MITRE ATT&CK"
[[rule.threat.technique]]
id = "T1070"
[[rule.threat.technique.subtechnique]]
id = "T1562.002"
)";
  ParsedFile f = ParseText(kText);
  ASSERT_EQ(f.rules.size(), 1u);
  ASSERT_EQ(f.rules[0].attack_refs_size(), 2);
  EXPECT_EQ(f.rules[0].attack_refs(1).id(), "T1562.002");
  EXPECT_THAT(Printed(f),
              ElementsAre("rules/x.toml:8:6: warning: sub-technique T1562.002 "
                          "is listed under T1070, not under its parent T1562 "
                          "(e3343ab9-4245-4715-b344-e11c56b0a47f) "
                          "[elastic-subtechnique-parent]"));
}

TEST(ElasticParserTest, OtherFrameworksAndBadIdsAreSkipped) {
  constexpr char kText[] = R"([rule]
rule_id = "not-a-guid"
[[rule.threat]]
framework = "MITRE ATLAS"
[rule.threat.tactic]
id = "AML.TA0000"
[[rule.threat]]
framework = "MITRE ATT&CK"
[rule.threat.tactic]
id = "Execution"
[[rule.threat.technique]]
id = 1059
)";
  ParsedFile f = ParseText(kText);
  ASSERT_EQ(f.rules.size(), 1u);
  EXPECT_EQ(f.rules[0].attack_refs_size(), 0);
  EXPECT_THAT(
      Printed(f),
      ElementsAre(
          "rules/x.toml:2:11: warning: rule_id 'not-a-guid' is not a GUID "
          "(not-a-guid) [elastic-not-uuid]",
          "rules/x.toml:3:1: warning: threat table of framework 'MITRE "
          "ATLAS' skipped; only \"MITRE ATT&CK\" is read "
          "(not-a-guid) [elastic-other-framework]",
          "rules/x.toml:10:6: warning: rule.threat.tactic id 'Execution' is "
          "not an ATT&CK tactic ID (TA####) (not-a-guid) "
          "[elastic-invalid-id]",
          "rules/x.toml:12:6: warning: 'id' must be a string, not a number "
          "(not-a-guid) [elastic-invalid-field]"));
}

TEST(ElasticParserTest, InvalidUtf8IsRejectedWithPosition) {
  ParsedFile f = ParseText("[rule]\nname = \"a\xff\"\n");
  EXPECT_TRUE(f.rules.empty());
  EXPECT_THAT(Printed(f),
              ElementsAre("rules/x.toml:2:10: error: file is not valid UTF-8 "
                          "[elastic-input]"));
}

TEST(ElasticParserTest, AcceptsToml) {
  ElasticParser p;
  EXPECT_TRUE(p.Accepts("rules/a.toml"));
  EXPECT_TRUE(p.Accepts("rules/a.TOML"));
  EXPECT_FALSE(p.Accepts("rules/README.md"));
}

}  // namespace
}  // namespace cov::ingest::elastic
