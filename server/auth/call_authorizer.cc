#include "server/auth/call_authorizer.h"

#include <string>
#include <vector>

#include "server/auth/authorize.h"
#include "server/observability/log.h"

namespace cov::server::auth {

absl::Status CallAuthorizer::Check(const grpc::ServerContextBase& ctx,
                                   absl::string_view method) const {
  if (tokens_ == nullptr) return absl::OkStatus();
  std::vector<absl::string_view> values;
  auto range = ctx.client_metadata().equal_range("authorization");
  for (auto it = range.first; it != range.second; ++it) {
    values.emplace_back(it->second.data(), it->second.size());
  }
  absl::StatusOr<std::string> who = Authorize(tokens_, values, method);
  if (who.ok()) return absl::OkStatus();
  observability::Log("denied %s from %s: %s", method, ctx.peer(),
                     who.status().message());
  return who.status();
}

}  // namespace cov::server::auth
