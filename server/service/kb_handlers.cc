// Knowledge-base RPCs: ATT&CK releases and lookups (server/kb).
#include <chrono>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "server/kb/attack_ingest.h"
#include "server/kb/queries.h"
#include "server/kb/release_lifecycle.h"
#include "server/observability/log.h"
#include "server/service/cached_reply.h"
#include "server/service/cov_service.h"
#include "server/service/reply.h"

namespace cov::server::service {
namespace {

constexpr char kServerVersion[] = "cov 0.1.0 (cov.v1)";

void LogIngest(const cov::v1::IngestAttackRequest& request,
               const absl::StatusOr<cov::v1::IngestAttackResponse>& r) {
  // The client's file name when it sent one (also with a path), else the
  // server-side path.
  const std::string& name =
      request.file_name().empty() ? request.path() : request.file_name();
  if (!r.ok()) {
    observability::Log("ingest attack %s failed: %s", name,
                       r.status().ToString());
    return;
  }
  const auto& rel = r->release();
  const auto& c = rel.counts();
  observability::Log(
      "ingest attack %s -> %s@%s: %d techniques, %d sub-techniques, %d "
      "tactics, %d groups, %d software, %d campaigns, %d warnings in %.0f ms "
      "(parse %.0f, store %.0f)",
      name, rel.domain(), rel.version(), c.techniques(), c.subtechniques(),
      c.tactics(), c.groups(), c.software(), c.campaigns(), r->warning_count(),
      r->elapsed_ms(), r->parse_ms(), r->store_ms());
}

}  // namespace

grpc::ServerUnaryReactor* CovService::IngestAttack(
    grpc::CallbackServerContext* ctx,
    const cov::v1::IngestAttackRequest* request,
    cov::v1::IngestAttackResponse* response) {
  auto s = Guard(ctx, "IngestAttack");
  if (!s.ok()) return Finish(ctx, s.status());
  auto r = kb::IngestAttack(*(*s)->store, *request, (*s)->backend->check_path,
                            (*s)->backend->ingest_nice);
  // Warm the new model and its rule index before acknowledging, as rule
  // ingests do: the first read after the answer does not pay for them.
  if (r.ok()) (*s)->backend->models.RefreshRules().IgnoreError();
  LogIngest(*request, r);
  return s->Reply(ctx, std::move(r), response);
}

grpc::ServerUnaryReactor* CovService::ListReleases(
    grpc::CallbackServerContext* ctx, const grpc::ByteBuffer* request,
    grpc::ByteBuffer* response) {
  auto s = Guard(ctx, "ListReleases");
  if (!s.ok()) return Finish(ctx, s.status());
  return CachedReply<cov::v1::ListReleasesRequest>(
      ctx, *s, "ListReleases", "", *request, response,
      [&](const cov::v1::ListReleasesRequest&)
          -> absl::StatusOr<cov::v1::ListReleasesResponse> {
        auto r = (*s)->store->ListReleases();
        if (!r.ok()) return r.status();
        cov::v1::ListReleasesResponse out;
        for (auto& rel : *r) *out.add_releases() = std::move(rel);
        return out;
      });
}

grpc::ServerUnaryReactor* CovService::SetDefaultRelease(
    grpc::CallbackServerContext* ctx,
    const cov::v1::SetDefaultReleaseRequest* request,
    cov::v1::Release* response) {
  auto s = Guard(ctx, "SetDefaultRelease");
  if (!s.ok()) return Finish(ctx, s.status());
  return s->Reply(ctx, (*s)->store->SetDefaultRelease(request->release()),
                  response);
}

grpc::ServerUnaryReactor* CovService::DeleteRelease(
    grpc::CallbackServerContext* ctx,
    const cov::v1::DeleteReleaseRequest* request,
    cov::v1::DeleteReleaseResponse* response) {
  auto s = Guard(ctx, "DeleteRelease");
  if (!s.ok()) return Finish(ctx, s.status());
  auto r = kb::DeleteRelease((*s)->backend->models, *request);
  if (r.ok()) {
    observability::Log(
        "release %s@%s removed%s", r->release().domain(),
        r->release().version(),
        r->has_new_default()
            ? absl::StrCat("; default now ", r->new_default().domain(), "@",
                           r->new_default().version())
            : std::string());
  }
  return s->Reply(ctx, std::move(r), response);
}

grpc::ServerUnaryReactor* CovService::GetTechnique(
    grpc::CallbackServerContext* ctx, const grpc::ByteBuffer* request,
    grpc::ByteBuffer* response) {
  auto s = Guard(ctx, "GetTechnique");
  if (!s.ok()) return Finish(ctx, s.status());
  return CachedReply<cov::v1::GetTechniqueRequest>(
      ctx, *s, "GetTechnique", "", *request, response,
      [&](const cov::v1::GetTechniqueRequest& r) {
        return kb::GetTechnique(*(*s)->store, r);
      });
}

grpc::ServerUnaryReactor* CovService::GetActor(grpc::CallbackServerContext* ctx,
                                               const grpc::ByteBuffer* request,
                                               grpc::ByteBuffer* response) {
  auto s = Guard(ctx, "GetActor");
  if (!s.ok()) return Finish(ctx, s.status());
  return CachedReply<cov::v1::GetActorRequest>(
      ctx, *s, "GetActor", "", *request, response,
      [&](const cov::v1::GetActorRequest& r) {
        return kb::GetActor((*s)->backend->models, r);
      });
}

grpc::ServerUnaryReactor* CovService::Search(grpc::CallbackServerContext* ctx,
                                             const grpc::ByteBuffer* request,
                                             grpc::ByteBuffer* response) {
  auto s = Guard(ctx, "Search");
  if (!s.ok()) return Finish(ctx, s.status());
  return CachedReply<cov::v1::SearchRequest>(
      ctx, *s, "Search", "", *request, response,
      [&](const cov::v1::SearchRequest& r) {
        return kb::Search((*s)->backend->models, r);
      });
}

grpc::ServerUnaryReactor* CovService::GetStats(grpc::CallbackServerContext* ctx,
                                               const grpc::ByteBuffer* request,
                                               grpc::ByteBuffer* response) {
  auto s = Guard(ctx, "GetStats");
  if (!s.ok()) return Finish(ctx, s.status());
  // The answer carries the uptime in seconds: one cached answer per second.
  const int64_t uptime = std::chrono::duration_cast<std::chrono::seconds>(
                             std::chrono::steady_clock::now() - started_)
                             .count();
  return CachedReply<cov::v1::GetStatsRequest>(
      ctx, *s, "GetStats", absl::StrCat(uptime), *request, response,
      [&](const cov::v1::GetStatsRequest&) {
        absl::StatusOr<cov::v1::Stats> stats = kb::StoreStats(*(*s)->store);
        if (stats.ok()) {
          stats->set_server_version(kServerVersion);
          stats->set_uptime_seconds(uptime);
        }
        return stats;
      });
}

}  // namespace cov::server::service
