// Emulation RPCs: test libraries and plans (server/library, server/kb) and
// validation experiments (server/experiments).
#include <utility>

#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "server/export/plan_render.h"
#include "server/kb/queries.h"
#include "server/library/library_ingest.h"
#include "server/observability/log.h"
#include "server/service/cached_reply.h"
#include "server/service/cov_service.h"
#include "server/service/reply.h"

namespace cov::server::service {
namespace {

int64_t NowUnix() { return absl::ToUnixSeconds(absl::Now()); }

}  // namespace

grpc::ServerUnaryReactor* CovService::IngestLibrary(
    grpc::CallbackServerContext* ctx,
    const cov::v1::IngestLibraryRequest* request,
    cov::v1::IngestLibraryResponse* response) {
  auto s = Guard(ctx, "IngestLibrary");
  if (!s.ok()) return Finish(ctx, s.status());
  auto r =
      library::IngestLibrary(*(*s)->store, *request, (*s)->backend->check_path);
  if (r.ok()) {
    observability::Log(
        "ingest %s %s -> source %s: %d files, %d tests, %d plans, %d "
        "techniques, %d diagnostics in %.0f ms",
        request->kind(), request->path(), r->source(), r->files(), r->tests(),
        r->plans(), r->techniques(), r->diagnostics_size(), r->elapsed_ms());
  }
  return s->Reply(ctx, std::move(r), response);
}

grpc::ServerUnaryReactor* CovService::GetPlan(grpc::CallbackServerContext* ctx,
                                              const grpc::ByteBuffer* request,
                                              grpc::ByteBuffer* response) {
  auto s = Guard(ctx, "GetPlan");
  if (!s.ok()) return Finish(ctx, s.status());
  return CachedReply<cov::v1::PlanRequest>(
      ctx, *s, "GetPlan", "", *request, response,
      [&](const cov::v1::PlanRequest& r) {
        auto plan = kb::Plan((*s)->backend->models, r);
        if (plan.ok()) {
          absl::Status rendered = exporter::RenderPlan(r.format(), &*plan);
          if (!rendered.ok()) plan = rendered;
        }
        return plan;
      });
}

grpc::ServerUnaryReactor* CovService::StartExperiment(
    grpc::CallbackServerContext* ctx,
    const cov::v1::StartExperimentRequest* request,
    cov::v1::Experiment* response) {
  auto s = Guard(ctx, "StartExperiment");
  if (!s.ok()) return Finish(ctx, s.status());
  return s->Reply(ctx, (*s)->backend->experiments.Start(*request, NowUnix()),
                  response);
}

grpc::ServerUnaryReactor* CovService::RecordResult(
    grpc::CallbackServerContext* ctx,
    const cov::v1::RecordResultRequest* request,
    cov::v1::Experiment* response) {
  auto s = Guard(ctx, "RecordResult");
  if (!s.ok()) return Finish(ctx, s.status());
  return s->Reply(ctx,
                  (*s)->backend->experiments.RecordResult(*request, NowUnix()),
                  response);
}

grpc::ServerUnaryReactor* CovService::ImportAlerts(
    grpc::CallbackServerContext* ctx,
    const cov::v1::ImportAlertsRequest* request,
    cov::v1::ImportAlertsResponse* response) {
  auto s = Guard(ctx, "ImportAlerts");
  if (!s.ok()) return Finish(ctx, s.status());
  auto r = (*s)->backend->experiments.ImportAlerts(*request, NowUnix());
  if (r.ok()) {
    observability::Log(
        "import %s into %s: %d alerts, %d matched, %d malformed, %d results",
        request->format(), request->experiment_id(), r->alerts(), r->matched(),
        r->malformed(), r->results_size());
  }
  return s->Reply(ctx, std::move(r), response);
}

grpc::ServerUnaryReactor* CovService::GetExperiment(
    grpc::CallbackServerContext* ctx, const grpc::ByteBuffer* request,
    grpc::ByteBuffer* response) {
  auto s = Guard(ctx, "GetExperiment");
  if (!s.ok()) return Finish(ctx, s.status());
  return CachedReply<cov::v1::GetExperimentRequest>(
      ctx, *s, "GetExperiment", "", *request, response,
      [&](const cov::v1::GetExperimentRequest& r) {
        return (*s)->backend->experiments.Get(r);
      });
}

grpc::ServerUnaryReactor* CovService::DeleteExperiment(
    grpc::CallbackServerContext* ctx,
    const cov::v1::DeleteExperimentRequest* request,
    cov::v1::DeleteExperimentResponse* response) {
  auto s = Guard(ctx, "DeleteExperiment");
  if (!s.ok()) return Finish(ctx, s.status());
  return s->Reply(ctx, (*s)->backend->experiments.Delete(*request), response);
}

grpc::ServerUnaryReactor* CovService::ListExperiments(
    grpc::CallbackServerContext* ctx, const grpc::ByteBuffer* request,
    grpc::ByteBuffer* response) {
  auto s = Guard(ctx, "ListExperiments");
  if (!s.ok()) return Finish(ctx, s.status());
  return CachedReply<cov::v1::ListExperimentsRequest>(
      ctx, *s, "ListExperiments", "", *request, response,
      [&](const cov::v1::ListExperimentsRequest&) {
        return (*s)->backend->experiments.List();
      });
}

}  // namespace cov::server::service
