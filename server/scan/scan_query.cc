#include "server/scan/scan_query.h"

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "ingest/base/diagnostics.h"
#include "server/engine/technique_family.h"
#include "server/scan/scanner.h"

namespace cov::server::scan {
namespace {

namespace fs = std::filesystem;

// A private temporary folder holding uploaded files, removed on destruction.
class UploadDir {
 public:
  ~UploadDir() {
    if (!dir_.empty()) {
      std::error_code ec;
      fs::remove_all(dir_, ec);
    }
  }
  // Writes `files`; returns their paths (in order) or an error.
  absl::StatusOr<std::vector<std::string>> Write(
      const google::protobuf::RepeatedPtrField<cov::v1::LogFile>& files) {
    std::vector<std::string> out;
    if (files.empty()) return out;
    const char* tmp = std::getenv("TMPDIR");
    std::string templ =
        absl::StrCat(tmp && *tmp ? tmp : "/tmp", "/cov-scan-XXXXXX");
    if (mkdtemp(templ.data()) == nullptr) {
      return absl::UnavailableError("cannot create a temporary folder");
    }
    dir_ = templ;
    for (int i = 0; i < files.size(); ++i) {
      std::string path = absl::StrCat(dir_, "/", i);
      std::ofstream f(path, std::ios::binary);
      if (!(f << files[i].content())) {
        return absl::UnavailableError(
            absl::StrCat(files[i].name(), ": cannot write a temporary file"));
      }
      names_[path] = files[i].name().empty() ? absl::StrCat("<upload ", i, ">")
                                             : files[i].name();
      out.push_back(std::move(path));
    }
    return out;
  }
  // The name a user sees for `path`.
  std::string NameOf(const std::string& path) const {
    auto it = names_.find(path);
    return it == names_.end() ? path : it->second;
  }

