// Proven coverage: replay (Sigma rules on recorded event logs), scan (YARA
// rules on files), and their experiment forms (experiment replay|scan).
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <map>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "clients/cli/coverage_options.h"
#include "clients/cli/files.h"
#include "clients/cli/flags.h"
#include "clients/cli/handlers.h"
#include "clients/cli/output.h"

namespace cov::clients::cli {

const char kReplayHelp[] =
    "  Evaluates the stored Sigma rules on recorded event logs: Windows "
    ".evtx,\n"
    "  the JSON evtx_dump writes, flat JSON lines (Winlogbeat, NXLog, OTRF\n"
    "  Security-Datasets), .zip archives of these, and folders of all of "
    "them.\n"
    "  Prints per rule the number of matching events and the first few\n"
    "  (file:record, time, host), per technique whether a rule fired, and the\n"
    "  rules that cannot run on these logs with the reason (logsource not in\n"
    "  deploy/profiles/logsource-mapping.md, placeholders, ...).\n"
    "  LOGS are read by covd itself (they must lie under its --ingest_root);\n"
    "  --upload sends the files' contents instead (a folder is walked here).\n"
    "  --source S,... limits the rules to those sources; --profile applies a\n"
    "  profile's sources and Sigma status/level floors. Broken records and\n"
    "  files that are not logs are listed; every other event is still read.\n";

const char kScanHelp[] =
    "  Compiles the stored rules of one YARA source with libyara (its private\n"
    "  rules with them; rules that do not compile are listed, the rest used)\n"
    "  and scans files and folders, mapping each match to the techniques of\n"
    "  the rule. Files over --max_file_mb are skipped and listed, as are "
    "files\n"
    "  whose scan exceeds --scan_timeout seconds. PATHs are read by covd\n"
    "  (under its --ingest_root); --upload sends the files' contents.\n";

namespace {

constexpr int kMaxListed = 20;

std::vector<std::string> SourcesFromFlag() {
  std::vector<std::string> out;
  for (absl::string_view s :
       absl::StrSplit(absl::GetFlag(FLAGS_source), ',', absl::SkipEmpty())) {
    out.emplace_back(s);
  }
  return out;
}

// Adds LOGS as paths for covd to read (absolute), or, with --upload, their
// contents (folders walked here). False after printing why.
bool AddLogs(const Args& logs,
             google::protobuf::RepeatedPtrField<std::string>* paths,
             google::protobuf::RepeatedPtrField<cov::v1::LogFile>* files) {
  for (const std::string& arg : logs) {
    const std::string path = UserPath(arg);
    if (!absl::GetFlag(FLAGS_upload)) {
      *paths->Add() = RealPath(path);
      continue;
    }
    std::vector<std::string> names = {""};  // a file: itself
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec)) {
      absl::StatusOr<std::vector<std::string>> walked =
          WalkLocalFiles(path, [](absl::string_view) { return true; });
      if (!walked.ok()) {
        std::fprintf(stderr, "cov: %s\n",
                     std::string(walked.status().message()).c_str());
        return false;
      }
      names = *std::move(walked);
    }
    for (const std::string& rel : names) {
      const std::string full = rel.empty() ? path : path + "/" + rel;
      absl::StatusOr<std::string> bytes = ReadFile(full);
      if (!bytes.ok()) {
        std::fprintf(stderr, "cov: cannot read %s\n", full.c_str());
        return false;
      }
      cov::v1::LogFile* f = files->Add();
      f->set_name(rel.empty() ? arg : arg + "/" + rel);
      f->set_content(*std::move(bytes));
    }
  }
  return true;
}

// The logs, --source S,..., --max_examples and the profile options.
bool FillInput(const Args& logs, cov::v1::ReplayInput* in) {
  if (!AddLogs(logs, in->mutable_paths(), in->mutable_files())) return false;
  for (std::string& s : SourcesFromFlag()) in->add_sources(std::move(s));
  in->set_max_examples(absl::GetFlag(FLAGS_max_examples));
  return CoverageOptionsFromFlags(in->mutable_options());
}

