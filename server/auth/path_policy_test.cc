#include "server/auth/path_policy.h"

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace cov::server::auth {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

class PathPolicyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    base_ = fs::canonical(getenv("TEST_TMPDIR")).string() + "/pp";
    fs::remove_all(base_);
    root_ = base_ + "/root";
    fs::create_directories(root_ + "/rules/sub");
    fs::create_directories(base_ + "/outside");
    fs::create_directories(base_ + "/root-sibling");
    std::ofstream(root_ + "/rules/a.yml") << "title: a\n";
    std::ofstream(base_ + "/outside/secret.yml") << "secret\n";
    std::ofstream(base_ + "/root-sibling/x.yml") << "x\n";
    fs::create_symlink(base_ + "/outside/secret.yml", root_ + "/link-out.yml");
    fs::create_symlink(base_ + "/outside", root_ + "/dir-out");
    fs::create_symlink(root_ + "/rules/a.yml", root_ + "/link-in.yml");
    ASSERT_EQ(mkfifo((root_ + "/fifo").c_str(), 0600), 0);
    absl::StatusOr<PathPolicy> p = PathPolicy::Create({root_});
    ASSERT_TRUE(p.ok()) << p.status();
    policy_ = *std::move(p);
  }

  absl::StatusCode Code(const std::string& path) {
    return policy_.Check(path).code();
  }

  std::string base_, root_;
  PathPolicy policy_;
};

TEST_F(PathPolicyTest, AllowsFilesAndFoldersInsideTheRoot) {
  EXPECT_EQ(policy_.roots(), std::vector<std::string>{root_});
  EXPECT_TRUE(policy_.Check(root_).ok());
  EXPECT_TRUE(policy_.Check(root_ + "/").ok());
  EXPECT_TRUE(policy_.Check(root_ + "/rules").ok());
  EXPECT_TRUE(policy_.Check(root_ + "/rules/a.yml").ok());
  EXPECT_TRUE(policy_.Check(root_ + "/rules/sub/../a.yml").ok());
  EXPECT_TRUE(policy_.Check(root_ + "/link-in.yml").ok());
  // Missing inside a root: allowed here, the ingest answers NotFound.
  EXPECT_TRUE(policy_.Check(root_ + "/rules/none.yml").ok());
}

TEST_F(PathPolicyTest, DeniesPathsOutsideTheRoot) {
  auto denied = absl::StatusCode::kPermissionDenied;
  EXPECT_EQ(Code(base_ + "/outside/secret.yml"), denied);
  EXPECT_EQ(Code("/etc/passwd"), denied);
  EXPECT_EQ(Code("/"), denied);
  EXPECT_EQ(Code(base_), denied);
  // A sibling whose name starts with the root's is still outside.
  EXPECT_EQ(Code(base_ + "/root-sibling/x.yml"), denied);
  absl::Status s = policy_.Check(base_ + "/outside/secret.yml");
  EXPECT_THAT(std::string(s.message()),
              HasSubstr(base_ + "/outside/secret.yml"));
  EXPECT_THAT(std::string(s.message()),
              HasSubstr("is outside the ingest roots (" + root_ + ")"));
}

TEST_F(PathPolicyTest, DeniesDotDotEscapes) {
  auto denied = absl::StatusCode::kPermissionDenied;
  EXPECT_EQ(Code(root_ + "/../outside/secret.yml"), denied);
  EXPECT_EQ(Code(root_ + "/rules/../../outside"), denied);
  EXPECT_EQ(Code(root_ + "/missing/../../outside/secret.yml"), denied);
  absl::Status s = policy_.Check(root_ + "/../outside/secret.yml");
  EXPECT_THAT(std::string(s.message()),
              HasSubstr("resolves to " + base_ + "/outside/secret.yml"));
}

TEST_F(PathPolicyTest, DeniesSymlinkEscapes) {
  auto denied = absl::StatusCode::kPermissionDenied;
  EXPECT_EQ(Code(root_ + "/link-out.yml"), denied);
  EXPECT_EQ(Code(root_ + "/dir-out"), denied);
  EXPECT_EQ(Code(root_ + "/dir-out/secret.yml"), denied);
  EXPECT_THAT(std::string(policy_.Check(root_ + "/link-out.yml").message()),
              HasSubstr("resolves to " + base_ + "/outside/secret.yml"));
}

