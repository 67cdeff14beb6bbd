// Coverage RPCs (server/kb) and the content-only check and fix RPCs
// (server/rules, server/check).
#include "absl/time/clock.h"
#include "server/check/fix_loop.h"
#include "server/kb/layer_export.h"
#include "server/kb/queries.h"
#include "server/rules/rule_requests.h"
#include "server/service/cov_service.h"
#include "server/service/reply.h"

namespace cov::server::service {

grpc::ServerUnaryReactor* CovService::GetCoverage(
    grpc::CallbackServerContext* ctx, const cov::v1::CoverageRequest* request,
    cov::v1::CoverageResponse* response) {
  auto s = Guard(ctx, "GetCoverage");
  if (!s.ok()) return Finish(ctx, s.status());
  return Reply(ctx, kb::Coverage((*s)->backend->models, *request), response);
}

grpc::ServerUnaryReactor* CovService::GetGaps(
    grpc::CallbackServerContext* ctx, const cov::v1::GapsRequest* request,
    cov::v1::GapsResponse* response) {
  auto s = Guard(ctx, "GetGaps");
  if (!s.ok()) return Finish(ctx, s.status());
  return Reply(ctx, kb::Gaps((*s)->backend->models, *request), response);
}

grpc::ServerUnaryReactor* CovService::ExportLayer(
    grpc::CallbackServerContext* ctx, const cov::v1::LayerRequest* request,
    cov::v1::LayerResponse* response) {
  auto s = Guard(ctx, "ExportLayer");
  if (!s.ok()) return Finish(ctx, s.status());
  return Reply(ctx,
               kb::ExportLayer((*s)->backend->models, *request, absl::Now()),
               response);
}

grpc::ServerUnaryReactor* CovService::InferProfile(
    grpc::CallbackServerContext* ctx,
    const cov::v1::InferProfileRequest* request,
    cov::v1::InferProfileResponse* response) {
  auto s = Guard(ctx, "InferProfile");
  if (!s.ok()) return Finish(ctx, s.status());
  return Reply(ctx, rules::InferProfile(*(*s)->store, *request), response);
}

grpc::ServerUnaryReactor* CovService::CheckRules(
    grpc::CallbackServerContext* ctx, const cov::v1::CheckRequest* request,
    cov::v1::CheckResponse* response) {
  auto s = Guard(ctx, "CheckRules");
  if (!s.ok()) return Finish(ctx, s.status());
  Backend& b = *(*s)->backend;
  return Reply(ctx, rules::Check(b.models, &b.parse_cache, *request), response);
}

grpc::ServerUnaryReactor* CovService::FixRules(
    grpc::CallbackServerContext* ctx, const cov::v1::FixRequest* request,
    cov::v1::FixResponse* response) {
  auto s = Guard(ctx, "FixRules");
  if (!s.ok()) return Finish(ctx, s.status());
  return Reply(ctx, check::FixRules((*s)->backend->models, *request), response);
}

}  // namespace cov::server::service
