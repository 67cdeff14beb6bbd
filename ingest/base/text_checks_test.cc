#include "ingest/base/text_checks.h"

#include "gtest/gtest.h"

namespace cov::ingest {
namespace {

TEST(FileStemTest, DropsFoldersAndLastExtension) {
  EXPECT_EQ(FileStem("atomics/T1197/T1197.yaml"), "T1197");
  EXPECT_EQ(FileStem("plans\\fin7.yml"), "fin7");
  EXPECT_EQ(FileStem("a.b/plan.v2.yaml"), "plan.v2");
  EXPECT_EQ(FileStem("T1059"), "T1059");
  EXPECT_EQ(FileStem("dir/"), "");
  EXPECT_EQ(FileStem(""), "");
}

TEST(TextChecksTest, IsUuidAndOneOf) {
  EXPECT_TRUE(IsUuid("0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d"));
  EXPECT_FALSE(IsUuid("0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5"));
  constexpr absl::string_view kSet[] = {"sh", "bash"};
  EXPECT_TRUE(OneOf("bash", kSet));
  EXPECT_FALSE(OneOf("zsh", kSet));
}

}  // namespace
}  // namespace cov::ingest
