#include "server/store/schema.h"

#include <string>

#include "gtest/gtest.h"

namespace cov::server::store {
namespace {

TEST(SchemaTest, SourceNames) {
  EXPECT_TRUE(ValidSourceName("sigma-main_2.0"));
  EXPECT_TRUE(ValidSourceName(std::string(128, 'a')));
  EXPECT_FALSE(ValidSourceName(std::string(129, 'a')));
  EXPECT_FALSE(ValidSourceName(""));
  EXPECT_FALSE(ValidSourceName("a/b"));
  EXPECT_FALSE(ValidSourceName(absl::string_view("a\0b", 3)));
  EXPECT_TRUE(CheckSourceName("rules").ok());
  const absl::Status bad = CheckSourceName("a b");
  EXPECT_EQ(bad.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(bad.message(),
            "invalid source name 'a b': use letters, digits, '.', '_' or '-' "
            "(at most 128)");
}

TEST(SchemaTest, Keys) {
  EXPECT_EQ(ReleaseKey("enterprise-attack", "18.1"), "enterprise-attack@18.1");
  EXPECT_EQ(RuleKey("s", "p", 7), std::string("s\0p\0", 4) + "000007");
}

}  // namespace
}  // namespace cov::server::store
