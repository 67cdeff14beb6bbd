#include "ingest/ctid/tactics.h"

#include "gtest/gtest.h"

namespace cov::ingest::ctid {
namespace {

void ExpectMatch(absl::string_view raw, absl::string_view shortname,
                 TacticMatch::Kind kind) {
  const TacticMatch m = NormalizeTactic(raw);
  EXPECT_EQ(m.shortname, shortname) << raw;
  EXPECT_EQ(m.kind, kind) << raw;
}

TEST(NormalizeTacticTest, ExactAndNames) {
  ExpectMatch("defense-evasion", "defense-evasion", TacticMatch::kExact);
  ExpectMatch(" discovery ", "discovery", TacticMatch::kExact);
  ExpectMatch("Defense Evasion", "defense-evasion", TacticMatch::kName);
  ExpectMatch("Command and Control", "command-and-control", TacticMatch::kName);
  ExpectMatch("command_and_control", "command-and-control", TacticMatch::kName);
  ExpectMatch("PRIVILEGE  ESCALATION", "privilege-escalation",
              TacticMatch::kName);
}

TEST(NormalizeTacticTest, Ids) {
  ExpectMatch("TA0005", "defense-evasion", TacticMatch::kId);
  ExpectMatch("ta0011", "command-and-control", TacticMatch::kId);
  ExpectMatch("TA0043", "reconnaissance", TacticMatch::kId);
  ExpectMatch("TA0099", "", TacticMatch::kNone);
}

TEST(NormalizeTacticTest, Misspellings) {
  // Both seen in the CTID plans.
  ExpectMatch("defensive-evasion", "defense-evasion", TacticMatch::kFuzzy);
  ExpectMatch("Commmand and Control", "command-and-control",
              TacticMatch::kFuzzy);
  ExpectMatch("Persistance", "persistence", TacticMatch::kFuzzy);
  ExpectMatch("exfiltraiton", "exfiltration", TacticMatch::kFuzzy);
  ExpectMatch("Lateral Movment", "lateral-movement", TacticMatch::kFuzzy);
  // Short names allow a single edit only.
  ExpectMatch("impcat", "impact", TacticMatch::kFuzzy);
  ExpectMatch("inpcat", "", TacticMatch::kNone);
}

TEST(NormalizeTacticTest, SeveralTactics) {
  ExpectMatch("Discovery/Execution", "discovery", TacticMatch::kFirstOfSeveral);
  ExpectMatch("execution, persistence", "execution",
              TacticMatch::kFirstOfSeveral);
  ExpectMatch("Discovery/credential-dumping", "", TacticMatch::kNone);
}

TEST(NormalizeTacticTest, NotTactics) {
  // Technique names and placeholders are not guessed at.
  ExpectMatch("credential-dumping", "", TacticMatch::kNone);
  ExpectMatch("OS Credential Dumping", "", TacticMatch::kNone);
  ExpectMatch("stage-capabilities", "", TacticMatch::kNone);
  ExpectMatch("Hijack Execution Flow - DLL Search Order Hijacking", "",
              TacticMatch::kNone);
  ExpectMatch("x", "", TacticMatch::kNone);
  ExpectMatch("", "", TacticMatch::kNone);
  ExpectMatch(std::string(1000, 'a'), "", TacticMatch::kNone);
}

TEST(EnterpriseTacticsTest, FourteenInOrder) {
  ASSERT_EQ(EnterpriseTactics().size(), 14u);
  EXPECT_EQ(EnterpriseTactics().front(), "reconnaissance");
  EXPECT_EQ(EnterpriseTactics().back(), "impact");
  for (absl::string_view t : EnterpriseTactics()) {
    ExpectMatch(t, t, TacticMatch::kExact);
  }
}

TEST(EditDistanceTest, Values) {
  EXPECT_EQ(EditDistance("", ""), 0);
  EXPECT_EQ(EditDistance("abc", ""), 3);
  EXPECT_EQ(EditDistance("kitten", "sitting"), 3);
  EXPECT_EQ(EditDistance("ab", "ba"), 1);  // adjacent swap
  EXPECT_EQ(EditDistance("defensive-evasion", "defense-evasion"), 2);
}

}  // namespace
}  // namespace cov::ingest::ctid