void PrintDiagnostics(
    const google::protobuf::RepeatedPtrField<cov::v1::Diagnostic>& diags) {
  if (diags.empty()) return;
  std::printf("\n%d problems in the logs (records skipped, the rest read):\n",
              diags.size());
  int shown = 0;
  for (const auto& d : diags) {
    if (++shown > kMaxListed) break;
    std::printf("  %s\n", FormatDiag(d).c_str());
  }
  if (diags.size() > kMaxListed) {
    std::printf("  ... and %d more (--format json lists all)\n",
                diags.size() - kMaxListed);
  }
}

void PrintNotEvaluable(
    const google::protobuf::RepeatedPtrField<cov::v1::NotEvaluable>& rules,
    absl::string_view what) {
  if (rules.empty()) return;
  std::map<std::string, int> by_reason;
  for (const auto& n : rules) ++by_reason[n.reason()];
  std::printf("\n%d rules %s, by reason:\n", rules.size(),
              std::string(what).c_str());
  std::vector<std::pair<int, std::string>> sorted;
  for (auto& [reason, n] : by_reason) sorted.push_back({-n, reason});
  std::sort(sorted.begin(), sorted.end());
  int shown = 0;
  for (const auto& [neg, reason] : sorted) {
    if (++shown > kMaxListed) break;
    std::printf("  %5d  %s\n", -neg, Truncate(reason, 100).c_str());
  }
}

void PrintReplay(const cov::v1::ReplayResponse& r) {
  std::printf(
      "replayed %lld events from %lld files with %d Sigma rules (%d not "
      "evaluable) on %s@%s in %.0f ms\n",
      static_cast<long long>(r.events()), static_cast<long long>(r.files()),
      r.rules_evaluated(), r.not_evaluable_size(), r.release().domain().c_str(),
      r.release().version().c_str(), r.elapsed_ms());
  std::printf("\n%d rules fired:\n", r.matches_size());
  for (const auto& m : r.matches()) {
    std::printf("  %7lld  %-60s %s\n", static_cast<long long>(m.matches()),
                Truncate(m.rule().title(), 60).c_str(),
                absl::StrJoin(m.technique_ids(), ",").c_str());
    std::printf("           %s\n", m.rule().uid().c_str());
    for (const auto& e : m.examples()) {
      std::printf("           %s  %s  %s\n", e.where().c_str(),
                  e.time_us() ? FormatTime(e.time_us() / 1000000).c_str() : "",
                  e.host().c_str());
    }
  }
  int detected = 0;
  for (const auto& t : r.techniques()) detected += t.detected() ? 1 : 0;
  std::printf(
      "\n%d techniques claimed by the evaluated rules: %d detected, %d "
      "not\n",
      r.techniques_size(), detected, r.techniques_size() - detected);
  for (const auto& t : r.techniques()) {
    if (!t.detected()) continue;
    std::printf("  %-10s %-40s %d of %d rules fired\n",
                t.technique_id().c_str(),
                Truncate(t.technique_name(), 40).c_str(),
                t.fired_rule_uids_size(), t.evaluated_rules());
  }
  PrintNotEvaluable(r.not_evaluable(), "not evaluable on these logs");
  PrintDiagnostics(r.diagnostics());
}

void PrintDatasets(const cov::v1::ReplayDatasetsResponse& r) {
  std::printf("%d datasets, %d Sigma rules (%d not evaluable) on %s@%s\n\n",
              r.datasets_size(), r.rules_evaluated(), r.not_evaluable_size(),
              r.release().domain().c_str(), r.release().version().c_str());
  std::printf("  %-20s %8s %7s %8s %6s %5s  %s\n", "dataset", "events",
              "planned", "detected", "missed", "rules", "title");
  int planned = 0, detected = 0;
  for (const auto& d : r.datasets()) {
    planned += d.planned_size();
    detected += d.detected_size();
    std::printf("  %-20s %8lld %7d %8d %6d %5d  %s\n", d.id().c_str(),
                static_cast<long long>(d.events()), d.planned_size(),
                d.detected_size(), d.missed_size(), d.rules_fired_size(),
                Truncate(d.title(), 50).c_str());
    if (!d.missed().empty()) {
      std::printf("  %-20s missed: %s\n", "",
                  absl::StrJoin(d.missed(), ", ").c_str());
    }
  }
  std::printf("\n  planned %d, detected %d, missed %d in %.0f ms\n", planned,
              detected, planned - detected, r.elapsed_ms());
}

