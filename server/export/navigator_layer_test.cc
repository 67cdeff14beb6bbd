#include "server/export/navigator_layer.h"

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "gmock/gmock.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"
#include "gtest/gtest.h"
#include "server/export/sample_coverage.h"

namespace cov::server::exporter {
namespace {

using ::google::protobuf::Struct;
using ::google::protobuf::Value;
using ::testing::ElementsAre;
using ::testing::Pair;
using ::testing::UnorderedElementsAre;

Struct Parse(const std::string& json) {
  Struct s;
  const auto status = google::protobuf::util::JsonStringToMessage(json, &s);
  EXPECT_TRUE(status.ok()) << status.ToString() << "\n" << json;
  return s;
}

const Value& Field(const Struct& s, const std::string& key) {
  static const Value* const kMissing = new Value();
  const auto it = s.fields().find(key);
  EXPECT_NE(it, s.fields().end()) << "missing field " << key;
  return it == s.fields().end() ? *kMissing : it->second;
}

// (techniqueID, tactic) -> entry.
std::map<std::pair<std::string, std::string>, Struct> Entries(
    const Struct& layer) {
  std::map<std::pair<std::string, std::string>, Struct> out;
  for (const Value& v : Field(layer, "techniques").list_value().values()) {
    const Struct& e = v.struct_value();
    const std::string tactic = e.fields().count("tactic")
                                   ? e.fields().at("tactic").string_value()
                                   : "";
    EXPECT_TRUE(out.emplace(std::make_pair(
                                Field(e, "techniqueID").string_value(), tactic),
                            e)
                    .second)
        << "duplicate entry";
  }
  return out;
}

std::vector<std::pair<std::string, std::string>> NameValues(const Value& list) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const Value& v : list.list_value().values()) {
    out.emplace_back(v.struct_value().fields().at("name").string_value(),
                     v.struct_value().fields().at("value").string_value());
  }
  return out;
}

TEST(CoverageLayerJsonTest, HasEveryFieldOfFormat45) {
  const Struct layer = Parse(CoverageLayerJson(SampleCoverage(), {}));
  EXPECT_EQ(Field(layer, "name").string_value(),
            "cov coverage enterprise-attack 18.1");
  const Struct& versions = Field(layer, "versions").struct_value();
  EXPECT_EQ(Field(versions, "attack").string_value(), "18");
  EXPECT_EQ(Field(versions, "navigator").string_value(), "5.2.0");
  EXPECT_EQ(Field(versions, "layer").string_value(), "4.5");
  EXPECT_EQ(Field(layer, "domain").string_value(), "enterprise-attack");
  EXPECT_EQ(Field(layer, "description").string_value(),
            "Detection coverage of enterprise-attack 18.1: 3 of 5 techniques "
            "in reach covered (60.0%).");
  EXPECT_EQ(Field(layer, "sorting").number_value(), 3);
  const Struct& layout = Field(layer, "layout").struct_value();
  EXPECT_EQ(Field(layout, "layout").string_value(), "side");
  EXPECT_TRUE(Field(layout, "showID").bool_value());
  EXPECT_TRUE(Field(layout, "showName").bool_value());
  EXPECT_EQ(Field(layout, "aggregateFunction").string_value(), "average");
  EXPECT_EQ(Field(layout, "expandedSubtechniques").string_value(), "annotated");
  EXPECT_FALSE(Field(layer, "hideDisabled").bool_value());
  EXPECT_EQ(Field(layer, "tacticRowBackground").string_value(), "#dddddd");
  EXPECT_TRUE(Field(layer, "selectTechniquesAcrossTactics").bool_value());
  EXPECT_FALSE(Field(layer, "selectSubtechniquesWithParent").bool_value());
  EXPECT_FALSE(Field(layer, "selectVisibleTechniques").bool_value());

  const Struct& gradient = Field(layer, "gradient").struct_value();
  ASSERT_EQ(Field(gradient, "colors").list_value().values_size(), 3);
  EXPECT_EQ(Field(gradient, "colors").list_value().values(0).string_value(),
            "#ff6666");
  EXPECT_EQ(Field(gradient, "colors").list_value().values(2).string_value(),
            "#8ec843");
  EXPECT_EQ(Field(gradient, "minValue").number_value(), 0);
  // T1197 has 2 rules; T1542 has 5 but is outside the reach.
  EXPECT_EQ(Field(gradient, "maxValue").number_value(), 2);

  std::vector<std::string> legend;
  for (const Value& v : Field(layer, "legendItems").list_value().values()) {
    legend.push_back(v.struct_value().fields().at("label").string_value() +
                     "=" +
                     v.struct_value().fields().at("color").string_value());
  }
  EXPECT_THAT(legend, ElementsAre("no rule (in reach)=#ff6666",
                                  "covered (score = number of rules)=#8ec843",
                                  "covered through sub-techniques=#c5e0a5"));
  EXPECT_THAT(
      NameValues(Field(layer, "metadata")),
      ElementsAre(Pair("release", "enterprise-attack 18.1"),
                  Pair("techniques in reach", "5"), Pair("covered", "3"),
                  Pair("ratio", "60.0%"), Pair("generator", "cov")));
}

