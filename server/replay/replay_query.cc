#include "server/replay/replay_query.h"

#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <set>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "ingest/base/diagnostics.h"
#include "ingest/base/file_walk.h"
#include "ingest/datasets/dataset_metadata.h"
#include "server/engine/technique_family.h"
#include "server/replay/replay.h"
#include "server/replay/traces.h"

namespace cov::server::replay {
namespace {

namespace fs = std::filesystem;
using engine::SameFamily;

// What a request resolved to: the release models and the compiled rules.
struct Prepared {
  kb::QueryContext qc;
  std::shared_ptr<const engine::sigma_eval::RuleSet> set;
};

ReplayConfig ConfigOf(const cov::v1::ReplayInput& input) {
  ReplayConfig config;
  if (input.max_examples() > 0) config.max_examples = input.max_examples();
  return config;
}

std::vector<LogBlob> BlobsOf(const cov::v1::ReplayInput& input) {
  std::vector<LogBlob> blobs;
  for (const cov::v1::LogFile& f : input.files()) {
    blobs.push_back({f.name().empty() ? "<upload>" : f.name(), f.content()});
  }
  return blobs;
}

absl::StatusOr<std::string> ReadSmallFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat(path, ": cannot open"));
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Techniques of `planned` detected by the rules that fired.
std::set<std::string> Detected(const std::vector<std::string>& planned,
                               const cov::v1::ReplayResponse& replay) {
  std::set<std::string> out;
  for (const cov::v1::RuleMatch& m : replay.matches()) {
    for (const std::string& covered : m.technique_ids()) {
      for (const std::string& p : planned) {
        if (SameFamily(p, covered)) out.insert(p);
      }
    }
  }
  return out;
}

// Uids of fired rules covering a technique of `planned`'s family.
std::vector<std::string> FiredFor(absl::string_view planned,
                                  const cov::v1::ReplayResponse& replay) {
  std::vector<std::string> uids;
  for (const cov::v1::RuleMatch& m : replay.matches()) {
    for (const std::string& covered : m.technique_ids()) {
      if (SameFamily(planned, covered)) {
        uids.push_back(m.rule().uid());
        break;
      }
    }
  }
  return uids;
}

// The folder under which `relative` exists, searching up from `meta`.
std::string FindRoot(const fs::path& meta, const std::string& relative) {
  for (fs::path p = meta.parent_path(); !p.empty(); p = p.parent_path()) {
    std::error_code ec;
    if (fs::exists(p / relative, ec)) return p.string();
    if (p == p.root_path()) break;
  }
  return "";
}

}  // namespace

ReplayQueries::ReplayQueries(kb::Models* models,
                             experiments::Experiments* experiments,
                             PathCheck check_path)
    : models_(models),
      experiments_(experiments),
      check_path_(std::move(check_path)),
      sets_(models->store()) {}

