// Finishing a read RPC from the read cache (read_cache.h): the handler of a
// cached read takes the request as bytes, and the bytes are the key.
//
//   grpc::ServerUnaryReactor* CovService::GetGaps(
//       grpc::CallbackServerContext* ctx, const grpc::ByteBuffer* request,
//       grpc::ByteBuffer* response) {
//     auto s = Guard(ctx, "GetGaps");
//     if (!s.ok()) return Finish(ctx, s.status());
//     return CachedReply<cov::v1::GapsRequest>(
//         ctx, *s, "GetGaps", "", *request, response,
//         [&](const cov::v1::GapsRequest& r) {
//           return kb::Gaps((*s)->backend->models, r);
//         });
//   }
//
// On a hit the cached bytes are sent as they are (shared slices). On a miss
// the request is parsed (kInvalidArgument when it is not a `Request`),
// `compute` runs, and an OK answer is serialized into `response` and kept;
// errors are answered and never kept. `variant` is added to the key for
// answers that depend on more than the request (ExportLayer's minute).
//
// Internal to server/service.
#ifndef COV_SERVER_SERVICE_CACHED_REPLY_H_
#define COV_SERVER_SERVICE_CACHED_REPLY_H_

#include <string>
#include <type_traits>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "grpcpp/impl/codegen/proto_utils.h"
#include "grpcpp/support/byte_buffer.h"
#include "grpcpp/support/server_callback.h"
#include "server/service/call.h"
#include "server/service/read_cache.h"

namespace cov::server::service {

template <typename Request, typename Compute>
grpc::ServerUnaryReactor* CachedReply(grpc::CallbackServerContext* ctx,
                                      Call& call, absl::string_view method,
                                      absl::string_view variant,
                                      const grpc::ByteBuffer& request,
                                      grpc::ByteBuffer* response,
                                      Compute&& compute) {
  ReadCache& cache = call->backend->read_cache;
  const ReadCache::Ticket ticket = cache.Begin();
  std::vector<grpc::Slice> slices;
  if (!request.Dump(&slices).ok()) {
    return call.Finish(ctx, absl::InternalError("cannot read the request"));
  }
  std::string key = absl::StrCat(method, "\n", variant, "\n");
  const size_t body = key.size();
  for (const grpc::Slice& s : slices) {
    key.append(reinterpret_cast<const char*>(s.begin()), s.size());
  }
  if (auto hit = cache.Lookup(ticket, key)) {
    *response = *std::move(hit);
    return call.Finish(ctx, absl::OkStatus());
  }
  Request parsed;
  if (!parsed.ParseFromArray(key.data() + body,
                             static_cast<int>(key.size() - body))) {
    return call.Finish(
        ctx, absl::InvalidArgumentError(absl::StrCat(
                 "the request is not a valid ", Request().GetTypeName())));
  }
  auto answer = compute(static_cast<const Request&>(parsed));
  if (!answer.ok()) return call.Finish(ctx, answer.status());
  bool own_buffer = false;
  grpc::Status serialized = grpc::SerializationTraits<
      typename std::decay_t<decltype(*answer)>>::Serialize(*answer, response,
                                                           &own_buffer);
  if (!serialized.ok()) {
    return call.Finish(
        ctx, absl::InternalError(absl::StrCat("cannot serialize the answer: ",
                                              serialized.error_message())));
  }
  cache.Insert(ticket, key, *response);
  return call.Finish(ctx, absl::OkStatus());
}

}  // namespace cov::server::service

#endif  // COV_SERVER_SERVICE_CACHED_REPLY_H_
