// Removing an ATT&CK release (`cov releases rm`): resolves the request's
// references, deletes the release in one atomic store write
// (Store::DeleteRelease; default rules in server/store/release_deletion.h)
// and drops the models and rule indexes cached for it, so no later query is
// answered from the removed release.
//
//   cov::v1::DeleteReleaseRequest req;
//   req.mutable_release()->set_domain("enterprise-attack");
//   req.mutable_release()->set_version("17.1");
//   absl::StatusOr<cov::v1::DeleteReleaseResponse> r =
//       kb::DeleteRelease(models, req);
//
// Errors: kInvalidArgument when request.release() has no version ("name the
// release to remove as DOMAIN@VERSION"); kNotFound naming the stored
// releases for an unknown release or new default; kFailedPrecondition when
// the release is a default and no valid replacement is named; store errors.
// Thread-safe.
#ifndef COV_SERVER_KB_RELEASE_LIFECYCLE_H_
#define COV_SERVER_KB_RELEASE_LIFECYCLE_H_

#include "absl/status/statusor.h"
#include "cov/v1/cov.pb.h"
#include "server/kb/models.h"

namespace cov::server::kb {

absl::StatusOr<cov::v1::DeleteReleaseResponse> DeleteRelease(
    Models& models, const cov::v1::DeleteReleaseRequest& request);

}  // namespace cov::server::kb

#endif  // COV_SERVER_KB_RELEASE_LIFECYCLE_H_