namespace {

absl::StatusOr<Prepared> Prepare(kb::Models* models, SigmaSetCache* sets,
                                 const cov::v1::ReleaseRef& release,
                                 const cov::v1::ReplayInput& input) {
  absl::StatusOr<kb::QueryContext> qc =
      models->Prepare(release, input.options());
  if (!qc.ok()) return qc.status();
  RuleSelection sel;
  if (input.sources_size() > 0) {
    sel.sources.assign(input.sources().begin(), input.sources().end());
  } else {
    sel.sources.assign(qc->query.profile.sources.begin(),
                       qc->query.profile.sources.end());
  }
  sel.min_status = qc->query.profile.min_status;
  sel.min_level = qc->query.profile.min_level;
  sel.include_disabled = input.options().include_disabled();
  absl::StatusOr<std::shared_ptr<const engine::sigma_eval::RuleSet>> set =
      sets->Get(sel);
  if (!set.ok()) return set.status();
  return Prepared{*std::move(qc), *std::move(set)};
}

cov::v1::ReleaseRef ReleaseRefOf(const engine::KnowledgeBase& kb) {
  cov::v1::ReleaseRef ref;
  ref.set_domain(kb.release().domain());
  ref.set_version(kb.release().version());
  return ref;
}

absl::Status CheckPaths(
    const PathCheck& check,
    const google::protobuf::RepeatedPtrField<std::string>& paths) {
  for (const std::string& p : paths) {
    if (p.empty()) return absl::InvalidArgumentError("empty log path");
    if (check) {
      absl::Status st = check(p);
      if (!st.ok()) return st;
    }
  }
  return absl::OkStatus();
}

// Some logs to replay, and every server-side path allowed.
absl::Status CheckInput(const PathCheck& check,
                        const cov::v1::ReplayInput& input) {
  if (input.paths_size() == 0 && input.files_size() == 0) {
    return absl::InvalidArgumentError(
        "no logs to replay: give paths (read by the server) or files");
  }
  return CheckPaths(check, input.paths());
}

cov::v1::ReplayResponse Run(const Prepared& p,
                            const std::vector<std::string>& paths,
                            const cov::v1::ReplayInput& input,
                            ReplayConfig config) {
  ReplayResult r = RunReplay(*p.set, paths, BlobsOf(input), config);
  cov::v1::ReplayResponse out = ToResponse(*p.set, r, *p.qc.kb, p.qc.others);
  *out.mutable_release() = ReleaseRefOf(*p.qc.kb);
  return out;
}

// One TraceBuilder per planned technique, fed by every event of a replay
// (through taps that forward to them).
class PlannedTraces {
 public:
  PlannedTraces(const engine::KnowledgeBase& kb,
                const cov::v1::PlanResponse& plan) {
    for (const cov::v1::PlanStep& step : plan.steps()) {
      absl::StatusOr<std::vector<std::string>> dcs =
          TechniqueComponents(kb, step.technique_id());
      if (!dcs.ok()) continue;
      builders_[step.technique_id()] =
          std::make_unique<TraceBuilder>(SelectCategories(*dcs));
    }
  }

  std::unique_ptr<ingest::events::EventSink> Tap() {
    return std::make_unique<Forward>(this);
  }

  // The traces of `step`'s technique as the RPC reports them.
  void Report(const cov::v1::PlanStep& step, cov::v1::TechniqueTraces* out) {
    out->set_technique_id(step.technique_id());
    out->set_technique_name(step.technique_name());
    auto it = builders_.find(step.technique_id());
    if (it == builders_.end()) return;
    Traces t = it->second->Finish();
    for (const std::string& c : t.components) out->add_data_components(c);
    for (const CategoryTraces& c : t.categories) {
      cov::v1::TraceGroup* g = out->add_groups();
      g->set_category(c.category);
      g->set_data_component(absl::StrJoin(c.components, ", "));
      g->set_events(c.events);
      for (const FieldSummary& f : c.fields) {
        cov::v1::TraceField* tf = g->add_fields();
        tf->set_field(f.field);
        tf->set_distinct(f.distinct_values);
        for (const ValueCount& v : f.top) {
          cov::v1::TraceValue* tv = tf->add_top_values();
          tv->set_value(v.value);
          tv->set_count(v.count);
        }
      }
    }
  }

 private:
  class Forward : public ingest::events::EventSink {
   public:
    explicit Forward(PlannedTraces* owner) : owner_(owner) {}
    void OnEvent(const ingest::events::Event& e) override {
      for (auto& [id, b] : owner_->builders_) b->Add(e);
    }
    void OnDiagnostic(const cov::v1::Diagnostic&) override {}

   private:
    PlannedTraces* owner_;
  };
  std::map<std::string, std::unique_ptr<TraceBuilder>> builders_;
};

}  // namespace

