// gRPC glue for cov.v1.CovService: each handler calls the one function of
// the package that owns the logic (server/kb, rules, check, experiments,
// library) and maps its result and status to the response. No parsing,
// caching or RocksDB code lives here. RPCs not overridden answer
// UNIMPLEMENTED (the generated base class does that).
#ifndef COV_SERVER_SERVICE_COV_SERVICE_H_
#define COV_SERVER_SERVICE_COV_SERVICE_H_

#include <chrono>

#include "cov/v1/cov.grpc.pb.h"
#include "server/experiments/experiments.h"
#include "server/kb/models.h"
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
  store::Store* store_;
  kb::Models models_;
  experiments::Experiments experiments_;
  rules::ParseCache parse_cache_;
  std::chrono::steady_clock::time_point started_;
};

}  // namespace cov::server::service

#endif  // COV_SERVER_SERVICE_COV_SERVICE_H_