TEST(CoverageLayerJsonTest, OneEntryPerTechniqueAndTacticInReach) {
  const auto entries = Entries(Parse(CoverageLayerJson(SampleCoverage(), {})));
  std::vector<std::string> keys;
  for (const auto& [key, e] : entries)
    keys.push_back(key.first + "/" + key.second);
  // 3 + 3 + 3 + 2 + 1: T1195 and T1542 are outside the reach.
  EXPECT_THAT(keys, UnorderedElementsAre(
                        "T1078/initial-access", "T1078/persistence",
                        "T1078/defense-evasion", "T1078.001/initial-access",
                        "T1078.001/persistence", "T1078.001/defense-evasion",
                        "T1078.002/initial-access", "T1078.002/persistence",
                        "T1078.002/defense-evasion", "T1197/persistence",
                        "T1197/defense-evasion", "T1566/initial-access"));
}

TEST(CoverageLayerJsonTest, ScoresColoursCommentsAndMetadata) {
  const auto entries = Entries(Parse(CoverageLayerJson(SampleCoverage(), {})));
  const Struct& bits = entries.at({"T1197", "defense-evasion"});
  EXPECT_EQ(Field(bits, "score").number_value(), 2);
  EXPECT_EQ(Field(bits, "comment").string_value(),
            "2 rules; evidence: validated");
  EXPECT_TRUE(Field(bits, "enabled").bool_value());
  EXPECT_EQ(bits.fields().count("color"), 0);
  EXPECT_EQ(bits.fields().count("showSubtechniques"), 0);
  EXPECT_THAT(
      NameValues(Field(bits, "metadata")),
      ElementsAre(
          Pair("rule",
               "BITS <script>alert(\"x\")</script>, job & \"transfer\" "
               "(sigma-core 5b1f3e2a-0000-4000-8000-000000000002)"),
          Pair(
              "rule",
              "ET POLICY BITS download,\nmultiline (et-open emerging:2027000)"),
          Pair("evidence", "validated")));

  const Struct& valid = entries.at({"T1078", "persistence"});
  EXPECT_EQ(Field(valid, "score").number_value(), 0);
  EXPECT_EQ(Field(valid, "color").string_value(), "#c5e0a5");
  EXPECT_EQ(Field(valid, "comment").string_value(),
            "covered through sub-techniques");
  EXPECT_TRUE(Field(valid, "showSubtechniques").bool_value());
  EXPECT_EQ(valid.fields().count("metadata"), 0);

  const Struct& sub = entries.at({"T1078.001", "initial-access"});
  EXPECT_EQ(Field(sub, "score").number_value(), 1);
  EXPECT_EQ(Field(sub, "comment").string_value(), "1 rule; evidence: claimed");

  const Struct& phishing = entries.at({"T1566", "initial-access"});
  EXPECT_EQ(Field(phishing, "score").number_value(), 0);
  EXPECT_EQ(Field(phishing, "comment").string_value(), "no rule");
  EXPECT_EQ(phishing.fields().count("color"), 0);
}

TEST(CoverageLayerJsonTest, IncludeUnreachableDisablesThemOutsideGradient) {
  LayerOptions options;
  options.include_unreachable = true;
  options.name = "SOC \"blue\" team";
  options.description = "custom";
  const Struct layer = Parse(CoverageLayerJson(SampleCoverage(), options));
  EXPECT_EQ(Field(layer, "name").string_value(), "SOC \"blue\" team");
  EXPECT_EQ(Field(layer, "description").string_value(), "custom");
  const auto entries = Entries(layer);
  EXPECT_EQ(entries.size(), 15);
  const Struct& boot = entries.at({"T1542", "persistence"});
  EXPECT_FALSE(Field(boot, "enabled").bool_value());
  EXPECT_EQ(boot.fields().count("score"), 0);
  EXPECT_EQ(Field(boot, "comment").string_value(),
            "outside the profile's telemetry reach; 5 rules");
  EXPECT_EQ(NameValues(Field(boot, "metadata")).size(), 5);
  const Struct& supply = entries.at({"T1195", "initial-access"});
  EXPECT_FALSE(Field(supply, "enabled").bool_value());
  EXPECT_EQ(Field(supply, "comment").string_value(),
            "outside the profile's telemetry reach");
  EXPECT_EQ(
      Field(Field(layer, "gradient").struct_value(), "maxValue").number_value(),
      2);
  EXPECT_EQ(Field(layer, "legendItems").list_value().values_size(), 4);
}

TEST(CoverageLayerJsonTest, MetadataRuleListIsCapped) {
  LayerOptions options;
  options.include_unreachable = true;
  options.max_rules_in_metadata = 2;
  const auto entries =
      Entries(Parse(CoverageLayerJson(SampleCoverage(), options)));
  EXPECT_THAT(
      NameValues(Field(entries.at({"T1542", "defense-evasion"}), "metadata")),
      ElementsAre(Pair("rule",
                       "Bootkit pattern 1 (yara-fw "
                       "yara-fw:boot.yar:rule1)"),
                  Pair("rule",
                       "Bootkit pattern 2 (yara-fw "
                       "yara-fw:boot.yar:rule2)"),
                  Pair("rules", "and 3 more")));
}

