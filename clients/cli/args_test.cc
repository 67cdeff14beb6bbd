#include "clients/cli/args.h"

#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "gtest/gtest.h"

namespace cov::clients::cli {
namespace {

// argv from words (kept alive by the fixture; CheckCommandLine rewrites it).
class ArgsTest : public ::testing::Test {
 protected:
  absl::StatusOr<CommandLine> Check(std::vector<std::string> words) {
    words_ = std::move(words);
    words_.insert(words_.begin(), "cov");
    argv_.clear();
    for (std::string& w : words_) argv_.push_back(w.data());
    return CheckCommandLine(static_cast<int>(argv_.size()), argv_.data());
  }
  std::vector<std::string> words_;
  std::vector<char*> argv_;
};

TEST_F(ArgsTest, FlagValueIsNotTakenForTheCommand) {
  auto cl = Check({"--server", "127.0.0.1:8470", "coverage", "--help"});
  ASSERT_TRUE(cl.ok()) << cl.status();
  EXPECT_TRUE(cl->help);
  EXPECT_EQ(cl->command, "coverage");
  ASSERT_NE(cl->entry, nullptr);
  EXPECT_EQ(cl->entry->name, "coverage");
}

TEST_F(ArgsTest, FlagOfAnotherCommandIsAUsageError) {
  auto cl = Check({"coverage", "--attack", "bundle.json"});
  EXPECT_EQ(cl.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(cl.status().message(),
            "--attack is not a flag of `cov coverage` (see cov coverage "
            "--help)");
  cl = Check({"ingest", "sigma", "rules", "--make_default"});
  EXPECT_EQ(cl.status().message(),
            "--make_default is not a flag of `cov ingest` (see cov ingest "
            "--help)");
}

TEST_F(ArgsTest, DashesInFlagNamesAreAccepted) {
  auto cl =
      Check({"--attack-version", "18.1", "check", ".", "--fail-on", "warning"});
  ASSERT_TRUE(cl.ok()) << cl.status();
  EXPECT_EQ(cl->command, "check");
  EXPECT_EQ(cl->args, std::vector<std::string>{"."});
  EXPECT_EQ(words_[1], "--attack_version");
  EXPECT_EQ(words_[5], "--fail_on");
}

TEST_F(ArgsTest, UnknownFlagsAndCommands) {
  EXPECT_EQ(Check({"--no_such_flag", "stats"}).status().message(),
            "unknown flag --no_such_flag");
  EXPECT_EQ(Check({"-x", "stats"}).status().message(), "unknown flag -x");
  EXPECT_EQ(Check({"frobnicate"}).status().message(),
            "unknown command 'frobnicate'");
}

TEST_F(ArgsTest, IngestKindsPickTheEntry) {
  auto cl = Check({"ingest", "attack", "x.json", "--make_default"});
  ASSERT_TRUE(cl.ok()) << cl.status();
  EXPECT_EQ(cl->entry->kinds, std::vector<std::string>{"attack"});
  cl = Check({"ingest", "snort", "rules", "--source", "et"});
  ASSERT_TRUE(cl.ok()) << cl.status();
  EXPECT_EQ(cl->entry->group, "Rules");
  auto bad = Check({"ingest", "foo", "bar"});
  EXPECT_TRUE(absl::StartsWith(
      bad.status().message(),
      "cannot ingest 'foo': use attack, atomics, plans, sigma, suricata, "
      "snort, yara"))
      << bad.status();
}

TEST_F(ArgsTest, NegatedBooleansAndHelpWithoutCommand) {
  auto cl = Check({"coverage", "--norollup"});
  ASSERT_TRUE(cl.ok()) << cl.status();
  cl = Check({"--help", "--token_file"});
  ASSERT_TRUE(cl.ok()) << cl.status();
  EXPECT_TRUE(cl->help);
  EXPECT_EQ(cl->command, "");
  EXPECT_EQ(Check({"--nofrob", "stats"}).status().message(),
            "unknown flag --nofrob");
}

}  // namespace
}  // namespace cov::clients::cli
