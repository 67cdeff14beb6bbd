// The replay RPCs' logic (cov replay, cov experiment replay, cov experiment
// replay --dataset): what a service handler calls, one function per RPC.
//
// - Replay: stored Sigma rules (sources / profile of the request; compiled
//   once per rule change, sigma_set_cache.h) evaluated on the request's logs
//   (replay.h), answered per rule and per technique.
// - ReplayExperiment: the same on an experiment's logs; each planned
//   technique becomes a result recorded_by "replay": "detected" when a rule
//   that fired covers it or a technique of its family (a parent and its
//   sub-techniques: an attack on T1087.002 caught by a rule on T1087 is
//   detected, and the reverse), "missed" otherwise.
// - ReplayDatasets: OTRF Security-Datasets metadata files as ready-made
//   experiments: per dataset the planned (attack_mappings valid in the
//   release), detected and missed techniques and the rules that fired on the
//   dataset's Host files (looked up beside the metadata: the first parent
//   folder of the metadata file under which the link's relative path
//   exists).
//
// Paths named in requests are checked with `check_path` (the server's
// ingest roots) before anything is opened. Errors: kInvalidArgument (no
// logs, bad paths list), kPermissionDenied (path outside the roots),
// kFailedPrecondition (no ATT&CK release stored), kNotFound (experiment,
// source or release unknown). Thread-safe.
#ifndef COV_SERVER_REPLAY_REPLAY_QUERY_H_
#define COV_SERVER_REPLAY_REPLAY_QUERY_H_

#include <cstdint>
#include <functional>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "cov/v1/replay.pb.h"
#include "server/experiments/experiments.h"
#include "server/kb/models.h"
#include "server/replay/sigma_set_cache.h"

namespace cov::server::replay {

// OK when the server may read `path` (e.g. auth::PathPolicy::Check).
using PathCheck = std::function<absl::Status(absl::string_view path)>;

class ReplayQueries {
 public:
  // `models` and `experiments` must outlive this object.
  ReplayQueries(kb::Models* models, experiments::Experiments* experiments,
                PathCheck check_path);

  absl::StatusOr<cov::v1::ReplayResponse> Replay(
      const cov::v1::ReplayRequest& request);

  absl::StatusOr<cov::v1::ReplayExperimentResponse> ReplayExperiment(
      const cov::v1::ReplayExperimentRequest& request, int64_t now_unix);

  absl::StatusOr<cov::v1::ReplayDatasetsResponse> ReplayDatasets(
      const cov::v1::ReplayDatasetsRequest& request, int64_t now_unix);

 private:
  kb::Models* models_;
  experiments::Experiments* experiments_;
  PathCheck check_path_;
  SigmaSetCache sets_;
};

}  // namespace cov::server::replay

#endif  // COV_SERVER_REPLAY_REPLAY_QUERY_H_
