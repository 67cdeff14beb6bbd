// Authentication of cov.v1.CovService calls: the `authorization` metadata of
// a call checked against the token store and the method's role
// (method_roles.h). The service calls it first in every handler (through
// CovService::Guard).
//
//   CallAuthorizer authorizer(&tokens);  // null tokens: authentication off
//   absl::Status ok = authorizer.Check(*ctx, "IngestAttack");
//   // kUnauthenticated or kPermissionDenied: answer with it, run nothing.
//
// Why an explicit check and not a server interceptor: gRPC C++ 1.51's
// experimental server interceptors cannot finish a call before its handler
// runs (they only observe and mutate), and an AuthMetadataProcessor only
// exists on TLS credentials, while tokens must also work on loopback
// without TLS. One call at the top of each handler keeps the check before
// any work on every transport. Logging and metrics stay interceptors
// (server/observability).
#ifndef COV_SERVER_AUTH_CALL_AUTHORIZER_H_
#define COV_SERVER_AUTH_CALL_AUTHORIZER_H_

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "grpcpp/server_context.h"
#include "server/auth/token_store.h"

namespace cov::server::auth {

class CallAuthorizer {
 public:
  // `tokens` must outlive this object; null turns authentication off.
  explicit CallAuthorizer(const TokenStore* tokens) : tokens_(tokens) {}

  // OK when the call may run `method` (RPC name); else kUnauthenticated or
  // kPermissionDenied (see authorize.h), logged with the peer and the
  // reason (never the token). Thread-safe.
  absl::Status Check(const grpc::ServerContextBase& ctx,
                     absl::string_view method) const;

  bool enabled() const { return tokens_ != nullptr; }

 private:
  const TokenStore* tokens_;
};

}  // namespace cov::server::auth

#endif  // COV_SERVER_AUTH_CALL_AUTHORIZER_H_
