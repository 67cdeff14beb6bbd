// YaraCompiler and YaraRules on the real corpora (../shared/corpus/yara),
// checked against Debian's yara 4.2.3 CLI run by the test itself (package
// `yara`, installed by deploy/setup-debian.sh; the test fails without it).
//
// The CLI is an independent implementation of the same questions: does each
// file compile (yarac), which non-private rules exist (yara lists every rule
// as matching or, with -n, not matching) and which rules match a file.
#include <sys/wait.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "ingest/yara/yara_compiler.h"
#include "tests/corpus.h"

namespace cov::ingest::yara {
namespace {

namespace fs = std::filesystem;

constexpr char kYaraCli[] = "/usr/bin/yara";
constexpr char kYaracCli[] = "/usr/bin/yarac";
constexpr char kExternals[] =
    "-d filename= -d filepath= -d extension= -d filetype= -d owner=";

std::string Quote(absl::string_view s) {
  return absl::StrCat("'", absl::StrReplaceAll(s, {{"'", "'\\''"}}), "'");
}

struct CommandResult {
  int exit_code = -1;
  std::string output;  // stdout and stderr
};

CommandResult RunCommand(const std::string& command) {
  CommandResult r;
  FILE* p = ::popen((command + " 2>&1").c_str(), "r");
  if (p == nullptr) return r;
  char buf[65536];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof(buf), p)) > 0) r.output.append(buf, n);
  int status = ::pclose(p);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

bool IsRuleFile(const fs::path& p) {
  std::string ext = absl::AsciiStrToLower(p.extension().string());
  return ext == ".yar" || ext == ".yara" || ext == ".rule" || ext == ".rules";
}

class YaraCompilerCorpusTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto dir = cov::testing::CorpusPath("yara");
    ASSERT_TRUE(dir.ok()) << dir.status();
    root_ = new std::string(*dir);
    files_ = new std::vector<std::string>();
    for (const char* set : {"signature-base", "attack-tagged"}) {
      for (const auto& e :
           fs::recursive_directory_iterator(*root_ + "/" + set)) {
        if (e.is_regular_file() && IsRuleFile(e.path())) {
          files_->push_back(e.path().string());
        }
      }
    }
    std::sort(files_->begin(), files_->end());
  }
  static void TearDownTestSuite() {
    delete root_;
    delete files_;
  }
  // Namespace of the i-th file: each file compiles on its own, as yara does
  // with one "ns:file" argument per file.
  static std::string Ns(size_t i) { return absl::StrCat("f", i); }

  static std::string CliRuleArgs() {
    std::string args;
    for (size_t i = 0; i < files_->size(); ++i) {
      absl::StrAppend(&args, " ", Quote(Ns(i) + ":" + (*files_)[i]));
    }
    return args;
  }

  static std::string* root_;
  static std::vector<std::string>* files_;
};

std::string* YaraCompilerCorpusTest::root_ = nullptr;
std::vector<std::string>* YaraCompilerCorpusTest::files_ = nullptr;

// "ns:rule" for every line "ns:rule target" the CLI printed.
std::set<std::string> CliRules(absl::string_view output) {
  std::set<std::string> out;
  for (absl::string_view line :
       absl::StrSplit(output, '\n', absl::SkipEmpty())) {
    out.insert(std::string(line.substr(0, line.find(' '))));
  }
  return out;
}

TEST_F(YaraCompilerCorpusTest, EveryFileCompilesAndHasTheCliRules) {
  ASSERT_TRUE(fs::exists(kYaraCli)) << "install Debian's yara (setup-debian)";
  // find signature-base attack-tagged -type f \( -iname '*.yar' -o ... \)
  ASSERT_EQ(files_->size(), 865u);

  std::set<std::string> ours;  // non-private "ns:rule"
  std::vector<std::string> failures;
  int total_rules = 0, private_rules = 0;
  for (size_t i = 0; i < files_->size(); ++i) {
    auto text = cov::testing::ReadFileToString((*files_)[i]);
    ASSERT_TRUE(text.ok()) << text.status();
    auto compiler = YaraCompiler::Create();
    ASSERT_TRUE(compiler.ok()) << compiler.status();
    absl::Status s = (*compiler)->AddSource(*text, (*files_)[i], Ns(i));
    if (!s.ok()) {
      failures.push_back(std::string(s.message()));
      continue;
    }
    auto rules = (*compiler)->Finish();
    ASSERT_TRUE(rules.ok()) << rules.status();
    for (const YaraRuleEntry& r : (*rules)->Rules()) {
      ++total_rules;
      if (r.is_private) {
        ++private_rules;
      } else {
        ours.insert(r.ns + ":" + r.name);
      }
    }
  }

  // The CLI compiles all files in one run (each in its own namespace) and
  // stops at the first error, naming it.
  std::string empty = absl::StrCat(::testing::TempDir(), "/empty");
  ASSERT_EQ(RunCommand("true > " + Quote(empty)).exit_code, 0);
  std::string common =
      absl::StrCat(kYaraCli, " -w -e ", kExternals, CliRuleArgs(), " ");
  CommandResult matching = RunCommand(common + Quote(empty));
  CommandResult not_matching = RunCommand(
      absl::StrCat(kYaraCli, " -n -w -e ", kExternals, CliRuleArgs(), " ") +
      Quote(empty));
  EXPECT_EQ(matching.exit_code, 0) << matching.output.substr(0, 2000);
  EXPECT_EQ(not_matching.exit_code, 0) << not_matching.output.substr(0, 2000);
  EXPECT_THAT(failures, ::testing::IsEmpty())
      << "the yara CLI compiled every file";

  std::set<std::string> cli = CliRules(matching.output);
  std::set<std::string> cli_not = CliRules(not_matching.output);
  cli.insert(cli_not.begin(), cli_not.end());
  EXPECT_EQ(ours.size(), cli.size());
  EXPECT_TRUE(ours == cli) << "rule sets differ";
  // grep -rEc '^\s*(global\s+)?private\s+rule' attack-tagged signature-base
  //   --include='*.yar*' (summed) -> 13: 12 in signature-base (its
  //   SOURCE.txt: "5,883 rules (12 private)"), 1 in bartblaze's LNK_Ruleset.
  EXPECT_EQ(private_rules, 13);
  EXPECT_EQ(total_rules - private_rules, static_cast<int>(cli.size()));
  RecordProperty("rules", total_rules);
  RecordProperty("private_rules", private_rules);
  std::printf("files %zu, rules %d (private %d), CLI non-private %zu\n",
              files_->size(), total_rules, private_rules, cli.size());
}

