#include "server/scan/scanner.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "ingest/yara/yara_parser.h"
#include "server/scan/rule_set.h"

namespace cov::server::scan {
namespace {

namespace fs = std::filesystem;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::SizeIs;

constexpr char kRules[] =
    "rule Dropper : T1105 { strings: $a = \"DROP-IT\" condition: $a }\n"
    "rule Script { meta: mitre_att = \"T1059.001\" mitre_att = \"T1105\"\n"
    "  strings: $a = \"powershell -nop\" condition: $a }\n"
    "rule No_Technique { strings: $a = \"plain-marker\" condition: $a }\n"
    "rule Slow { strings: $t = \"SLOW\" condition: $t and\n"
    "  for any i in (0..1000000000000) : (i == -1) }\n";

CompiledRuleSet Compile() {
  ingest::yara::YaraParser parser;
  ingest::ParsedFile f = parser.Parse({"r.yar", kRules, "src"});
  EXPECT_THAT(f.rules, SizeIs(4));
  auto set = CompileRuleSet(f.rules);
  EXPECT_TRUE(set.ok()) << set.status();
  EXPECT_THAT(set->not_compiled, IsEmpty());
  return *std::move(set);
}

void Write(const std::string& path, absl::string_view data) {
  fs::create_directories(fs::path(path).parent_path());
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << data;
}

class ScannerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = absl::StrCat(
        ::testing::TempDir(), "/scan_",
        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(root_);
    fs::create_directories(root_);
  }
  std::string root_;
};

TEST_F(ScannerTest, FolderWalkMatchesAndTechniques) {
  CompiledRuleSet set = Compile();
  Write(root_ + "/b/second.bin", "xx powershell -nop -w hidden DROP-IT");
  Write(root_ + "/a.txt", "DROP-IT");
  Write(root_ + "/c/clean.txt", "nothing here");
  Write(root_ + "/c/plain.txt", "a plain-marker only");
  fs::create_symlink(root_ + "/a.txt", root_ + "/link.txt");

  auto r = ScanPaths(set, {root_});
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->files_scanned, 4);
  EXPECT_EQ(r->bytes_scanned, 36u + 7u + 12u + 19u);
  ASSERT_THAT(r->matches, SizeIs(3));
  // Sorted walk: a.txt, b/second.bin, c/clean.txt, c/plain.txt.
  EXPECT_EQ(r->matches[0].path, root_ + "/a.txt");
  ASSERT_THAT(r->matches[0].rules, SizeIs(1));
  EXPECT_EQ(r->matches[0].rules[0].uid, "src:r.yar:Dropper");
  EXPECT_EQ(r->matches[1].path, root_ + "/b/second.bin");
  ASSERT_THAT(r->matches[1].rules, SizeIs(2));
  EXPECT_EQ(r->matches[1].rules[0].title, "Dropper");
  EXPECT_EQ(r->matches[1].rules[1].title, "Script");
  EXPECT_THAT(r->matches[1].rules[1].techniques,
              ElementsAre("T1059.001", "T1105"));
  EXPECT_EQ(r->matches[2].path, root_ + "/c/plain.txt");

  ASSERT_THAT(r->techniques, SizeIs(2));
  EXPECT_EQ(r->techniques[0].technique, "T1059.001");
  EXPECT_THAT(r->techniques[0].rule_uids, ElementsAre("src:r.yar:Script"));
  EXPECT_EQ(r->techniques[0].files, 1);
  EXPECT_EQ(r->techniques[1].technique, "T1105");
  EXPECT_THAT(r->techniques[1].rule_uids,
              ElementsAre("src:r.yar:Dropper", "src:r.yar:Script"));
  EXPECT_EQ(r->techniques[1].files, 2);
  EXPECT_THAT(r->rules_without_technique,
              ElementsAre("src:r.yar:No_Technique"));

  // The symlink is reported, not followed.
  ASSERT_THAT(r->skipped, SizeIs(1));
  EXPECT_EQ(r->skipped[0].path, root_ + "/link.txt");
  EXPECT_THAT(r->skipped[0].reason, HasSubstr("symlink"));
}

TEST_F(ScannerTest, HugeFileSkippedWithADiagnosticOthersScanned) {
  CompiledRuleSet set = Compile();
  // 3 GiB sparse file: never read (the limit is checked first).
  std::string huge = root_ + "/huge.img";
  Write(huge, "");
  fs::resize_file(huge, 3ull << 30);
  Write(root_ + "/small.txt", "DROP-IT");
  auto r = ScanPaths(set, {root_});
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->files_scanned, 1);
  ASSERT_THAT(r->matches, SizeIs(1));
  ASSERT_THAT(r->skipped, SizeIs(1));
  EXPECT_EQ(r->skipped[0].code, absl::StatusCode::kResourceExhausted);
  EXPECT_THAT(r->skipped[0].reason,
              HasSubstr(absl::StrCat(huge,
                                     ": 3221225472 bytes is over the "
                                     "limit of 67108864 bytes")));
  EXPECT_LT(absl::ToDoubleSeconds(r->elapsed), 5.0);
}

TEST_F(ScannerTest, TimeoutSkipsOneFileOnly) {
  CompiledRuleSet set = Compile();
  Write(root_ + "/1-slow.bin", "SLOW");
  Write(root_ + "/2-fast.bin", "DROP-IT");
  ScanOptions options;
  options.per_file_timeout = absl::Seconds(1);
  auto r = ScanPaths(set, {root_}, options);
  ASSERT_TRUE(r.ok()) << r.status();
  ASSERT_THAT(r->skipped, SizeIs(1));
  EXPECT_EQ(r->skipped[0].path, root_ + "/1-slow.bin");
  EXPECT_EQ(r->skipped[0].code, absl::StatusCode::kDeadlineExceeded);
  ASSERT_THAT(r->matches, SizeIs(1));
  EXPECT_EQ(r->matches[0].path, root_ + "/2-fast.bin");
  EXPECT_LT(absl::ToDoubleSeconds(r->elapsed), 8.0);
}

TEST_F(ScannerTest, MissingAndNonRegularPathsAndFileLimit) {
  CompiledRuleSet set = Compile();
  Write(root_ + "/one.txt", "DROP-IT");
  Write(root_ + "/two.txt", "DROP-IT");
  ScanOptions options;
  options.max_files = 1;
  auto r = ScanPaths(set, {root_ + "/missing", "/dev/null", root_}, options);
  ASSERT_TRUE(r.ok()) << r.status();
  ASSERT_THAT(r->skipped, SizeIs(2));
  EXPECT_EQ(r->skipped[0].code, absl::StatusCode::kNotFound);
  EXPECT_THAT(r->skipped[0].reason, HasSubstr(root_ + "/missing"));
  EXPECT_EQ(r->skipped[1].code, absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(r->skipped[1].reason, HasSubstr("/dev/null: not a regular"));
  EXPECT_EQ(r->files_scanned, 1);
  EXPECT_EQ(r->files_not_scanned, 1);
  ASSERT_THAT(r->matches, SizeIs(1));
  EXPECT_EQ(r->matches[0].path, root_ + "/one.txt");
}

TEST_F(ScannerTest, EmptySetIsRefused) {
  CompiledRuleSet empty;
  EXPECT_EQ(ScanPaths(empty, {root_}).status().code(),
            absl::StatusCode::kFailedPrecondition);
}

}  // namespace
}  // namespace cov::server::scan
