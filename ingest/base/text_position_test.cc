#include "ingest/base/text_position.h"

#include "gtest/gtest.h"

namespace cov::ingest {
namespace {

TEST(TextPositionTest, MapsOffsetsToOneBasedLineAndColumn) {
  TextPosition pos("ab\ncd\r\n\nx");
  EXPECT_EQ(pos.line_count(), 4);
  EXPECT_EQ(pos.At(0).line, 1);
  EXPECT_EQ(pos.At(0).column, 1);
  EXPECT_EQ(pos.At(1).column, 2);
  EXPECT_EQ(pos.At(3).line, 2);
  EXPECT_EQ(pos.At(3).column, 1);
  EXPECT_EQ(pos.At(7).line, 3);
  EXPECT_EQ(pos.At(8).line, 4);
}

TEST(TextPositionTest, OffsetsPastTheEndClampToLastPosition) {
  TextPosition pos("a\nbc");
  EXPECT_EQ(pos.At(100).line, 2);
  EXPECT_EQ(pos.At(100).column, 3);
}

TEST(TextPositionTest, EmptyText) {
  TextPosition pos("");
  EXPECT_EQ(pos.At(0).line, 1);
  EXPECT_EQ(pos.At(0).column, 1);
}

}  // namespace
}  // namespace cov::ingest
