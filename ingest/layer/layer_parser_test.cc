#include "ingest/layer/layer_parser.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "ingest/base/diagnostics.h"
#include "ingest/layer/csv_mapping.h"

namespace cov::ingest::layer {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

constexpr char kLayer[] = R"({
  "name": "Azure controls",
  "versions": {"attack": "8", "navigator": "4.2", "layer": "4.2"},
  "domain": "enterprise-attack",
  "techniques": [
    {"techniqueID": "T1078", "score_num": 50, "score_display": "Partial",
     "category": "Mixed", "enabled": true,
     "metadata": [{"name": "control", "value": "Azure AD"},
                  {"name": "category", "value": "Detect"},
                  {"divider": true},
                  {"name": "control", "value": "Sentinel"}]},
    {"techniqueID": "T1110.003", "score": 3, "comment": "Related to: X"},
    {"techniqueID": "T1053", "score": 0},
    {"techniqueID": "T1059", "color": "#ffffff"},
    {"techniqueID": "T1021", "score": 5, "enabled": false},
    {"techniqueID": "1021", "score": 5},
    {"techniqueID": "T1566", "tactic": "initial-access", "score": 1},
    {"techniqueID": "T1078", "score": 2}
  ]
})";

ParsedFile ParseText(const std::string& text, const std::string& path,
                     double min_score = kDefaultMinScore) {
  LayerParser p(min_score);
  return p.Parse({path, text, "azure"});
}

std::vector<std::string> Printed(const ParsedFile& f) {
  std::vector<std::string> v;
  for (const auto& d : f.diagnostics) v.push_back(FormatDiagnostic(d));
  return v;
}

TEST(LayerParserTest, ScoredEntriesBecomeRules) {
  ParsedFile f = ParseText(kLayer, "azure/platform.json");
  EXPECT_THAT(
      Printed(f),
      ElementsAre(
          "azure/platform.json:16:6: warning: techniqueID '1021' is not an "
          "ATT&CK technique ID (T#### or T####.###); entry skipped "
          "[layer-invalid-id]",
          "azure/platform.json:18:6: warning: T1078 is listed twice; the "
          "first entry is kept [layer-duplicate-entry]",
          "azure/platform.json: info: 1 technique entries have no score "
          "(score or score_num); they are not rules [layer-unscored]"));
  ASSERT_EQ(f.rules.size(), 5u);
  const cov::v1::Rule& a = f.rules[0];
  EXPECT_EQ(a.uid(), "azure:azure/platform.json:T1078");
  EXPECT_EQ(a.format(), cov::v1::RULE_FORMAT_LAYER);
  EXPECT_EQ(a.title(), "Azure controls: T1078");
  EXPECT_EQ(a.line(), 6);
  EXPECT_EQ(a.score(), 50);
  EXPECT_EQ(a.score_label(), "Partial");
  EXPECT_EQ(a.rule_type(), "Mixed");
  EXPECT_TRUE(a.enabled());
  EXPECT_EQ(a.description(),
            "control: Azure AD\ncategory: Detect\n\ncontrol: Sentinel");
  ASSERT_EQ(a.attack_refs_size(), 1);
  EXPECT_EQ(a.attack_refs(0).id(), "T1078");
  EXPECT_EQ(f.rules[1].description(), "Related to: X");
  EXPECT_EQ(f.rules[1].score(), 3);
  // Score 0 is not "scored above the threshold".
  EXPECT_FALSE(f.rules[2].enabled());
  EXPECT_EQ(f.rules[2].disabled_reason(), "score 0 is not positive");
  EXPECT_FALSE(f.rules[3].enabled());
  EXPECT_EQ(f.rules[3].disabled_reason(),
            "disabled in the layer (enabled: false)");
  EXPECT_EQ(f.rules[4].uid(), "azure:azure/platform.json:T1566:initial-access");
  ASSERT_EQ(f.rules[4].attack_refs_size(), 2);
  EXPECT_EQ(f.rules[4].attack_refs(1).kind(), "tactic");
}

