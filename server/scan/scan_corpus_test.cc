// CompileRuleSet and ScanPaths on the real YARA corpora, parsed as the ingest
// stores them, checked against Debian's yara 4.2.3 CLI run by the test
// (package `yara`, installed by deploy/setup-debian.sh; required).
#include <sys/wait.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "ingest/base/file_walk.h"
#include "ingest/yara/yara_parser.h"
#include "server/scan/rule_set.h"
#include "server/scan/scanner.h"
#include "tests/corpus.h"

namespace cov::server::scan {
namespace {

namespace fs = std::filesystem;
using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::SizeIs;

constexpr char kYara[] = "/usr/bin/yara";

std::string Quote(absl::string_view s) {
  return absl::StrCat("'", absl::StrReplaceAll(s, {{"'", "'\\''"}}), "'");
}

std::string RunCommand(const std::string& command, int* exit_code) {
  std::string out;
  FILE* p = ::popen((command + " 2>&1").c_str(), "r");
  if (p == nullptr) return out;
  char buf[65536];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof(buf), p)) > 0) out.append(buf, n);
  int status = ::pclose(p);
  *exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return out;
}

struct Source {
  std::string root;
  std::vector<std::string> rel_files;  // accepted by the parser, sorted
  std::vector<std::string> texts;
  std::vector<cov::v1::Rule> rules;
};

Source Load(absl::string_view name) {
  Source s;
  auto root = cov::testing::CorpusPath(absl::StrCat("yara/", name));
  EXPECT_TRUE(root.ok()) << root.status();
  s.root = *root;
  ingest::yara::YaraParser parser;
  auto files = ingest::WalkFiles(
      s.root, [&](absl::string_view rel) { return parser.Accepts(rel); });
  EXPECT_TRUE(files.ok()) << files.status();
  for (const auto& f : *files) {
    auto text = cov::testing::ReadFileToString(f.full);
    EXPECT_TRUE(text.ok()) << text.status();
    ingest::ParsedFile parsed = parser.Parse({f.rel, *text, std::string(name)});
    for (auto& r : parsed.rules) s.rules.push_back(std::move(r));
    s.rel_files.push_back(f.rel);
    s.texts.push_back(*std::move(text));
  }
  return s;
}

// "file\nrule" of every non-private rule, as the CLI lists them (matching
// an empty file or, with -n, not matching it), one namespace per file.
std::set<std::string> CliRules(const Source& s, const std::string& target) {
  std::string args =
      " -w -e -d filename= -d filepath= -d extension= "
      "-d filetype= -d owner=";
  for (const std::string& rel : s.rel_files) {
    absl::StrAppend(&args, " ", Quote(rel + ":" + s.root + "/" + rel));
  }
  std::set<std::string> out;
  for (const char* flag : {"", " -n"}) {
    int code = -1;
    std::string o =
        RunCommand(absl::StrCat(kYara, flag, args, " ", Quote(target)), &code);
    EXPECT_EQ(code, 0) << o.substr(0, 2000);
    for (absl::string_view line : absl::StrSplit(o, '\n', absl::SkipEmpty())) {
      absl::string_view id = line.substr(0, line.find(' '));
      size_t colon = id.rfind(':');
      out.insert(absl::StrCat(id.substr(0, colon), "\n", id.substr(colon + 1)));
    }
  }
  return out;
}

std::set<std::string> Keys(const CompiledRuleSet& set) {
  std::set<std::string> out;
  for (const auto& [key, rule] : set.by_key) out.insert(key);
  return out;
}

