#include "ingest/base/file_walk.h"

#include <sys/stat.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace cov::ingest {
namespace {

namespace fs = std::filesystem;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

std::string Root(const std::string& name) {
  const char* base = std::getenv("TEST_TMPDIR");
  std::string dir = std::string(base ? base : "/tmp") + "/walk-" + name;
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

void Touch(const std::string& path) {
  fs::create_directories(fs::path(path).parent_path());
  std::ofstream(path) << "x";
}

std::vector<std::string> Rels(const std::vector<WalkedFile>& files) {
  std::vector<std::string> out;
  for (const auto& f : files) out.push_back(f.rel);
  return out;
}

bool Yml(absl::string_view rel) { return absl::EndsWith(rel, ".yml"); }

TEST(FileWalkTest, SortedAcceptedRegularFilesOutsideHiddenFolders) {
  const std::string root = Root("tree");
  Touch(root + "/b/z.yml");
  Touch(root + "/a.yml");
  Touch(root + "/b/a.yml");
  Touch(root + "/notes.txt");
  Touch(root + "/.git/hooks/x.yml");
  ASSERT_EQ(mkfifo((root + "/pipe.yml").c_str(), 0600), 0);
  auto files = WalkFiles(root, Yml);
  ASSERT_TRUE(files.ok()) << files.status();
  EXPECT_THAT(Rels(*files), ElementsAre("a.yml", "b/a.yml", "b/z.yml"));
  EXPECT_EQ((*files)[1].full, root + "/b/a.yml");
  // A trailing slash changes nothing.
  auto slash = WalkFiles(root + "/", Yml);
  ASSERT_TRUE(slash.ok());
  EXPECT_THAT(Rels(*slash), ElementsAre("a.yml", "b/a.yml", "b/z.yml"));
}

TEST(FileWalkTest, SymlinksAreReportedNeverFollowed) {
  const std::string root = Root("links");
  const std::string outside = Root("links-outside");
  Touch(outside + "/secret.yml");
  Touch(root + "/real.yml");
  fs::create_directory_symlink(outside, root + "/dir-link");
  fs::create_symlink(outside + "/secret.yml", root + "/file-link.yml");
  fs::create_symlink(outside + "/secret.yml", root + "/other-link.txt");
  std::vector<std::string> symlinks;
  auto files = WalkFiles(root, Yml, &symlinks);
  ASSERT_TRUE(files.ok());
  EXPECT_THAT(Rels(*files), ElementsAre("real.yml"));
  std::sort(symlinks.begin(), symlinks.end());
  EXPECT_THAT(symlinks, ElementsAre("dir-link", "file-link.yml"));
}

TEST(FileWalkTest, ANamedFileIsTakenAsItIs) {
  const std::string root = Root("single");
  Touch(root + "/rule.rules");
  auto files = WalkFiles(root + "/rule.rules", Yml);
  ASSERT_TRUE(files.ok());
  ASSERT_EQ(files->size(), 1u);
  EXPECT_EQ((*files)[0].rel, "rule.rules");
  EXPECT_EQ((*files)[0].full, root + "/rule.rules");
}

TEST(FileWalkTest, MissingRootIsUnavailableNamingIt) {
  auto files = WalkFiles(Root("gone") + "/nothing", Yml);
  EXPECT_EQ(files.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(std::string(files.status().message()),
              ::testing::HasSubstr("nothing"));
  auto empty = WalkFiles(Root("empty"), Yml);
  ASSERT_TRUE(empty.ok());
  EXPECT_THAT(*empty, IsEmpty());
}

}  // namespace
}  // namespace cov::ingest
