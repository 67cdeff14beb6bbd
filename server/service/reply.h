// Finishing a unary callback call from an absl result: the last line of
// every handler of the service.
//
//   return Reply(ctx, kb::Coverage(models, *request), response);
//
// Internal to server/service.
#ifndef COV_SERVER_SERVICE_REPLY_H_
#define COV_SERVER_SERVICE_REPLY_H_

#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "grpcpp/server_context.h"
#include "grpcpp/support/server_callback.h"
#include "server/service/status_util.h"

namespace cov::server::service {

// Finishes the call with `status` (mapped by ToGrpcStatus).
inline grpc::ServerUnaryReactor* Finish(grpc::CallbackServerContext* ctx,
                                        const absl::Status& status) {
  grpc::ServerUnaryReactor* reactor = ctx->DefaultReactor();
  reactor->Finish(ToGrpcStatus(status));
  return reactor;
}

// Moves an OK `result` into `response`, then finishes with its status.
template <typename T, typename Response>
grpc::ServerUnaryReactor* Reply(grpc::CallbackServerContext* ctx,
                                absl::StatusOr<T> result, Response* response) {
  if (result.ok()) *response = *std::move(result);
  return Finish(ctx, result.status());
}

}  // namespace cov::server::service

#endif  // COV_SERVER_SERVICE_REPLY_H_
