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

// THE table (MethodRoles(), in method_roles.cc): every cov.v1.CovService
// RPC and its least role. method_roles_test fails when an RPC of the proto
// has no row, and a method without a row needs kAdmin (fail closed).
//   read:  queries, exports, plans, experiment reads, CheckRules/FixRules
//          (content-only, nothing is stored);
//   write: everything that changes the store;
//   admin: everything, and backups/restores (they read or replace the
//          whole store) and DeleteRelease (it changes what every query
//          resolves to).

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
