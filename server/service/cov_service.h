// cov.v1.CovService: the one gRPC service class of covd. Every handler reads
//
//   auto serving = Guard(ctx, "GetCoverage");      // auth, replica, store
//   if (!serving.ok()) return Finish(ctx, serving.status());
//   return Reply(ctx, kb::Coverage((*serving)->backend->models, *request),
//                response);                          // one call, then map
//
// i.e. validate (Guard: the caller's token and role, read-only replicas,
// the store being available) -> call ONE function of the package that owns
// the logic (server/kb, rules, check, experiments, library, the live store)
// -> map its result and status to the response. No parsing, caching or
// RocksDB code lives here; per-RPC logs and metrics are interceptors
// (server/observability). Handlers are grouped by area in *_handlers.cc.
//
// Adding an RPC in this shape:
//  1. proto/cov/v1/cov.proto: the rpc (documented) and its messages.
//  2. server/auth/method_roles.cc: a row with its least role
//     (method_roles_test fails until it is there).
//  3. The owning package: one function request -> StatusOr<response>, unit
//     tested over store::MemoryStore.
//  4. Here: the override below, and its handler (Guard, one call, Reply)
//     in the *_handlers.cc of its area (or a new one, listed in BUILD).
//  5. A read whose answer depends only on the request and the store: make it
//     a cached read (a WithRawCallbackMethod_ line below, bytes in and out,
//     finished by CachedReply; anything else it depends on, such as a clock,
//     goes into the key's variant). Every RPC that is not kRead ends a write
//     fence before it answers (Guard, call.h), which drops the cache.
//
//   store::RocksDbStoreFactory factory;
//   auto live = LiveStore::Open(options, &factory);
//   CovService service(live->get(), tokens_or_null);
//   builder.RegisterService(&service);
#ifndef COV_SERVER_SERVICE_COV_SERVICE_H_
#define COV_SERVER_SERVICE_COV_SERVICE_H_

#include <chrono>
#include <memory>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "cov/v1/cov.grpc.pb.h"
#include "server/auth/call_authorizer.h"
#include "server/auth/token_store.h"
#include "server/service/call.h"
#include "server/service/live_store.h"

namespace cov::server::service {

// The generated callback service with the cached reads taking their request
// and answer as bytes (cached_reply.h): their bytes are the cache's key and
// value.
namespace internal {
using G = cov::v1::CovService;
using Raw0 = G::CallbackService;
using Raw1 = G::WithRawCallbackMethod_GetStats<Raw0>;
using Raw2 = G::WithRawCallbackMethod_ListExperiments<Raw1>;
using Raw3 = G::WithRawCallbackMethod_GetExperiment<Raw2>;
using Raw4 = G::WithRawCallbackMethod_ListReleases<Raw3>;
using Raw5 = G::WithRawCallbackMethod_GetPlan<Raw4>;
using Raw6 = G::WithRawCallbackMethod_ListRuleErrors<Raw5>;
using Raw7 = G::WithRawCallbackMethod_ListRules<Raw6>;
using Raw8 = G::WithRawCallbackMethod_ListSources<Raw7>;
using Raw9 = G::WithRawCallbackMethod_Search<Raw8>;
using Raw10 = G::WithRawCallbackMethod_GetActor<Raw9>;
using Raw11 = G::WithRawCallbackMethod_GetTechnique<Raw10>;
using Raw12 = G::WithRawCallbackMethod_ExportLayer<Raw11>;
using Raw13 = G::WithRawCallbackMethod_GetGaps<Raw12>;
using Raw14 = G::WithRawCallbackMethod_GetCoverage<Raw13>;
}  // namespace internal
using CovServiceBase = internal::Raw14;

class CovService final : public CovServiceBase {
 public:
  // `live` and `tokens` must outlive the service; `tokens` null turns
  // authentication off.
  CovService(LiveStore* live, const auth::TokenStore* tokens);

