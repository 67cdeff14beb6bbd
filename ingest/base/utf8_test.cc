#include "ingest/base/utf8.h"

#include "cov/v1/rules.pb.h"
#include "gtest/gtest.h"

namespace cov::ingest {
namespace {

TEST(Utf8Test, Validity) {
  EXPECT_TRUE(IsValidUtf8("plain"));
  EXPECT_TRUE(IsValidUtf8("caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80"));
  EXPECT_FALSE(IsValidUtf8("\x85"));            // yaml-cpp's "\N"
  EXPECT_FALSE(IsValidUtf8("\xC0\xAF"));        // overlong
  EXPECT_FALSE(IsValidUtf8("\xED\xA0\x80"));    // surrogate
  EXPECT_FALSE(IsValidUtf8("\xF4\x90\x80\x80"));  // above U+10FFFF
  EXPECT_FALSE(IsValidUtf8("\xE2\x82"));        // truncated
}

TEST(Utf8Test, ReplacesInvalidBytesAndSanitizesMessages) {
  EXPECT_EQ(ToValidUtf8("a\x85z"), "a\xEF\xBF\xBDz");
  cov::v1::Rule r;
  r.set_title("\x85");
  r.add_tags("ok");
  r.add_attack_refs()->set_raw("T1059\xFF");
  EXPECT_TRUE(SanitizeUtf8(&r));
  EXPECT_EQ(r.title(), "\xEF\xBF\xBD");
  EXPECT_EQ(r.attack_refs(0).raw(), "T1059\xEF\xBF\xBD");
  cov::v1::Rule back;
  ASSERT_TRUE(back.ParseFromString(r.SerializeAsString()));
  EXPECT_FALSE(SanitizeUtf8(&r));  // already clean
}

}  // namespace
}  // namespace cov::ingest
