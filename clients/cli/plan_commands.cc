// Emulation commands: plan and ingest atomics|plans.
#include <cstdio>
#include <string>

#include "absl/flags/flag.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "clients/cli/files.h"
#include "clients/cli/flags.h"
#include "clients/cli/handlers.h"
#include "clients/cli/output.h"
#include "clients/cli/plan_request.h"

namespace cov::clients::cli {

const char kPlanHelp[] =
    "  The techniques of the subject (a group's own, through its software,\n"
    "  and with --include_campaigns through its campaigns) in kill-chain\n"
    "  order (a CTID plan keeps its own order). Each step shows the ATT&CK\n"
    "  procedure text, the test procedures for the platform (Atomic Red "
    "Team,\n"
    "  or \"no test available\"), the rules expected to fire, the data\n"
    "  components needed and the evidence tier (claimed, validated, failed,\n"
    "  stale). yaml = CTID plan format; layer = ATT&CK Navigator layer;\n"
    "  markdown = an operator runbook; xlsx = an Excel workbook (Plan and\n"
    "  Tests sheets; needs --out).\n";

namespace {

void PrintPlanStep(const cov::v1::PlanStep& s) {
  std::printf("%3d. %-10s %-40s %-20s evidence: %s\n", s.order(),
              s.technique_id().c_str(),
              Truncate(s.technique_name(), 40).c_str(), s.tactic().c_str(),
              s.evidence().empty() ? "none" : s.evidence().c_str());
  if (!s.procedure().empty()) {
    std::printf("     why:   %s\n", Truncate(s.procedure(), 100).c_str());
  }
  if (s.tests().empty()) std::printf("     tests: no test available\n");
  for (const auto& t : s.tests()) {
    std::printf("     test:  %s %s [%s]\n", t.guid().c_str(),
                Truncate(t.name(), 60).c_str(),
                absl::StrJoin(t.platforms(), ",").c_str());
  }
  std::printf("     rules: %d expected%s\n", s.expected_rule_count(),
              s.expected_rule_count() == 0 ? " (gap)" : "");
  for (int i = 0; i < s.expected_rules_size() && i < 3; ++i) {
    std::printf("            %s %s\n", s.expected_rules(i).uid().c_str(),
                Truncate(s.expected_rules(i).title(), 60).c_str());
  }
}

void PrintLibrarySummary(const cov::v1::IngestLibraryResponse& resp) {
  std::printf(
      "source %s: %d files, %d tests, %d plans, %d techniques in %.0f ms\n",
      resp.source().c_str(), resp.files(), resp.tests(), resp.plans(),
      resp.techniques(), resp.elapsed_ms());
  int shown = 0;
  for (const auto& d : resp.diagnostics()) {
    if (shown++ < 15) std::printf("  %s\n", FormatDiag(d).c_str());
  }
  if (resp.diagnostics_size() > 15) {
    std::printf("  ... %d more\n", resp.diagnostics_size() - 15);
  }
}

}  // namespace

bool PlanRequestFromFlags(cov::v1::PlanRequest* req) {
  *req->mutable_release() = ReleaseFromFlags();
  int subjects = 0;
  if (!absl::GetFlag(FLAGS_group).empty()) {
    req->set_group(absl::StrJoin(absl::GetFlag(FLAGS_group), ","));
    ++subjects;
  }
  if (!absl::GetFlag(FLAGS_software).empty()) {
    req->set_software(absl::GetFlag(FLAGS_software));
    ++subjects;
  }
  if (!absl::GetFlag(FLAGS_campaign).empty()) {
    req->set_campaign(absl::GetFlag(FLAGS_campaign));
    ++subjects;
  }
  if (!absl::GetFlag(FLAGS_technique).empty()) {
    for (absl::string_view t : absl::StrSplit(absl::GetFlag(FLAGS_technique),
                                              ',', absl::SkipWhitespace())) {
      req->mutable_techniques()->add_ids(std::string(t));
    }
    ++subjects;
  }
  if (!absl::GetFlag(FLAGS_ctid_plan).empty()) {
    req->set_ctid_plan(absl::GetFlag(FLAGS_ctid_plan));
    ++subjects;
  }
  req->set_platform(absl::GetFlag(FLAGS_platform));
  req->set_include_campaigns(absl::GetFlag(FLAGS_include_campaigns));
  return subjects == 1;
}

int Plan(Client& client, const Args&) {
  cov::v1::PlanRequest req;
  if (!PlanRequestFromFlags(&req)) {
    return Usage(
        "give exactly one of --group, --software, --campaign, "
        "--technique, --ctid_plan");
  }
  // yaml, layer and markdown are rendered by covd (PlanResponse.rendered),
  // so every client prints the same text.
  const std::string format = absl::GetFlag(FLAGS_format);
  const bool rendered = format != "table" && format != "json";
  if (rendered) req.set_format(format);
  if (format == "xlsx" && absl::GetFlag(FLAGS_out).empty()) {
    return Usage("--format xlsx writes a workbook: give --out FILE.xlsx");
  }
  grpc::ClientContext ctx;
  client.Prepare(&ctx);
  cov::v1::PlanResponse resp;
  grpc::Status s = client.stub()->GetPlan(&ctx, req, &resp);
  if (!s.ok()) return client.Fail(s);
  if (format == "xlsx") return WriteOut(resp.workbook(), "Excel workbook");
  if (rendered) {
    return WriteOut(resp.rendered(), format == "yaml"    ? "CTID-format plan"
                                     : format == "layer" ? "Navigator layer"
                                                         : "runbook");
  }
  if (JsonOutput()) {
    PrintJson(resp);
    return 0;
  }
  std::printf("Emulation plan: %s (ATT&CK %s %s), %d steps\n\n",
              resp.subject().c_str(), resp.release().domain().c_str(),
              resp.release().version().c_str(), resp.steps_size());
  for (const auto& step : resp.steps()) PrintPlanStep(step);
  return 0;
}

int IngestLibrary(Client& client, const Args& args) {
  if (args.size() != 2) {
    return Usage("usage: cov ingest attack|sigma|suricata|yara PATH");
  }
  cov::v1::IngestLibraryRequest req;
  req.set_kind(args[0]);
  req.set_path(RealPath(UserPath(args[1])));
  req.set_source(absl::GetFlag(FLAGS_source));
  grpc::ClientContext ctx;
  client.Prepare(&ctx);
  cov::v1::IngestLibraryResponse resp;
  grpc::Status s = client.stub()->IngestLibrary(&ctx, req, &resp);
  if (!s.ok()) return client.Fail(s);
  if (JsonOutput()) {
    PrintJson(resp);
  } else {
    PrintLibrarySummary(resp);
  }
  return 0;
}

}  // namespace cov::clients::cli