  grpc::ServerUnaryReactor* IngestAttack(
      grpc::CallbackServerContext* ctx,
      const cov::v1::IngestAttackRequest* request,
      cov::v1::IngestAttackResponse* response) override;
  grpc::ServerUnaryReactor* ListReleases(grpc::CallbackServerContext* ctx,
                                         const grpc::ByteBuffer* request,
                                         grpc::ByteBuffer* response) override;
  grpc::ServerUnaryReactor* SetDefaultRelease(
      grpc::CallbackServerContext* ctx,
      const cov::v1::SetDefaultReleaseRequest* request,
      cov::v1::Release* response) override;
  grpc::ServerUnaryReactor* DeleteRelease(
      grpc::CallbackServerContext* ctx,
      const cov::v1::DeleteReleaseRequest* request,
      cov::v1::DeleteReleaseResponse* response) override;
  grpc::ServerUnaryReactor* GetTechnique(grpc::CallbackServerContext* ctx,
                                         const grpc::ByteBuffer* request,
                                         grpc::ByteBuffer* response) override;
  grpc::ServerUnaryReactor* GetActor(grpc::CallbackServerContext* ctx,
                                     const grpc::ByteBuffer* request,
                                     grpc::ByteBuffer* response) override;
  grpc::ServerUnaryReactor* Search(grpc::CallbackServerContext* ctx,
                                   const grpc::ByteBuffer* request,
                                   grpc::ByteBuffer* response) override;
  grpc::ServerUnaryReactor* GetStats(grpc::CallbackServerContext* ctx,
                                     const grpc::ByteBuffer* request,
                                     grpc::ByteBuffer* response) override;
  grpc::ServerUnaryReactor* GetCoverage(grpc::CallbackServerContext* ctx,
                                        const grpc::ByteBuffer* request,
                                        grpc::ByteBuffer* response) override;
  grpc::ServerUnaryReactor* GetGaps(grpc::CallbackServerContext* ctx,
                                    const grpc::ByteBuffer* request,
                                    grpc::ByteBuffer* response) override;
  grpc::ServerUnaryReactor* ExportLayer(grpc::CallbackServerContext* ctx,
                                        const grpc::ByteBuffer* request,
                                        grpc::ByteBuffer* response) override;
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
                                    const grpc::ByteBuffer* request,
                                    grpc::ByteBuffer* response) override;
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
  grpc::ServerUnaryReactor* GetExperiment(grpc::CallbackServerContext* ctx,
                                          const grpc::ByteBuffer* request,
                                          grpc::ByteBuffer* response) override;
  grpc::ServerUnaryReactor* ListExperiments(
      grpc::CallbackServerContext* ctx, const grpc::ByteBuffer* request,
      grpc::ByteBuffer* response) override;
  grpc::ServerUnaryReactor* IngestRules(
      grpc::CallbackServerContext* ctx,
      const cov::v1::IngestRulesRequest* request,
      cov::v1::IngestRulesResponse* response) override;
  grpc::ServerUnaryReactor* DeleteExperiment(
      grpc::CallbackServerContext* ctx,
      const cov::v1::DeleteExperimentRequest* request,
      cov::v1::DeleteExperimentResponse* response) override;
  grpc::ServerUnaryReactor* DeleteSource(
      grpc::CallbackServerContext* ctx,
      const cov::v1::DeleteSourceRequest* request,
      cov::v1::DeleteSourceResponse* response) override;
  grpc::ServerUnaryReactor* ListSources(grpc::CallbackServerContext* ctx,
                                        const grpc::ByteBuffer* request,
                                        grpc::ByteBuffer* response) override;
  grpc::ServerUnaryReactor* ListRuleErrors(grpc::CallbackServerContext* ctx,
                                           const grpc::ByteBuffer* request,
                                           grpc::ByteBuffer* response) override;
  grpc::ServerUnaryReactor* ListRules(grpc::CallbackServerContext* ctx,
                                      const grpc::ByteBuffer* request,
                                      grpc::ByteBuffer* response) override;

  grpc::ServerUnaryReactor* CreateBackup(
      grpc::CallbackServerContext* ctx,
      const cov::v1::CreateBackupRequest* request,
      cov::v1::CreateBackupResponse* response) override;
  grpc::ServerUnaryReactor* ListBackups(
      grpc::CallbackServerContext* ctx,
      const cov::v1::ListBackupsRequest* request,
      cov::v1::ListBackupsResponse* response) override;
  grpc::ServerUnaryReactor* RestoreBackup(
      grpc::CallbackServerContext* ctx,
      const cov::v1::RestoreBackupRequest* request,
      cov::v1::RestoreBackupResponse* response) override;

  // Proven coverage (replay_handlers.cc).
  grpc::ServerUnaryReactor* Replay(grpc::CallbackServerContext* ctx,
                                   const cov::v1::ReplayRequest* request,
                                   cov::v1::ReplayResponse* response) override;
  grpc::ServerUnaryReactor* ReplayExperiment(
      grpc::CallbackServerContext* ctx,
      const cov::v1::ReplayExperimentRequest* request,
      cov::v1::ReplayExperimentResponse* response) override;
  grpc::ServerUnaryReactor* ReplayDatasets(
      grpc::CallbackServerContext* ctx,
      const cov::v1::ReplayDatasetsRequest* request,
      cov::v1::ReplayDatasetsResponse* response) override;
  grpc::ServerUnaryReactor* Scan(grpc::CallbackServerContext* ctx,
                                 const cov::v1::ScanRequest* request,
                                 cov::v1::ScanResponse* response) override;
  grpc::ServerUnaryReactor* ScanExperiment(
      grpc::CallbackServerContext* ctx,
      const cov::v1::ScanExperimentRequest* request,
      cov::v1::ScanExperimentResponse* response) override;

 private:
  // The authorization check alone (backup RPCs, which need no open store).
  absl::Status Admit(grpc::CallbackServerContext* ctx,
                     absl::string_view method) const;
  // Admit, then: a read-only replica refuses write RPCs
  // (kFailedPrecondition); the store the call runs on (kUnavailable after a
  // failed restore left none).
  // A write RPC's Call holds the read cache's write fence.
  absl::StatusOr<Call> Guard(grpc::CallbackServerContext* ctx,
                             absl::string_view method) const;

  LiveStore* live_;
  auth::CallAuthorizer authorizer_;
  std::chrono::steady_clock::time_point started_;
};

}  // namespace cov::server::service

#endif  // COV_SERVER_SERVICE_COV_SERVICE_H_
