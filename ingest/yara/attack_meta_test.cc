#include "ingest/yara/attack_meta.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace cov::ingest::yara {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

// "raw|id|kind|line|origin" per reference.
std::vector<std::string> Flat(const std::vector<cov::v1::AttackRef>& refs) {
  std::vector<std::string> out;
  for (const auto& r : refs) {
    out.push_back(r.raw() + "|" + r.id() + "|" + r.kind() + "|" +
                  std::to_string(r.line()) + "|" + r.origin());
  }
  return out;
}

std::vector<std::string> Meta(absl::string_view key, absl::string_view value,
                              int line = 7) {
  std::vector<cov::v1::AttackRef> refs;
  ExtractMetaRefs(key, value, line, &refs);
  return Flat(refs);
}

std::vector<std::string> Ids(absl::string_view key, absl::string_view value) {
  std::vector<cov::v1::AttackRef> refs;
  ExtractMetaRefs(key, value, 1, &refs);
  std::vector<std::string> out;
  for (const auto& r : refs) out.push_back(r.id() + "/" + r.kind());
  return out;
}

TEST(ClassifyMetaKeyTest, Keys) {
  for (absl::string_view k :
       {"mitre_att", "MITRE_ATT", "mitre_attack", "mitre_att_tactic",
        "mitre_attack_technique", "mitre_technique_id", "mitre_technique",
        "mitre_tactic", "attack_id", "attack", "technique", "techniques",
        "tactic", "Tactics", "ttp"}) {
    EXPECT_EQ(ClassifyMetaKey(k), MetaKeyClass::kAttack) << k;
  }
  EXPECT_EQ(ClassifyMetaKey("tags"), MetaKeyClass::kTags);
  for (absl::string_view k :
       {"author", "description", "reference", "hash", "attacker", "score"}) {
    EXPECT_EQ(ClassifyMetaKey(k), MetaKeyClass::kOther) << k;
  }
}

TEST(ExtractMetaRefsTest, SingleIdWithOrigin) {
  EXPECT_THAT(Meta("mitre_att", "T1059.001"),
              ElementsAre("T1059.001|T1059.001|technique|7|meta:mitre_att"));
}

TEST(ExtractMetaRefsTest, OriginKeepsTheKeyAsWritten) {
  EXPECT_THAT(Meta("MITRE_Attack", "S0378"),
              ElementsAre("S0378|S0378|software|7|meta:MITRE_Attack"));
}

TEST(ExtractMetaRefsTest, EverySeparator) {
  EXPECT_THAT(
      Ids("mitre_attack", "T1027, T1083,T1105"),
      ElementsAre("T1027/technique", "T1083/technique", "T1105/technique"));
  EXPECT_THAT(Ids("mitre_attack", "T1055.012|T1555.003"),
              ElementsAre("T1055.012/technique", "T1555.003/technique"));
  EXPECT_THAT(
      Ids("mitre_attack", "T1064:T1001:T1070"),
      ElementsAre("T1064/technique", "T1001/technique", "T1070/technique"));
  EXPECT_THAT(
      Ids("mitre_attack", "T1064;T1001 T1070"),
      ElementsAre("T1064/technique", "T1001/technique", "T1070/technique"));
  EXPECT_THAT(Ids("mitre_att", "TA0002:T1059"),
              ElementsAre("TA0002/tactic", "T1059/technique"));
}

TEST(ExtractMetaRefsTest, NamesAndNotesAfterIds) {
  EXPECT_THAT(Meta("mitre_att", "T1059.001 - PowerShell"),
              ElementsAre("T1059.001|T1059.001|technique|7|meta:mitre_att"));
  EXPECT_THAT(Ids("mitre_att", "T1486 (Data Encrypted for Impact)"),
              ElementsAre("T1486/technique"));
}

TEST(ExtractMetaRefsTest, LowercaseAndUnderscoreForms) {
  EXPECT_THAT(Meta("technique", "t1059_001"),
              ElementsAre("t1059_001|T1059.001|technique|7|meta:technique"));
  EXPECT_THAT(Ids("tactic", "ta0005"), ElementsAre("TA0005/tactic"));
}

