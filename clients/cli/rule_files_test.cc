#include "clients/cli/rule_files.h"

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "gtest/gtest.h"

namespace cov::clients::cli {
namespace {

namespace fs = std::filesystem;

void Write(const fs::path& p, const std::string& text) {
  fs::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary) << text;
}

class RuleFilesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* tmp = std::getenv("TEST_TMPDIR");
    root_ = fs::path(tmp != nullptr ? tmp : "/tmp") / "rule_files_test";
    fs::remove_all(root_);
    Write(root_ / "a.yml", "sigma");
    Write(root_ / "sub" / "b.rules", "suricata");
    Write(root_ / "sub" / "C.YAR", "yara");
    Write(root_ / "notes.txt", "not a rule");
    Write(root_ / ".git" / "hidden.yml", "hidden");
    fs::create_symlink(root_ / "a.yml", root_ / "link.yml");
  }
  fs::path root_;
};

TEST_F(RuleFilesTest, WalksRuleFilesSortedWithThePrefix) {
  RuleFiles files;
  ASSERT_TRUE(CollectFiles(root_.string(), "rules", &files).ok());
  ASSERT_EQ(files.size(), 3);
  EXPECT_EQ(files[0].path(), "rules/a.yml");
  EXPECT_EQ(files[0].content(), "sigma");
  EXPECT_EQ(files[1].path(), "rules/sub/C.YAR");
  EXPECT_EQ(files[1].content(), "yara");
  EXPECT_EQ(files[2].path(), "rules/sub/b.rules");
}

TEST_F(RuleFilesTest, DotPrefixAndSingleFile) {
  RuleFiles files;
  ASSERT_TRUE(CollectFiles((root_ / "sub").string(), ".", &files).ok());
  ASSERT_EQ(files.size(), 2);
  EXPECT_EQ(files[0].path(), "C.YAR");
  RuleFiles one;
  ASSERT_TRUE(
      CollectFiles((root_ / "notes.txt").string(), "notes.txt", &one).ok());
  ASSERT_EQ(one.size(), 1);  // a file the user names is taken as is
  EXPECT_EQ(one[0].path(), "notes.txt");
  EXPECT_EQ(one[0].content(), "not a rule");
}

TEST_F(RuleFilesTest, MissingRootIsUnavailable) {
  RuleFiles files;
  absl::Status s = CollectFiles((root_ / "absent").string(), "x", &files);
  EXPECT_EQ(s.code(), absl::StatusCode::kUnavailable);
}

TEST_F(RuleFilesTest, NotAGitRevisionIsInvalidArgument) {
  RuleFiles files;
  absl::Status s = CollectFromGit("no-such-rev-xyz", {root_.string()}, &files);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message(),
            "'no-such-rev-xyz' is neither a folder nor a git revision of the "
            "repository holding the paths");
}

}  // namespace
}  // namespace cov::clients::cli
