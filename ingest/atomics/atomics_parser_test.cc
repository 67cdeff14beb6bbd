#include "ingest/atomics/atomics_parser.h"

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "ingest/atomics/render.h"
#include "ingest/base/diagnostics.h"

namespace cov::ingest::atomics {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

// "code@line:col" per diagnostic.
std::vector<std::string> Diags(const AtomicsFile& f) {
  std::vector<std::string> out;
  for (const auto& d : f.diagnostics) {
    out.push_back(absl::StrCat(d.code(), "@", d.line(), ":", d.column()));
  }
  return out;
}

std::string AllDiags(const AtomicsFile& f) {
  std::string out;
  for (const auto& d : f.diagnostics) {
    absl::StrAppend(&out, FormatDiagnostic(d), "\n");
  }
  return out;
}

constexpr char kGood[] = R"(attack_technique: T1197
display_name: BITS Jobs
atomic_tests:
- name: Bitsadmin Download (cmd)
  auto_generated_guid: 3c73d728-75fb-4180-a12f-6712864d7421
  description: |
    Download with bitsadmin
  supported_platforms:
  - windows
  input_arguments:
    remote_file:
      description: Remote file to download
      type: url
      default: https://example.test/T1197.md
    local_file:
      description: Local file path
      type: path
      default: '%temp%\bitsadmin1_flag.ps1'
  dependency_executor_name: powershell
  dependencies:
  - description: bitsadmin must exist
    prereq_command: if (Get-Command bitsadmin) {exit 0} else {exit 1}
    get_prereq_command: Write-Host "install BITS"
  executor:
    command: |
      bitsadmin.exe /transfer /Download #{remote_file} #{local_file}
    cleanup_command: |
      del #{local_file} >nul 2>&1
    name: command_prompt
    elevation_required: true
- name: Manual one
  auto_generated_guid: f63b8bc4-07e5-4112-acba-56f646f3f0bc
  description: Do it by hand
  supported_platforms: [macos, linux]
  executor:
    name: manual
    steps: |
      1. Open a terminal
      2. Run it
)";

TEST(ParseAtomicsTest, ReadsEveryField) {
  absl::StatusOr<AtomicsFile> f =
      ParseAtomics(kGood, "atomics/T1197/T1197.yaml");
  ASSERT_TRUE(f.ok()) << f.status();
  EXPECT_EQ(f->technique_id, "T1197");
  EXPECT_EQ(f->display_name, "BITS Jobs");
  EXPECT_THAT(f->diagnostics, IsEmpty()) << AllDiags(*f);
  ASSERT_EQ(f->tests.size(), 2u);

  const AtomicTest& a = f->tests[0];
  EXPECT_EQ(a.number, 1);
  EXPECT_EQ(a.line, 4);
  const cov::v1::TestProcedure& p = a.procedure;
  EXPECT_EQ(p.guid(), "3c73d728-75fb-4180-a12f-6712864d7421");
  EXPECT_EQ(p.name(), "Bitsadmin Download (cmd)");
  EXPECT_EQ(p.description(), "Download with bitsadmin\n");
  EXPECT_THAT(p.platforms(), ElementsAre("windows"));
  EXPECT_EQ(p.executor(), "command_prompt");
  EXPECT_EQ(p.command(),
            "bitsadmin.exe /transfer /Download #{remote_file} #{local_file}\n");
  EXPECT_EQ(p.cleanup_command(), "del #{local_file} >nul 2>&1\n");
  EXPECT_TRUE(p.elevation_required());
  EXPECT_EQ(p.origin(), "atomics");
  ASSERT_EQ(p.input_arguments_size(), 2);
  EXPECT_EQ(p.input_arguments(0).name(), "remote_file");
  EXPECT_EQ(p.input_arguments(0).type(), "url");
  EXPECT_EQ(p.input_arguments(1).name(), "local_file");
  EXPECT_EQ(p.input_arguments(1).description(), "Local file path");
  EXPECT_EQ(p.input_arguments(1).default_value(),
            "%temp%\\bitsadmin1_flag.ps1");
  EXPECT_EQ(p.dependency_executor(), "powershell");
  ASSERT_EQ(p.dependencies_size(), 1);
  EXPECT_EQ(p.dependencies(0).description(), "bitsadmin must exist");
  EXPECT_EQ(p.dependencies(0).prereq_command(),
            "if (Get-Command bitsadmin) {exit 0} else {exit 1}");
  EXPECT_EQ(p.dependencies(0).get_prereq_command(),
            "Write-Host \"install BITS\"");
  EXPECT_EQ(RenderCommand(p),
            "bitsadmin.exe /transfer /Download https://example.test/T1197.md "
            "%temp%\\bitsadmin1_flag.ps1\n");

  const cov::v1::TestProcedure& m = f->tests[1].procedure;
  EXPECT_EQ(f->tests[1].number, 2);
  EXPECT_EQ(f->tests[1].line, 31);
  EXPECT_EQ(m.executor(), "manual");
  EXPECT_EQ(m.command(), "1. Open a terminal\n2. Run it\n");
  EXPECT_FALSE(m.elevation_required());
  EXPECT_THAT(m.platforms(), ElementsAre("macos", "linux"));
}