TEST(LayerParserTest, MinScore) {
  ParsedFile f = ParseText(kLayer, "azure/platform.json", 10);
  ASSERT_EQ(f.rules.size(), 5u);
  EXPECT_TRUE(f.rules[0].enabled());
  EXPECT_FALSE(f.rules[1].enabled());
  EXPECT_EQ(f.rules[1].disabled_reason(), "score 3 below min_score 10");
  cov::v1::Rule r = f.rules[0];
  ApplyMinScore(60, &r);
  EXPECT_FALSE(r.enabled());
  EXPECT_EQ(r.disabled_reason(), "score 50 below min_score 60");
}

TEST(LayerParserTest, BadJson) {
  ParsedFile f = ParseText("{\"techniques\": [", "x.json");
  EXPECT_TRUE(f.rules.empty());
  ASSERT_EQ(f.diagnostics.size(), 1u);
  EXPECT_EQ(f.diagnostics[0].code(), "layer-json-syntax");
  f = ParseText("{\"name\": \"n\", \"versions\": {\"layer\": \"3.0\"}}",
                "x.json");
  EXPECT_THAT(Printed(f), ElementsAre("x.json:1:1: error: not a Navigator "
                                      "layer: no 'techniques' list "
                                      "[layer-missing-field]"));
  f = ParseText(
      "{\"versions\": {\"layer\": \"3.0\"}, \"techniques\": "
      "[{\"techniqueID\": \"T1078\", \"score\": 1}]}",
      "x.json");
  EXPECT_EQ(f.rules.size(), 1u);
  EXPECT_THAT(Printed(f), ElementsAre("x.json:1:1: warning: layer format 3.0 "
                                      "is not 4.x; read as 4.x "
                                      "[layer-version]"));
}

TEST(LayerParserTest, CsvMapping) {
  constexpr char kCsv[] =
      "technique_id,rule_id,rule_name,tactic\r\n"
      "T1059.001,EDR-0042,\"PowerShell, \"\"encoded\"\" command\",execution\r\n"
      "\r\n"
      "# a comment\n"
      "T1027,EDR-0042,\"PowerShell, \"\"encoded\"\" command\",TA0005\n"
      "T1003,EDR-7,LSASS read,Credential Access\n"
      "T1003,EDR-8\n"
      "X1,EDR-9,bad id\n"
      "T1005,EDR-10,Local data,Looting\n";
  ParsedFile f = ParseText(kCsv, "inhouse.csv");
  EXPECT_THAT(
      Printed(f),
      ElementsAre(
          "inhouse.csv:7:1: error: want technique_id,rule_id,rule_name[,"
          "tactic]; got 2 fields; row skipped [layer-csv-columns]",
          "inhouse.csv:8:1: warning: technique_id 'X1' is not an ATT&CK "
          "technique ID (T#### or T####.###); row skipped [layer-invalid-id]",
          "inhouse.csv:9:25: warning: tactic 'Looting' is no Enterprise "
          "ATT&CK tactic; dropped [layer-unknown-tactic]"));
  ASSERT_EQ(f.rules.size(), 3u);
  const cov::v1::Rule& r = f.rules[0];
  EXPECT_EQ(r.uid(), "azure:EDR-0042");
  EXPECT_EQ(r.title(), "PowerShell, \"encoded\" command");
  EXPECT_EQ(r.line(), 2);
  EXPECT_EQ(r.rule_type(), kCsvRuleType);
  EXPECT_TRUE(r.enabled());
  std::vector<std::string> ids;
  for (const auto& ref : r.attack_refs()) ids.push_back(ref.id());
  EXPECT_THAT(ids, ElementsAre("T1059.001", "execution", "T1027", "TA0005"));
  EXPECT_EQ(f.rules[1].attack_refs(1).id(), "credential-access");
  EXPECT_EQ(f.rules[2].attack_refs_size(), 1);
  // A CSV rule has no score: min_score leaves it alone.
  cov::v1::Rule copy = r;
  ApplyMinScore(50, &copy);
  EXPECT_TRUE(copy.enabled());

  f = ParseText("T1003,R1,\"unterminated\n", "u.csv");
  EXPECT_TRUE(f.rules.empty());
  EXPECT_THAT(Printed(f),
              ElementsAre("u.csv:1:1: error: unterminated quoted field; the "
                          "rest of the file is skipped [layer-csv-quote]"));
}

}  // namespace
}  // namespace cov::ingest::layer
