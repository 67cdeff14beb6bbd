// The scan RPCs' logic (cov scan, cov experiment scan): what a service
// handler calls, one function per RPC.
//
// - Scan: the stored rules of one YARA source compiled with libyara (once
//   per rule change: a compiled set is kept per source and rules
//   generation; rule_set.h), files and folders scanned (scanner.h), the
//   report mapped to cov.v1.ScanResponse with a verdict for every technique
//   the compiled rules claim.
// - ScanExperiment: the same, and each planned technique of the experiment
//   recorded_by "scan": "detected" when a rule that matched covers it or a
//   technique of its family (engine/technique_family.h), "missed" otherwise.
//
// Paths are checked with `check_path` (the server's ingest roots) before
// anything is opened; uploaded files are written to a private temporary
// folder, scanned, and removed. Errors: kInvalidArgument (no source, no
// files), kPermissionDenied (path outside the roots), kNotFound (unknown
// source or experiment, or a source without YARA rules). Thread-safe.
#ifndef COV_SERVER_SCAN_SCAN_QUERY_H_
#define COV_SERVER_SCAN_SCAN_QUERY_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "cov/v1/replay.pb.h"
#include "server/experiments/experiments.h"
#include "server/kb/models.h"
#include "server/scan/rule_set.h"

namespace cov::server::scan {

class ScanQueries {
 public:
  using PathCheck = std::function<absl::Status(absl::string_view path)>;

  // `models` and `experiments` must outlive this object.
  ScanQueries(kb::Models* models, experiments::Experiments* experiments,
              PathCheck check_path);

  absl::StatusOr<cov::v1::ScanResponse> Scan(
      const cov::v1::ScanRequest& request);

  absl::StatusOr<cov::v1::ScanExperimentResponse> ScanExperiment(
      const cov::v1::ScanExperimentRequest& request, int64_t now_unix);

 private:
  struct Cached {
    int64_t generation = -1;
    std::shared_ptr<const CompiledRuleSet> set;
  };
  absl::StatusOr<std::shared_ptr<const CompiledRuleSet>> Compiled(
      const std::string& source);

  kb::Models* models_;
  experiments::Experiments* experiments_;
  PathCheck check_path_;
  absl::Mutex mu_;
  absl::flat_hash_map<std::string, Cached> sets_ ABSL_GUARDED_BY(mu_);
};

}  // namespace cov::server::scan

#endif  // COV_SERVER_SCAN_SCAN_QUERY_H_