absl::StatusOr<cov::v1::ReplayResponse> ReplayQueries::Replay(
    const cov::v1::ReplayRequest& request) {
  const cov::v1::ReplayInput& input = request.input();
  if (absl::Status st = CheckInput(check_path_, input); !st.ok()) return st;
  absl::StatusOr<Prepared> p =
      Prepare(models_, &sets_, request.release(), input);
  if (!p.ok()) return p.status();
  return Run(*p, {input.paths().begin(), input.paths().end()}, input,
             ConfigOf(input));
}

absl::StatusOr<cov::v1::ReplayExperimentResponse>
ReplayQueries::ReplayExperiment(const cov::v1::ReplayExperimentRequest& request,
                                int64_t now_unix) {
  const cov::v1::ReplayInput& input = request.input();
  if (absl::Status st = CheckInput(check_path_, input); !st.ok()) return st;
  cov::v1::GetExperimentRequest get;
  get.set_id(request.experiment_id());
  absl::StatusOr<cov::v1::Experiment> exp = experiments_->Get(get);
  if (!exp.ok()) return exp.status();
  absl::StatusOr<Prepared> p =
      Prepare(models_, &sets_, cov::v1::ReleaseRef(), input);
  if (!p.ok()) return p.status();

  // Traces are gathered for every planned technique in the same pass (one
  // reading thread, so one set of builders sees every event) and reported
  // for the missed ones.
  PlannedTraces traces(*p->qc.kb, exp->plan());
  ReplayConfig config = ConfigOf(input);
  config.threads = 1;
  config.make_tap = [&traces] { return traces.Tap(); };
  cov::v1::ReplayExperimentResponse out;
  *out.mutable_replay() =
      Run(*p, {input.paths().begin(), input.paths().end()}, input, config);
  std::vector<cov::v1::ExperimentResult> results;
  for (const cov::v1::PlanStep& step : exp->plan().steps()) {
    cov::v1::ExperimentResult r;
    r.set_technique_id(step.technique_id());
    std::vector<std::string> fired =
        FiredFor(step.technique_id(), out.replay());
    r.set_outcome(fired.empty() ? "missed" : "detected");
    for (const std::string& uid : fired) r.add_rule_uids(uid);
    r.set_note(absl::StrCat("replay of ", out.replay().events(), " events in ",
                            out.replay().files(), " files"));
    results.push_back(std::move(r));
    if (fired.empty()) traces.Report(step, out.add_missed());
  }
  absl::StatusOr<cov::v1::Experiment> updated = experiments_->AppendResults(
      request.experiment_id(), std::move(results), "replay", now_unix);
  if (!updated.ok()) return updated.status();
  *out.mutable_experiment() = *std::move(updated);
  return out;
}