TEST(ScanCorpusTest, EveryStoredRuleCompilesAsTheCliSays) {
  ASSERT_TRUE(fs::exists(kYara)) << "install Debian's yara (setup-debian)";
  std::string empty = absl::StrCat(::testing::TempDir(), "/empty");
  std::ofstream(empty).close();
  for (const char* name : {"signature-base", "attack-tagged"}) {
    Source s = Load(name);
    auto set = CompileRuleSet(s.rules);
    ASSERT_TRUE(set.ok()) << set.status();
    EXPECT_THAT(set->not_compiled, IsEmpty()) << name;
    std::set<std::string> cli = CliRules(s, empty);
    EXPECT_EQ(Keys(*set).size(), cli.size()) << name;
    EXPECT_TRUE(Keys(*set) == cli) << name;
    std::printf("%s: %zu stored, %zu public compiled, %d private, CLI %zu\n",
                name, s.rules.size(), set->by_key.size(), set->private_compiled,
                cli.size());

    // One broken rule more: listed, every other rule still compiled.
    std::vector<cov::v1::Rule> with_bad = s.rules;
    cov::v1::Rule bad = s.rules.back();
    bad.set_uid("bad");
    bad.set_title("Bad_Added");
    bad.set_line(bad.line() + 100000);
    bad.set_body("rule Bad_Added { condition: ( true }");
    with_bad.push_back(bad);
    auto set2 = CompileRuleSet(with_bad);
    ASSERT_TRUE(set2.ok()) << set2.status();
    ASSERT_THAT(set2->not_compiled, SizeIs(1));
    EXPECT_EQ(set2->not_compiled[0].uid, "bad");
    EXPECT_EQ(set2->by_key.size(), cli.size());
  }
}

// Hand-made files that known attack-tagged rules match: bartblaze's
// HiddenVNC (mitre_att T1021.005, two of its strings) and PS_in_LNK (the
// private isLNK header plus two PowerShell strings).
TEST(ScanCorpusTest, FixturesMatchKnownRulesAndTheirTechniques) {
  ASSERT_TRUE(fs::exists(kYara)) << "install Debian's yara (setup-debian)";
  Source s = Load("attack-tagged");
  auto set = CompileRuleSet(s.rules);
  ASSERT_TRUE(set.ok()) << set.status();

  std::string dir = absl::StrCat(::testing::TempDir(), "/fixtures");
  fs::create_directories(dir);
  std::ofstream(dir + "/hvnc.bin", std::ios::binary)
      << "junk #hvnc junk HvncAction junk";
  std::ofstream(dir + "/ps.lnk", std::ios::binary)
      << std::string("\x4C\x00\x00\x00\x01\x14\x02\x00", 8)
      << " powershell.exe -nop -w hidden";
  std::ofstream(dir + "/clean.txt") << "nothing to see";

  auto r = ScanPaths(*set, {dir});
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->files_scanned, 3);
  EXPECT_THAT(r->skipped, IsEmpty());
  ASSERT_THAT(r->matches, SizeIs(2));
  EXPECT_EQ(r->matches[0].path, dir + "/hvnc.bin");
  ASSERT_THAT(r->matches[0].rules, SizeIs(1));
  EXPECT_EQ(r->matches[0].rules[0].title, "HiddenVNC");
  EXPECT_EQ(r->matches[0].rules[0].file,
            "bartblaze-Yara-rules/rules/"
            "hacktools/HiddenVNC.yar");
  EXPECT_THAT(r->matches[0].rules[0].techniques, ElementsAre("T1021.005"));
  EXPECT_EQ(r->matches[1].path, dir + "/ps.lnk");
  std::vector<std::string> lnk;
  for (const RuleHit& h : r->matches[1].rules) lnk.push_back(h.title);
  EXPECT_THAT(lnk, Contains("PS_in_LNK"));
  std::vector<std::string> techniques;
  for (const TechniqueHit& t : r->techniques) techniques.push_back(t.technique);
  EXPECT_THAT(techniques, Contains("T1021.005"));

  // The CLI, over the same files, finds the same rules on each fixture.
  for (const FileMatches& fm : r->matches) {
    std::set<std::string> ours;
    for (const RuleHit& h : fm.rules) {
      ours.insert(absl::StrCat(h.file, "\n", h.title));
    }
    std::string args =
        " -w -e -d filename= -d filepath= -d extension= "
        "-d filetype= -d owner=";
    for (const std::string& rel : s.rel_files) {
      absl::StrAppend(&args, " ", Quote(rel + ":" + s.root + "/" + rel));
    }
    int code = -1;
    std::string o =
        RunCommand(absl::StrCat(kYara, args, " ", Quote(fm.path)), &code);
    ASSERT_EQ(code, 0) << o.substr(0, 2000);
    std::set<std::string> cli;
    for (absl::string_view line : absl::StrSplit(o, '\n', absl::SkipEmpty())) {
      absl::string_view id = line.substr(0, line.find(' '));
      size_t colon = id.rfind(':');
      cli.insert(absl::StrCat(id.substr(0, colon), "\n", id.substr(colon + 1)));
    }
    EXPECT_EQ(ours, cli) << fm.path;
  }
}

}  // namespace
}  // namespace cov::server::scan