TEST_F(YaraCompilerCorpusTest, ScanMatchesAgreeWithTheCli) {
  ASSERT_TRUE(fs::exists(kYaraCli) && fs::exists(kYaracCli))
      << "install Debian's yara (setup-debian)";
  auto compiler = YaraCompiler::Create();
  ASSERT_TRUE(compiler.ok());
  for (size_t i = 0; i < files_->size(); ++i) {
    auto text = cov::testing::ReadFileToString((*files_)[i]);
    ASSERT_TRUE(text.ok());
    ASSERT_TRUE((*compiler)->AddSource(*text, (*files_)[i], Ns(i)).ok());
  }
  auto rules = (*compiler)->Finish();
  ASSERT_TRUE(rules.ok()) << rules.status();

  std::string compiled = absl::StrCat(::testing::TempDir(), "/all.yarc");
  CommandResult yarac = RunCommand(absl::StrCat(
      kYaracCli, " -w ", kExternals, CliRuleArgs(), " ", Quote(compiled)));
  ASSERT_EQ(yarac.exit_code, 0) << yarac.output.substr(0, 2000);

  // Targets: rule files (their text strings match their own rules) and the
  // READMEs/licenses beside them.
  std::vector<std::string> targets;
  for (const auto& e :
       fs::recursive_directory_iterator(*root_ + "/attack-tagged")) {
    if (e.is_regular_file()) targets.push_back(e.path().string());
  }
  for (const char* f : {"signature-base/yara/gen_webshells.yar",
                        "signature-base/yara/apt_apt28.yar",
                        "signature-base/README.md", "signature-base/LICENSE"}) {
    targets.push_back(*root_ + "/" + f);
  }
  std::sort(targets.begin(), targets.end());

  size_t total_matches = 0, files_matched = 0;
  for (const std::string& t : targets) {
    auto r = (*rules)->ScanFile(t);
    ASSERT_TRUE(r.ok()) << r.status();
    std::set<std::string> ours;
    for (const YaraMatch& m : r->matches) ours.insert(m.ns + ":" + m.rule);
    fs::path p(t);
    CommandResult cli = RunCommand(absl::StrCat(
        kYaraCli, " -w -e -C -d filename=", Quote(p.filename().string()),
        " -d filepath=", Quote(t),
        " -d extension=", Quote(p.extension().string()),
        " -d filetype= -d owner= ", Quote(compiled), " ", Quote(t)));
    ASSERT_EQ(cli.exit_code, 0) << cli.output.substr(0, 2000);
    EXPECT_EQ(ours, CliRules(cli.output)) << t;
    total_matches += ours.size();
    if (!ours.empty()) ++files_matched;
  }
  // The comparison is not vacuous: rules do fire on these targets.
  EXPECT_GT(total_matches, 50u);
  std::printf("%zu targets, %zu with matches, %zu matches in all\n",
              targets.size(), files_matched, total_matches);
}

// YaraCompileChecker gives CompileYaraSource's answer (status and errors)
// for every corpus file and for broken variants of each, interleaved so the
// shared compilers are replaced after failures mid-stream.
TEST_F(YaraCompilerCorpusTest, CompileCheckerAgreesWithCompilingAlone) {
  ASSERT_EQ(files_->size(), 865u);
  YaraCompileChecker checker;
  int checked = 0, rejected = 0;
  for (size_t i = 0; i < files_->size(); ++i) {
    auto text = cov::testing::ReadFileToString((*files_)[i]);
    ASSERT_TRUE(text.ok()) << text.status();
    const std::string& t = *text;
    const std::vector<std::string> variants = {
        t,
        t.substr(0, t.size() / 2),              // cut mid-rule
        absl::StrCat(t, "\n", t),               // every rule twice
        absl::StrCat("rule x {", t),            // opened and never closed
        absl::StrReplaceAll(t, {{"$", "$$"}}),  // broken string names
    };
    for (size_t v = 0; v < variants.size(); ++v) {
      const std::string name = absl::StrCat((*files_)[i], "#", v);
      std::vector<YaraMessage> alone_errors;
      absl::Status alone =
          CompileYaraSource(variants[v], name, &alone_errors).status();
      std::vector<YaraMessage> errors;
      absl::Status shared = checker.Check(variants[v], name, &errors);
      ASSERT_EQ(shared, alone) << name;
      ASSERT_EQ(errors.size(), alone_errors.size()) << name;
      for (size_t e = 0; e < errors.size(); ++e) {
        ASSERT_EQ(errors[e].ToString(), alone_errors[e].ToString()) << name;
      }
      ++checked;
      rejected += !alone.ok();
    }
  }
  EXPECT_EQ(checked, 5 * 865);
  EXPECT_GT(rejected, 865);  // the broken variants are mostly rejected
}

}  // namespace
}  // namespace cov::ingest::yara
