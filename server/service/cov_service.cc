#include "server/service/cov_service.h"

#include <string>
#include <utility>

#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "ingest/registry/parsers.h"
#include "server/check/fix_loop.h"
#include "server/export/plan_render.h"
#include "server/kb/attack_ingest.h"
#include "server/kb/layer_export.h"
#include "server/kb/queries.h"
#include "server/library/library_ingest.h"
#include "server/observability/log.h"
#include "server/rules/rule_requests.h"
#include "server/service/status_util.h"

namespace cov::server::service {
namespace {

using observability::Log;

constexpr char kServerVersion[] = "cov 0.1.0 (cov.v1)";

grpc::ServerUnaryReactor* Finish(grpc::CallbackServerContext* ctx,
                                 const absl::Status& s) {
  grpc::ServerUnaryReactor* reactor = ctx->DefaultReactor();
  reactor->Finish(ToGrpcStatus(s));
  return reactor;
}

// Moves an OK result into the response and finishes the call.
template <typename T, typename Response>
grpc::ServerUnaryReactor* Reply(grpc::CallbackServerContext* ctx,
                                absl::StatusOr<T> result, Response* response) {
  if (result.ok()) *response = *std::move(result);
  return Finish(ctx, result.status());
}

int64_t NowUnix() { return absl::ToUnixSeconds(absl::Now()); }

}  // namespace

CovServiceImpl::CovServiceImpl(store::Store* store)
    : store_(store),
      models_(store),
      experiments_(&models_),
      started_(std::chrono::steady_clock::now()) {}

absl::Status CovServiceImpl::Warm() { return models_.Warm(); }

// Knowledge base -------------------------------------------------------------

grpc::ServerUnaryReactor* CovServiceImpl::IngestAttack(
    grpc::CallbackServerContext* ctx,
    const cov::v1::IngestAttackRequest* request,
    cov::v1::IngestAttackResponse* response) {
  absl::StatusOr<cov::v1::IngestAttackResponse> r =
      kb::IngestAttack(*store_, *request);
  const std::string& name =
      request->has_path() ? request->path() : request->file_name();
  if (!r.ok()) {
    Log("ingest attack %s failed: %s", name, r.status().ToString());
  } else {
    const auto& rel = r->release();
    const auto& c = rel.counts();
    Log("ingest attack %s -> %s@%s: %d techniques, %d sub-techniques, %d "
        "tactics, %d groups, %d software, %d campaigns, %d warnings in %.0f "
        "ms (parse %.0f, store %.0f)",
        name, rel.domain(), rel.version(), c.techniques(), c.subtechniques(),
        c.tactics(), c.groups(), c.software(), c.campaigns(),
        r->warning_count(), r->elapsed_ms(), r->parse_ms(), r->store_ms());
  }
  return Reply(ctx, std::move(r), response);
}

grpc::ServerUnaryReactor* CovServiceImpl::ListReleases(
    grpc::CallbackServerContext* ctx, const cov::v1::ListReleasesRequest*,
    cov::v1::ListReleasesResponse* response) {
  auto r = store_->ListReleases();
  if (r.ok()) {
    for (auto& rel : *r) *response->add_releases() = std::move(rel);
  }
  return Finish(ctx, r.status());
}

grpc::ServerUnaryReactor* CovServiceImpl::SetDefaultRelease(
    grpc::CallbackServerContext* ctx,
    const cov::v1::SetDefaultReleaseRequest* request,
    cov::v1::Release* response) {
  return Reply(ctx, store_->SetDefaultRelease(request->release()), response);
}

grpc::ServerUnaryReactor* CovServiceImpl::GetTechnique(
    grpc::CallbackServerContext* ctx,
    const cov::v1::GetTechniqueRequest* request, cov::v1::Technique* response) {
  return Reply(ctx, kb::GetTechnique(*store_, *request), response);
}

grpc::ServerUnaryReactor* CovServiceImpl::GetActor(
    grpc::CallbackServerContext* ctx, const cov::v1::GetActorRequest* request,
    cov::v1::Actor* response) {
  return Reply(ctx, kb::GetActor(models_, *request), response);
}

grpc::ServerUnaryReactor* CovServiceImpl::Search(
    grpc::CallbackServerContext* ctx, const cov::v1::SearchRequest* request,
    cov::v1::SearchResponse* response) {
  return Reply(ctx, kb::Search(models_, *request), response);
}

grpc::ServerUnaryReactor* CovServiceImpl::GetStats(
    grpc::CallbackServerContext* ctx, const cov::v1::GetStatsRequest*,
    cov::v1::Stats* response) {
  absl::StatusOr<cov::v1::Stats> stats = kb::StoreStats(*store_);
  if (stats.ok()) {
    stats->set_server_version(kServerVersion);
    stats->set_uptime_seconds(std::chrono::duration_cast<std::chrono::seconds>(
                                  std::chrono::steady_clock::now() - started_)
                                  .count());
  }
  return Reply(ctx, std::move(stats), response);
}

// Coverage -------------------------------------------------------------------

grpc::ServerUnaryReactor* CovServiceImpl::GetCoverage(
    grpc::CallbackServerContext* ctx, const cov::v1::CoverageRequest* request,
    cov::v1::CoverageResponse* response) {
  return Reply(ctx, kb::Coverage(models_, *request), response);
}

grpc::ServerUnaryReactor* CovServiceImpl::GetGaps(
    grpc::CallbackServerContext* ctx, const cov::v1::GapsRequest* request,
    cov::v1::GapsResponse* response) {
  return Reply(ctx, kb::Gaps(models_, *request), response);
}

grpc::ServerUnaryReactor* CovServiceImpl::ExportLayer(
    grpc::CallbackServerContext* ctx, const cov::v1::LayerRequest* request,
    cov::v1::LayerResponse* response) {
  return Reply(ctx, kb::ExportLayer(models_, *request, absl::Now()), response);
}

grpc::ServerUnaryReactor* CovServiceImpl::InferProfile(
    grpc::CallbackServerContext* ctx,
    const cov::v1::InferProfileRequest* request,
    cov::v1::InferProfileResponse* response) {
  return Reply(ctx, rules::InferProfile(*store_, *request), response);
}

// Check and fix
// ----------------------------------------------------------------

grpc::ServerUnaryReactor* CovServiceImpl::CheckRules(
    grpc::CallbackServerContext* ctx, const cov::v1::CheckRequest* request,
    cov::v1::CheckResponse* response) {
  return Reply(ctx, rules::Check(models_, &parse_cache_, *request), response);
}

grpc::ServerUnaryReactor* CovServiceImpl::FixRules(
    grpc::CallbackServerContext* ctx, const cov::v1::FixRequest* request,
    cov::v1::FixResponse* response) {
  return Reply(ctx, check::FixRules(models_, *request), response);
}

// Emulation and experiments
// ----------------------------------------------------

grpc::ServerUnaryReactor* CovServiceImpl::IngestLibrary(
    grpc::CallbackServerContext* ctx,
    const cov::v1::IngestLibraryRequest* request,
    cov::v1::IngestLibraryResponse* response) {
  auto r = library::IngestLibrary(*store_, *request);
  if (r.ok()) {
    Log("ingest %s %s -> source %s: %d files, %d tests, %d plans, %d "
        "techniques, %d diagnostics in %.0f ms",
        request->kind(), request->path(), r->source(), r->files(), r->tests(),
        r->plans(), r->techniques(), r->diagnostics_size(), r->elapsed_ms());
  }
  return Reply(ctx, std::move(r), response);
}

grpc::ServerUnaryReactor* CovServiceImpl::GetPlan(
    grpc::CallbackServerContext* ctx, const cov::v1::PlanRequest* request,
    cov::v1::PlanResponse* response) {
  auto plan = kb::Plan(models_, *request);
  if (plan.ok()) {
    absl::Status r = exporter::RenderPlan(request->format(), &*plan);
    if (!r.ok()) plan = r;
  }
  return Reply(ctx, std::move(plan), response);
}

grpc::ServerUnaryReactor* CovServiceImpl::StartExperiment(
    grpc::CallbackServerContext* ctx,
    const cov::v1::StartExperimentRequest* request,
    cov::v1::Experiment* response) {
  return Reply(ctx, experiments_.Start(*request, NowUnix()), response);
}

grpc::ServerUnaryReactor* CovServiceImpl::RecordResult(
    grpc::CallbackServerContext* ctx,
    const cov::v1::RecordResultRequest* request,
    cov::v1::Experiment* response) {
  return Reply(ctx, experiments_.RecordResult(*request, NowUnix()), response);
}

grpc::ServerUnaryReactor* CovServiceImpl::ImportAlerts(
    grpc::CallbackServerContext* ctx,
    const cov::v1::ImportAlertsRequest* request,
    cov::v1::ImportAlertsResponse* response) {
  auto r = experiments_.ImportAlerts(*request, NowUnix());
  if (r.ok()) {
    Log("import %s into %s: %d alerts, %d matched, %d malformed, %d results",
        request->format(), request->experiment_id(), r->alerts(), r->matched(),
        r->malformed(), r->results_size());
  }
  return Reply(ctx, std::move(r), response);
}

grpc::ServerUnaryReactor* CovServiceImpl::GetExperiment(
    grpc::CallbackServerContext* ctx,
    const cov::v1::GetExperimentRequest* request,
    cov::v1::Experiment* response) {
  return Reply(ctx, experiments_.Get(*request), response);
}

grpc::ServerUnaryReactor* CovServiceImpl::ListExperiments(
    grpc::CallbackServerContext* ctx, const cov::v1::ListExperimentsRequest*,
    cov::v1::ListExperimentsResponse* response) {
  return Reply(ctx, experiments_.List(), response);
}

// Rule sources
// -------------------------------------------------------------------

grpc::ServerUnaryReactor* CovServiceImpl::IngestRules(
    grpc::CallbackServerContext* ctx,
    const cov::v1::IngestRulesRequest* request,
    cov::v1::IngestRulesResponse* response) {
  absl::StatusOr<cov::v1::IngestRulesResponse> r =
      rules::Ingest(models_, *request);
  const std::string format(ingest::FormatName(request->format()));
  if (!r.ok()) {
    Log("ingest %s %s failed: %s", format, request->path(),
        r.status().ToString());
  } else {
    const cov::v1::Source& s = r->source();
    Log("ingest %s %s -> source %s: %d rules in %d files (%d parsed, %d "
        "unchanged, %d removed), %d errors in %.0f ms",
        format, s.path(), s.name(), s.rule_count(), s.file_count(),
        r->files_parsed(), r->files_skipped(), r->files_removed(),
        s.error_count(), r->elapsed_ms());
  }
  return Reply(ctx, std::move(r), response);
}

grpc::ServerUnaryReactor* CovServiceImpl::ListSources(
    grpc::CallbackServerContext* ctx, const cov::v1::ListSourcesRequest*,
    cov::v1::ListSourcesResponse* response) {
  auto r = store_->ListSources();
  if (r.ok()) {
    for (auto& s : *r) *response->add_sources() = std::move(s);
  }
  return Finish(ctx, r.status());
}

grpc::ServerUnaryReactor* CovServiceImpl::ListRuleErrors(
    grpc::CallbackServerContext* ctx,
    const cov::v1::ListRuleErrorsRequest* request,
    cov::v1::ListRuleErrorsResponse* response) {
  return Reply(ctx, rules::ListRuleErrors(*store_, *request), response);
}

grpc::ServerUnaryReactor* CovServiceImpl::ListRules(
    grpc::CallbackServerContext* ctx, const cov::v1::ListRulesRequest* request,
    cov::v1::ListRulesResponse* response) {
  return Reply(ctx, rules::ListRules(*store_, *request), response);
}

}  // namespace cov::server::service
