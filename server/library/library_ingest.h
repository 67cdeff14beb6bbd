// Ingests test procedures: Atomic Red Team atomics (atomics/T*/T*.yaml) or
// CTID adversary-emulation plans (YAML), as one named source, replacing what
// the source held before in one atomic store write. Files that do not parse
// become diagnostics; the rest is kept.
#ifndef COV_SERVER_LIBRARY_LIBRARY_INGEST_H_
#define COV_SERVER_LIBRARY_LIBRARY_INGEST_H_

#include "absl/status/statusor.h"
#include "cov/v1/emulation.pb.h"
#include "server/auth/path_policy.h"
#include "server/store/store.h"

namespace cov::server::library {

// request.path() is read only when `check_path` allows it (covd
// --ingest_root). Errors: kInvalidArgument (kind not "atomics"/"plans", bad
// source name), kPermissionDenied (from `check_path`), kNotFound (path),
// store errors.
absl::StatusOr<cov::v1::IngestLibraryResponse> IngestLibrary(
    store::Store& store, const cov::v1::IngestLibraryRequest& request,
    const auth::PathCheck& check_path);

}  // namespace cov::server::library

#endif  // COV_SERVER_LIBRARY_LIBRARY_INGEST_H_
