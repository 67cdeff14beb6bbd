// absl::Status -> grpc::Status. absl codes equal google.rpc.Code values, so
// the mapping is the identity on codes; this is the one place it happens.
#ifndef COV_SERVER_SERVICE_STATUS_UTIL_H_
#define COV_SERVER_SERVICE_STATUS_UTIL_H_

#include <string>

#include "absl/status/status.h"
#include "grpcpp/support/status.h"

namespace cov::server::service {

inline grpc::Status ToGrpcStatus(const absl::Status& s) {
  if (s.ok()) return grpc::Status::OK;
  return grpc::Status(static_cast<grpc::StatusCode>(s.code()),
                      std::string(s.message()));
}

}  // namespace cov::server::service

#endif  // COV_SERVER_SERVICE_STATUS_UTIL_H_