TEST_F(PathPolicyTest, DeniesDevicesAndFifos) {
  absl::Status fifo = policy_.Check(root_ + "/fifo");
  EXPECT_EQ(fifo.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_THAT(std::string(fifo.message()),
              HasSubstr("not a regular file or a directory"));
  absl::StatusOr<PathPolicy> dev = PathPolicy::Create({"/dev"});
  ASSERT_TRUE(dev.ok()) << dev.status();
  EXPECT_EQ(dev->Check("/dev/null").code(),
            absl::StatusCode::kPermissionDenied);
}

TEST_F(PathPolicyTest, RelativePathsResolveAgainstTheWorkingDirectory) {
  char old[4096];
  ASSERT_NE(getcwd(old, sizeof(old)), nullptr);
  ASSERT_EQ(chdir(root_.c_str()), 0);
  EXPECT_TRUE(policy_.Check("rules/a.yml").ok());
  EXPECT_EQ(Code("../outside/secret.yml"), absl::StatusCode::kPermissionDenied);
  ASSERT_EQ(chdir(old), 0);
}

TEST_F(PathPolicyTest, SeveralRootsAndEmptyPath) {
  absl::StatusOr<PathPolicy> two =
      PathPolicy::Create({root_ + "/rules", base_ + "/outside/"});
  ASSERT_TRUE(two.ok()) << two.status();
  EXPECT_EQ(two->roots(),
            (std::vector<std::string>{root_ + "/rules", base_ + "/outside"}));
  EXPECT_TRUE(two->Check(root_ + "/rules/a.yml").ok());
  EXPECT_TRUE(two->Check(base_ + "/outside/secret.yml").ok());
  EXPECT_EQ(two->Check(root_ + "/link-in.yml").code(), absl::StatusCode::kOk);
  EXPECT_EQ(two->Check(base_ + "/root-sibling").code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(two->Check("").code(), absl::StatusCode::kPermissionDenied);
}

TEST_F(PathPolicyTest, NoRootsAllowsEverything) {
  absl::StatusOr<PathPolicy> none = PathPolicy::Create({});
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->roots().empty());
  EXPECT_TRUE(none->Check("/etc/passwd").ok());
  EXPECT_TRUE(none->Check(root_ + "/fifo").ok());
}

TEST_F(PathPolicyTest, CreateRejectsBadRoots) {
  EXPECT_EQ(PathPolicy::Create({""}).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(PathPolicy::Create({base_ + "/absent"}).status().code(),
            absl::StatusCode::kInvalidArgument);
  absl::Status file = PathPolicy::Create({root_ + "/rules/a.yml"}).status();
  EXPECT_EQ(file.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(file.message()), HasSubstr("not a directory"));
}

TEST_F(PathPolicyTest, CheckerIsThePolicysCheck) {
  PathCheck check = policy_.Checker();
  EXPECT_EQ(check("/etc/passwd").code(), absl::StatusCode::kPermissionDenied);
  EXPECT_TRUE(check(root_ + "/rules/a.yml").ok());
  EXPECT_EQ(CheckPath(check, "/etc/passwd").code(),
            absl::StatusCode::kPermissionDenied);
  // No check: every path is allowed, as with a rootless policy.
  EXPECT_TRUE(CheckPath(PathCheck(), "/etc/passwd").ok());
}

TEST_F(PathPolicyTest, ResolveIngestPathChecksThenResolves) {
  const PathCheck check = policy_.Checker();
  absl::StatusOr<fs::path> in =
      ResolveIngestPath(check, root_ + "/rules/../rules/a.yml");
  ASSERT_TRUE(in.ok()) << in.status();
  EXPECT_EQ(in->string(), root_ + "/rules/a.yml");
  EXPECT_EQ(
      ResolveIngestPath(check, base_ + "/outside/secret.yml").status().code(),
      absl::StatusCode::kPermissionDenied);
  const absl::Status missing =
      ResolveIngestPath(PathCheck(), root_ + "/none").status();
  EXPECT_EQ(missing.code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(missing.message(),
              HasSubstr(absl::StrCat("cannot ingest ", root_, "/none: ")));
}

}  // namespace
}  // namespace cov::server::auth
