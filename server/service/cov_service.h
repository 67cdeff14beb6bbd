// gRPC glue for cov.v1.CovService: validates requests, calls the store, the
// knowledge-base operations and the engine, and maps statuses. No parsing or
// RocksDB code lives here. RPCs not overridden answer UNIMPLEMENTED (the
// generated base class does that).
#ifndef COV_SERVER_SERVICE_COV_SERVICE_H_
#define COV_SERVER_SERVICE_COV_SERVICE_H_

#include <chrono>

#include "cov/v1/cov.grpc.pb.h"
#include "server/engine/ref_resolver.h"
#include "server/engine/coverage.h"
#include "server/kb/kb_cache.h"
#include "server/kb/rule_index_cache.h"
#include "server/rules/rule_check.h"
#include "server/store/store.h"

namespace cov::server::service {

class CovServiceImpl final : public cov::v1::CovService::CallbackService {
 public:
  // `store` must outlive the service.
  explicit CovServiceImpl(store::Store* store);

  grpc::ServerUnaryReactor* IngestAttack(
      grpc::CallbackServerContext* ctx,
      const cov::v1::IngestAttackRequest* request,
      cov::v1::IngestAttackResponse* response) override;
  grpc::ServerUnaryReactor* ListReleases(
      grpc::CallbackServerContext* ctx,
      const cov::v1::ListReleasesRequest* request,
      cov::v1::ListReleasesResponse* response) override;
  grpc::ServerUnaryReactor* SetDefaultRelease(
      grpc::CallbackServerContext* ctx,
      const cov::v1::SetDefaultReleaseRequest* request,
      cov::v1::Release* response) override;
  grpc::ServerUnaryReactor* GetTechnique(
      grpc::CallbackServerContext* ctx,
      const cov::v1::GetTechniqueRequest* request,
      cov::v1::Technique* response) override;
  grpc::ServerUnaryReactor* GetActor(grpc::CallbackServerContext* ctx,
                                     const cov::v1::GetActorRequest* request,
                                     cov::v1::Actor* response) override;
  grpc::ServerUnaryReactor* Search(grpc::CallbackServerContext* ctx,
                                   const cov::v1::SearchRequest* request,
                                   cov::v1::SearchResponse* response) override;
  grpc::ServerUnaryReactor* GetStats(grpc::CallbackServerContext* ctx,
                                     const cov::v1::GetStatsRequest* request,
                                     cov::v1::Stats* response) override;
  grpc::ServerUnaryReactor* GetCoverage(
      grpc::CallbackServerContext* ctx, const cov::v1::CoverageRequest* request,
      cov::v1::CoverageResponse* response) override;
  grpc::ServerUnaryReactor* GetGaps(grpc::CallbackServerContext* ctx,
                                    const cov::v1::GapsRequest* request,
                                    cov::v1::GapsResponse* response) override;
  grpc::ServerUnaryReactor* ExportLayer(
      grpc::CallbackServerContext* ctx, const cov::v1::LayerRequest* request,
      cov::v1::LayerResponse* response) override;
  grpc::ServerUnaryReactor* InferProfile(
      grpc::CallbackServerContext* ctx,
      const cov::v1::InferProfileRequest* request,
      cov::v1::InferProfileResponse* response) override;
  grpc::ServerUnaryReactor* CheckRules(
      grpc::CallbackServerContext* ctx, const cov::v1::CheckRequest* request,
      cov::v1::CheckResponse* response) override;
  grpc::ServerUnaryReactor* FixRules(grpc::CallbackServerContext* ctx,
                                     const cov::v1::FixRequest* request,
                                     cov::v1::FixResponse* response) override;
  grpc::ServerUnaryReactor* IngestRules(
      grpc::CallbackServerContext* ctx,
      const cov::v1::IngestRulesRequest* request,
      cov::v1::IngestRulesResponse* response) override;
  grpc::ServerUnaryReactor* ListSources(
      grpc::CallbackServerContext* ctx,
      const cov::v1::ListSourcesRequest* request,
      cov::v1::ListSourcesResponse* response) override;
  grpc::ServerUnaryReactor* ListRuleErrors(
      grpc::CallbackServerContext* ctx,
      const cov::v1::ListRuleErrorsRequest* request,
      cov::v1::ListRuleErrorsResponse* response) override;
  grpc::ServerUnaryReactor* ListRules(
      grpc::CallbackServerContext* ctx,
      const cov::v1::ListRulesRequest* request,
      cov::v1::ListRulesResponse* response) override;

 private:
  // The model of `ref` (or the default) plus the default release of every
  // other stored domain (for WRONG_DOMAIN checks). First is null when no
  // release is stored.
  absl::StatusOr<std::pair<std::shared_ptr<const engine::KnowledgeBase>,
                           engine::OtherDomains>>
  Models(const cov::v1::ReleaseRef& ref);

  // Everything a coverage-style query needs, resolved from its options.
  struct QueryContext {
    std::shared_ptr<const engine::KnowledgeBase> kb;
    std::shared_ptr<const engine::RuleIndex> rules;
    engine::CoverageQuery query;
  };
  absl::StatusOr<QueryContext> PrepareQuery(
      const cov::v1::ReleaseRef& release,
      const cov::v1::CoverageOptions& options);

  store::Store* store_;
  kb::KbCache cache_;
  kb::RuleIndexCache rule_cache_;
  rules::ParseCache parse_cache_;
  std::chrono::steady_clock::time_point started_;
};

}  // namespace cov::server::service

#endif  // COV_SERVER_SERVICE_COV_SERVICE_H_
