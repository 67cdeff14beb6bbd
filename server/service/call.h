// One RPC's hold on what it runs on: the Serving (store and backend) it
// started on, and for a write RPC the read cache's write fence, which must
// end before the client can see the answer. Handlers finish through it:
//
//   absl::StatusOr<Call> s = Guard(ctx, "IngestRules");
//   if (!s.ok()) return Finish(ctx, s.status());
//   return s->Reply(ctx, rules::Ingest((*s)->backend->models, ...), response);
//
// Internal to server/service.
#ifndef COV_SERVER_SERVICE_CALL_H_
#define COV_SERVER_SERVICE_CALL_H_

#include <memory>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "grpcpp/support/server_callback.h"
#include "server/service/live_store.h"
#include "server/service/read_cache.h"
#include "server/service/reply.h"

namespace cov::server::service {

class Call {
 public:
  // `fence` is empty for read RPCs.
  Call(std::shared_ptr<LiveStore::Serving> serving, ReadCache::WriteFence fence)
      : serving_(std::move(serving)), fence_(std::move(fence)) {}

  LiveStore::Serving* operator->() const { return serving_.get(); }
  LiveStore::Serving& operator*() const { return *serving_; }

  // Ends the write fence (answers cached during the write are dropped), then
  // finishes the call with `status`.
  grpc::ServerUnaryReactor* Finish(grpc::CallbackServerContext* ctx,
                                   const absl::Status& status) {
    fence_.End();
    return service::Finish(ctx, status);
  }

  // Moves an OK `result` into `response`, then Finish(its status).
  template <typename T, typename Response>
  grpc::ServerUnaryReactor* Reply(grpc::CallbackServerContext* ctx,
                                  absl::StatusOr<T> result,
                                  Response* response) {
    if (result.ok()) *response = *std::move(result);
    return Finish(ctx, result.status());
  }

 private:
  std::shared_ptr<LiveStore::Serving> serving_;
  ReadCache::WriteFence fence_;
};

}  // namespace cov::server::service

#endif  // COV_SERVER_SERVICE_CALL_H_
