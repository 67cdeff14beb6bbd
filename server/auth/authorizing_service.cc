#include "server/auth/authorizing_service.h"

#include <cstdio>
#include <string>
#include <vector>

#include "server/auth/authorize.h"

namespace cov::server::auth {

AuthorizingCovService::AuthorizingCovService(
    cov::v1::CovService::CallbackService* inner, const TokenStore* tokens)
    : inner_(inner), tokens_(tokens) {}

grpc::ServerUnaryReactor* AuthorizingCovService::Deny(
    grpc::CallbackServerContext* ctx, absl::string_view method) {
  if (tokens_ == nullptr) return nullptr;
  std::vector<absl::string_view> values;
  auto range = ctx->client_metadata().equal_range("authorization");
  for (auto it = range.first; it != range.second; ++it) {
    values.emplace_back(it->second.data(), it->second.size());
  }
  absl::StatusOr<std::string> who = Authorize(tokens_, values, method);
  if (who.ok()) return nullptr;
  std::fprintf(stderr, "covd: denied %.*s from %s: %s\n",
               static_cast<int>(method.size()), method.data(),
               ctx->peer().c_str(),
               std::string(who.status().message()).c_str());
  grpc::ServerUnaryReactor* reactor = ctx->DefaultReactor();
  reactor->Finish(
      grpc::Status(static_cast<grpc::StatusCode>(who.status().code()),
                   std::string(who.status().message())));
  return reactor;
}

#define COV_AUTH_FORWARD(method, request, response, role)                     \
  grpc::ServerUnaryReactor* AuthorizingCovService::method(                    \
      grpc::CallbackServerContext* ctx, const cov::v1::request* req,          \
      cov::v1::response* resp) {                                              \
    if (grpc::ServerUnaryReactor* denied = Deny(ctx, #method)) return denied; \
    return inner_->method(ctx, req, resp);                                    \
  }
COV_AUTH_COVSERVICE_METHODS(COV_AUTH_FORWARD)
#undef COV_AUTH_FORWARD

}  // namespace cov::server::auth
