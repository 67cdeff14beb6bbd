// Validation experiments over one store: start one from a plan, record
// outcomes by hand or import alert files, read them back with evidence
// tiers refreshed. Every read-modify-write of an experiment record is
// serialised here, so two concurrent imports never lose a result.
//
//   experiments::Experiments exps(&models);
//   auto e = exps.Start(request, absl::ToUnixSeconds(absl::Now()));
//   auto imported = exps.ImportAlerts(import_request, now_unix);
//
// Errors: kInvalidArgument (no name, bad outcome, bad alert format),
// kNotFound (unknown experiment, technique or rule), kFailedPrecondition
// (no ATT&CK release stored), store errors. Thread-safe; `models` must
// outlive this object.
#ifndef COV_SERVER_EXPERIMENTS_EXPERIMENTS_H_
#define COV_SERVER_EXPERIMENTS_EXPERIMENTS_H_

#include <cstdint>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "cov/v1/cov.pb.h"
#include "server/kb/models.h"

namespace cov::server::experiments {

class Experiments {
 public:
  explicit Experiments(kb::Models* models) : models_(models) {}

  // A new experiment with the plan of request.plan(); started_at defaults
  // to `now_unix`.
  absl::StatusOr<cov::v1::Experiment> Start(
      const cov::v1::StartExperimentRequest& request, int64_t now_unix);

  // Appends one manual result (outcome detected, missed or partial; rules
  // given by uid are pinned to their current content hash).
  absl::StatusOr<cov::v1::Experiment> RecordResult(
      const cov::v1::RecordResultRequest& request, int64_t now_unix);

  // Maps an alert file (eve or jsonl) to results and appends them.
  absl::StatusOr<cov::v1::ImportAlertsResponse> ImportAlerts(
      const cov::v1::ImportAlertsRequest& request, int64_t now_unix);

  // The stored experiment with its plan's evidence tiers as of now.
  absl::StatusOr<cov::v1::Experiment> Get(
      const cov::v1::GetExperimentRequest& request);

  // Every experiment, summarised (id, name, window, plan subject).
  absl::StatusOr<cov::v1::ListExperimentsResponse> List();

  // Removes an experiment and its results (they stop counting as
  // validated evidence at once: the store bumps its evidence generation).
  // Answers it summarised as List does, with its result count. kNotFound
  // ("no experiment 'EXP-000009'") when absent.
  absl::StatusOr<cov::v1::DeleteExperimentResponse> Delete(
      const cov::v1::DeleteExperimentRequest& request);

  // Appends results computed elsewhere (replay of recorded logs, a YARA
  // scan): each result's rules are pinned to their current content hash,
  // recorded_at/recorded_by are set. Returns the experiment as Get does.
  // kNotFound for an unknown experiment or rule uid.
  absl::StatusOr<cov::v1::Experiment> AppendResults(
      absl::string_view experiment_id,
      std::vector<cov::v1::ExperimentResult> results,
      absl::string_view recorded_by, int64_t now_unix);

 private:
  kb::Models* models_;
  // Serialises read-modify-write of experiment records.
  absl::Mutex mu_;
};

}  // namespace cov::server::experiments

#endif  // COV_SERVER_EXPERIMENTS_EXPERIMENTS_H_
