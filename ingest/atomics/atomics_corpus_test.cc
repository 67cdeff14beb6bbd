// ParseAtomics over the real Atomic Red Team corpus
// (../shared/corpus/atomics/atomic-red-team/atomics, commit 61080b19).
//
// Expected numbers were computed independently of this parser:
//   ls atomics/T*/T*.yaml | wc -l                           -> 333
//   grep -rh 'auto_generated_guid:' --include='T*.yaml' . | wc -l -> 1790
//   grep -h 'auto_generated_guid:' T1197/T1197.yaml        -> the 4 GUIDs
//   grep -c 'auto_generated_guid:' T1059.001/T1059.001.yaml -> 22
//   python3 + PyYAML 6 (yaml.safe_load, Counter over atomic_tests):
//     platforms windows 1213, linux 395, macos 247, iaas:aws 22,
//     containers 19, azure-ad 18, iaas:azure 15, office-365 7, iaas:gcp 6,
//     google-workspace 1; executors powershell 694, command_prompt 557,
//     sh 398, bash 126, manual 15; elevation_required true 680;
//     tests with input_arguments 1025, with dependencies 709,
//     dependency entries 895.
// These agree with the corpus SOURCE.txt. Per-file test counts are also
// recomputed here by a plain line scan, not only compared with constants.
#include <algorithm>
#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "ingest/atomics/atomics_parser.h"
#include "ingest/atomics/render.h"
#include "ingest/base/diagnostics.h"
#include "tests/corpus.h"

