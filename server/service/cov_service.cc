#include "server/service/cov_service.h"

#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "server/auth/method_roles.h"

namespace cov::server::service {

CovService::CovService(LiveStore* live, const auth::TokenStore* tokens)
    : live_(live),
      authorizer_(tokens),
      started_(std::chrono::steady_clock::now()) {}

absl::Status CovService::Admit(grpc::CallbackServerContext* ctx,
                               absl::string_view method) const {
  return authorizer_.Check(*ctx, method);
}

absl::StatusOr<Call> CovService::Guard(grpc::CallbackServerContext* ctx,
                                       absl::string_view method) const {
  if (absl::Status admitted = Admit(ctx, method); !admitted.ok()) {
    return admitted;
  }
  // Writes, and the one admin RPC that changes the store's content
  // (RestoreBackup is how a replica loads its snapshots).
  if (live_->replica() && (auth::RequiredRole(method) == auth::Role::kWrite ||
                           method == "DeleteRelease")) {
    return absl::FailedPreconditionError(
        absl::StrCat("this covd is a read-only replica of ",
                     live_->snapshot_from(), " (--snapshot_from); send ",
                     method, " to the primary, then publish a backup"));
  }
  std::shared_ptr<LiveStore::Serving> current = live_->Current();
  if (current == nullptr) {
    return absl::UnavailableError(
        "the store is unavailable after a failed restore; see the server log");
  }
  // Every RPC that is not a read may change what reads answer.
  ReadCache::WriteFence fence;
  if (auth::RequiredRole(method) != auth::Role::kRead) {
    fence = current->backend->read_cache.BeginWrite();
  }
  return Call(std::move(current), std::move(fence));
}

}  // namespace cov::server::service
