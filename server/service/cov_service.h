// gRPC glue for cov.v1.CovService: validates requests, calls the store, the
// knowledge-base operations and the engine, and maps statuses. No parsing or
// RocksDB code lives here. RPCs not overridden answer UNIMPLEMENTED (the
// generated base class does that).
#ifndef COV_SERVER_SERVICE_COV_SERVICE_H_
#define COV_SERVER_SERVICE_COV_SERVICE_H_

#include <chrono>

#include "cov/v1/cov.grpc.pb.h"
#include "server/engine/coverage.h"
#include "server/engine/evidence.h"
#include "server/engine/ref_resolver.h"
#include "server/kb/kb_cache.h"
#include "server/kb/rule_index_cache.h"
#include "server/rules/rule_check.h"
#include "server/store/store.h"

namespace cov::server::service {

class CovServiceImpl final : public cov::v1::CovService::CallbackService {
 public:
  // `store` must outlive the service.
  explicit CovServiceImpl(store::Store* store);

  // Builds the default release's model, the rule index and the evidence
  // index now, so the first query does not pay for them (a replica warms a
  // new snapshot before swapping it in). OK on an empty store.
  absl::Status Warm();

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
  grpc::ServerUnaryReactor* IngestLibrary(
      grpc::CallbackServerContext* ctx,
      const cov::v1::IngestLibraryRequest* request,
      cov::v1::IngestLibraryResponse* response) override;
  grpc::ServerUnaryReactor* GetPlan(grpc::CallbackServerContext* ctx,
                                    const cov::v1::PlanRequest* request,
                                    cov::v1::PlanResponse* response) override;
  grpc::ServerUnaryReactor* StartExperiment(
      grpc::CallbackServerContext* ctx,
      const cov::v1::StartExperimentRequest* request,
      cov::v1::Experiment* response) override;
  grpc::ServerUnaryReactor* RecordResult(
      grpc::CallbackServerContext* ctx,
      const cov::v1::RecordResultRequest* request,
      cov::v1::Experiment* response) override;
  grpc::ServerUnaryReactor* ImportAlerts(
      grpc::CallbackServerContext* ctx,
      const cov::v1::ImportAlertsRequest* request,
      cov::v1::ImportAlertsResponse* response) override;
  grpc::ServerUnaryReactor* GetExperiment(
      grpc::CallbackServerContext* ctx,
      const cov::v1::GetExperimentRequest* request,
      cov::v1::Experiment* response) override;
  grpc::ServerUnaryReactor* ListExperiments(
      grpc::CallbackServerContext* ctx,
      const cov::v1::ListExperimentsRequest* request,
      cov::v1::ListExperimentsResponse* response) override;
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
    std::shared_ptr<const engine::EvidenceIndex> evidence;
    engine::OtherDomains others;  // default releases of the other domains
    engine::CoverageQuery query;
  };
  absl::StatusOr<QueryContext> PrepareQuery(
      const cov::v1::ReleaseRef& release,
      const cov::v1::CoverageOptions& options);

  // Tests by technique and CTID plans, reloaded when a library changes.
  struct Library {
    int64_t generation = -1;
    absl::flat_hash_map<std::string, std::vector<cov::v1::TestProcedure>> tests;
    std::vector<cov::v1::PlanResponse> plans;
  };
  absl::StatusOr<std::shared_ptr<const Library>> GetLibrary();
  // Evidence from every experiment, reloaded after each write.
  absl::StatusOr<std::shared_ptr<const engine::EvidenceIndex>> GetEvidence();
  // Plan inputs for a request's release.
  absl::StatusOr<cov::v1::PlanResponse> Plan(const cov::v1::PlanRequest& r);

  absl::Mutex library_mu_;
  std::shared_ptr<const Library> library_ ABSL_GUARDED_BY(library_mu_);
  absl::Mutex evidence_mu_;
  int64_t evidence_generation_ ABSL_GUARDED_BY(evidence_mu_) = -1;
  std::shared_ptr<const engine::EvidenceIndex> evidence_
      ABSL_GUARDED_BY(evidence_mu_);
  // Recent coverage answers (see GetCoverage).
  struct CachedAnswer {
    std::shared_ptr<const engine::KnowledgeBase> kb;
    std::shared_ptr<const engine::RuleIndex> rules;
    std::shared_ptr<const engine::EvidenceIndex> evidence;
    std::shared_ptr<const cov::v1::CoverageResponse> response;
  };
  absl::Mutex answer_mu_;
  absl::flat_hash_map<std::string, CachedAnswer> answers_
      ABSL_GUARDED_BY(answer_mu_);

  // Serialises read-modify-write of experiment records.
  absl::Mutex experiment_mu_;

  store::Store* store_;
  kb::KbCache cache_;
  kb::RuleIndexCache rule_cache_;
  rules::ParseCache parse_cache_;
  std::chrono::steady_clock::time_point started_;
};

}  // namespace cov::server::service

#endif  // COV_SERVER_SERVICE_COV_SERVICE_H_