namespace cov::ingest::atomics {
namespace {

namespace fs = std::filesystem;
using ::testing::ElementsAre;

struct Corpus {
  std::map<std::string, AtomicsFile> files;  // by technique folder name
  std::map<std::string, int> guid_lines;     // line-scan count per file
  std::vector<std::string> failures;         // files that did not parse
  std::string error;                         // why the corpus is unusable
};

const Corpus& LoadCorpus() {
  static const Corpus* corpus = [] {
    auto* c = new Corpus;
    absl::StatusOr<std::string> root =
        cov::testing::CorpusPath("atomics/atomic-red-team/atomics");
    if (!root.ok()) {
      c->error = std::string(root.status().message());
      return c;
    }
    if (!fs::is_directory(*root)) {
      c->error = "missing corpus folder " + *root;
      return c;
    }
    for (const auto& dir : fs::directory_iterator(*root)) {
      const std::string name = dir.path().filename().string();
      const fs::path yaml = dir.path() / (name + ".yaml");
      if (!dir.is_directory() || name[0] != 'T' || !fs::exists(yaml)) continue;
      absl::StatusOr<std::string> bytes =
          cov::testing::ReadFileToString(yaml.string());
      if (!bytes.ok()) {
        c->error = std::string(bytes.status().message());
        return c;
      }
      int guids = 0;
      for (absl::string_view line : absl::StrSplit(*bytes, '\n')) {
        if (absl::StrContains(line, "auto_generated_guid:")) ++guids;
      }
      c->guid_lines[name] = guids;
      absl::StatusOr<AtomicsFile> f =
          ParseAtomics(*bytes, absl::StrCat(name, "/", name, ".yaml"));
      if (!f.ok()) {
        c->failures.push_back(f.status().ToString());
        continue;
      }
      c->files.emplace(name, *std::move(f));
    }
    return c;
  }();
  return *corpus;
}

TEST(AtomicsCorpusTest, EveryFileParses) {
  const Corpus& c = LoadCorpus();
  ASSERT_EQ(c.error, "");
  EXPECT_EQ(c.guid_lines.size(), 333u);
  EXPECT_EQ(c.files.size(), 333u);
  EXPECT_THAT(c.failures, ::testing::IsEmpty());
  for (const auto& [name, f] : c.files) {
    EXPECT_EQ(f.technique_id, name);
    EXPECT_FALSE(f.display_name.empty()) << name;
  }
}

TEST(AtomicsCorpusTest, EveryTestKept) {
  const Corpus& c = LoadCorpus();
  ASSERT_EQ(c.error, "");
  int tests = 0;
  int line_scan = 0;
  for (const auto& [name, f] : c.files) {
    tests += static_cast<int>(f.tests.size());
    line_scan += c.guid_lines.at(name);
    EXPECT_EQ(static_cast<int>(f.tests.size()), c.guid_lines.at(name)) << name;
  }
  EXPECT_EQ(tests, 1790);
  EXPECT_EQ(line_scan, 1790);
}

TEST(AtomicsCorpusTest, NoDiagnostics) {
  const Corpus& c = LoadCorpus();
  ASSERT_EQ(c.error, "");
  std::map<std::string, int> codes;
  std::string errors;
  for (const auto& [name, f] : c.files) {
    for (const cov::v1::Diagnostic& d : f.diagnostics) {
      ++codes[d.code()];
      if (d.severity() == cov::v1::SEVERITY_ERROR) {
        absl::StrAppend(&errors, FormatDiagnostic(d), "\n");
      }
    }
  }
  EXPECT_EQ(errors, "");
  std::string summary;
  for (const auto& [code, n] : codes)
    absl::StrAppend(&summary, code, "=", n, " ");
  // The published corpus passes Atomic Red Team's own validator.
  EXPECT_EQ(summary, "") << summary;
}

TEST(AtomicsCorpusTest, PlatformExecutorAndFieldCounts) {
  const Corpus& c = LoadCorpus();
  ASSERT_EQ(c.error, "");
  std::map<std::string, int> platforms, executors;
  int elevated = 0, with_args = 0, with_deps = 0, deps = 0;
  std::set<std::string> guids;
  for (const auto& [name, f] : c.files) {
    for (const AtomicTest& t : f.tests) {
      const cov::v1::TestProcedure& p = t.procedure;
      for (const std::string& pl : p.platforms()) ++platforms[pl];
      ++executors[p.executor()];
      elevated += p.elevation_required();
      with_args += p.input_arguments_size() > 0;
      with_deps += p.dependencies_size() > 0;
      deps += p.dependencies_size();
      guids.insert(p.guid());
      EXPECT_EQ(p.origin(), "atomics");
      EXPECT_FALSE(p.command().empty()) << p.guid();
    }
  }
  EXPECT_THAT(
      platforms,
      ElementsAre(std::pair<const std::string, int>("azure-ad", 18),
                  std::pair<const std::string, int>("containers", 19),
                  std::pair<const std::string, int>("google-workspace", 1),
                  std::pair<const std::string, int>("iaas:aws", 22),
                  std::pair<const std::string, int>("iaas:azure", 15),
                  std::pair<const std::string, int>("iaas:gcp", 6),
                  std::pair<const std::string, int>("linux", 395),
                  std::pair<const std::string, int>("macos", 247),
                  std::pair<const std::string, int>("office-365", 7),
                  std::pair<const std::string, int>("windows", 1213)));
  EXPECT_THAT(
      executors,
      ElementsAre(std::pair<const std::string, int>("bash", 126),
                  std::pair<const std::string, int>("command_prompt", 557),
                  std::pair<const std::string, int>("manual", 15),
                  std::pair<const std::string, int>("powershell", 694),
                  std::pair<const std::string, int>("sh", 398)));
  EXPECT_EQ(elevated, 680);
  EXPECT_EQ(with_args, 1025);
  EXPECT_EQ(with_deps, 709);
  EXPECT_EQ(deps, 895);
  EXPECT_EQ(guids.size(), 1790u);  // GUIDs are unique across the corpus
}

TEST(AtomicsCorpusTest, T1197BitsJobs) {
  const Corpus& c = LoadCorpus();
  ASSERT_EQ(c.error, "");
  ASSERT_EQ(c.files.count("T1197"), 1u);
  const AtomicsFile& f = c.files.at("T1197");
  EXPECT_EQ(f.display_name, "BITS Jobs");
  std::vector<std::string> guids, names, executors;
  for (const AtomicTest& t : f.tests) {
    guids.push_back(t.procedure.guid());
    names.push_back(t.procedure.name());
    executors.push_back(t.procedure.executor());
    EXPECT_THAT(t.procedure.platforms(), ElementsAre("windows"));
  }
  EXPECT_THAT(guids, ElementsAre("3c73d728-75fb-4180-a12f-6712864d7421",
                                 "f63b8bc4-07e5-4112-acba-56f646f3f0bc",
                                 "62a06ec5-5754-47d2-bcfc-123d8314c6ae",
                                 "afb5e09e-e385-4dee-9a94-6ee60979d114"));
  EXPECT_THAT(
      names,
      ElementsAre("Bitsadmin Download (cmd)", "Bitsadmin Download (PowerShell)",
                  "Persist, Download, & Execute",
                  "Bits download using desktopimgdownldr.exe (cmd)"));
  EXPECT_THAT(executors, ElementsAre("command_prompt", "powershell",
                                     "command_prompt", "command_prompt"));
  ASSERT_EQ(f.tests.size(), 4u);
  std::vector<std::string> unresolved;
  EXPECT_EQ(RenderCommand(f.tests[1].procedure, {}, &unresolved),
            "Start-BitsTransfer -Priority foreground -Source "
            "https://raw.githubusercontent.com/redcanaryco/atomic-red-team/"
            "master/atomics/T1197/T1197.md -Destination "
            "$env:TEMP\\bitsadmin2_flag.ps1\n");
  EXPECT_TRUE(unresolved.empty());
  EXPECT_EQ(RenderCleanup(f.tests[0].procedure),
            "del %temp%\\bitsadmin1_flag.ps1 >nul 2>&1\n");
}

TEST(AtomicsCorpusTest, T1059_001HasAllTests) {
  const Corpus& c = LoadCorpus();
  ASSERT_EQ(c.error, "");
  ASSERT_EQ(c.files.count("T1059.001"), 1u);
  const AtomicsFile& f = c.files.at("T1059.001");
  EXPECT_EQ(f.display_name, "Command and Scripting Interpreter: PowerShell");
  ASSERT_EQ(f.tests.size(), 22u);
  EXPECT_EQ(f.tests[0].procedure.name(), "Mimikatz");
  EXPECT_EQ(f.tests[0].procedure.guid(),
            "f3132740-55bc-48c4-bcc0-758a459cd027");
  EXPECT_EQ(f.tests[0].procedure.executor(), "command_prompt");
  EXPECT_EQ(f.tests[21].number, 22);
}

}  // namespace
}  // namespace cov::ingest::atomics
