#include "ingest/base/attack_ids.h"

#include "gtest/gtest.h"

namespace cov::ingest {
namespace {

TEST(AttackIdsTest, TechniqueIds) {
  EXPECT_TRUE(IsTechniqueId("T1059"));
  EXPECT_TRUE(IsTechniqueId("T1059.001"));
  EXPECT_FALSE(IsTechniqueId("t1059"));
  EXPECT_FALSE(IsTechniqueId("T1059.01"));
  EXPECT_FALSE(IsTechniqueId("T105"));
  EXPECT_FALSE(IsTechniqueId("TA0005"));
  EXPECT_EQ(NormalizeTechniqueId(" t1059.001 "), "T1059.001");
  EXPECT_EQ(NormalizeTechniqueId("T1059_001"), "");
}

TEST(AttackIdsTest, TacticIds) {
  EXPECT_TRUE(IsTacticId("TA0005"));
  EXPECT_FALSE(IsTacticId("TA005"));
  EXPECT_FALSE(IsTacticId("T1005"));
  EXPECT_EQ(NormalizeTacticId("ta0011"), "TA0011");
  EXPECT_EQ(NormalizeTacticId("Execution"), "");
}

TEST(AttackIdsTest, MakeAttackRef) {
  cov::v1::AttackRef r = MakeAttackRef("t1005", "T1005", "technique", 7, "x");
  EXPECT_EQ(r.raw(), "t1005");
  EXPECT_EQ(r.id(), "T1005");
  EXPECT_EQ(r.kind(), "technique");
  EXPECT_EQ(r.line(), 7);
  EXPECT_EQ(r.origin(), "x");
  EXPECT_EQ(r.status(), cov::v1::REF_STATUS_UNSPECIFIED);
}

}  // namespace
}  // namespace cov::ingest
