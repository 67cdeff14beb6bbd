#include "clients/cli/output.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace cov::clients::cli {
namespace {

TEST(OutputTest, ColumnWidthFitsTheLongestValue) {
  const std::vector<std::string> ics = {"initial-access",
                                        "inhibit-response-function"};
  EXPECT_EQ(ColumnWidth(22, ics), 25);
  const std::vector<std::string> enterprise = {"command-and-control",
                                               "privilege-escalation"};
  EXPECT_EQ(ColumnWidth(22, enterprise), 22);
}

TEST(OutputTest, TruncateCutsOnAUtf8Boundary) {
  EXPECT_EQ(Truncate("a\nb", 10), "a b");
  // "é" is two bytes; cutting at byte 2 would split it.
  EXPECT_EQ(Truncate("a\xC3\xA9xyz", 2), "a...");
  EXPECT_EQ(Truncate("abcdef", 3), "abc...");
}

TEST(OutputTest, WrapAndDiagnostics) {
  EXPECT_EQ(Wrap("one two three four", 9, "  "),
            "  one two\n  three\n  four\n");
  cov::v1::Diagnostic d;
  d.set_file("r/a.yml");
  d.set_line(3);
  d.set_column(7);
  d.set_severity(cov::v1::SEVERITY_WARNING);
  d.set_message("bad tag");
  d.set_code("attack-unknown");
  EXPECT_EQ(FormatDiag(d), "r/a.yml:3:7: warning: bad tag [attack-unknown]");
  EXPECT_EQ(FormatTime(0), "1970-01-01 00:00:00Z");
}

}  // namespace
}  // namespace cov::clients::cli