TEST(ParseAtomicsTest, BadTestsDroppedOthersKept) {
  constexpr char kYaml[] = R"(attack_technique: T1059.001
display_name: PowerShell
atomic_tests:
- name: no guid
  supported_platforms: [windows]
  executor: {name: powershell, command: whoami}
- name: unknown executor
  auto_generated_guid: 11111111-1111-1111-1111-111111111111
  supported_platforms: [windows]
  executor:
    name: cmd
    command: whoami
- name: no platforms
  auto_generated_guid: 22222222-2222-2222-2222-222222222222
  executor: {name: sh, command: id}
- name: empty platforms
  auto_generated_guid: 33333333-3333-3333-3333-333333333333
  supported_platforms: []
  executor: {name: sh, command: id}
- name: no command
  auto_generated_guid: 44444444-4444-4444-4444-444444444444
  supported_platforms: [linux]
  executor: {name: bash}
- name: good
  auto_generated_guid: 55555555-5555-5555-5555-555555555555
  supported_platforms: [linux, toaster]
  executor: {name: bash, command: 'echo #{msg} #{nope}', elevation_required: maybe}
  input_arguments:
    msg: {description: m, type: string, default: hi}
    spare: {description: s, type: string, default: x}
- name: duplicate guid
  auto_generated_guid: 55555555-5555-5555-5555-555555555555
  supported_platforms: [linux]
  executor: {name: sh, command: id}
- just a string
- auto_generated_guid: not-a-guid
  supported_platforms: windows
  executor: {name: powershell, command: Get-Process}
  colour: blue
)";
  absl::StatusOr<AtomicsFile> f = ParseAtomics(kYaml, "x/T1059.001.yaml");
  ASSERT_TRUE(f.ok()) << f.status();
  EXPECT_THAT(
      Diags(*f),
      ElementsAre(
          "atomics-missing-guid@4:3", "atomics-unknown-executor@11:11",
          "atomics-missing-platforms@13:3", "atomics-missing-platforms@18:24",
          "atomics-missing-command@23:13", "atomics-unknown-platform@26:32",
          "atomics-invalid-field@27:78", "atomics-undefined-argument@24:3",
          "atomics-unused-argument@29:5", "atomics-duplicate-guid@32:24",
          "atomics-invalid-test@35:3", "atomics-invalid-guid@36:24",
          "atomics-unknown-key@39:3", "atomics-missing-name@36:3",
          "atomics-invalid-field@37:24"))
      << AllDiags(*f);
  ASSERT_EQ(f->tests.size(), 2u);
  EXPECT_EQ(f->tests[0].procedure.name(), "good");
  EXPECT_EQ(f->tests[0].number, 6);
  EXPECT_THAT(f->tests[0].procedure.platforms(),
              ElementsAre("linux", "toaster"));
  EXPECT_FALSE(f->tests[0].procedure.elevation_required());
  EXPECT_EQ(f->tests[1].number, 9);
  EXPECT_EQ(f->tests[1].procedure.guid(), "not-a-guid");
  EXPECT_THAT(f->tests[1].procedure.platforms(), ElementsAre("windows"));
  // Diagnostics name the test they concern and carry the path.
  EXPECT_EQ(f->diagnostics[1].object(), "11111111-1111-1111-1111-111111111111");
  EXPECT_EQ(f->diagnostics[1].file(), "x/T1059.001.yaml");
  EXPECT_EQ(f->diagnostics[1].severity(), cov::v1::SEVERITY_ERROR);
  EXPECT_EQ(f->diagnostics[5].severity(), cov::v1::SEVERITY_WARNING);
  EXPECT_THAT(f->diagnostics[1].message(), HasSubstr("unknown executor 'cmd'"));
}

