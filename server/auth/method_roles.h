// Roles and the one table that says which role each cov.v1.CovService RPC
// needs. Roles are ordered: admin can do what write can, write what read can.
//
//   Role need = RequiredRole("/cov.v1.CovService/IngestAttack");  // kWrite
//   if (!Allows(caller_role, need)) ... PERMISSION_DENIED
//
// Health (grpc.health.v1) and server reflection are not CovService RPCs and
// stay open; they never pass through this table.
#ifndef COV_SERVER_AUTH_METHOD_ROLES_H_
#define COV_SERVER_AUTH_METHOD_ROLES_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace cov::server::auth {

enum class Role { kRead = 1, kWrite = 2, kAdmin = 3 };

// "read", "write" or "admin".
absl::string_view RoleName(Role role);

// Parses "read", "write" or "admin" (exact, lower case); kInvalidArgument
// otherwise.
absl::StatusOr<Role> ParseRole(absl::string_view name);

// True when a caller holding `held` may call an RPC that needs `needed`.
inline bool Allows(Role held, Role needed) {
  return static_cast<int>(held) >= static_cast<int>(needed);
}

// THE table: every cov.v1.CovService RPC as X(method, request type,
// response type, least role). The authorizing service forwards exactly these
// methods, so an RPC missing here answers UNIMPLEMENTED through it (fail
// closed) and method_roles_test fails until it is added.
//   read:  queries, exports, plans, experiment reads, CheckRules/FixRules
//          (content-only, nothing is stored);
//   write: everything that changes the store;
//   admin: everything, and backups/restores (they read or replace the
//          whole store).
// RPCs served by CovServiceImpl over the current store.
#define COV_AUTH_STORE_METHODS(X)                                            \
  X(IngestAttack, IngestAttackRequest, IngestAttackResponse, kWrite)         \
  X(ListReleases, ListReleasesRequest, ListReleasesResponse, kRead)          \
  X(SetDefaultRelease, SetDefaultReleaseRequest, Release, kWrite)            \
  X(GetTechnique, GetTechniqueRequest, Technique, kRead)                     \
  X(GetActor, GetActorRequest, Actor, kRead)                                 \
  X(Search, SearchRequest, SearchResponse, kRead)                            \
  X(GetStats, GetStatsRequest, Stats, kRead)                                 \
  X(IngestRules, IngestRulesRequest, IngestRulesResponse, kWrite)            \
  X(ListSources, ListSourcesRequest, ListSourcesResponse, kRead)             \
  X(ListRuleErrors, ListRuleErrorsRequest, ListRuleErrorsResponse, kRead)    \
  X(ListRules, ListRulesRequest, ListRulesResponse, kRead)                   \
  X(GetCoverage, CoverageRequest, CoverageResponse, kRead)                   \
  X(GetGaps, GapsRequest, GapsResponse, kRead)                               \
  X(ExportLayer, LayerRequest, LayerResponse, kRead)                         \
  X(InferProfile, InferProfileRequest, InferProfileResponse, kRead)          \
  X(IngestLibrary, IngestLibraryRequest, IngestLibraryResponse, kWrite)      \
  X(GetPlan, PlanRequest, PlanResponse, kRead)                               \
  X(StartExperiment, StartExperimentRequest, Experiment, kWrite)             \
  X(RecordResult, RecordResultRequest, Experiment, kWrite)                   \
  X(ImportAlerts, ImportAlertsRequest, ImportAlertsResponse, kWrite)         \
  X(GetExperiment, GetExperimentRequest, Experiment, kRead)                  \
  X(ListExperiments, ListExperimentsRequest, ListExperimentsResponse, kRead) \
  X(CheckRules, CheckRequest, CheckResponse, kRead)                          \
  X(FixRules, FixRequest, FixResponse, kRead)
// RPCs that back up or replace the whole store (LiveCovService).
#define COV_AUTH_ADMIN_METHODS(X)                                    \
  X(CreateBackup, CreateBackupRequest, CreateBackupResponse, kAdmin) \
  X(ListBackups, ListBackupsRequest, ListBackupsResponse, kAdmin)    \
  X(RestoreBackup, RestoreBackupRequest, RestoreBackupResponse, kAdmin)
#define COV_AUTH_COVSERVICE_METHODS(X) \
  COV_AUTH_STORE_METHODS(X) COV_AUTH_ADMIN_METHODS(X)

// The service the table describes.
inline constexpr absl::string_view kCovServiceName = "cov.v1.CovService";

// The least role for `method`, given as the RPC name ("IngestAttack") or the
// gRPC path ("/cov.v1.CovService/IngestAttack"). Methods not in the table
// (including other services' paths) need kAdmin: unknown means closed.
Role RequiredRole(absl::string_view method);

struct MethodRole {
  std::string method;  // RPC name, e.g. "IngestAttack"
  Role role;
};

// The table's rows in declaration order (for tests and documentation).
const std::vector<MethodRole>& MethodRoles();

}  // namespace cov::server::auth

#endif  // COV_SERVER_AUTH_METHOD_ROLES_H_
