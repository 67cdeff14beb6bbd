#include "ingest/suricata/metadata.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace cov::ingest::suricata {
namespace {

using ::testing::ElementsAre;
using ::testing::Optional;

std::vector<std::string> Formatted(const std::vector<MetadataEntry>& e) {
  std::vector<std::string> out;
  for (const auto& x : e) out.push_back(FormatMetadataEntry(x));
  return out;
}

TEST(SplitMetadataTest, PairsRepeatedKeysAndBlanks) {
  const std::string text =
      "created_at 2021_04_05,  tag Phishing , tag  Ransomware,,flag, "
      "signature_severity Major ";
  std::vector<MetadataEntry> e;
  SplitMetadata(text, &e);
  EXPECT_THAT(Formatted(e), ElementsAre("created_at 2021_04_05", "tag Phishing",
                                        "tag Ransomware", "flag",
                                        "signature_severity Major"));
  EXPECT_EQ(e[2].value, "Ransomware");
  EXPECT_EQ(text.substr(e[1].offset, 3), "tag");
  EXPECT_EQ(e[3].value, "");
}

TEST(SplitMetadataTest, EmptyInput) {
  std::vector<MetadataEntry> e;
  SplitMetadata("", &e);
  SplitMetadata(" , ,", &e);
  EXPECT_TRUE(e.empty());
}

TEST(NormalizeTest, TechniqueIds) {
  EXPECT_THAT(NormalizeTechniqueId("T1568"), Optional(std::string("T1568")));
  EXPECT_THAT(NormalizeTechniqueId(" t1059.001 "),
              Optional(std::string("T1059.001")));
  EXPECT_THAT(NormalizeTechniqueId("T1059_001"),
              Optional(std::string("T1059.001")));
  EXPECT_EQ(NormalizeTechniqueId("T159"), std::nullopt);
  EXPECT_EQ(NormalizeTechniqueId("TA0011"), std::nullopt);
  EXPECT_EQ(NormalizeTechniqueId("T1059.01"), std::nullopt);
  EXPECT_EQ(NormalizeTechniqueId("T1059x"), std::nullopt);
  EXPECT_EQ(NormalizeTechniqueId("Phishing"), std::nullopt);
  EXPECT_EQ(NormalizeTechniqueId(""), std::nullopt);
}

TEST(NormalizeTest, SubtechniqueIds) {
  EXPECT_THAT(NormalizeSubtechniqueId("T1059_001", ""),
              Optional(std::string("T1059.001")));
  EXPECT_THAT(NormalizeSubtechniqueId("001", "T1059"),
              Optional(std::string("T1059.001")));
  EXPECT_THAT(NormalizeSubtechniqueId(".003", "T1059.001"),
              Optional(std::string("T1059.003")));
  EXPECT_EQ(NormalizeSubtechniqueId("001", ""), std::nullopt);
  EXPECT_EQ(NormalizeSubtechniqueId("01", "T1059"), std::nullopt);
}

TEST(NormalizeTest, Tactics) {
  EXPECT_THAT(NormalizeTacticId("TA0011"), Optional(std::string("TA0011")));
  EXPECT_THAT(NormalizeTacticId("ta0005"), Optional(std::string("TA0005")));
  EXPECT_EQ(NormalizeTacticId("TA011"), std::nullopt);
  EXPECT_EQ(NormalizeTacticId("T1005"), std::nullopt);
  EXPECT_THAT(NormalizeTacticName("Command_And_Control"),
              Optional(std::string("command-and-control")));
  EXPECT_THAT(NormalizeTacticName("Defense Evasion"),
              Optional(std::string("defense-evasion")));
  EXPECT_THAT(NormalizeTacticName("initial-access"),
              Optional(std::string("initial-access")));
  EXPECT_THAT(NormalizeTacticName("Lateral__Movement_"),
              Optional(std::string("lateral-movement")));
  EXPECT_EQ(NormalizeTacticName("TA0011"), std::nullopt);
  EXPECT_EQ(NormalizeTacticName("___"), std::nullopt);
}

TEST(ClassifyTest, Keys) {
  EXPECT_EQ(ClassifyAttackKey("mitre_technique_id"), AttackKey::kTechniqueId);
  EXPECT_EQ(ClassifyAttackKey("MITRE_Tactic_ID"), AttackKey::kTacticId);
  EXPECT_EQ(ClassifyAttackKey("mitre_tactic_name"), AttackKey::kTacticName);
  EXPECT_EQ(ClassifyAttackKey("mitre_subtechnique_id"),
            AttackKey::kSubtechniqueId);
  EXPECT_EQ(ClassifyAttackKey("mitre_technique_name"), AttackKey::kNone);
  EXPECT_EQ(ClassifyAttackKey("attack_target"), AttackKey::kNone);
}

struct Extracted {
  std::vector<MetadataEntry> entries;
  std::vector<ExtractedAttackRef> refs;
  std::vector<AttackRefProblem> problems;
};

Extracted Extract(const std::string& text) {
  Extracted x;
  SplitMetadata(text, &x.entries);
  ExtractAttackRefs(x.entries, &x.refs, &x.problems);
  return x;
}

std::vector<std::string> Ids(const Extracted& x) {
  std::vector<std::string> out;
  for (const auto& r : x.refs) out.push_back(std::string(r.kind) + ":" + r.id);
  return out;
}

TEST(ExtractAttackRefsTest, EtOpenShape) {
  // Verbatim from ET Open sid 2032468 (emerging-info.rules).
  static const std::string kText =
      "affected_product Web_Server_Applications, attack_target "
      "Client_Endpoint, created_at 2021_04_05, deployment Perimeter, "
      "former_category INFO, signature_severity Critical, tag Phishing, "
      "updated_at 2021_04_05, mitre_tactic_id TA0001, mitre_tactic_name "
      "Initial_Access, mitre_technique_id T1566, mitre_technique_name "
      "Phishing";
  Extracted x = Extract(kText);
  EXPECT_THAT(Ids(x), ElementsAre("tactic:TA0001", "tactic:initial-access",
                                  "technique:T1566"));
  EXPECT_TRUE(x.problems.empty());
  EXPECT_EQ(x.refs[1].raw, "Initial_Access");
  EXPECT_EQ(x.refs[2].key, "mitre_technique_id");
  EXPECT_EQ(x.refs[2].entry_index, 10u);
}

TEST(ExtractAttackRefsTest, SubtechniquesDedupAndProblems) {
  Extracted x = Extract(
      "mitre_subtechnique_id 001, mitre_technique_id T1059, "
      "mitre_technique_id t1059, mitre_subtechnique_id T1059_001, "
      "mitre_tactic_id TA00x1, mitre_technique_id T1059_002");
  EXPECT_THAT(Ids(x), ElementsAre("technique:T1059.001", "technique:T1059",
                                  "technique:T1059.002"));
  ASSERT_EQ(x.problems.size(), 1u);
  EXPECT_EQ(x.problems[0].entry_index, 4u);
  EXPECT_THAT(x.problems[0].message, testing::HasSubstr("TA00x1"));
}

TEST(ExtractAttackRefsTest, BareSubtechniqueWithoutParentIsAProblem) {
  Extracted x = Extract("mitre_subtechnique_id 001");
  EXPECT_TRUE(x.refs.empty());
  EXPECT_EQ(x.problems.size(), 1u);
}

}  // namespace
}  // namespace cov::ingest::suricata
