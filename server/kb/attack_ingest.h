// Loads an ATT&CK bundle into the store: parse (ingest/attack), then one
// atomic PutRelease. On any error the store is unchanged.
#ifndef COV_SERVER_KB_ATTACK_INGEST_H_
#define COV_SERVER_KB_ATTACK_INGEST_H_

#include "absl/status/statusor.h"
#include "cov/v1/cov.pb.h"
#include "server/store/store.h"

namespace cov::server::kb {

// Ingests the bundle named (path) or carried (content) by `request`.
// Errors: kInvalidArgument for an unusable bundle (message names the file
// and the problem), kNotFound for an unreadable path, store errors as is.
// Thread-safe; concurrent ingests of the same release serialise in RocksDB
// (last writer wins, each one whole).
absl::StatusOr<cov::v1::IngestAttackResponse> IngestAttack(
    store::Store& store, const cov::v1::IngestAttackRequest& request);

// Hex SHA-256 of `bytes`.
std::string Sha256Hex(absl::string_view bytes);

}  // namespace cov::server::kb

#endif  // COV_SERVER_KB_ATTACK_INGEST_H_
