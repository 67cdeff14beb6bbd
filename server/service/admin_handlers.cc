// Backup and restore RPCs (server/service/live_store.h). They need the admin
// role but no open store: a restore is how a failed one is repaired.
#include "server/service/cov_service.h"
#include "server/service/reply.h"

namespace cov::server::service {

grpc::ServerUnaryReactor* CovService::CreateBackup(
    grpc::CallbackServerContext* ctx,
    const cov::v1::CreateBackupRequest* request,
    cov::v1::CreateBackupResponse* response) {
  if (absl::Status ok = Admit(ctx, "CreateBackup"); !ok.ok()) {
    return Finish(ctx, ok);
  }
  return Reply(ctx, live_->CreateBackup(*request), response);
}

grpc::ServerUnaryReactor* CovService::ListBackups(
    grpc::CallbackServerContext* ctx,
    const cov::v1::ListBackupsRequest* request,
    cov::v1::ListBackupsResponse* response) {
  if (absl::Status ok = Admit(ctx, "ListBackups"); !ok.ok()) {
    return Finish(ctx, ok);
  }
  return Reply(ctx, live_->ListBackups(*request), response);
}

grpc::ServerUnaryReactor* CovService::RestoreBackup(
    grpc::CallbackServerContext* ctx,
    const cov::v1::RestoreBackupRequest* request,
    cov::v1::RestoreBackupResponse* response) {
  if (absl::Status ok = Admit(ctx, "RestoreBackup"); !ok.ok()) {
    return Finish(ctx, ok);
  }
  return Reply(ctx, live_->Restore(*request), response);
}

}  // namespace cov::server::service
