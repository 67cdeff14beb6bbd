#include "ingest/ctid/ctid_parser.h"

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "ingest/base/diagnostics.h"

namespace cov::ingest::ctid {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

std::vector<std::string> Diags(const CtidPlan& p) {
  std::vector<std::string> out;
  for (const auto& d : p.diagnostics) {
    out.push_back(absl::StrCat(d.code(), "@", d.line(), ":", d.column()));
  }
  return out;
}

std::string AllDiags(const CtidPlan& p) {
  std::string out;
  for (const auto& d : p.diagnostics) {
    absl::StrAppend(&out, FormatDiagnostic(d), "\n");
  }
  return out;
}

constexpr char kPlan[] = R"(# test plan
- emulation_plan_details:
    id: 4975696e-1d41-11eb-adc1-0242ac120002
    adversary_name: APT-Test
    adversary_description: A test adversary.
    attack_version: 8.1
    format_version: 1.0

- id: 571845f6-b75c-4b9d-a666-a78f7827261f
  name: RTLO Start Sandcat
  description: Perform RTLO technique with SANDCAT
  tactic: execution
  technique:
    attack_id: T1036.002
    name: "Masquerading: Right-to-Left Override"
  cti_source: "https://example.test/report.pdf"
  procedure_group: procedure_execution
  procedure_step: "1.A"
  platforms:
    windows:
      psh,pwsh:
        command: |
          start-process #{server}
        cleanup: Remove-Item x
        payloads:
        - cod.3aka3.scr
  input_arguments:
    server:
      description: IP or Hostname of server
      type: string
      default: 192.0.2.10
  executors:
  - name: powershell
    command: |
      start-process #{server}
    elevation_required: true
  - name: command_prompt
    command: whoami
    cleanup_command: echo done

- id: a5daa530-c640-49bc-aa54-6808789a684a
  name: Linux discovery
  description: |
    uname on two systems
  tactic: Discovery
  technique:
    attack_id: T1082
    name: System Information Discovery
  cti_source:
  - https://a.example.test/
  - https://b.example.test/
  procedure_group: procedure_discovery
  procedure_step: "1.B"
  platforms:
    linux:
      sh:
        command: uname -a
    darwin:
      sh:
        command: uname -a
)";

TEST(ParseCtidPlanTest, ReadsPlanAndSteps) {
  absl::StatusOr<CtidPlan> p =
      ParseCtidPlan(kPlan, "apt/Emulation_Plan/yaml/APT-Test.yaml");
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_THAT(p->diagnostics, IsEmpty()) << AllDiags(*p);
  EXPECT_EQ(p->name, "APT-Test");
  EXPECT_EQ(p->id, "4975696e-1d41-11eb-adc1-0242ac120002");
  EXPECT_EQ(p->adversary_name, "APT-Test");
  EXPECT_EQ(p->adversary_description, "A test adversary.");
  EXPECT_EQ(p->attack_version, "8.1");
  EXPECT_EQ(p->format_version, "1.0");
  ASSERT_EQ(p->steps.size(), 2u);

  const CtidStep& s = p->steps[0];
  EXPECT_EQ(s.order, 1);
  EXPECT_EQ(s.line, 9);
  EXPECT_EQ(s.procedure_id, "571845f6-b75c-4b9d-a666-a78f7827261f");
  EXPECT_EQ(s.name, "RTLO Start Sandcat");
  EXPECT_EQ(s.description, "Perform RTLO technique with SANDCAT");
  EXPECT_EQ(s.tactic, "execution");
  EXPECT_EQ(s.tactic_raw, "execution");
  EXPECT_EQ(s.technique_id, "T1036.002");
  EXPECT_EQ(s.technique_name, "Masquerading: Right-to-Left Override");
  EXPECT_EQ(s.step_id, "1.A");
  EXPECT_EQ(s.procedure_group, "procedure_execution");
  EXPECT_EQ(s.cti_source, "https://example.test/report.pdf");
  EXPECT_THAT(s.platforms, ElementsAre("windows"));
  ASSERT_EQ(s.executors.size(), 4u);
  EXPECT_EQ(s.executors[0].name, "psh");
  EXPECT_EQ(s.executors[1].name, "pwsh");
  for (int i : {0, 1}) {
    EXPECT_EQ(s.executors[i].platform, "windows");
    EXPECT_EQ(s.executors[i].command, "start-process #{server}\n");
    EXPECT_EQ(s.executors[i].cleanup_command, "Remove-Item x");
    EXPECT_THAT(s.executors[i].payloads, ElementsAre("cod.3aka3.scr"));
    EXPECT_EQ(s.executors[i].line, 21);
    EXPECT_FALSE(s.executors[i].from_executors_list);
  }
  EXPECT_EQ(s.executors[2].name, "powershell");
  EXPECT_TRUE(s.executors[2].from_executors_list);
  EXPECT_TRUE(s.executors[2].elevation_required);
  EXPECT_EQ(s.executors[2].platform, "");
  EXPECT_EQ(s.executors[3].name, "command_prompt");
  EXPECT_EQ(s.executors[3].cleanup_command, "echo done");
  ASSERT_EQ(s.input_arguments.size(), 1u);
  EXPECT_EQ(s.input_arguments[0].name(), "server");
  EXPECT_EQ(s.input_arguments[0].default_value(), "192.0.2.10");

  const CtidStep& t = p->steps[1];
  EXPECT_EQ(t.order, 2);
  EXPECT_EQ(t.tactic, "discovery");
  EXPECT_EQ(t.tactic_raw, "Discovery");
  EXPECT_EQ(t.description, "uname on two systems\n");
  EXPECT_EQ(t.cti_source, "https://a.example.test/\nhttps://b.example.test/");
  EXPECT_THAT(t.platforms, ElementsAre("linux", "darwin"));
  ASSERT_EQ(t.executors.size(), 2u);
  EXPECT_EQ(t.executors[1].platform, "darwin");
}