void PrintTraces(const cov::v1::TechniqueTraces& t) {
  std::printf("  %s %s: what the attack left (data components: %s)\n",
              t.technique_id().c_str(), t.technique_name().c_str(),
              absl::StrJoin(t.data_components(), ", ").c_str());
  for (const auto& g : t.groups()) {
    std::printf("    %s (%s): %lld events\n", g.category().c_str(),
                g.data_component().c_str(), static_cast<long long>(g.events()));
    for (const auto& f : g.fields()) {
      std::printf("      %s (%lld distinct)\n", f.field().c_str(),
                  static_cast<long long>(f.distinct()));
      for (const auto& v : f.top_values()) {
        std::printf("        %6lld  %s\n", static_cast<long long>(v.count()),
                    Truncate(v.value(), 100).c_str());
      }
    }
  }
}

}  // namespace

int Replay(Client& client, const Args& args) {
  if (args.empty()) return Usage("usage: cov replay LOGS... [--source S,...]");
  cov::v1::ReplayRequest req;
  *req.mutable_release() = ReleaseFromFlags();
  if (!FillInput(args, req.mutable_input())) return 1;
  grpc::ClientContext ctx;
  client.Prepare(&ctx);
  cov::v1::ReplayResponse resp;
  grpc::Status s = client.stub()->Replay(&ctx, req, &resp);
  if (!s.ok()) return client.Fail(s);
  if (JsonOutput()) {
    PrintJson(resp);
  } else {
    PrintReplay(resp);
  }
  return 0;
}

int ExperimentReplay(Client& client, const Args& args) {
  // args: "replay", then EXP LOGS... or nothing with --dataset.
  const std::string dataset = absl::GetFlag(FLAGS_dataset);
  grpc::ClientContext ctx;
  client.Prepare(&ctx);
  if (!dataset.empty()) {
    if (args.size() != 1) {
      return Usage(
          "usage: cov experiment replay --dataset FILE|DIR [--record]");
    }
    cov::v1::ReplayDatasetsRequest req;
    *req.mutable_release() = ReleaseFromFlags();
    for (absl::string_view p :
         absl::StrSplit(dataset, ',', absl::SkipEmpty())) {
      req.add_paths(RealPath(UserPath(std::string(p))));
    }
    if (!FillInput({}, req.mutable_input())) return 1;
    req.set_record_experiments(absl::GetFlag(FLAGS_record));
    cov::v1::ReplayDatasetsResponse resp;
    grpc::Status s = client.stub()->ReplayDatasets(&ctx, req, &resp);
    if (!s.ok()) return client.Fail(s);
    if (JsonOutput()) {
      PrintJson(resp);
    } else {
      PrintDatasets(resp);
    }
    return 0;
  }
  if (args.size() < 3) {
    return Usage("usage: cov experiment replay EXP LOGS...");
  }
  cov::v1::ReplayExperimentRequest req;
  req.set_experiment_id(args[1]);
  if (!FillInput(Args(args.begin() + 2, args.end()), req.mutable_input())) {
    return 1;
  }
  cov::v1::ReplayExperimentResponse resp;
  grpc::Status s = client.stub()->ReplayExperiment(&ctx, req, &resp);
  if (!s.ok()) return client.Fail(s);
  if (JsonOutput()) {
    PrintJson(resp);
    return 0;
  }
  PrintReplay(resp.replay());
  std::printf("\nexperiment %s:\n", resp.experiment().id().c_str());
  std::map<std::string, const cov::v1::ExperimentResult*> latest;
  for (const auto& r : resp.experiment().results()) {
    latest[r.technique_id()] = &r;
  }
  for (const auto& [id, r] : latest) {
    std::printf("  %-10s %-9s %s\n", id.c_str(), r->outcome().c_str(),
                absl::StrJoin(r->rule_uids(), ", ").c_str());
  }
  for (const auto& t : resp.missed()) PrintTraces(t);
  return 0;
}

