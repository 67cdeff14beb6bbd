// Validation commands: experiment start|record|import|show|list|rm.
#include <cstdio>
#include <map>
#include <string>

#include "absl/flags/flag.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/time.h"
#include "clients/cli/files.h"
#include "clients/cli/flags.h"
#include "clients/cli/handlers.h"
#include "clients/cli/output.h"
#include "clients/cli/plan_request.h"

namespace cov::clients::cli {

const char kExperimentHelp[] =
    "  start: records the plan and a time window; prints the experiment ID.\n"
    "  record: one result by hand.\n"
    "  import: maps each alert in the window to its rule (EVE:\n"
    "  alert.signature_id -> Suricata sid; JSON lines: rule_id / sigma_id ->\n"
    "  rule) and techniques: planned techniques that fired are detected, the\n"
    "  others missed. Malformed lines are counted and listed; the rest is\n"
    "  imported.\n"
    "  replay EXP LOGS...: runs the stored Sigma rules on the experiment's\n"
    "  recorded event logs (see cov replay --help); planned techniques a rule\n"
    "  detected are recorded detected, the others missed, with the traces the\n"
    "  attack left for them. replay --dataset FILE|DIR: OTRF "
    "Security-Datasets\n"
    "  metadata as ready-made experiments (planned = attack_mappings; the\n"
    "  dataset's Host files are replayed); --record stores each one.\n"
    "  scan EXP PATH... --source YARA: a YARA scan as evidence (cov scan).\n"
    "  show EXP | list: one experiment with its results, or all of them.\n"
    "  rm EXP: removes an experiment and its results (write token); they\n"
    "  stop counting as validated evidence at once.\n";

namespace {

bool ParseTime(const std::string& text, int64_t* out) {
  if (text.empty()) return true;
  if (absl::SimpleAtoi(text, out)) return true;
  absl::Time t;
  std::string err;
  if (!absl::ParseTime(absl::RFC3339_full, text, &t, &err)) return false;
  *out = absl::ToUnixSeconds(t);
  return true;
}

void PrintExperiment(const cov::v1::Experiment& e) {
  std::printf(
      "%s  %s  (%s)\n  window: %s .. %s\n", e.id().c_str(), e.name().c_str(),
      e.plan().subject().c_str(), FormatTime(e.started_at_unix()).c_str(),
      e.ended_at_unix() ? FormatTime(e.ended_at_unix()).c_str() : "open");
  std::map<std::string, const cov::v1::ExperimentResult*> latest;
  for (const auto& r : e.results()) latest[r.technique_id()] = &r;
  for (const auto& s : e.plan().steps()) {
    auto it = latest.find(s.technique_id());
    std::printf("  %3d. %-10s %-36s %-9s evidence: %s\n", s.order(),
                s.technique_id().c_str(),
                Truncate(s.technique_name(), 36).c_str(),
                it == latest.end() ? "untested" : it->second->outcome().c_str(),
                s.evidence().empty() ? "none" : s.evidence().c_str());
    if (it != latest.end() && !it->second->rule_uids().empty()) {
      std::printf("        fired: %s\n",
                  absl::StrJoin(it->second->rule_uids(), ", ").c_str());
    }
  }
  std::printf("  %d results recorded\n", e.results_size());
}

// Prints an experiment as JSON or as the `show` table.
int PrintResult(const cov::v1::Experiment& e, bool table) {
  if (JsonOutput()) {
    PrintJson(e);
  } else if (table) {
    PrintExperiment(e);
  } else {
    std::printf("recorded; %d results\n", e.results_size());
  }
  return 0;
}

int Start(Client& client, grpc::ClientContext& ctx) {
  cov::v1::StartExperimentRequest req;
  if (!PlanRequestFromFlags(req.mutable_plan())) {
    return Usage(
        "experiment start needs one plan subject (see cov plan --help)");
  }
  req.set_name(absl::GetFlag(FLAGS_name));
  if (req.name().empty()) return Usage("experiment start needs --name");
  int64_t since = 0, until = 0;
  if (!ParseTime(absl::GetFlag(FLAGS_since), &since) ||
      !ParseTime(absl::GetFlag(FLAGS_until), &until)) {
    return Usage("--since/--until take RFC 3339 times or unix seconds");
  }
  req.set_started_at_unix(since);
  req.set_ended_at_unix(until);
  cov::v1::Experiment e;
  grpc::Status s = client.stub()->StartExperiment(&ctx, req, &e);
  if (!s.ok()) return client.Fail(s);
  if (JsonOutput()) {
    PrintJson(e);
  } else {
    std::printf("%s\n", e.id().c_str());
    std::fprintf(stderr, "started %s: %d steps\n", e.name().c_str(),
                 e.plan().steps_size());
  }
  return 0;
}

int Record(Client& client, grpc::ClientContext& ctx, const Args& args) {
  if (args.size() != 2) {
    return Usage("usage: cov experiment record EXP --technique T --outcome O");
  }
  cov::v1::RecordResultRequest req;
  req.set_experiment_id(args[1]);
  auto* r = req.mutable_result();
  r->set_technique_id(absl::GetFlag(FLAGS_technique));
  r->set_test_guid(absl::GetFlag(FLAGS_test));
  r->set_outcome(absl::GetFlag(FLAGS_outcome));
  for (const auto& u : absl::GetFlag(FLAGS_rule)) r->add_rule_uids(u);
  r->set_note(absl::GetFlag(FLAGS_note));
  if (r->technique_id().empty() || r->outcome().empty()) {
    return Usage("experiment record needs --technique and --outcome");
  }
  cov::v1::Experiment e;
  grpc::Status s = client.stub()->RecordResult(&ctx, req, &e);
  if (!s.ok()) return client.Fail(s);
  return PrintResult(e, /*table=*/false);
}

void PrintImport(const cov::v1::ImportAlertsResponse& resp) {
  std::printf(
      "%d alerts: %d matched a rule, %d unknown rule, %d outside the "
      "window; %d malformed lines, %d other events\n",
      resp.alerts(), resp.matched(), resp.unmatched(), resp.outside_window(),
      resp.malformed(), resp.skipped());
  for (const auto& e : resp.errors()) std::printf("  %s\n", e.c_str());
  for (const auto& r : resp.results()) {
    std::printf("  %-10s %-9s %s\n", r.technique_id().c_str(),
                r.outcome().c_str(),
                absl::StrJoin(r.rule_uids(), ", ").c_str());
  }
}

int Import(Client& client, grpc::ClientContext& ctx, const Args& args) {
  if (args.size() != 2) {
    return Usage("usage: cov experiment import EXP --eve FILE|--jsonl FILE");
  }
  cov::v1::ImportAlertsRequest req;
  req.set_experiment_id(args[1]);
  std::string file = absl::GetFlag(FLAGS_eve);
  req.set_format("eve");
  if (file.empty()) {
    file = absl::GetFlag(FLAGS_jsonl);
    req.set_format("jsonl");
  }
  if (file.empty()) {
    return Usage("experiment import needs --eve FILE or --jsonl FILE");
  }
  absl::StatusOr<std::string> content = ReadFile(UserPath(file));
  if (!content.ok()) {
    std::fprintf(stderr, "cov: cannot read %s\n", file.c_str());
    return 1;
  }
  req.set_content(*std::move(content));
  req.set_file_name(file);
  cov::v1::ImportAlertsResponse resp;
  grpc::Status s = client.stub()->ImportAlerts(&ctx, req, &resp);
  if (!s.ok()) return client.Fail(s);
  if (JsonOutput()) {
    PrintJson(resp);
  } else {
    PrintImport(resp);
  }
  return 0;
}

int Show(Client& client, grpc::ClientContext& ctx, const Args& args) {
  if (args.size() != 2) return Usage("usage: cov experiment show EXP");
  cov::v1::GetExperimentRequest req;
  req.set_id(args[1]);
  cov::v1::Experiment e;
  grpc::Status s = client.stub()->GetExperiment(&ctx, req, &e);
  if (!s.ok()) return client.Fail(s);
  return PrintResult(e, /*table=*/true);
}

int Remove(Client& client, grpc::ClientContext& ctx, const Args& args) {
  if (args.size() != 2) return Usage("usage: cov experiment rm EXP");
  cov::v1::DeleteExperimentRequest req;
  req.set_id(args[1]);
  cov::v1::DeleteExperimentResponse resp;
  grpc::Status s = client.stub()->DeleteExperiment(&ctx, req, &resp);
  if (!s.ok()) return client.Fail(s);
  if (JsonOutput()) {
    PrintJson(resp);
    return 0;
  }
  std::printf("removed experiment %s (%s, %d results)\n",
              resp.experiment().id().c_str(), resp.experiment().name().c_str(),
              resp.result_count());
  return 0;
}

int List(Client& client, grpc::ClientContext& ctx) {
  cov::v1::ListExperimentsResponse resp;
  grpc::Status s = client.stub()->ListExperiments(&ctx, {}, &resp);
  if (!s.ok()) return client.Fail(s);
  if (JsonOutput()) {
    PrintJson(resp);
    return 0;
  }
  for (const auto& e : resp.experiments()) {
    std::printf("%s  %-30s %-30s %s\n", e.id().c_str(), e.name().c_str(),
                e.plan().subject().c_str(),
                FormatTime(e.started_at_unix()).c_str());
  }
  return 0;
}

}  // namespace

int Experiment(Client& client, const Args& args) {
  if (args.empty()) {
    return Usage(
        "usage: cov experiment start|record|import|replay|scan|show|list|rm");
  }
  const std::string& sub = args[0];
  grpc::ClientContext ctx;
  client.Prepare(&ctx);
  if (sub == "start") return Start(client, ctx);
  if (sub == "record") return Record(client, ctx, args);
  if (sub == "import") return Import(client, ctx, args);
  if (sub == "replay") return ExperimentReplay(client, args);
  if (sub == "scan") return ExperimentScan(client, args);
  if (sub == "show") return Show(client, ctx, args);
  if (sub == "list") return List(client, ctx);
  if (sub == "rm") return Remove(client, ctx, args);
  return Usage(absl::StrCat("unknown experiment command '", sub, "'"));
}

}  // namespace cov::clients::cli