TEST(ToPlanStepTest, OneTestPerPlatformExecutorAndMergedExecutorsList) {
  absl::StatusOr<CtidPlan> p = ParseCtidPlan(kPlan, "APT-Test.yaml");
  ASSERT_TRUE(p.ok()) << p.status();
  const cov::v1::PlanStep s = ToPlanStep(p->steps[0], p->name);
  EXPECT_EQ(s.order(), 1);
  EXPECT_EQ(s.technique_id(), "T1036.002");
  EXPECT_EQ(s.technique_name(), "Masquerading: Right-to-Left Override");
  EXPECT_EQ(s.tactic(), "execution");
  EXPECT_EQ(s.procedure(), "Perform RTLO technique with SANDCAT");
  EXPECT_EQ(s.step_id(), "1.A");
  // psh, pwsh (windows) + command_prompt (own command); the powershell
  // entry repeats psh's command and only lends its elevation flag.
  ASSERT_EQ(s.tests_size(), 3);
  EXPECT_EQ(s.tests(0).executor(), "psh");
  EXPECT_EQ(s.tests(1).executor(), "pwsh");
  EXPECT_EQ(s.tests(2).executor(), "command_prompt");
  for (const cov::v1::TestProcedure& t : s.tests()) {
    EXPECT_EQ(t.guid(), "571845f6-b75c-4b9d-a666-a78f7827261f");
    EXPECT_EQ(t.name(), "RTLO Start Sandcat");
    EXPECT_EQ(t.origin(), "ctid:APT-Test");
    EXPECT_THAT(t.platforms(), ElementsAre("windows"));
    ASSERT_EQ(t.input_arguments_size(), 1);
  }
  EXPECT_TRUE(s.tests(0).elevation_required());
  EXPECT_EQ(s.tests(0).cleanup_command(), "Remove-Item x");
  EXPECT_EQ(s.tests(2).command(), "whoami");
  EXPECT_EQ(s.tests(2).cleanup_command(), "echo done");
  EXPECT_FALSE(s.tests(2).elevation_required());

  const cov::v1::PlanStep t = ToPlanStep(p->steps[1], p->name);
  EXPECT_EQ(t.procedure(), "uname on two systems");
  ASSERT_EQ(t.tests_size(), 2);
  EXPECT_THAT(t.tests(0).platforms(), ElementsAre("linux"));
  EXPECT_THAT(t.tests(1).platforms(), ElementsAre("darwin"));
}

