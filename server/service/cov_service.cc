#include "server/service/cov_service.h"

#include <cstdio>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "server/engine/search.h"
#include "server/kb/attack_ingest.h"
#include "server/service/status_util.h"

namespace cov::server::service {
namespace {

constexpr char kServerVersion[] = "cov 0.1.0 (cov.v1)";

grpc::ServerUnaryReactor* Finish(grpc::CallbackServerContext* ctx,
                                 const absl::Status& s) {
  grpc::ServerUnaryReactor* reactor = ctx->DefaultReactor();
  reactor->Finish(ToGrpcStatus(s));
  return reactor;
}

}  // namespace

CovServiceImpl::CovServiceImpl(store::Store* store)
    : store_(store), cache_(store), started_(std::chrono::steady_clock::now()) {}

grpc::ServerUnaryReactor* CovServiceImpl::IngestAttack(
    grpc::CallbackServerContext* ctx,
    const cov::v1::IngestAttackRequest* request,
    cov::v1::IngestAttackResponse* response) {
  absl::StatusOr<cov::v1::IngestAttackResponse> r =
      kb::IngestAttack(*store_, *request);
  std::string name = request->has_path() ? request->path()
                                         : request->file_name();
  if (!r.ok()) {
    std::fprintf(stderr, "covd: ingest attack %s failed: %s\n", name.c_str(),
                 r.status().ToString().c_str());
    return Finish(ctx, r.status());
  }
  const auto& rel = r->release();
  const auto& c = rel.counts();
  std::fprintf(stderr,
               "covd: ingest attack %s -> %s@%s: %d techniques, %d "
               "sub-techniques, %d tactics, %d groups, %d software, %d "
               "campaigns, %d warnings in %.0f ms (parse %.0f, store %.0f)\n",
               name.c_str(), rel.domain().c_str(), rel.version().c_str(),
               c.techniques(), c.subtechniques(), c.tactics(), c.groups(),
               c.software(), c.campaigns(), r->warning_count(),
               r->elapsed_ms(), r->parse_ms(), r->store_ms());
  *response = *std::move(r);
  return Finish(ctx, absl::OkStatus());
}

grpc::ServerUnaryReactor* CovServiceImpl::ListReleases(
    grpc::CallbackServerContext* ctx, const cov::v1::ListReleasesRequest*,
    cov::v1::ListReleasesResponse* response) {
  auto r = store_->ListReleases();
  if (!r.ok()) return Finish(ctx, r.status());
  for (auto& rel : *r) *response->add_releases() = std::move(rel);
  return Finish(ctx, absl::OkStatus());
}

grpc::ServerUnaryReactor* CovServiceImpl::SetDefaultRelease(
    grpc::CallbackServerContext* ctx,
    const cov::v1::SetDefaultReleaseRequest* request,
    cov::v1::Release* response) {
  auto r = store_->SetDefaultRelease(request->release());
  if (!r.ok()) return Finish(ctx, r.status());
  *response = *std::move(r);
  return Finish(ctx, absl::OkStatus());
}

grpc::ServerUnaryReactor* CovServiceImpl::GetTechnique(
    grpc::CallbackServerContext* ctx,
    const cov::v1::GetTechniqueRequest* request,
    cov::v1::Technique* response) {
  std::string id(absl::StripAsciiWhitespace(request->id()));
  if (id.empty()) {
    return Finish(ctx, absl::InvalidArgumentError("technique ID is empty"));
  }
  auto release = store_->ResolveRelease(request->release());
  if (!release.ok()) return Finish(ctx, release.status());
  auto t = store_->GetTechnique(release->key, id);
  if (!t.ok()) return Finish(ctx, t.status());
  *response = *std::move(t);
  return Finish(ctx, absl::OkStatus());
}

grpc::ServerUnaryReactor* CovServiceImpl::GetActor(
    grpc::CallbackServerContext* ctx, const cov::v1::GetActorRequest* request,
    cov::v1::Actor* response) {
  auto release = store_->ResolveRelease(request->release());
  if (!release.ok()) return Finish(ctx, release.status());
  auto kb = cache_.Get(*release);
  if (!kb.ok()) return Finish(ctx, kb.status());
  const cov::v1::Actor* a = (*kb)->FindActor(request->id());
  if (a == nullptr) {
    return Finish(ctx, absl::NotFoundError(absl::StrCat(
                           "no group, software or campaign '", request->id(),
                           "' in ATT&CK ", release->key)));
  }
  *response = *a;
  return Finish(ctx, absl::OkStatus());
}

grpc::ServerUnaryReactor* CovServiceImpl::Search(
    grpc::CallbackServerContext* ctx, const cov::v1::SearchRequest* request,
    cov::v1::SearchResponse* response) {
  auto release = store_->ResolveRelease(request->release());
  if (!release.ok()) return Finish(ctx, release.status());
  auto kb = cache_.Get(*release);
  if (!kb.ok()) return Finish(ctx, kb.status());
  *response = engine::Search(**kb, *request);
  return Finish(ctx, absl::OkStatus());
}

grpc::ServerUnaryReactor* CovServiceImpl::GetStats(
    grpc::CallbackServerContext* ctx, const cov::v1::GetStatsRequest*,
    cov::v1::Stats* response) {
  auto r = store_->ListReleases();
  if (!r.ok()) return Finish(ctx, r.status());
  for (auto& rel : *r) *response->add_releases() = std::move(rel);
  response->set_store_bytes(store_->ApproximateSizeBytes());
  response->set_server_version(kServerVersion);
  response->set_uptime_seconds(
      std::chrono::duration_cast<std::chrono::seconds>(
          std::chrono::steady_clock::now() - started_)
          .count());
  return Finish(ctx, absl::OkStatus());
}

}  // namespace cov::server::service