TEST(ParseAtomicsTest, FileLevelFailures) {
  struct Case {
    const char* yaml;
    const char* message;
  } cases[] = {
      {"", "f.yaml: empty file"},
      {"- a\n- b\n", "f.yaml:1:1: expected a map"},
      {"display_name: x\natomic_tests: []\n",
       "f.yaml:1:1: missing 'attack_technique'"},
      {"attack_technique: t1197\natomic_tests: []\n",
       "f.yaml:1:19: 't1197' is not an ATT&CK technique ID"},
      {"attack_technique: T1197\n", "f.yaml:1:1: missing 'atomic_tests'"},
      {"attack_technique: T1197\natomic_tests: {a: 1}\n",
       "f.yaml:2:15: 'atomic_tests' must be a list"},
      {"attack_technique: T1197\natomic_tests: [\n",
       "f.yaml:3:1: invalid YAML"},
      {"a: b: c\n", "f.yaml:1:5: invalid YAML"},
      {"attack_technique: T1197\ndisplay_name: caf\xE9\n",
       "f.yaml:2:18: file is not valid UTF-8"},
  };
  for (const Case& c : cases) {
    absl::StatusOr<AtomicsFile> f = ParseAtomics(c.yaml, "f.yaml");
    ASSERT_FALSE(f.ok()) << c.yaml;
    EXPECT_EQ(f.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(f.status().message(), HasSubstr(c.message)) << c.yaml;
  }
}

TEST(ParseAtomicsTest, TooLarge) {
  std::string big(kMaxAtomicsBytes + 1, ' ');
  absl::StatusOr<AtomicsFile> f = ParseAtomics(big, "big.yaml");
  ASSERT_FALSE(f.ok());
  EXPECT_EQ(f.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(f.status().message(), HasSubstr("the limit is"));
}

TEST(ParseAtomicsTest, FileNameMismatchAndNoDisplayName) {
  absl::StatusOr<AtomicsFile> f =
      ParseAtomics("attack_technique: T1003\natomic_tests: []\n",
                   "atomics/T1002/T1002.yaml");
  ASSERT_TRUE(f.ok()) << f.status();
  EXPECT_THAT(Diags(*f), ElementsAre("atomics-technique-mismatch@1:19",
                                     "atomics-missing-display-name@1:1"));
  EXPECT_THAT(f->tests, IsEmpty());
}

TEST(ParseAtomicsTest, CrlfAndNonAscii) {
  std::string yaml =
      "attack_technique: T1197\r\ndisplay_name: \xC3\x89t\xC3\xA9\r\n"
      "atomic_tests:\r\n- name: n\r\n  auto_generated_guid: "
      "afb5e09e-e385-4dee-9a94-6ee60979d114\r\n  supported_platforms:\r\n"
      "  - windows\r\n  executor:\r\n    name: powershell\r\n"
      "    command: |\r\n      Get-Date\r\n      whoami\r\n";
  absl::StatusOr<AtomicsFile> f = ParseAtomics(yaml, "T1197.yaml");
  ASSERT_TRUE(f.ok()) << f.status();
  EXPECT_EQ(f->display_name, "\xC3\x89t\xC3\xA9");
  ASSERT_EQ(f->tests.size(), 1u);
  EXPECT_EQ(f->tests[0].procedure.command(), "Get-Date\nwhoami\n");
  EXPECT_THAT(f->diagnostics, IsEmpty()) << AllDiags(*f);
}

TEST(IsTechniqueIdTest, Forms) {
  EXPECT_TRUE(IsTechniqueId("T1197"));
  EXPECT_TRUE(IsTechniqueId("T1059.001"));
  EXPECT_FALSE(IsTechniqueId("t1197"));
  EXPECT_FALSE(IsTechniqueId("T119"));
  EXPECT_FALSE(IsTechniqueId("T1059.01"));
  EXPECT_FALSE(IsTechniqueId("T1059-001"));
  EXPECT_FALSE(IsTechniqueId("TA0005"));
  EXPECT_FALSE(IsTechniqueId(""));
}

}  // namespace
}  // namespace cov::ingest::atomics

namespace cov::ingest::atomics {
namespace {

// yaml-cpp 0.7's LoadAll loops forever on a stray flow token at document
// level; Load reads one document, so these must end in an error. Deep
// nesting must not overflow the stack, and aliases are not expanded.
TEST(ParseAtomicsTest, HostileInputEndsInErrors) {
  for (const std::string& text : std::vector<std::string>{
           ",", "a: 1\n...\n,\n", "---\n,x:\n", std::string(100000, '['),
           std::string(50000, '-') + " x", "attack_technique: &a [*a]\n"}) {
    absl::StatusOr<AtomicsFile> f = ParseAtomics(text, "h.yaml");
    EXPECT_FALSE(f.ok()) << text.substr(0, 20);
  }
  std::string bomb = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n";
  for (int i = 1; i < 12; ++i) {
    absl::StrAppend(&bomb, "a", i, ": &a", i, " [", "*a", i - 1, ", *a", i - 1,
                    ", *a", i - 1, ", *a", i - 1, "]\n");
  }
  absl::StrAppend(&bomb, "attack_technique: T1197\natomic_tests: *a11\n");
  absl::StatusOr<AtomicsFile> f = ParseAtomics(bomb, "bomb.yaml");
  ASSERT_TRUE(f.ok()) << f.status();
  EXPECT_EQ(f->tests.size(), 0u);
  // a11's four items are lists, not tests; and there is no display_name.
  // An alias reports the position of its anchored node (a10, line 11).
  EXPECT_THAT(
      Diags(*f),
      ElementsAre("atomics-missing-display-name@1:1",
                  "atomics-invalid-test@11:6", "atomics-invalid-test@11:6",
                  "atomics-invalid-test@11:6", "atomics-invalid-test@11:6"));
}

}  // namespace
}  // namespace cov::ingest::atomics
