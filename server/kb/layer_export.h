// ExportLayer: coverage or gaps of a request's release and profile as an
// ATT&CK Navigator layer (JSON), CSV or the HTML matrix report.
//
//   absl::StatusOr<cov::v1::LayerResponse> r =
//       kb::ExportLayer(models, request, absl::Now());
//
// kind: "" or "coverage", "gaps"; format: "" or "json", "csv", "html" (html
// draws coverage only). kInvalidArgument otherwise; else Models::Prepare's
// errors. `now` is printed in the HTML report. Thread-safe.
#ifndef COV_SERVER_KB_LAYER_EXPORT_H_
#define COV_SERVER_KB_LAYER_EXPORT_H_

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "cov/v1/cov.pb.h"
#include "server/kb/models.h"

namespace cov::server::kb {

absl::StatusOr<cov::v1::LayerResponse> ExportLayer(
    Models& models, const cov::v1::LayerRequest& request, absl::Time now);

}  // namespace cov::server::kb

#endif  // COV_SERVER_KB_LAYER_EXPORT_H_
