#include "server/experiments/experiments.h"

#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "server/engine/alert_match.h"
#include "server/kb/queries.h"

namespace cov::server::experiments {

absl::StatusOr<cov::v1::Experiment> Experiments::Start(
    const cov::v1::StartExperimentRequest& request, int64_t now_unix) {
  if (request.name().empty()) {
    return absl::InvalidArgumentError("an experiment needs a name");
  }
  absl::StatusOr<cov::v1::PlanResponse> plan =
      kb::Plan(*models_, request.plan());
  if (!plan.ok()) return plan.status();
  store::Store* store = models_->store();
  absl::StatusOr<std::string> id = store->NextExperimentId();
  if (!id.ok()) return id.status();
  cov::v1::Experiment e;
  e.set_id(*id);
  e.set_name(request.name());
  e.set_started_at_unix(
      request.started_at_unix() > 0 ? request.started_at_unix() : now_unix);
  e.set_ended_at_unix(request.ended_at_unix());
  *e.mutable_plan() = *std::move(plan);
  *e.mutable_plan_request() = request.plan();
  absl::Status st = store->PutExperiment(e);
  if (!st.ok()) return st;
  return e;
}

absl::StatusOr<cov::v1::Experiment> Experiments::RecordResult(
    const cov::v1::RecordResultRequest& request, int64_t now_unix) {
  const cov::v1::ExperimentResult& in = request.result();
  if (in.outcome() != "detected" && in.outcome() != "missed" &&
      in.outcome() != "partial") {
    return absl::InvalidArgumentError(
        absl::StrCat("outcome must be detected, missed or partial, not '",
                     in.outcome(), "'"));
  }
  auto qc = models_->Prepare(cov::v1::ReleaseRef(), cov::v1::CoverageOptions());
  if (!qc.ok()) return qc.status();
  const cov::v1::Technique* t = qc->kb->FindTechnique(in.technique_id());
  if (t == nullptr) {
    return absl::NotFoundError(absl::StrCat("technique ", in.technique_id(),
                                            " is not in ATT&CK ",
                                            qc->kb->release_key()));
  }
  cov::v1::ExperimentResult result = in;
  result.set_technique_id(t->id());
  result.clear_rule_hashes();
  for (const auto& uid : in.rule_uids()) {
    int idx = qc->rules->FindUid(uid);
    if (idx < 0) {
      return absl::NotFoundError(
          absl::StrCat("rule ", uid, " is not in the store"));
    }
    result.add_rule_hashes(qc->rules->rules()[idx].content_hash);
  }
  result.set_recorded_at_unix(now_unix);
  result.set_recorded_by("manual");
  absl::MutexLock lock(&mu_);
  store::Store* store = models_->store();
  absl::StatusOr<cov::v1::Experiment> e =
      store->GetExperiment(request.experiment_id());
  if (!e.ok()) return e.status();
  *e->add_results() = std::move(result);
  absl::Status st = store->PutExperiment(*e);
  if (!st.ok()) return st;
  return e;
}

absl::StatusOr<cov::v1::ImportAlertsResponse> Experiments::ImportAlerts(
    const cov::v1::ImportAlertsRequest& request, int64_t now_unix) {
  auto qc = models_->Prepare(cov::v1::ReleaseRef(), cov::v1::CoverageOptions());
  if (!qc.ok()) return qc.status();
  absl::MutexLock lock(&mu_);
  store::Store* store = models_->store();
  absl::StatusOr<cov::v1::Experiment> e =
      store->GetExperiment(request.experiment_id());
  if (!e.ok()) return e.status();
  auto imported = engine::MatchAlerts(
      *e, *qc->rules, request.format(), request.content(),
      request.file_name().empty() ? "<alerts>" : request.file_name(), now_unix);
  if (!imported.ok()) return imported.status();
  for (const auto& r : imported->response.results()) *e->add_results() = r;
  absl::Status st = store->PutExperiment(*e);
  if (!st.ok()) return st;
  return std::move(imported->response);
}

absl::StatusOr<cov::v1::Experiment> Experiments::Get(
    const cov::v1::GetExperimentRequest& request) {
  absl::StatusOr<cov::v1::Experiment> e =
      models_->store()->GetExperiment(request.id());
  if (!e.ok()) return e.status();
  // Refresh the plan's evidence tiers to the current state (left as
  // stored when no release is loaded any more).
  auto qc = models_->Prepare(cov::v1::ReleaseRef(), cov::v1::CoverageOptions());
  if (qc.ok()) {
    for (auto& step : *e->mutable_plan()->mutable_steps()) {
      bool claimed = !qc->rules->RulesFor(step.technique_id()).empty();
      step.set_evidence(
          qc->evidence->Tier(step.technique_id(), claimed, *qc->rules));
    }
  }
  return e;
}

absl::StatusOr<cov::v1::ListExperimentsResponse> Experiments::List() {
  cov::v1::ListExperimentsResponse response;
  absl::Status st =
      models_->store()->ForEachExperiment([&](const cov::v1::Experiment& e) {
        cov::v1::Experiment* out = response.add_experiments();
        out->set_id(e.id());
        out->set_name(e.name());
        out->set_started_at_unix(e.started_at_unix());
        out->set_ended_at_unix(e.ended_at_unix());
        out->mutable_plan()->set_subject(e.plan().subject());
        return true;
      });
  if (!st.ok()) return st;
  return response;
}

absl::StatusOr<cov::v1::DeleteExperimentResponse> Experiments::Delete(
    const cov::v1::DeleteExperimentRequest& request) {
  // Serialised with appends: a concurrent import cannot write the record
  // back after it is gone.
  absl::MutexLock lock(&mu_);
  absl::StatusOr<cov::v1::Experiment> e =
      models_->store()->DeleteExperiment(request.id());
  if (!e.ok()) return e.status();
  cov::v1::DeleteExperimentResponse response;
  cov::v1::Experiment* out = response.mutable_experiment();
  out->set_id(e->id());
  out->set_name(e->name());
  out->set_started_at_unix(e->started_at_unix());
  out->set_ended_at_unix(e->ended_at_unix());
  out->mutable_plan()->set_subject(e->plan().subject());
  response.set_result_count(e->results_size());
  return response;
}

absl::StatusOr<cov::v1::Experiment> Experiments::AppendResults(
    absl::string_view experiment_id,
    std::vector<cov::v1::ExperimentResult> results,
    absl::string_view recorded_by, int64_t now_unix) {
  auto qc = models_->Prepare(cov::v1::ReleaseRef(), cov::v1::CoverageOptions());
  if (!qc.ok()) return qc.status();
  for (cov::v1::ExperimentResult& r : results) {
    r.clear_rule_hashes();
    for (const std::string& uid : r.rule_uids()) {
      int idx = qc->rules->FindUid(uid);
      if (idx < 0) {
        return absl::NotFoundError(
            absl::StrCat("rule ", uid, " is not in the store"));
      }
      r.add_rule_hashes(qc->rules->rules()[idx].content_hash);
    }
    r.set_recorded_at_unix(now_unix);
    r.set_recorded_by(std::string(recorded_by));
  }
  {
    absl::MutexLock lock(&mu_);
    store::Store* store = models_->store();
    absl::StatusOr<cov::v1::Experiment> e =
        store->GetExperiment(std::string(experiment_id));
    if (!e.ok()) return e.status();
    for (cov::v1::ExperimentResult& r : results) {
      *e->add_results() = std::move(r);
    }
    absl::Status st = store->PutExperiment(*e);
    if (!st.ok()) return st;
  }
  cov::v1::GetExperimentRequest get;
  get.set_id(std::string(experiment_id));
  return Get(get);
}

}  // namespace cov::server::experiments