absl::StatusOr<cov::v1::ReplayDatasetsResponse> ReplayQueries::ReplayDatasets(
    const cov::v1::ReplayDatasetsRequest& request, int64_t now_unix) {
  if (request.paths_size() == 0) {
    return absl::InvalidArgumentError(
        "no dataset metadata: give metadata files or folders");
  }
  absl::Status st = CheckPaths(check_path_, request.paths());
  if (!st.ok()) return st;
  absl::StatusOr<Prepared> p =
      Prepare(models_, &sets_, request.release(), request.input());
  if (!p.ok()) return p.status();

  cov::v1::ReplayDatasetsResponse out;
  *out.mutable_release() = ReleaseRefOf(*p->qc.kb);
  out.set_rules_evaluated(p->set->size());
  for (const auto& n : p->set->not_evaluable()) {
    cov::v1::NotEvaluable* ne = out.add_not_evaluable();
    ne->mutable_rule()->set_uid(n.uid);
    ne->mutable_rule()->set_title(n.title);
    ne->set_reason(n.reason);
  }
  double elapsed = 0;
  for (const std::string& root : request.paths()) {
    absl::StatusOr<std::vector<ingest::WalkedFile>> metas =
        ingest::WalkFiles(root, [](absl::string_view rel) {
          return absl::EndsWith(rel, ".yaml") || absl::EndsWith(rel, ".yml");
        });
    if (!metas.ok()) return metas.status();
    for (const ingest::WalkedFile& meta : *metas) {
      cov::v1::DatasetResult* d = out.add_datasets();
      std::vector<cov::v1::Diagnostic> diags;
      absl::StatusOr<std::string> bytes = ReadSmallFile(meta.full);
      absl::StatusOr<ingest::datasets::DatasetMetadata> m =
          bytes.ok() ? ingest::datasets::ParseDatasetMetadata(meta.full, *bytes,
                                                              &diags)
                     : absl::StatusOr<ingest::datasets::DatasetMetadata>(
                           bytes.status());
      for (auto& diag : diags) *d->add_diagnostics() = diag;
      if (!m.ok()) {
        d->set_id(meta.rel);
        if (diags.empty()) {
          *d->add_diagnostics() = ingest::Error(
              meta.full, 0, 0, "dataset-unreadable", m.status().message());
        }
        continue;
      }
      d->set_id(m->id);
      d->set_title(m->title);
      std::vector<std::string> planned;
      for (const std::string& t : m->techniques) {
        if (p->qc.kb->FindTechnique(t) != nullptr) {
          planned.push_back(t);
        } else {
          *d->add_diagnostics() = ingest::Warning(
              meta.full, 0, 0, "dataset-unknown-technique",
              absl::StrCat("technique ", t, " is not in ATT&CK ",
                           p->qc.kb->release_key(), "; not planned"));
        }
      }
      std::vector<std::string> logs;
      for (const ingest::datasets::DatasetFile& f : m->files) {
        if (!f.is_host) continue;
        std::string base = FindRoot(meta.full, f.relative_path);
        if (base.empty()) {
          *d->add_diagnostics() = ingest::Warning(
              meta.full, 0, 0, "dataset-file-missing",
              absl::StrCat("host file ", f.relative_path,
                           " not found above the metadata folder"));
          continue;
        }
        logs.push_back((fs::path(base) / f.relative_path).string());
      }
      cov::v1::ReplayResponse r =
          Run(*p, logs, request.input(), ConfigOf(request.input()));
      elapsed += r.elapsed_ms();
      d->set_events(r.events());
      std::set<std::string> detected = Detected(planned, r);
      for (const std::string& t : planned) {
        d->add_planned(t);
        if (detected.count(t)) {
          d->add_detected(t);
        } else {
          d->add_missed(t);
        }
      }
      for (cov::v1::RuleMatch& rm : *r.mutable_matches()) {
        rm.clear_examples();
        *d->add_rules_fired() = std::move(rm);
      }
      for (auto& diag : *r.mutable_diagnostics()) *d->add_diagnostics() = diag;
      if (request.record_experiments()) {
        cov::v1::StartExperimentRequest start;
        start.set_name(m->id);
        for (const std::string& t : planned) {
          start.mutable_plan()->mutable_techniques()->add_ids(t);
        }
        absl::StatusOr<cov::v1::Experiment> e =
            experiments_->Start(start, now_unix);
        if (!e.ok()) return e.status();
        std::vector<cov::v1::ExperimentResult> results;
        for (const std::string& t : planned) {
          cov::v1::ExperimentResult res;
          res.set_technique_id(t);
          std::vector<std::string> fired = FiredFor(t, r);
          res.set_outcome(fired.empty() ? "missed" : "detected");
          for (const std::string& uid : fired) res.add_rule_uids(uid);
          res.set_note(
              absl::StrCat("dataset ", m->id, ": ", r.events(), " events"));
          results.push_back(std::move(res));
        }
        absl::StatusOr<cov::v1::Experiment> updated =
            experiments_->AppendResults(e->id(), std::move(results), "replay",
                                        now_unix);
        if (!updated.ok()) return updated.status();
        d->set_experiment_id(e->id());
      }
    }
  }
  out.set_elapsed_ms(elapsed);
  return out;
}

}  // namespace cov::server::replay