TEST(ExtractMetaRefsTest, AllKinds) {
  EXPECT_THAT(Ids("mitre_att", "TA0011 T1071.001 S0154 G0032 C0010"),
              ElementsAre("TA0011/tactic", "T1071.001/technique",
                          "S0154/software", "G0032/group", "C0010/campaign"));
}

TEST(ExtractMetaRefsTest, WordBoundaries) {
  // Inside longer words, with 5 digits, or glued to letters: no match.
  EXPECT_THAT(Ids("mitre_att", "XT1059 T10590 T1059abc AT1059 T1059_0011"),
              IsEmpty());
  // A sub-technique that runs on falls back to the technique.
  EXPECT_THAT(Ids("mitre_att", "T1059.0012"), ElementsAre("T1059/technique"));
  EXPECT_THAT(Ids("mitre_att", "N/A"), IsEmpty());
}

TEST(ExtractMetaRefsTest, CampaignsOnlyInAttackKeys) {
  EXPECT_THAT(Ids("tags", "T1027, FILE, C0010, S0002"),
              ElementsAre("T1027/technique", "S0002/software"));
  EXPECT_THAT(Ids("mitre_att", "C0010"), ElementsAre("C0010/campaign"));
}

TEST(ExtractMetaRefsTest, OtherKeysYieldNothingButAttackUrls) {
  EXPECT_THAT(Ids("description", "Uses T1059 and S0002"), IsEmpty());
  EXPECT_THAT(Ids("hash", "c0010aa"), IsEmpty());
  EXPECT_THAT(
      Meta("reference", "https://attack.mitre.org/techniques/T1552/004/", 3),
      ElementsAre("attack.mitre.org/techniques/T1552/004|T1552.004|technique|"
                  "3|meta:reference"));
  EXPECT_THAT(Ids("url", "https://ATTACK.mitre.org/techniques/T1221/"),
              ElementsAre("T1221/technique"));
  EXPECT_THAT(Ids("reference",
                  "https://attack.mitre.org/groups/G0007/ "
                  "https://attack.mitre.org/software/S0002 "
                  "https://attack.mitre.org/tactics/TA0005 "
                  "https://attack.mitre.org/campaigns/C0010"),
              ElementsAre("G0007/group", "S0002/software", "TA0005/tactic",
                          "C0010/campaign"));
  // The site's home page, or a section that does not match the ID kind.
  EXPECT_THAT(Ids("reference", "https://attack.mitre.org/"), IsEmpty());
  EXPECT_THAT(Ids("reference", "https://attack.mitre.org/groups/S0002"),
              IsEmpty());
}

TEST(ExtractMetaRefsTest, UrlInAttackKeyIsNotCountedTwice) {
  EXPECT_THAT(Ids("mitre_att", "https://attack.mitre.org/techniques/T1059/001"),
              ElementsAre("T1059.001/technique"));
}

TEST(ExtractMetaRefsTest, TacticNamesInTacticKeys) {
  EXPECT_THAT(Meta("mitre_att_tactic", "Defense Evasion, command_and_control"),
              ElementsAre("Defense Evasion|defense-evasion|tactic|7|meta:"
                          "mitre_att_tactic",
                          "command_and_control|command-and-control|tactic|7|"
                          "meta:mitre_att_tactic"));
  // An ID makes the name a label, not a second reference.
  EXPECT_THAT(Ids("tactic", "TA0002 - Execution"),
              ElementsAre("TA0002/tactic"));
  // Names count only under tactic keys.
  EXPECT_THAT(Ids("mitre_att", "Execution"), IsEmpty());
  EXPECT_THAT(Ids("tactic", "Executions"), IsEmpty());
}

TEST(ExtractTagRefTest, Tags) {
  std::vector<cov::v1::AttackRef> refs;
  for (absl::string_view tag :
       {"T1059_001", "T1055", "TA0005", "S0378", "g0032", "TLP_CLEAR",
        "TESTING", "T1059_01", "C0010", "T10590", "APT"}) {
    ExtractTagRef(tag, 4, &refs);
  }
  EXPECT_THAT(
      Flat(refs),
      ElementsAre("T1059_001|T1059.001|technique|4|tag",
                  "T1055|T1055|technique|4|tag", "TA0005|TA0005|tactic|4|tag",
                  "S0378|S0378|software|4|tag", "g0032|G0032|group|4|tag"));
}

}  // namespace
}  // namespace cov::ingest::yara
