#include "ingest/splunk/splunk_parser.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "ingest/base/diagnostics.h"

namespace cov::ingest::splunk {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

constexpr char kDetection[] = R"(name: Windows Known Abused DLL Created
id: ea91651a-772a-4b02-ac3d-985b364a5f07
version: 1
date: '2024-02-19'
author: Steven Dick
status: production
type: Anomaly
description: DLLs created where they should not be.
data_source:
- Sysmon Event ID 1
- Sysmon Event ID 11
search: '| tstats count FROM datamodel=Endpoint.Processes
  | `windows_known_abused_dll_created_filter`'
known_false_positives: Legitimate installers.
references:
- https://attack.mitre.org/techniques/T1574/002/
tags:
  analytic_story:
  - Living Off The Land
  mitre_attack_id:
  - T1574.001
  - T1574.002
  - T1574
  product:
  - Splunk Enterprise)";

ParsedFile ParseText(const std::string& text,
                     const std::string& path = "detections/endpoint/x.yml") {
  SplunkParser p;
  return p.Parse({path, text, "escu"});
}

std::vector<std::string> Printed(const ParsedFile& f) {
  std::vector<std::string> v;
  for (const auto& d : f.diagnostics) v.push_back(FormatDiagnostic(d));
  return v;
}

TEST(SplunkParserTest, ReadsDetection) {
  ParsedFile f = ParseText(kDetection);
  EXPECT_THAT(Printed(f), IsEmpty());
  ASSERT_EQ(f.rules.size(), 1u);
  const cov::v1::Rule& r = f.rules[0];
  EXPECT_EQ(r.uid(), "ea91651a-772a-4b02-ac3d-985b364a5f07");
  EXPECT_EQ(r.format(), cov::v1::RULE_FORMAT_SPLUNK);
  EXPECT_EQ(r.title(), "Windows Known Abused DLL Created");
  EXPECT_EQ(r.status(), "production");
  EXPECT_EQ(r.rule_type(), "Anomaly");
  EXPECT_EQ(r.date(), "2024-02-19");
  EXPECT_TRUE(r.enabled());
  EXPECT_FALSE(r.is_correlation());
  EXPECT_THAT(r.data_sources(),
              ElementsAre("Sysmon Event ID 1", "Sysmon Event ID 11"));
  // A single-quoted scalar folded over lines: breaks become spaces.
  EXPECT_EQ(r.query(),
            "| tstats count FROM datamodel=Endpoint.Processes | "
            "`windows_known_abused_dll_created_filter`");
  EXPECT_THAT(r.tags(), ElementsAre("analytic_story:Living Off The Land"));
  ASSERT_EQ(r.attack_refs_size(), 3);
  EXPECT_EQ(r.attack_refs(0).id(), "T1574.001");
  EXPECT_EQ(r.attack_refs(0).line(), 21);
  EXPECT_EQ(r.attack_refs(0).origin(), "tags.mitre_attack_id");
  EXPECT_EQ(r.attack_refs(2).id(), "T1574");
  EXPECT_EQ(r.attack_refs(2).line(), 23);
}

TEST(SplunkParserTest, DeprecatedStatusAndFolder) {
  std::string dep = kDetection;
  dep.replace(dep.find("status: production"), 18, "status: deprecated");
  ParsedFile f = ParseText(dep, "detections/deprecated/x.yml");
  ASSERT_EQ(f.rules.size(), 1u);
  EXPECT_FALSE(f.rules[0].enabled());
  EXPECT_EQ(f.rules[0].disabled_reason(), "deprecated (status)");
  EXPECT_THAT(Printed(f), IsEmpty());

  f = ParseText(kDetection, "detections/deprecated/x.yml");
  ASSERT_EQ(f.rules.size(), 1u);
  EXPECT_FALSE(f.rules[0].enabled());
  EXPECT_EQ(f.rules[0].disabled_reason(), "deprecated (under deprecated/)");
  EXPECT_THAT(Printed(f),
              ElementsAre("detections/deprecated/x.yml:6:9: warning: "
                          "detection is under deprecated/ but its status is "
                          "'production'; treated as deprecated "
                          "(ea91651a-772a-4b02-ac3d-985b364a5f07) "
                          "[splunk-deprecated-folder]"));
}

TEST(SplunkParserTest, CorrelationIsKeptApart) {
  std::string c = kDetection;
  c.replace(c.find("type: Anomaly"), 13, "type: Correlation");
  ParsedFile f = ParseText(c);
  ASSERT_EQ(f.rules.size(), 1u);
  EXPECT_TRUE(f.rules[0].is_correlation());
}

TEST(SplunkParserTest, BadIdsAndSyntax) {
  ParsedFile f = ParseText(
      "id: 1\nname: x\ntags:\n  mitre_attack_id:\n  - T1059.1\n  - "
      "[T1003]\n  - t1003\n");
  ASSERT_EQ(f.rules.size(), 1u);
  ASSERT_EQ(f.rules[0].attack_refs_size(), 1);
  EXPECT_EQ(f.rules[0].attack_refs(0).id(), "T1003");
  EXPECT_EQ(f.rules[0].attack_refs(0).raw(), "t1003");
  EXPECT_THAT(
      Printed(f),
      ElementsAre(
          "detections/endpoint/x.yml:1:5: warning: id '1' is not a GUID (1) "
          "[splunk-not-uuid]",
          "detections/endpoint/x.yml:6:5: warning: 'mitre_attack_id' holds a "
          "list, not a string; skipped (1) [splunk-invalid-field]",
          "detections/endpoint/x.yml:5:5: warning: mitre_attack_id "
          "'T1059.1' is not an ATT&CK technique ID (T#### or T####.###) (1) "
          "[splunk-invalid-id]"));

  f = ParseText("id: x\nname: [unclosed\n");
  EXPECT_TRUE(f.rules.empty());
  ASSERT_EQ(f.diagnostics.size(), 1u);
  EXPECT_EQ(f.diagnostics[0].code(), "splunk-yaml-syntax");
  EXPECT_EQ(f.diagnostics[0].line(), 3);

  f = ParseText("name: no id\n");
  EXPECT_THAT(Printed(f), ElementsAre("detections/endpoint/x.yml:1:1: error: "
                                      "detection has no 'id' "
                                      "[splunk-missing-field]"));
}

}  // namespace
}  // namespace cov::ingest::splunk
