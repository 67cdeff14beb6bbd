#include "clients/cli/help.h"

#include <string>

#include "absl/strings/match.h"
#include "clients/cli/command.h"
#include "gtest/gtest.h"

namespace cov::clients::cli {
namespace {

TEST(HelpTest, GeneralHelpListsEveryCommandOfTheTable) {
  const std::string help = GeneralHelp();
  EXPECT_TRUE(absl::StartsWith(
      help, "cov - ATT&CK detection coverage, from the command line.\n"));
  for (const Command& c : Commands()) {
    // The first word of each synopsis line, e.g. "admin backup".
    EXPECT_TRUE(absl::StrContains(help, absl::StrCat("\n  ", c.name)))
        << c.name;
  }
  EXPECT_TRUE(absl::StrContains(help, "  admin backup --to DIR"));
  EXPECT_TRUE(absl::StrContains(help, "\nKnowledge base:\n"));
  EXPECT_TRUE(absl::StrContains(
      help,
      "Exit codes: 0 success, 1 request failed or not found, 2 usage "
      "error.\n"));
}

TEST(HelpTest, CommandHelpHasSynopsisLongHelpAndOnlyItsFlags) {
  const std::string help = CommandHelp("coverage");
  EXPECT_TRUE(absl::StartsWith(help, "cov coverage [--profile FILE] [--by"));
  EXPECT_TRUE(absl::StrContains(help, "\n  --rollup                 "));
  EXPECT_TRUE(absl::StrContains(help, "\n  --rules_per_technique    "));
  EXPECT_FALSE(absl::StrContains(help, "--attack "));
  EXPECT_FALSE(absl::StrContains(help, "--dry_run"));
}

TEST(HelpTest, IngestHelpCoversEveryKind) {
  const std::string help = CommandHelp("ingest");
  EXPECT_TRUE(absl::StartsWith(help, "cov ingest attack FILE\n"));
  EXPECT_TRUE(absl::StrContains(help, "\ncov ingest atomics|plans PATH"));
  EXPECT_TRUE(absl::StrContains(help, "\ncov ingest sigma|suricata|yara PATH"));
  EXPECT_TRUE(absl::StrContains(help, "\n  --make_default"));
}

TEST(HelpTest, UnknownCommandGetsTheGeneralHelp) {
  EXPECT_EQ(CommandHelp("frobnicate"), GeneralHelp());
}

}  // namespace
}  // namespace cov::clients::cli