TEST(ParseCtidPlanTest, OdditiesNormalisedOrReported) {
  constexpr char kYaml[] = R"(- emulation_plan_details:
    adversary_name: Odd
- id: 00000000-0000-0000-0000-000000000001
  name: RDP in
  tactic: x
  technique:
    attack_id: x
    name: x
  procedure_group: x
  procedure_step: x
  platforms:
    linux:
      proc:
        command: xfreerdp /v:host
- id: 00000000-0000-0000-0000-000000000002
  name: swapped
  tactic: Defense Evasion
  technique:
    attack_id: 7.A.5
    name: "Indicator Removal on Host: File Deletion"
  procedure_step: T1070.004
  platforms:
    windows:
      cmd:
        command: del x
- id: 00000000-0000-0000-0000-000000000003
  tactic: defensive-evasion
  technique: {attack_id: T1562.xxx}
  platforms:
    windows:
      "psh, weird":
        command: Set-MpPreference
      cmd: {}
    solaris:
      sh: {command: ls}
- just text
- id: 00000000-0000-0000-0000-000000000003
  tactic: Discovery/Execution
  technique: {attack_id: t1082}
  executors:
  - {name: command_prompt, command: systeminfo, elevation_required: perhaps}
- tactic: credential-dumping
  technique: {attack_id: foo}
- tactic: {attack_id: TA0011, name: whatever}
  technique: {attack_id: T1071.001}
  platforms: {windows: {psh: {command: iwr x}}}
- emulation_plan_details: {adversary_name: again}
)";
  absl::StatusOr<CtidPlan> p = ParseCtidPlan(kYaml, "odd.yaml");
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_THAT(
      Diags(*p),
      ElementsAre(
          // step 1: placeholders
          "ctid-placeholder-technique@7:16", "ctid-placeholder-tactic@5:11",
          // step 2: swapped fields
          "ctid-swapped-step-and-technique@19:16",
          // step 3
          "ctid-placeholder-technique@28:26", "ctid-misspelt-tactic@27:11",
          "ctid-unknown-executor@31:7", "ctid-no-command@33:7",
          "ctid-unknown-platform@34:5",
          // "just text"
          "ctid-invalid-step@36:3",
          // step 4
          "ctid-duplicate-id@37:7", "ctid-invalid-technique@39:26",
          "ctid-several-tactics@38:11", "ctid-invalid-field@41:69",
          // step 5
          "ctid-missing-id@42:3", "ctid-invalid-technique@43:26",
          "ctid-unknown-tactic@42:11", "ctid-no-executors@42:3",
          // step 6
          "ctid-missing-id@44:3", "ctid-extra-plan-details@47:3"))
      << AllDiags(*p);
  ASSERT_EQ(p->steps.size(), 6u);
  EXPECT_EQ(p->adversary_name, "Odd");

  const CtidStep& s1 = p->steps[0];
  EXPECT_EQ(s1.technique_id, "");
  EXPECT_EQ(s1.technique_name, "");
  EXPECT_EQ(s1.tactic, "");
  EXPECT_EQ(s1.tactic_raw, "x");
  EXPECT_EQ(s1.step_id, "");
  EXPECT_EQ(s1.procedure_group, "");
  ASSERT_EQ(s1.executors.size(), 1u);
  EXPECT_EQ(s1.executors[0].name, "proc");

  const CtidStep& s2 = p->steps[1];
  EXPECT_EQ(s2.technique_id, "T1070.004");
  EXPECT_EQ(s2.step_id, "7.A.5");
  EXPECT_EQ(s2.tactic, "defense-evasion");

  const CtidStep& s3 = p->steps[2];
  EXPECT_EQ(s3.technique_id, "");
  EXPECT_EQ(s3.tactic, "defense-evasion");
  EXPECT_THAT(s3.platforms, ElementsAre("windows", "solaris"));
  ASSERT_EQ(s3.executors.size(), 3u);
  EXPECT_EQ(s3.executors[0].name, "psh");
  EXPECT_EQ(s3.executors[1].name, "weird");
  EXPECT_EQ(s3.executors[2].platform, "solaris");

  const CtidStep& s4 = p->steps[3];
  EXPECT_EQ(s4.order, 4);
  EXPECT_EQ(s4.technique_id, "T1082");
  EXPECT_EQ(s4.tactic, "discovery");
  ASSERT_EQ(s4.executors.size(), 1u);
  EXPECT_FALSE(s4.executors[0].elevation_required);
  const cov::v1::PlanStep ps4 = ToPlanStep(s4, p->name);
  ASSERT_EQ(ps4.tests_size(), 1);
  EXPECT_EQ(ps4.tests(0).executor(), "command_prompt");
  EXPECT_THAT(ps4.tests(0).platforms(), IsEmpty());

  EXPECT_EQ(p->steps[4].technique_id, "");
  EXPECT_EQ(p->steps[4].tactic, "");
  EXPECT_EQ(p->steps[4].tactic_raw, "credential-dumping");

  EXPECT_EQ(p->steps[5].tactic, "command-and-control");
  EXPECT_EQ(p->steps[5].tactic_raw, "TA0011");
  EXPECT_EQ(p->steps[5].technique_id, "T1071.001");

  // Diagnostics name the procedure and the file.
  EXPECT_EQ(p->diagnostics[0].object(), "00000000-0000-0000-0000-000000000001");
  EXPECT_EQ(p->diagnostics[0].file(), "odd.yaml");
  EXPECT_EQ(p->diagnostics[0].severity(), cov::v1::SEVERITY_WARNING);
  EXPECT_EQ(p->diagnostics[8].severity(), cov::v1::SEVERITY_ERROR);
  EXPECT_EQ(p->diagnostics[8].object(), "");
}

