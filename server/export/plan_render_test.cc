#include "server/export/plan_render.h"

#include "gtest/gtest.h"

namespace cov::server::exporter {
namespace {

// Two steps: T1197 with one test and one expected rule, T1105 with neither.
cov::v1::PlanResponse SamplePlan() {
  cov::v1::PlanResponse p;
  p.mutable_release()->set_domain("enterprise-attack");
  p.mutable_release()->set_version("18.1");
  p.set_subject("T1197,T1105");
  cov::v1::PlanStep* s = p.add_steps();
  s->set_order(1);
  s->set_technique_id("T1197");
  s->set_technique_name("BITS Jobs");
  s->set_tactic("persistence");
  s->set_procedure("uses \"bitsadmin\"");
  s->set_evidence("claimed");
  s->add_data_components("Process Creation");
  cov::v1::TestProcedure* t = s->add_tests();
  t->set_guid("g-1");
  t->set_name("Download");
  t->add_platforms("windows");
  t->set_executor("command_prompt");
  t->set_command("bitsadmin /transfer x\necho done");
  t->set_elevation_required(true);
  cov::v1::RuleRef* r = s->add_expected_rules();
  r->set_uid("suricata:bits/1");
  r->set_title("BITS UA");
  r->set_source("bits");
  cov::v1::PlanStep* s2 = p.add_steps();
  s2->set_order(2);
  s2->set_technique_id("T1105");
  s2->set_technique_name("Ingress Tool Transfer");
  s2->set_tactic("command-and-control");
  return p;
}

TEST(PlanRenderTest, YamlIsTheCtidLayout) {
  EXPECT_EQ(PlanYaml(SamplePlan()),
            "- emulation_plan_details:\n"
            "    id: \"T1197,T1105\"\n"
            "    adversary_name: \"T1197,T1105\"\n"
            "    attack_version: \"18.1\"\n"
            "    format_version: 1.0\n\n"
            "- id: \"g-1\"\n"
            "  name: \"BITS Jobs\"\n"
            "  description: \"uses \\\"bitsadmin\\\"\"\n"
            "  tactic:\n    name: \"persistence\"\n"
            "  technique:\n    attack_id: T1197\n    name: \"BITS Jobs\"\n"
            "  procedure_step: \"1\"\n"
            "  executors:\n"
            "    - name: \"command_prompt\"\n"
            "      command: \"bitsadmin /transfer x\\necho done\"\n"
            "      cleanup_command: \"\"\n"
            "      elevation_required: true\n\n"
            "- id: \"step-2\"\n"
            "  name: \"Ingress Tool Transfer\"\n"
            "  description: \"\"\n"
            "  tactic:\n    name: \"command-and-control\"\n"
            "  technique:\n    attack_id: T1105\n"
            "    name: \"Ingress Tool Transfer\"\n"
            "  procedure_step: \"2\"\n\n");
}

TEST(PlanRenderTest, YamlQuotesControlCharactersButNotShellSyntax) {
  cov::v1::PlanResponse p;
  p.set_subject("del x >nul 2>&1\t\x01");
  EXPECT_EQ(PlanYaml(p).substr(0, 58),
            "- emulation_plan_details:\n    id: \"del x >nul 2>&1\\t\\x01\"\n");
}

TEST(PlanRenderTest, LayerIsCompactNavigatorJson) {
  EXPECT_EQ(
      PlanLayer(SamplePlan()),
      R"({"name":"cov plan: T1197,T1105","versions":{"attack":"18",)"
      R"("navigator":"5.2.0","layer":"4.5"},"domain":"enterprise-attack",)"
      R"("description":"Emulation plan steps; score = step order",)"
      R"("techniques":[{"techniqueID":"T1197","tactic":"persistence",)"
      R"("score":1,"comment":"1 tests, 1 rules, evidence claimed",)"
      R"("enabled":true},{"techniqueID":"T1105","tactic":)"
      R"("command-and-control","score":2,"comment":"0 tests, 0 rules, )"
      R"(evidence none","enabled":true}],"gradient":{"colors":["#c6dbef",)"
      R"("#08519c"],"minValue":1,"maxValue":2}})"
      "\n");
}

TEST(PlanRenderTest, LayerEscapesThroughTheJsonWriter) {
  cov::v1::PlanResponse p;
  p.set_subject("a\"b<c");
  EXPECT_EQ(PlanLayer(p).substr(0, 32), R"({"name":"cov plan: a\"b\u003cc",)");
}

TEST(PlanRenderTest, MarkdownIsARunbook) {
  EXPECT_EQ(PlanMarkdown(SamplePlan()),
            "# Emulation runbook: T1197,T1105\n\n"
            "ATT&CK enterprise-attack 18.1, 2 steps in kill-chain order.\n\n"
            "For each step: run a test, note the time, then record what "
            "fired with `cov experiment record` or import the alerts with "
            "`cov experiment import`.\n\n"
            "## 1. T1197 BITS Jobs (persistence)\n\n"
            "> uses \"bitsadmin\"\n\n"
            "- Telemetry needed: Process Creation\n"
            "- Evidence now: claimed\n"
            "- Expected rules:\n"
            "  - `suricata:bits/1` BITS UA (bits)\n"
            "- Tests:\n\n"
            "  ### Download (`g-1`)\n\n"
            "  windows, executor command_prompt, elevated\n\n"
            "  ```\n  bitsadmin /transfer x\n  echo done\n  ```\n\n"
            "  Record: `cov experiment record EXP --technique T1197 --test "
            "g-1 --outcome detected|missed|partial`\n\n"
            "## 2. T1105 Ingress Tool Transfer (command-and-control)\n\n"
            "- Telemetry needed: none named by ATT&CK\n"
            "- Evidence now: none\n"
            "- Expected rules: **none** (a detection gap)\n"
            "- Tests: no test available\n\n");
}

TEST(PlanRenderTest, RenderPlanFillsRenderedForTextFormatsOnly) {
  cov::v1::PlanResponse p = SamplePlan();
  ASSERT_TRUE(RenderPlan("", &p).ok());
  EXPECT_EQ(p.rendered(), "");
  ASSERT_TRUE(RenderPlan("json", &p).ok());
  EXPECT_EQ(p.rendered(), "");
  ASSERT_TRUE(RenderPlan("markdown", &p).ok());
  EXPECT_EQ(p.rendered().substr(0, 33), "# Emulation runbook: T1197,T1105\n");
  ASSERT_TRUE(RenderPlan("yaml", &p).ok());
  EXPECT_EQ(p.rendered().substr(0, 25), "- emulation_plan_details:");
  absl::Status bad = RenderPlan("pdf", &p);
  EXPECT_EQ(bad.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(bad.message(),
            "unknown plan format 'pdf' (yaml, layer, markdown, xlsx)");
}

// The workbook's content is checked by xlsx_writer_test (openpyxl); here only
// that xlsx lands in `workbook` (a ZIP container) and not in `rendered`.
TEST(PlanRenderTest, XlsxFillsTheWorkbook) {
  cov::v1::PlanResponse p = SamplePlan();
  ASSERT_TRUE(RenderPlan("xlsx", &p).ok());
  EXPECT_EQ(p.rendered(), "");
  ASSERT_GT(p.workbook().size(), 4u);
  EXPECT_EQ(p.workbook().substr(0, 4), std::string("PK\x03\x04", 4));
  EXPECT_NE(p.workbook().find("xl/worksheets/sheet2.xml"), std::string::npos);
}

}  // namespace
}  // namespace cov::server::exporter