int Scan(Client& client, const Args& args) {
  if (args.empty() || absl::GetFlag(FLAGS_source).empty()) {
    return Usage("usage: cov scan PATH... --source YARA_SOURCE");
  }
  cov::v1::ScanRequest req;
  *req.mutable_release() = ReleaseFromFlags();
  req.set_source(absl::GetFlag(FLAGS_source));
  if (!AddLogs(args, req.mutable_paths(), req.mutable_files())) return 1;
  req.set_max_file_bytes(int64_t{absl::GetFlag(FLAGS_max_file_mb)} << 20);
  req.set_timeout_seconds(absl::GetFlag(FLAGS_scan_timeout));
  grpc::ClientContext ctx;
  client.Prepare(&ctx);
  cov::v1::ScanResponse resp;
  grpc::Status s = client.stub()->Scan(&ctx, req, &resp);
  if (!s.ok()) return client.Fail(s);
  if (JsonOutput()) {
    PrintJson(resp);
    return 0;
  }
  std::printf("scanned %lld files (%lld bytes) with %d YARA rules in %.0f ms\n",
              static_cast<long long>(resp.files_scanned()),
              static_cast<long long>(resp.bytes_scanned()),
              resp.rules_compiled(), resp.elapsed_ms());
  for (const auto& m : resp.matches()) {
    std::vector<std::string> names;
    for (const auto& r : m.rules()) names.push_back(r.title());
    std::printf("  %s\n    rules: %s\n    techniques: %s\n", m.file().c_str(),
                absl::StrJoin(names, ", ").c_str(),
                absl::StrJoin(m.technique_ids(), ", ").c_str());
  }
  PrintNotEvaluable(resp.not_compiled(), "do not compile");
  PrintDiagnostics(resp.diagnostics());
  return 0;
}

int ExperimentScan(Client& client, const Args& args) {
  // args: "scan", EXP, PATH...
  if (args.size() < 3 || absl::GetFlag(FLAGS_source).empty()) {
    return Usage("usage: cov experiment scan EXP PATH... --source YARA_SOURCE");
  }
  cov::v1::ScanExperimentRequest req;
  req.set_experiment_id(args[1]);
  cov::v1::ScanRequest* scan = req.mutable_scan();
  scan->set_source(absl::GetFlag(FLAGS_source));
  if (!AddLogs(Args(args.begin() + 2, args.end()), scan->mutable_paths(),
               scan->mutable_files())) {
    return 1;
  }
  scan->set_max_file_bytes(int64_t{absl::GetFlag(FLAGS_max_file_mb)} << 20);
  scan->set_timeout_seconds(absl::GetFlag(FLAGS_scan_timeout));
  grpc::ClientContext ctx;
  client.Prepare(&ctx);
  cov::v1::ScanExperimentResponse resp;
  grpc::Status s = client.stub()->ScanExperiment(&ctx, req, &resp);
  if (!s.ok()) return client.Fail(s);
  if (JsonOutput()) {
    PrintJson(resp);
    return 0;
  }
  std::printf("scanned %lld files; experiment %s now has %d results\n",
              static_cast<long long>(resp.scan().files_scanned()),
              resp.experiment().id().c_str(), resp.experiment().results_size());
  for (const auto& t : resp.scan().techniques()) {
    std::printf("  %-10s %s\n", t.technique_id().c_str(),
                t.detected() ? "detected" : "not detected");
  }
  return 0;
}

}  // namespace cov::clients::cli
