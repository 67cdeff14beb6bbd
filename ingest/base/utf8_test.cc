#include "ingest/base/utf8.h"

#include "cov/v1/rules.pb.h"
#include "gtest/gtest.h"

namespace cov::ingest {
namespace {

TEST(FirstInvalidUtf8Test, ValidAndInvalid) {
  constexpr size_t npos = absl::string_view::npos;
  EXPECT_EQ(FirstInvalidUtf8(""), npos);
  EXPECT_EQ(FirstInvalidUtf8("plain ASCII\n"), npos);
  // é, €, U+10FFFF, 😀
  EXPECT_EQ(FirstInvalidUtf8("\xC3\xA9 \xE2\x82\xAC \xF4\x8F\xBF\xBF "
                             "\xF0\x9F\x98\x80"),
            npos);
  EXPECT_EQ(FirstInvalidUtf8("ab\xFF"), 2u);            // never valid
  EXPECT_EQ(FirstInvalidUtf8("a\xC3"), 1u);             // truncated
  EXPECT_EQ(FirstInvalidUtf8("a\xC3(b"), 1u);           // bad continuation
  EXPECT_EQ(FirstInvalidUtf8("\xC0\xAF"), 0u);          // overlong '/'
  EXPECT_EQ(FirstInvalidUtf8("\xE0\x80\xAF"), 0u);      // overlong
  EXPECT_EQ(FirstInvalidUtf8("x\xED\xA0\x80"), 1u);     // surrogate D800
  EXPECT_EQ(FirstInvalidUtf8("\xF4\x90\x80\x80"), 0u);  // > U+10FFFF
  EXPECT_EQ(FirstInvalidUtf8("\xE2\x82"), 0u);          // truncated 3-byte
  // UTF-16 (with BOM) is not UTF-8.
  EXPECT_EQ(FirstInvalidUtf8(absl::string_view("\xFF\xFE"
                                               "a\0",
                                               4)),
            0u);
}

TEST(Utf8Test, Validity) {
  EXPECT_TRUE(IsValidUtf8("plain"));
  EXPECT_TRUE(IsValidUtf8("caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80"));
  EXPECT_FALSE(IsValidUtf8("\x85"));              // yaml-cpp's "\N"
  EXPECT_FALSE(IsValidUtf8("\xC0\xAF"));          // overlong
  EXPECT_FALSE(IsValidUtf8("\xED\xA0\x80"));      // surrogate
  EXPECT_FALSE(IsValidUtf8("\xF4\x90\x80\x80"));  // above U+10FFFF
  EXPECT_FALSE(IsValidUtf8("\xE2\x82"));          // truncated
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

TEST(Utf8Test, SanitizesAParsedFile) {
  ParsedFile f;
  f.rules.emplace_back().set_title("a\xFF");
  f.diagnostics.emplace_back().set_message("\x85");
  SanitizeUtf8(&f);
  EXPECT_EQ(f.rules[0].title(), "a\xEF\xBF\xBD");
  EXPECT_EQ(f.diagnostics[0].message(), "\xEF\xBF\xBD");
}

}  // namespace
}  // namespace cov::ingest