TEST(CoverageLayerJsonTest, EdgeCasesKeepTheLayerValid) {
  cov::v1::CoverageResponse c;  // no release, no scores above 0
  cov::v1::TechniqueCoverage* t = c.add_techniques();
  t->set_technique_id("T9999");
  t->set_name("No tactic");
  t->set_potential(true);
  cov::v1::RuleRef* rule = t->add_rules();
  rule->set_uid("u1");
  rule->set_source("s");
  rule->set_title("bad \xff byte");
  t->set_rule_count(0);  // rules listed but none counting: score 0
  const Struct layer = Parse(CoverageLayerJson(c, {}));
  EXPECT_EQ(Field(layer, "domain").string_value(), "enterprise-attack");
  EXPECT_EQ(Field(layer, "versions").struct_value().fields().count("attack"),
            0);
  // maxValue must exceed minValue even when every score is 0.
  EXPECT_EQ(
      Field(Field(layer, "gradient").struct_value(), "maxValue").number_value(),
      1);
  const auto entries = Entries(layer);
  ASSERT_EQ(entries.size(), 1);
  EXPECT_EQ(entries.begin()->first,
            std::make_pair(std::string("T9999"), std::string("")));
  EXPECT_THAT(NameValues(Field(entries.begin()->second, "metadata")),
              ElementsAre(Pair("rule", "bad \xef\xbf\xbd byte (s u1)")));
}

TEST(GapsLayerJsonTest, ScoresAreGapScores) {
  const Struct layer = Parse(GapsLayerJson(SampleCoverage(), SampleGaps(), {}));
  EXPECT_EQ(Field(layer, "name").string_value(),
            "cov gaps enterprise-attack 18.1");
  EXPECT_EQ(
      Field(Field(layer, "versions").struct_value(), "layer").string_value(),
      "4.5");
  EXPECT_EQ(Field(layer, "description").string_value(),
            "Detection gaps of enterprise-attack 18.1: 2 techniques in reach "
            "without a rule, scored by the number of groups, software and "
            "campaigns using them.");
  const Struct& gradient = Field(layer, "gradient").struct_value();
  EXPECT_EQ(Field(gradient, "maxValue").number_value(), 30.5);
  EXPECT_EQ(Field(gradient, "colors").list_value().values(2).string_value(),
            "#e0412b");
  const auto entries = Entries(layer);
  EXPECT_EQ(entries.size(), 4);
  const Struct& domain = entries.at({"T1078.002", "persistence"});
  EXPECT_EQ(Field(domain, "score").number_value(), 30.5);
  EXPECT_EQ(Field(domain, "comment").string_value(), "gap #1; score 30.5");
  EXPECT_THAT(NameValues(Field(domain, "metadata")),
              ElementsAre(Pair("rank", "1"),
                          Pair("data component", "Logon Session Creation")));
  const Struct& phishing = entries.at({"T1566", "initial-access"});
  EXPECT_EQ(Field(phishing, "score").number_value(), 12);
  EXPECT_EQ(Field(phishing, "comment").string_value(), "gap #2; score 12");
  EXPECT_THAT(NameValues(Field(layer, "metadata")),
              ElementsAre(Pair("release", "enterprise-attack 18.1"),
                          Pair("gaps", "2"), Pair("generator", "cov")));
}

TEST(GapsLayerJsonTest, UnreachableAndReleaseFallback) {
  cov::v1::CoverageResponse coverage = SampleCoverage();
  coverage.clear_release();
  cov::v1::GapsResponse gaps = SampleGaps();
  gaps.mutable_release()->set_version("17.0");
  LayerOptions options;
  options.include_unreachable = true;
  const Struct layer = Parse(GapsLayerJson(coverage, gaps, options));
  EXPECT_EQ(
      Field(Field(layer, "versions").struct_value(), "attack").string_value(),
      "17");
  const auto entries = Entries(layer);
  EXPECT_EQ(entries.size(), 4 + 3);  // + T1195 (1 tactic), T1542 (2)
  EXPECT_FALSE(
      Field(entries.at({"T1195", "initial-access"}), "enabled").bool_value());
  EXPECT_EQ(
      Field(Field(layer, "gradient").struct_value(), "maxValue").number_value(),
      30.5);
}

TEST(NavigatorLayerTest, FullMatrixSize) {
  const cov::v1::CoverageResponse c = SyntheticCoverage(700);
  int expected = 0;
  for (const auto& t : c.techniques()) {
    if (t.potential()) expected += t.tactics_size();
  }
  const Struct layer = Parse(CoverageLayerJson(c, {}));
  EXPECT_EQ(Field(layer, "techniques").list_value().values_size(), expected);
  EXPECT_GT(expected, 600);
}

}  // namespace
}  // namespace cov::server::exporter
