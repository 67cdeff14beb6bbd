// Coverage RPCs (server/kb) and the content-only check and fix RPCs
// (server/rules, server/check).
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "server/check/fix_loop.h"
#include "server/kb/layer_export.h"
#include "server/kb/queries.h"
#include "server/rules/rule_requests.h"
#include "server/service/cached_reply.h"
#include "server/service/cov_service.h"
#include "server/service/reply.h"

namespace cov::server::service {

grpc::ServerUnaryReactor* CovService::GetCoverage(
    grpc::CallbackServerContext* ctx, const grpc::ByteBuffer* request,
    grpc::ByteBuffer* response) {
  auto s = Guard(ctx, "GetCoverage");
  if (!s.ok()) return Finish(ctx, s.status());
  return CachedReply<cov::v1::CoverageRequest>(
      ctx, *s, "GetCoverage", "", *request, response,
      [&](const cov::v1::CoverageRequest& r) {
        return kb::Coverage((*s)->backend->models, r);
      });
}

grpc::ServerUnaryReactor* CovService::GetGaps(grpc::CallbackServerContext* ctx,
                                              const grpc::ByteBuffer* request,
                                              grpc::ByteBuffer* response) {
  auto s = Guard(ctx, "GetGaps");
  if (!s.ok()) return Finish(ctx, s.status());
  return CachedReply<cov::v1::GapsRequest>(
      ctx, *s, "GetGaps", "", *request, response,
      [&](const cov::v1::GapsRequest& r) {
        return kb::Gaps((*s)->backend->models, r);
      });
}

grpc::ServerUnaryReactor* CovService::ExportLayer(
    grpc::CallbackServerContext* ctx, const grpc::ByteBuffer* request,
    grpc::ByteBuffer* response) {
  auto s = Guard(ctx, "ExportLayer");
  if (!s.ok()) return Finish(ctx, s.status());
  // Layers carry the minute they were made in: one cached answer per minute.
  const absl::Time now = absl::Now();
  return CachedReply<cov::v1::LayerRequest>(
      ctx, *s, "ExportLayer",
      absl::FormatTime("%Y-%m-%dT%H:%M", now, absl::UTCTimeZone()), *request,
      response, [&](const cov::v1::LayerRequest& r) {
        return kb::ExportLayer((*s)->backend->models, r, now);
      });
}

grpc::ServerUnaryReactor* CovService::InferProfile(
    grpc::CallbackServerContext* ctx,
    const cov::v1::InferProfileRequest* request,
    cov::v1::InferProfileResponse* response) {
  auto s = Guard(ctx, "InferProfile");
  if (!s.ok()) return Finish(ctx, s.status());
  return s->Reply(ctx, rules::InferProfile(*(*s)->store, *request), response);
}

grpc::ServerUnaryReactor* CovService::CheckRules(
    grpc::CallbackServerContext* ctx, const cov::v1::CheckRequest* request,
    cov::v1::CheckResponse* response) {
  auto s = Guard(ctx, "CheckRules");
  if (!s.ok()) return Finish(ctx, s.status());
  Backend& b = *(*s)->backend;
  return s->Reply(ctx, rules::Check(b.models, &b.parse_cache, *request),
                  response);
}

grpc::ServerUnaryReactor* CovService::FixRules(
    grpc::CallbackServerContext* ctx, const cov::v1::FixRequest* request,
    cov::v1::FixResponse* response) {
  auto s = Guard(ctx, "FixRules");
  if (!s.ok()) return Finish(ctx, s.status());
  return s->Reply(ctx, check::FixRules((*s)->backend->models, *request),
                  response);
}

}  // namespace cov::server::service
