#include "ingest/events/event.h"

#include "gtest/gtest.h"

namespace cov::ingest::events {
namespace {

TEST(EventTest, FindIsCaseInsensitiveAndExact) {
  Event e;
  e.fields.push_back({"Image", "C:\\a.exe", false});
  e.fields.push_back({"CommandLine", "a.exe /x", false});
  e.fields.push_back({"ParentImage", "", true});
  ASSERT_NE(e.Find("image"), nullptr);
  EXPECT_EQ(e.Find("IMAGE")->value, "C:\\a.exe");
  EXPECT_EQ(e.Find("commandline")->value, "a.exe /x");
  EXPECT_TRUE(e.Find("ParentImage")->is_null);
  EXPECT_EQ(e.Find("Imag"), nullptr);
  EXPECT_EQ(e.Find("Images"), nullptr);
  EXPECT_EQ(e.Find(""), nullptr);
}

TEST(EventTest, FindReturnsFirstOfDuplicates) {
  Event e;
  e.fields.push_back({"Channel", "Security", false});
  e.fields.push_back({"channel", "security", false});
  EXPECT_EQ(e.Find("CHANNEL")->value, "Security");
}

}  // namespace
}  // namespace cov::ingest::events