 private:
  std::string dir_;
  std::map<std::string, std::string> names_;
};

cov::v1::ScanResponse ToResponse(const CompiledRuleSet& set,
                                 const ScanReport& report,
                                 const engine::KnowledgeBase* kb,
                                 const UploadDir& uploads) {
  cov::v1::ScanResponse out;
  out.set_files_scanned(report.files_scanned);
  out.set_bytes_scanned(static_cast<int64_t>(report.bytes_scanned));
  out.set_rules_compiled(static_cast<int>(set.by_key.size()));
  out.set_elapsed_ms(absl::ToDoubleMilliseconds(report.elapsed));
  for (const FileMatches& fm : report.matches) {
    cov::v1::FileMatch* m = out.add_matches();
    m->set_file(uploads.NameOf(fm.path));
    std::set<std::string> techniques;
    for (const RuleHit& h : fm.rules) {
      cov::v1::RuleRef* r = m->add_rules();
      r->set_uid(h.uid);
      r->set_title(h.title);
      techniques.insert(h.techniques.begin(), h.techniques.end());
    }
    for (const std::string& t : techniques) m->add_technique_ids(t);
  }
  for (const RuleProblem& p : set.not_compiled) {
    cov::v1::NotEvaluable* n = out.add_not_compiled();
    n->mutable_rule()->set_uid(p.uid);
    n->mutable_rule()->set_title(p.title);
    n->set_reason(p.ToString());
  }
  // Every technique the compiled rules claim, detected or not.
  std::map<std::string, std::pair<int, const TechniqueHit*>> claimed;
  for (const auto& [key, rule] : set.by_key) {
    for (const std::string& t : rule.techniques) ++claimed[t].first;
  }
  for (const TechniqueHit& h : report.techniques)
    claimed[h.technique].second = &h;
  for (const auto& [id, v] : claimed) {
    cov::v1::TechniqueVerdict* tv = out.add_techniques();
    tv->set_technique_id(id);
    if (kb != nullptr) {
      if (const cov::v1::Technique* t = kb->FindTechnique(id)) {
        tv->set_technique_name(t->name());
      }
    }
    tv->set_detected(v.second != nullptr);
    if (v.second != nullptr) {
      for (const std::string& uid : v.second->rule_uids) {
        tv->add_fired_rule_uids(uid);
      }
    }
    tv->set_evaluated_rules(v.first);
  }
  for (const SkippedFile& s : report.skipped) {
    const bool warn = s.code == absl::StatusCode::kResourceExhausted ||
                      s.code == absl::StatusCode::kDeadlineExceeded;
    const std::string name = uploads.NameOf(s.path);
    *out.add_diagnostics() =
        warn ? ingest::Warning(name, 0, 0, "scan-skipped", s.reason)
             : ingest::Error(name, 0, 0, "scan-unreadable", s.reason);
  }
  return out;
}

}  // namespace

ScanQueries::ScanQueries(kb::Models* models,
                         experiments::Experiments* experiments,
                         PathCheck check_path)
    : models_(models),
      experiments_(experiments),
      check_path_(std::move(check_path)) {}

absl::StatusOr<std::shared_ptr<const CompiledRuleSet>> ScanQueries::Compiled(
    const std::string& source) {
  absl::MutexLock lock(&mu_);
  store::Store* store = models_->store();
  const int64_t generation = store->RulesGeneration();
  Cached& c = sets_[source];
  if (c.set != nullptr && c.generation == generation) return c.set;
  absl::StatusOr<cov::v1::Source> s = store->GetSource(source);
  if (!s.ok()) {
    return absl::NotFoundError(
        absl::StrCat("rule source '", source, "' is not stored"));
  }
  std::vector<cov::v1::Rule> rules;
  absl::Status st = store->ForEachRule(source, [&](const cov::v1::Rule& r) {
    rules.push_back(r);
    return true;
  });
  if (!st.ok()) return st;
  absl::StatusOr<CompiledRuleSet> set = CompileRuleSet(rules);
  if (!set.ok()) {
    return absl::Status(
        set.status().code(),
        absl::StrCat("source '", source, "': ", set.status().message()));
  }
  c.generation = generation;
  c.set = std::make_shared<const CompiledRuleSet>(*std::move(set));
  return c.set;
}

absl::StatusOr<cov::v1::ScanResponse> ScanQueries::Scan(
    const cov::v1::ScanRequest& request) {
  if (request.source().empty()) {
    return absl::InvalidArgumentError("scan needs the YARA rule source");
  }
  if (request.paths().empty() && request.files().empty()) {
    return absl::InvalidArgumentError(
        "nothing to scan: give paths (read by the server) or files");
  }
  for (const std::string& p : request.paths()) {
    if (check_path_) {
      absl::Status st = check_path_(p);
      if (!st.ok()) return st;
    }
  }
  absl::StatusOr<std::shared_ptr<const CompiledRuleSet>> set =
      Compiled(request.source());
  if (!set.ok()) return set.status();
  UploadDir uploads;
  absl::StatusOr<std::vector<std::string>> uploaded =
      uploads.Write(request.files());
  if (!uploaded.ok()) return uploaded.status();
  std::vector<std::string> paths(request.paths().begin(),
                                 request.paths().end());
  paths.insert(paths.end(), uploaded->begin(), uploaded->end());
  ScanOptions options;
  if (request.max_file_bytes() > 0) {
    options.max_file_bytes = static_cast<uint64_t>(request.max_file_bytes());
  }
  if (request.timeout_seconds() > 0) {
    options.per_file_timeout = absl::Seconds(request.timeout_seconds());
  }
  absl::StatusOr<ScanReport> report = ScanPaths(**set, paths, options);
  if (!report.ok()) return report.status();
  absl::StatusOr<kb::ResolvedModels> models =
      models_->Resolve(request.release());
  const engine::KnowledgeBase* kb =
      models.ok() && models->kb != nullptr ? models->kb.get() : nullptr;
  cov::v1::ScanResponse out = ToResponse(**set, *report, kb, uploads);
  if (kb != nullptr) {
    out.mutable_release()->set_domain(kb->release().domain());
    out.mutable_release()->set_version(kb->release().version());
  }
  return out;
}

absl::StatusOr<cov::v1::ScanExperimentResponse> ScanQueries::ScanExperiment(
    const cov::v1::ScanExperimentRequest& request, int64_t now_unix) {
  cov::v1::GetExperimentRequest get;
  get.set_id(request.experiment_id());
  absl::StatusOr<cov::v1::Experiment> exp = experiments_->Get(get);
  if (!exp.ok()) return exp.status();
  absl::StatusOr<cov::v1::ScanResponse> scan = Scan(request.scan());
  if (!scan.ok()) return scan.status();
  std::vector<cov::v1::ExperimentResult> results;
  for (const cov::v1::PlanStep& step : exp->plan().steps()) {
    cov::v1::ExperimentResult r;
    r.set_technique_id(step.technique_id());
    std::set<std::string> uids;
    for (const cov::v1::TechniqueVerdict& v : scan->techniques()) {
      if (!v.detected() ||
          !engine::SameFamily(step.technique_id(), v.technique_id())) {
        continue;
      }
      uids.insert(v.fired_rule_uids().begin(), v.fired_rule_uids().end());
    }
    r.set_outcome(uids.empty() ? "missed" : "detected");
    for (const std::string& uid : uids) r.add_rule_uids(uid);
    r.set_note(absl::StrCat("scan of ", scan->files_scanned(), " files"));
    results.push_back(std::move(r));
  }
  absl::StatusOr<cov::v1::Experiment> updated = experiments_->AppendResults(
      request.experiment_id(), std::move(results), "scan", now_unix);
  if (!updated.ok()) return updated.status();
  cov::v1::ScanExperimentResponse out;
  *out.mutable_experiment() = *std::move(updated);
  *out.mutable_scan() = *std::move(scan);
  return out;
}

}  // namespace cov::server::scan
