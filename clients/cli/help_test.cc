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

TEST(HelpTest, ReleasesRmIsItsOwnAdminEntry) {
  // `releases rm` dispatches to its entry, plain `releases` to the listing.
  const Command* rm = FindCommand("releases", {"rm", "enterprise-attack@17.1"});
  ASSERT_NE(rm, nullptr);
  EXPECT_EQ(rm->synopsis,
            "releases rm DOMAIN@VERSION [--new_default DOMAIN@VERSION]");
  EXPECT_TRUE(TakesFlag(*rm, "new_default"));
  const Command* list = FindCommand("releases", {});
  ASSERT_NE(list, nullptr);
  EXPECT_EQ(list->synopsis, "releases");
  EXPECT_FALSE(TakesFlag(*list, "new_default"));
  const std::string help = CommandHelp("releases");
  EXPECT_TRUE(absl::StrContains(help, "\n  --new_default"));
  EXPECT_TRUE(absl::StrContains(help, "refused unless --new_default names"));
  const std::string general = GeneralHelp();
  EXPECT_TRUE(absl::StrContains(general, "\nAdministration (admin token):\n"));
  EXPECT_LT(general.find("Administration (admin token):"),
            general.find("  releases rm DOMAIN@VERSION"));
  EXPECT_TRUE(absl::StrContains(CommandHelp("experiment"), "rm EXP"));
}

TEST(HelpTest, UnknownCommandGetsTheGeneralHelp) {
  EXPECT_EQ(CommandHelp("frobnicate"), GeneralHelp());
}

}  // namespace
}  // namespace cov::clients::cli