TEST(ParseCtidPlanTest, FileLevelFailures) {
  struct Case {
    const char* yaml;
    const char* message;
  } cases[] = {
      {"", "p.yaml: empty file"},
      // A CALDERA planner file in the same folder.
      {"---\nid: 0a7d8b12\nname: OilRig Planner\nmodule: x\n",
       "p.yaml:2:1: not a CTID emulation plan: expected a list"},
      {"- id: a\n  name: b\n",
       "p.yaml:1:1: not a CTID emulation plan: no emulation_plan_details"},
      {"- emulation_plan_details: [\n", "p.yaml:2:1: invalid YAML"},
      {"- emulation_plan_details:\n    adversary_name: \xC0\xAF\n",
       "p.yaml:2:21: file is not valid UTF-8"},
  };
  for (const Case& c : cases) {
    absl::StatusOr<CtidPlan> p = ParseCtidPlan(c.yaml, "p.yaml");
    ASSERT_FALSE(p.ok()) << c.yaml;
    EXPECT_EQ(p.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(p.status().message(), HasSubstr(c.message)) << c.yaml;
  }
  std::string big(kMaxPlanBytes + 1, '#');
  absl::StatusOr<CtidPlan> p = ParseCtidPlan(big, "big.yaml");
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.status().code(), absl::StatusCode::kInvalidArgument);
}

// yaml-cpp 0.7's LoadAll loops forever on a stray flow token at document
// level; ParseCtidPlan reads one document, so these end in errors. Deep
// nesting must not overflow the stack.
TEST(ParseCtidPlanTest, HostileInputEndsInErrors) {
  for (const std::string& text : std::vector<std::string>{
           ",", "- a\n...\n,\n", std::string(100000, '['),
           std::string(50000, '-') + " x", "- &a [*a]\n"}) {
    absl::StatusOr<CtidPlan> p = ParseCtidPlan(text, "h.yaml");
    EXPECT_FALSE(p.ok()) << text.substr(0, 20);
  }
}

TEST(ParseCtidPlanTest, DetailsOnly) {
  absl::StatusOr<CtidPlan> p = ParseCtidPlan(
      "- emulation_plan_details:\n    id: abc\n    adversary_name: ' Solo '\n",
      "dir/solo.yml");
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_EQ(p->name, "solo");
  EXPECT_EQ(p->id, "abc");
  EXPECT_EQ(p->adversary_name, "Solo");
  EXPECT_THAT(p->steps, IsEmpty());
  EXPECT_THAT(p->diagnostics, IsEmpty());
}

}  // namespace
}  // namespace cov::ingest::ctid
