// Internal to the RocksDB store: the single conversion point from a
// rocksdb::Status to an absl::Status ("what: rocksdb's text"). NotFound ->
// kNotFound, Corruption -> kDataLoss, I/O, busy, timed out, try again ->
// kUnavailable, InvalidArgument -> kInvalidArgument, else kInternal.
#ifndef COV_SERVER_STORE_ROCKSDB_STATUS_H_
#define COV_SERVER_STORE_ROCKSDB_STATUS_H_

#include <string>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "rocksdb/status.h"

namespace cov::server::store {

inline absl::Status RocksToAbsl(const rocksdb::Status& s,
                                absl::string_view what) {
  if (s.ok()) return absl::OkStatus();
  std::string msg = absl::StrCat(what, ": ", s.ToString());
  if (s.IsNotFound()) return absl::NotFoundError(msg);
  if (s.IsCorruption()) return absl::DataLossError(msg);
  if (s.IsIOError() || s.IsBusy() || s.IsTimedOut() || s.IsTryAgain()) {
    return absl::UnavailableError(msg);
  }
  if (s.IsInvalidArgument()) return absl::InvalidArgumentError(msg);
  return absl::InternalError(msg);
}

}  // namespace cov::server::store

#endif  // COV_SERVER_STORE_ROCKSDB_STATUS_H_
