// Loads an ATT&CK bundle into the store: parse (ingest/attack), then one
// atomic PutRelease. On any error the store is unchanged.
#ifndef COV_SERVER_KB_ATTACK_INGEST_H_
#define COV_SERVER_KB_ATTACK_INGEST_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "cov/v1/cov.pb.h"
#include "server/auth/path_policy.h"
#include "server/store/store.h"

namespace cov::server::kb {

// Ingests the bundle named (path) or carried (content) by `request`.
// Replacing a stored release of the same domain and version is reported:
// `replaced` holds the old release and the first diagnostic (INFO,
// attack-release-replaced, not counted in warning_count) reads
// "replaced ics-attack@18.1 (was STIX 2.0, 1,234 objects, from F; now STIX
// 2.1, 1,240 objects)" ("re-loaded ... from the same bundle" for equal bytes).
// Objects are the sum of the release's counts.
// Errors: kInvalidArgument for an unusable bundle (message names the file
// and the problem), kNotFound for an unreadable path, store errors as is.
// Thread-safe; concurrent ingests of the same release serialise in RocksDB
// (last writer wins, each one whole).
// A request.path() is read only when `check_path` allows it (covd
// --ingest_root: kPermissionDenied from the check as is) and, when the
// request carries expected_size/expected_mtime_unix_ns, only when the file
// has them (kFailedPrecondition otherwise: the client then uploads).
// `nice` > 0: the parse and the bundle's SHA-256 run on a thread of their
// own at that nice value (covd --ingest_nice; util::RunNiced).
absl::StatusOr<cov::v1::IngestAttackResponse> IngestAttack(
    store::Store& store, const cov::v1::IngestAttackRequest& request,
    const auth::PathCheck& check_path, int nice = 0);

// `n` with thousands separators: 1501 -> "1,501".
std::string WithThousands(int64_t n);

// Hex SHA-256 of `bytes`.
std::string Sha256Hex(absl::string_view bytes);

}  // namespace cov::server::kb

#endif  // COV_SERVER_KB_ATTACK_INGEST_H_
