#include "server/check/fix_loop.h"

#include <string>

#include "absl/strings/match.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/kb/test_store.h"
#include "server/store/memory_store.h"

namespace cov::server::check {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

std::string SigmaWithTags(const std::string& tags) {
  return "title: t\n"
         "id: 5f1c6a6e-0000-4000-8000-000000000001\n"
         "status: test\n"
         "logsource:\n"
         "  product: windows\n"
         "detection:\n"
         "  sel:\n"
         "    a: b\n"
         "  condition: sel\n"
         "tags:\n" +
         tags + "level: high\n";
}

cov::v1::FixRequest Request(const std::string& path,
                            const std::string& content) {
  cov::v1::FixRequest req;
  cov::v1::RuleFile* f = req.add_files();
  f->set_path(path);
  f->set_content(content);
  return req;
}

TEST(FixLoopTest, NoReleaseIsAFailedPrecondition) {
  store::MemoryStore store;
  kb::Models models(&store);
  EXPECT_TRUE(absl::IsFailedPrecondition(
      FixRules(models, Request("a.yml", "x")).status()));
}

TEST(FixLoopTest, RewritesEveryRevokedIdEvenWhenSpelledTwice) {
  store::MemoryStore store;
  kb::testing::PutSmallRelease(&store);
  kb::Models models(&store);
  const std::string before =
      SigmaWithTags("  - attack.t1086\n  - attack.t1197\n  - attack.t1086\n");
  auto r = FixRules(models, Request("rules/a.yml", before));
  ASSERT_TRUE(r.ok()) << r.status();
  ASSERT_EQ(r->files_size(), 1);
  const cov::v1::FixedFile& f = r->files(0);
  EXPECT_TRUE(f.changed());
  EXPECT_EQ(f.content(), SigmaWithTags("  - attack.t1059.001\n"
                                       "  - attack.t1197\n"
                                       "  - attack.t1059.001\n"));
  // Two rounds: one change each.
  ASSERT_EQ(r->changes_size(), 2);
  EXPECT_EQ(r->changes(0).path(), "rules/a.yml");
  EXPECT_THAT(f.diff(), HasSubstr("-  - attack.t1086"));
  EXPECT_THAT(f.diff(), HasSubstr("+  - attack.t1059.001"));
}

TEST(FixLoopTest, CleanAndUnknownFilesComeBackUnchanged) {
  store::MemoryStore store;
  kb::testing::PutSmallRelease(&store);
  kb::Models models(&store);
  auto resolved = models.Require({});
  ASSERT_TRUE(resolved.ok());
  cov::v1::FixRequest req =
      Request("clean.yml", SigmaWithTags("  - attack.t1197\n"));
  *req.add_files() = Request("notes.txt", "attack.t1086\n").files(0);
  cov::v1::FixResponse r = FixFiles(*resolved->kb, resolved->others, req);
  ASSERT_EQ(r.files_size(), 2);
  EXPECT_FALSE(r.files(0).changed());
  EXPECT_FALSE(r.files(1).changed());
  EXPECT_EQ(r.files(1).content(), "attack.t1086\n");
  EXPECT_EQ(r.changes_size(), 0);
  EXPECT_THAT(r.files(0).diff(), Not(HasSubstr("@@")));
}

}  // namespace
}  // namespace cov::server::check
