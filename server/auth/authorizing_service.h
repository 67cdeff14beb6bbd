// cov.v1.CovService with authentication in front: every RPC first passes
// Authorize() on the call's `authorization` metadata and the method's role
// (method_roles.h); a denied call is answered UNAUTHENTICATED or
// PERMISSION_DENIED without reaching the wrapped service.
//
//   CovServiceImpl impl(store);
//   AuthorizingCovService service(&impl, &tokens);  // tokens null: auth off
//   builder.RegisterService(&service);
//
// Why a wrapping service and not a server interceptor: gRPC C++ (1.51)
// server interceptors cannot stop a call before its handler runs, and an
// AuthMetadataProcessor only exists on TLS credentials, while tokens must
// also work on loopback without TLS. Wrapping keeps the check before the
// handler on every transport.
#ifndef COV_SERVER_AUTH_AUTHORIZING_SERVICE_H_
#define COV_SERVER_AUTH_AUTHORIZING_SERVICE_H_

#include "cov/v1/cov.grpc.pb.h"
#include "server/auth/method_roles.h"
#include "server/auth/token_store.h"

namespace cov::server::auth {

class AuthorizingCovService final
    : public cov::v1::CovService::CallbackService {
 public:
  // `inner` and `tokens` must outlive this service; `tokens` null turns
  // authentication off (every call is forwarded). Denials are logged to
  // stderr with the peer and the reason (never the token).
  AuthorizingCovService(cov::v1::CovService::CallbackService* inner,
                        const TokenStore* tokens);

#define COV_AUTH_DECLARE(method, request, response, role)            \
  grpc::ServerUnaryReactor* method(grpc::CallbackServerContext* ctx, \
                                   const cov::v1::request* req,      \
                                   cov::v1::response* resp) override;
  COV_AUTH_COVSERVICE_METHODS(COV_AUTH_DECLARE)
#undef COV_AUTH_DECLARE

 private:
  // A finished reactor with the denial, or null when the call may proceed.
  grpc::ServerUnaryReactor* Deny(grpc::CallbackServerContext* ctx,
                                 absl::string_view method);

  cov::v1::CovService::CallbackService* inner_;
  const TokenStore* tokens_;
};

}  // namespace cov::server::auth

#endif  // COV_SERVER_AUTH_AUTHORIZING_SERVICE_H_
