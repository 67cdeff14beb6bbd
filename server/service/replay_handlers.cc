// Proven coverage RPCs: stored rules run on recorded attack telemetry
// (server/replay: Sigma on event logs; server/scan: YARA on files).
#include <utility>

#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "server/observability/log.h"
#include "server/service/cov_service.h"
#include "server/service/reply.h"

namespace cov::server::service {
namespace {

int64_t NowUnix() { return absl::ToUnixSeconds(absl::Now()); }

}  // namespace

grpc::ServerUnaryReactor* CovService::Replay(
    grpc::CallbackServerContext* ctx, const cov::v1::ReplayRequest* request,
    cov::v1::ReplayResponse* response) {
  auto s = Guard(ctx, "Replay");
  if (!s.ok()) return Finish(ctx, s.status());
  auto r = (*s)->backend->replay.Replay(*request);
  if (r.ok()) {
    observability::Log(
        "replay: %d events, %d files, %d rules, %d fired in "
        "%.0f ms",
        r->events(), r->files(), r->rules_evaluated(), r->matches_size(),
        r->elapsed_ms());
  }
  return s->Reply(ctx, std::move(r), response);
}

grpc::ServerUnaryReactor* CovService::ReplayExperiment(
    grpc::CallbackServerContext* ctx,
    const cov::v1::ReplayExperimentRequest* request,
    cov::v1::ReplayExperimentResponse* response) {
  auto s = Guard(ctx, "ReplayExperiment");
  if (!s.ok()) return Finish(ctx, s.status());
  return s->Reply(ctx,
                  (*s)->backend->replay.ReplayExperiment(*request, NowUnix()),
                  response);
}

grpc::ServerUnaryReactor* CovService::ReplayDatasets(
    grpc::CallbackServerContext* ctx,
    const cov::v1::ReplayDatasetsRequest* request,
    cov::v1::ReplayDatasetsResponse* response) {
  auto s = Guard(ctx, "ReplayDatasets");
  if (!s.ok()) return Finish(ctx, s.status());
  return s->Reply(
      ctx, (*s)->backend->replay.ReplayDatasets(*request, NowUnix()), response);
}

grpc::ServerUnaryReactor* CovService::Scan(grpc::CallbackServerContext* ctx,
                                           const cov::v1::ScanRequest* request,
                                           cov::v1::ScanResponse* response) {
  auto s = Guard(ctx, "Scan");
  if (!s.ok()) return Finish(ctx, s.status());
  return s->Reply(ctx, (*s)->backend->scan.Scan(*request), response);
}

grpc::ServerUnaryReactor* CovService::ScanExperiment(
    grpc::CallbackServerContext* ctx,
    const cov::v1::ScanExperimentRequest* request,
    cov::v1::ScanExperimentResponse* response) {
  auto s = Guard(ctx, "ScanExperiment");
  if (!s.ok()) return Finish(ctx, s.status());
  return s->Reply(ctx, (*s)->backend->scan.ScanExperiment(*request, NowUnix()),
                  response);
}

}  // namespace cov::server::service
