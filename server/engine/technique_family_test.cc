#include "server/engine/technique_family.h"

#include "gtest/gtest.h"

namespace cov::server::engine {
namespace {

TEST(SameFamilyTest, ParentsAndSubTechniques) {
  EXPECT_TRUE(SameFamily("T1087", "T1087"));
  EXPECT_TRUE(SameFamily("T1087", "T1087.002"));
  EXPECT_TRUE(SameFamily("T1087.002", "T1087"));
  EXPECT_FALSE(SameFamily("T1087.001", "T1087.002"));
  EXPECT_FALSE(SameFamily("T108", "T1087"));
  EXPECT_FALSE(SameFamily("T1087", "T10870"));
  EXPECT_FALSE(SameFamily("", "T1087"));
}

}  // namespace
}  // namespace cov::server::engine
